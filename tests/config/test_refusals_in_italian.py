"""Every refusal a request can get (404s, the domain's 400s) reads in the request's language."""
import ast
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parents[2]


def _refusal_texts() -> set[str]:
    """The literal texts given to Http404(_(...)) and ApplicationError(_(...)) anywhere in the app's code."""
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=BASE_DIR, capture_output=True, text=True,
                           check=True).stdout.split()
    texts = set()
    for name in files:
        if name.startswith(("tests/", "bench/")):
            continue
        for node in ast.walk(ast.parse((BASE_DIR / name).read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Http404", "ApplicationError")
                    and node.args):
                text = node.args[0]
                if isinstance(text, ast.BinOp):  # _("... %(x)s") % {...}
                    text = text.left
                if isinstance(text, ast.Call) and getattr(text.func, "id", None) == "_" and text.args and isinstance(
                        text.args[0], ast.Constant):
                    texts.add(text.args[0].value)
    return texts


def test_every_refusal_text_in_the_code_has_its_italian():
    texts = _refusal_texts()
    assert len(texts) > 40  # the walk found the refusals (it would pass on an empty set)
    with translation.override("it"):
        missing = sorted(text for text in texts if translation.gettext(text) == text)
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("language, product, design", [
    ("it", "Il prodotto 'nope' non esiste.", "Questo design non esiste."),
    ("en", "No product 'nope'.", "No such design."),
])
def test_a_missing_product_or_design_is_a_404_in_the_readers_language(api_client, shopper, language, product,
                                                                      design):
    api_client.force_authenticate(shopper)
    answer = api_client.get("/api/v1/products/nope/", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 404 and answer.json()["detail"] == product
    answer = api_client.get("/api/v1/designs/987654/", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 404 and answer.json()["detail"] == design


@pytest.mark.django_db
def test_a_revision_with_neither_feet_nor_a_set_is_refused_in_italian(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    design = api_client.post("/api/v1/designs/", {"product": "insole"}, format="json").json()
    answer = api_client.post(f"/api/v1/designs/{design['id']}/revisions/",
                             {"parameters": {}}, format="json",
                             HTTP_ACCEPT_LANGUAGE="it")
    assert answer.status_code == 400, answer.content
    assert "uno dei due, non entrambi" in answer.json()["detail"] and answer.json()["field"] == "measurements"
