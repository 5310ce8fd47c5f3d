"""The geometry's refusals read in the request's language: a code and numbers from the geometry, the sentence here."""
import json
import re

import pytest
from django.utils import translation
from hypothesis import given, settings as hypothesis_settings, strategies as st

from config.error_text import parameter_error_text
from geometry.error_messages import TEMPLATES
from geometry.errors import ParameterError
from geometry.foot import MEASUREMENT_RANGES_MM, TYPICAL_FOOT_MM, FootMeasurements
from geometry import registry

PLACEHOLDER = re.compile(r"%\((\w+)\)s")

values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6), st.text(max_size=4),
                   st.none(), st.booleans())


@given(name=st.sampled_from(sorted(MEASUREMENT_RANGES_MM)), value=values)
@hypothesis_settings(max_examples=300, deadline=None)
def test_every_refused_measurement_has_a_sentence_in_italian(name, value):
    foot = {**TYPICAL_FOOT_MM, name: value}
    try:
        FootMeasurements.from_dict(foot)
    except ParameterError as error:
        assert error.code in TEMPLATES, error
        with translation.override("it"):
            text = parameter_error_text(error)
        assert "%(" not in text and " must " not in text and "Invalid" not in text, text
    json.dumps(foot, default=str)


@given(option=st.sampled_from(registry.option_schema("shoe") + registry.option_schema("insole")), value=values)
@hypothesis_settings(max_examples=300, deadline=None)
def test_every_refused_option_has_a_sentence_in_italian(option, value):
    key = "shoe" if option in registry.option_schema("shoe") else "insole"
    try:
        registry.parse(key, options={option["name"]: value}, foot=TYPICAL_FOOT_MM, side="right")
    except ParameterError as error:
        if error.field != option["name"]:
            return
        assert error.code in TEMPLATES, error
        with translation.override("it"):
            text = parameter_error_text(error)
        assert "%(" not in text and " must " not in text, text


def test_each_template_keeps_its_placeholders_in_italian():
    with translation.override("it"):
        for code, template in TEMPLATES.items():
            italian = translation.gettext(template)
            assert italian != template, f"{code} is not translated"
            assert set(PLACEHOLDER.findall(italian)) == set(PLACEHOLDER.findall(template)), code


@pytest.mark.django_db
def test_a_length_typed_in_centimetres_is_explained_in_the_request_language(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    design = api_client.post("/api/designs/", {"product": "insole", "name": "Corsa"}, format="json").json()
    feet = {side: {**TYPICAL_FOOT_MM, "length_mm": 26.5} for side in ("left", "right")}
    response = api_client.post(f"/api/designs/{design['id']}/revisions/", {"measurements": feet}, format="json",
                               HTTP_ACCEPT_LANGUAGE="it")
    body = response.json()
    assert response.status_code == 400 and body["field"] == "measurements.left.length_mm"
    assert body["code"] == "out_of_range_cm"
    assert body["detail"] == ("Lunghezza del piede: scegli un valore da 150 a 350 mm; 26,5 sembrano centimetri, "
                              "per 26,5 cm inserisci 265.")
