"""POST /api/measurement-sets/estimate/: both feet from a shoe size, recorded as an estimate a later scan replaces."""
import pytest

from customers.models import MeasurementSet
from customers.selectors import measurement_set_list
from customers.services import customer_get_or_create_for_user, measurement_set_record
from tests.conftest import FEET

pytestmark = pytest.mark.django_db


def test_a_size_and_fitting_record_an_estimate_of_both_feet(api_client, shopper):
    api_client.force_authenticate(shopper)
    response = api_client.post("/api/measurement-sets/estimate/", {"system": "eu", "size": 42, "fitting": "wide"},
                               format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["source"] == "estimate" and body["measurements"]["left"] == body["measurements"]["right"]
    assert body["size"]["sizes"]["eu"]["size"] == 42 and body["size"]["width"]["fitting"] == "wide"
    assert MeasurementSet.objects.get(pk=body["id"]).source == MeasurementSet.Source.ESTIMATE


@pytest.mark.parametrize("payload, field", [({"system": "eu", "size": 60}, "size"), ({"system": "eu", "size": 42.5}, "size"),
                                            ({"system": "mondo", "size": 42}, "system"), ({"system": "eu"}, "size"),
                                            ({"system": "uk", "size": 8, "fitting": "huge"}, "fitting")])
def test_a_size_that_is_not_one_is_a_400_naming_the_field_in_the_request_language(api_client, shopper, payload, field):
    api_client.force_authenticate(shopper)
    response = api_client.post("/api/measurement-sets/estimate/", payload, format="json", HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 400
    body = response.json()
    assert body.get("field") == field or field in body, body
    assert not MeasurementSet.objects.exists()


def test_a_later_scan_or_store_measurement_is_the_set_in_use(api_client, shopper):
    api_client.force_authenticate(shopper)
    estimate = api_client.post("/api/measurement-sets/estimate/", {"system": "uk", "size": 8}, format="json").json()
    customer = customer_get_or_create_for_user(user=shopper)
    assert measurement_set_list(customer=customer).first().pk == estimate["id"]
    measured = measurement_set_record(customer=customer, feet=FEET, source=MeasurementSet.Source.STORE)
    assert measurement_set_list(customer=customer).first() == measured


def test_only_a_signed_in_person_estimates(api_client):
    assert api_client.post("/api/measurement-sets/estimate/", {"system": "eu", "size": 42}, format="json").status_code in (401, 403)
