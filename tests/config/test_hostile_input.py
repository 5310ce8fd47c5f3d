"""Hostile input gets a 4xx that says what is wrong, never a 500: huge numbers, deep or huge JSON, ids out of range."""
import json

import pytest

from configurator.models import Design

HUGE = int("9" * 400)
BIG_ID = 2**70


def post_json(client, url, body: str):
    return client.generic("POST", url, body, content_type="application/json")


@pytest.fixture
def design(products, shopper):
    return Design.objects.create(customer=shopper.customer, template=products["shoe"])


@pytest.mark.django_db
def test_a_400_digit_number_in_a_quote_is_refused_naming_the_option(api_client, products):
    body = json.dumps({"product": "shoe", "parameters": {"toe_allowance_mm": 12}}).replace("12", "9" * 400)
    response = post_json(api_client, "/api/quote/", body)
    assert response.status_code == 400, response.content
    assert "toe_allowance_mm" in response.content.decode()


@pytest.mark.django_db
def test_a_400_digit_measurement_is_refused_naming_it(api_client, shopper):
    api_client.force_authenticate(shopper)
    feet = {"left": {"length_mm": 260, "ball_width_mm": 100, "ball_girth_mm": 245, "instep_girth_mm": 250,
                     "heel_width_mm": 66, "arch_height_mm": 20}}
    body = json.dumps({"measurements": feet}).replace("245", "9" * 400)
    response = post_json(api_client, "/api/measurement-sets/", body)
    assert response.status_code == 400, response.content
    assert "ball_girth_mm" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [2_000, 5_000, 100_000])
def test_deeply_nested_json_is_a_400(api_client, shopper, depth):
    api_client.force_authenticate(shopper)
    response = post_json(api_client, "/api/quote/", "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


@pytest.mark.django_db
def test_a_json_body_over_the_limit_is_a_413_without_reading_it_whole(api_client, shopper, settings):
    api_client.force_authenticate(shopper)
    body = json.dumps({"product": "shoe", "parameters": {"pad": "x" * (settings.API_JSON_MAX_BYTES + 10)}})
    response = post_json(api_client, "/api/quote/", body)
    assert response.status_code == 413
    assert str(settings.API_JSON_MAX_BYTES) in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/api/designs/{id}/", "/api/designs/{id}/revisions/", "/api/revisions/{id}/", "/api/scans/{id}/",
    "/api/measurement-sets/{id}/", "/api/measurement-sets/{id}/foot/left.glb", "/designs/{id}/",
])
def test_ids_out_of_range_in_a_path_are_404(client, api_client, shopper, url):
    api_client.force_authenticate(shopper)
    client.force_login(shopper)
    for big in (BIG_ID, HUGE):
        target = url.format(id=big)
        response = (client if not target.startswith("/api/") else api_client).get(target)
        assert response.status_code == 404, (target, response.status_code)


@pytest.mark.django_db
def test_ids_out_of_range_in_a_body_are_400_naming_the_field(api_client, shopper, production_user, design):
    api_client.force_authenticate(production_user)
    response = api_client.post("/api/production/exports/", {"revision_ids": [BIG_ID]}, format="json")
    assert response.status_code in (400, 404) and response.status_code != 500
    if response.status_code == 400:
        assert "revision_ids" in response.content.decode()
    api_client.force_authenticate(shopper)
    response = api_client.post("/api/orders/", {"design": design.pk, "revision": BIG_ID}, format="json")
    assert response.status_code == 400 and "revision" in response.content.decode()
    response = api_client.post(f"/api/designs/{design.pk}/revisions/", {"measurement_set": BIG_ID}, format="json")
    assert response.status_code == 400 and "measurement_set" in response.content.decode()
