"""A shoe too long for the farm's printers is refused before it is built, in the reader's language, with its numbers."""
import pytest

from tests.geometry.test_fits_printers import TOE, WALL, long_foot

pytestmark = pytest.mark.django_db


def request_shoe(api_client, shopper, *, length_mm: float, options: dict, **headers):
    api_client.force_authenticate(shopper)
    design = api_client.post("/api/designs/", {"product": "shoe", "name": "Lunga"}, format="json").json()
    feet = {side: long_foot(length_mm) for side in ("left", "right")}
    return api_client.post(f"/api/designs/{design['id']}/revisions/", {"parameters": options, "measurements": feet},
                           format="json", **headers)


def test_italian_by_accept_language_gets_the_italian_sentence_with_the_numbers(api_client, shopper, products):
    response = request_shoe(api_client, shopper, length_mm=337.0, options={"toe_allowance_mm": TOE["max"]},
                            HTTP_ACCEPT_LANGUAGE="it")
    body = response.json()
    assert response.status_code == 400
    assert body["field"] == "parameters.toe_allowance_mm" and body["code"] == "too_large_for_printers"
    assert body["detail"] == ("Spazio per le dita: la scarpa sarebbe lunga 370 mm, troppo grande per le nostre "
                              "stampanti (i loro piani da 360 mm accettano scarpe fino a 359 mm); per questo piede "
                              "scegli da 5 a 14 mm.")


def test_italian_by_the_language_cookie_for_a_foot_no_option_can_fit(api_client, shopper, products):
    api_client.cookies["django_language"] = "it"
    response = request_shoe(api_client, shopper, length_mm=350.0,
                            options={"toe_allowance_mm": TOE["max"], "wall_thickness_mm": WALL["max"]})
    body = response.json()
    assert response.status_code == 400 and body["code"] == "too_large_for_printers_foot"
    assert body["detail"].startswith("Spazio per le dita: la scarpa sarebbe lunga ")
    assert "troppo grande per le nostre stampanti" in body["detail"]
    assert "un piede lungo 350 mm è troppo lungo per loro." in body["detail"]


def test_english_readers_keep_the_english_sentence(api_client, shopper, products):
    response = request_shoe(api_client, shopper, length_mm=337.0, options={"toe_allowance_mm": TOE["max"]},
                            HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == ("Toe room: the shoe would be 370 mm long, too large for our printers (their "
                                         "360 mm plates take shoes up to 359 mm); for this foot choose from 5 to 14 mm.")
