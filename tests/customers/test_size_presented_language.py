"""A size's words are in the reader's language, whichever language the server spoke first."""
from django.utils import translation

from customers.selectors import size_presented
from tests.conftest import FEET


def test_side_and_width_words_follow_the_request_language():
    with translation.override("en"):
        english = size_presented(feet=FEET)
    with translation.override("it"):
        italian = size_presented(feet=FEET)
    assert "right" in english["reason_display"] and "destro" in italian["reason_display"]
    assert english["width_label"] != italian["width_label"]
