"""Measurement sets over the API: the client types values, the server says where they came from."""
import pytest

from customers.models import MeasurementSet
from tests.conftest import FEET

pytestmark = pytest.mark.django_db


def test_typed_measurements_are_recorded_as_typed(api_client, shopper):
    api_client.force_authenticate(shopper)
    created = api_client.post("/api/measurement-sets/", {"measurements": FEET}, format="json")
    assert created.status_code == 201, created.content
    assert MeasurementSet.objects.get(pk=created.json()["id"]).source == MeasurementSet.Source.TYPED


@pytest.mark.parametrize("claimed", [MeasurementSet.Source.SCAN, MeasurementSet.Source.STORE])
@pytest.mark.parametrize("language, words", [("en", "set by the server"), ("it", "lo stabilisce il server")])
def test_a_client_cannot_claim_a_scan_or_a_store_measurement(api_client, shopper, claimed, language, words):
    api_client.force_authenticate(shopper)
    refused = api_client.post("/api/measurement-sets/", {"measurements": FEET, "source": claimed}, format="json",
                              HTTP_ACCEPT_LANGUAGE=language)
    assert refused.status_code == 400 and words in refused.json()["source"][0]
    assert not MeasurementSet.objects.filter(customer__user=shopper).exists()
