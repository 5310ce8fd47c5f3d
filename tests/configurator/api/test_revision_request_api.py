import json
import math

import pytest

from geometry.foot import MEASUREMENT_RANGES_MM
from configurator.models import DesignRevision
from customers.models import MeasurementSet
from tests.configurator.helpers import feet_copy

pytestmark = pytest.mark.django_db


@pytest.fixture
def design_id(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    response = api_client.post("/api/designs/", {"product": "insole", "name": "Running"}, format="json")
    assert response.status_code == 201
    return response.json()["id"]


def test_revision_request_saves_snapshot_and_queues(api_client, design_id):
    response = api_client.post(
        f"/api/designs/{design_id}/revisions/",
        {"measurements": feet_copy(), "parameters": {"thickness_mm": 5}},
        format="json",
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["number"] == 1
    assert body["measurements"]["left"]["length_mm"] == 273
    assert body["parameters"]["thickness_mm"] == 5
    assert len(body["params_hash"]) == 64


def test_same_request_twice_is_one_revision(api_client, design_id):
    payload = {"measurements": feet_copy(), "parameters": {"thickness_mm": 5}}
    first = api_client.post(f"/api/designs/{design_id}/revisions/", payload, format="json").json()
    second = api_client.post(f"/api/designs/{design_id}/revisions/", payload, format="json").json()
    assert first["id"] == second["id"]
    assert DesignRevision.objects.filter(design_id=design_id).count() == 1
    assert MeasurementSet.objects.count() == 1


def test_changed_option_is_a_new_numbered_revision(api_client, design_id):
    first = api_client.post(f"/api/designs/{design_id}/revisions/", {"measurements": feet_copy()}, format="json")
    second = api_client.post(
        f"/api/designs/{design_id}/revisions/", {"measurements": feet_copy(), "parameters": {"thickness_mm": 7}},
        format="json",
    )
    assert [first.json()["number"], second.json()["number"]] == [1, 2]
    listed = api_client.get(f"/api/designs/{design_id}/").json()
    assert [revision["number"] for revision in listed["revisions"]] == [2, 1]


@pytest.mark.parametrize(
    ("value", "expect_in_message"),
    [
        (-265, None),
        (0, None),
        (math.nan, None),
        (math.inf, None),
        (1e9, None),
        (26.5, "centimetre"),
        (0.265, "metre"),
        ("long", None),
        (None, None),
    ],
)
def test_bad_foot_length_is_400_naming_field_and_range(api_client, design_id, value, expect_in_message):
    feet = feet_copy()
    feet["left"]["length_mm"] = value
    # json.dumps writes NaN and Infinity tokens, as careless clients do.
    body = json.dumps({"measurements": feet})
    response = api_client.post(f"/api/designs/{design_id}/revisions/", body, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "measurements.left.length_mm"
    assert "foot length" in body["detail"].lower()  # named as the page names it, in the request's language
    low, high = (f"{bound:g}" for bound in MEASUREMENT_RANGES_MM["length_mm"])
    assert low in body["allowed"] and high in body["allowed"]
    if expect_in_message:
        assert expect_in_message in body["detail"].lower()
    assert DesignRevision.objects.count() == 0


def test_nan_token_in_raw_json_names_the_field(api_client, design_id):
    raw = (
        '{"measurements": {"left": {"length_mm": NaN, "ball_width_mm": 100, "ball_girth_mm": 245,'
        ' "instep_girth_mm": 250, "heel_width_mm": 65, "arch_height_mm": 18}}, "side": "left"}'
    )
    response = api_client.post(f"/api/designs/{design_id}/revisions/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "measurements.left.length_mm"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"measurements": {"left": {"length_mm": 265}}}, "measurements.left.ball_width_mm"),
        ({"measurements": {"middle": {}}}, "measurements.middle"),
        ({"measurements": feet_copy(), "parameters": {"thickness_mm": 500}}, "parameters.thickness_mm"),
        ({"measurements": feet_copy(), "parameters": {"no_such_option": 1}}, "parameters.no_such_option"),
        ({"measurements": feet_copy(), "side": "middle"}, "side"),
        ({"measurements": {"left": feet_copy()["left"]}, "side": "both"}, "measurements.right"),
    ],
)
def test_other_bad_input_is_400_naming_the_field(api_client, design_id, payload, field):
    response = api_client.post(f"/api/designs/{design_id}/revisions/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert DesignRevision.objects.count() == 0


def test_malformed_json_is_400_not_500(api_client, design_id):
    response = api_client.post(f"/api/designs/{design_id}/revisions/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_unknown_product_is_404(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    assert api_client.post("/api/designs/", {"product": "hat"}, format="json").status_code == 404


def test_products_list_their_option_schema(api_client, products):
    body = api_client.get("/api/products/").json()
    by_slug = {product["slug"]: product for product in body}
    assert set(by_slug) == {"insole", "shoe"}
    thickness = next(option for option in by_slug["insole"]["options"] if option["name"] == "thickness_mm")
    assert thickness["min"] < thickness["default"] < thickness["max"]


def test_a_shoe_too_long_for_the_printer_is_400_naming_the_option(api_client, shopper, products):
    api_client.force_authenticate(shopper)
    design = api_client.post("/api/designs/", {"product": "shoe"}, format="json").json()
    feet = feet_copy()
    feet["right"]["length_mm"] = 340
    response = api_client.post(
        f"/api/designs/{design['id']}/revisions/",
        {"measurements": feet, "parameters": {"toe_allowance_mm": 25}, "side": "right"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "parameters.toe_allowance_mm"
    assert "for this foot" in response.json()["allowed"]
