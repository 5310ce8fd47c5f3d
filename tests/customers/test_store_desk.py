"""The fitting tablet: staff check a customer in, then scan or measure their feet; nobody else uses it."""
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import FootScan, MeasurementSet
from tests.datafiles import FIND_0015A

pytestmark = pytest.mark.django_db

STORE_FEET = {
    "left.length_mm": "262", "left.ball_width_mm": "98", "left.ball_girth_mm": "241", "left.instep_girth_mm": "246",
    "left.heel_width_mm": "64", "left.arch_height_mm": "17,5",
}


@pytest.mark.parametrize("role", ["shopper", "production_user"])
def test_only_store_staff_open_the_desk(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/store/").status_code == 403


def test_staff_see_nobody_until_a_customer_checks_in(client, store_user, shopper):
    client.force_login(store_user)
    page = client.get("/store/")
    assert page.status_code == 200 and page.context["customer"] is None
    refused = client.post("/store/", {"action": "measure", **STORE_FEET})
    assert refused.status_code == 400 and "check a customer in" in refused.context["error"]
    unknown = client.post("/store/", {"action": "check_in", "email": "nobody@example.com"})
    assert unknown.status_code == 404 and unknown.context["customer"] is None


def test_staff_measure_and_scan_the_checked_in_customer(client, store_user, shopper):
    client.force_login(store_user)
    assert client.post("/store/", {"action": "check_in", "email": shopper.email}).status_code == 302
    assert client.get("/store/").context["customer"] == shopper.customer
    assert client.post("/store/", {"action": "measure", **STORE_FEET}).status_code == 302
    measured = MeasurementSet.objects.get(customer=shopper.customer)
    assert measured.source == MeasurementSet.Source.STORE
    assert measured.measurements.get(side="left", kind="arch_height_mm").value_mm == 17.5  # an Italian comma reads

    bad = client.post("/store/", {"action": "measure", **STORE_FEET, "left.length_mm": "26"})
    assert bad.status_code == 400 and "centimetres" in bad.context["error"]
    scan = SimpleUploadedFile("foot.ply", FIND_0015A.read_bytes())
    assert client.post("/store/", {"action": "scan", "files": [scan]}).status_code == 302
    assert FootScan.objects.get().customer == shopper.customer

    client.post("/store/", {"action": "check_out"})
    assert client.get("/store/").context["customer"] is None
