"""Find a store for a fitting: nearest first from a location or a typed Italian city, in both languages."""
import pytest

from stores.cities import city_key
from stores.selectors import distance_km
from tests.stores.factories import StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores(db):
    return {
        "milano": StoreFactory(name="Sartoria Milano", city="Milano", latitude=45.47, longitude=9.19),
        "roma": StoreFactory(name="Sartoria Roma", city="Roma", latitude=41.90, longitude=12.49),
        "napoli": StoreFactory(name="Sartoria Napoli", city="Napoli", latitude=40.84, longitude=14.25),
        "nowhere": StoreFactory(name="Sartoria Pop-up", city="", latitude=None, longitude=None),
    }


def test_distance_is_the_great_circle_one():
    # Milano Duomo to Roma Colosseo is about 477 km as the crow flies
    assert distance_km(45.4642, 9.1900, 41.8902, 12.4922) == pytest.approx(477, abs=5)
    assert distance_km(45.0, 9.0, 45.0, 9.0) == 0


def test_city_names_are_read_as_people_type_them():
    assert city_key("  Firènze ") == "firenze" and city_key("Turin") == "torino" and city_key("L'Aquila") == "l'aquila"


def test_the_api_sorts_by_distance_from_a_typed_city(client, stores):
    body = client.get("/api/stores/?city=Salerno").json()
    assert [store["name"] for store in body] == ["Sartoria Napoli", "Sartoria Roma", "Sartoria Milano", "Sartoria Pop-up"]
    assert body[0]["distance_km"] < 60 and body[-1]["distance_km"] is None


def test_the_api_sorts_by_distance_from_the_browser_location(client, stores):
    body = client.get("/api/stores/?latitude=45.07&longitude=7.69").json()  # Torino
    assert [store["name"] for store in body][:3] == ["Sartoria Milano", "Sartoria Roma", "Sartoria Napoli"]


@pytest.mark.parametrize("query, field", [("latitude=95&longitude=9", "latitude"), ("city=Atlantis", "city")])
def test_a_bad_place_is_a_400_naming_the_field(client, stores, query, field):
    response = client.get(f"/api/stores/?{query}")
    body = response.json()
    assert response.status_code == 400 and (field in body or body.get("field") == field)


def test_the_page_sorts_by_city_in_english_and_italian(client, stores):
    page = client.get("/stores/?city=Napoli")
    html = page.content.decode()
    assert page.status_code == 200 and html.index("Sartoria Napoli") < html.index("Sartoria Milano")
    assert "km away" in html
    client.cookies["django_language"] = "it"
    italian = client.get("/stores/?city=Napoli").content.decode()
    assert "Trova un negozio per una prova" in italian and "km di distanza" in italian


def test_an_unknown_city_is_said_in_words_and_kept(client, stores):
    page = client.get("/stores/?city=Atlantis")
    assert page.status_code == 400
    html = page.content.decode()
    assert "We do not know Atlantis" in html and 'value="Atlantis"' in html
