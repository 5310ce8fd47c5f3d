"""The fitting tablet: staff check a customer in, then scan or measure their feet; nobody else uses it."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import ChannelIdentity, FootScan, MeasurementSet
from tests.datafiles import FIND_0015A

pytestmark = pytest.mark.django_db

STORE_FEET = {
    "left-length_mm": "262", "left-ball_width_mm": "98", "left-ball_girth_mm": "241", "left-instep_girth_mm": "246",
    "left-heel_width_mm": "64", "left-arch_height_mm": "17,5",
}
BOTH_FEET = {**STORE_FEET, **{key.replace("left-", "right-"): value for key, value in STORE_FEET.items()}}


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

    bad = client.post("/store/", {"action": "measure", **STORE_FEET, "left-length_mm": "26"})
    assert bad.status_code == 400 and "centimetres" in bad.content.decode()
    scan = SimpleUploadedFile("foot.ply", FIND_0015A.read_bytes())
    assert client.post("/store/", {"action": "scan", "files": [scan]}).status_code == 302
    assert FootScan.objects.get().customer == shopper.customer

    client.post("/store/", {"action": "check_out"})
    assert client.get("/store/").context["customer"] is None


def test_staff_check_a_customer_in_by_loyalty_card(client, store_user, shopper, other_shopper):
    # given two customers, one holding loyalty card 4006381333931
    ChannelIdentity.objects.create(customer=shopper.customer, channel=ChannelIdentity.Channel.LOYALTY,
                                   external_id="4006381333931")
    client.force_login(store_user)
    # when staff type a card nobody holds, then nobody is checked in
    unknown = client.post("/store/", {"action": "check_in", "loyalty_card": "4006381333948"})
    assert unknown.status_code == 404 and client.get("/store/").context["customer"] is None
    # when staff type the card (as scanned, with spaces around it), then its holder is checked in, not the other one
    assert client.post("/store/", {"action": "check_in", "loyalty_card": " 4006381333931 "}).status_code == 302
    assert client.get("/store/").context["customer"] == shopper.customer
    # and what the desk measures now is theirs
    assert client.post("/store/", {"action": "measure", **STORE_FEET}).status_code == 302
    assert MeasurementSet.objects.get().customer == shopper.customer


def test_a_card_wins_over_an_email_typed_with_it(client, store_user, shopper, other_shopper):
    ChannelIdentity.objects.create(customer=shopper.customer, channel=ChannelIdentity.Channel.LOYALTY, external_id="77")
    client.force_login(store_user)
    client.post("/store/", {"action": "check_in", "loyalty_card": "77", "email": other_shopper.email})
    assert client.get("/store/").context["customer"] == shopper.customer


@pytest.fixture
def checked_in(client, store_user, shopper):
    client.force_login(store_user)
    client.post("/store/", {"action": "check_in", "email": shopper.email})
    return shopper.customer


def test_one_bad_value_keeps_all_twelve_typed_values_and_names_each_error(client, checked_in):
    # given both feet typed, with a word where a number goes and centimetres where millimetres go
    typed = {**BOTH_FEET, "left-ball_width_mm": "abc", "right-length_mm": "26"}
    # when saved
    page = client.post("/store/", {"action": "measure", **typed})
    html = page.content.decode()
    # then nothing is saved, every typed value is still in its box, and each error shows beside its field
    assert page.status_code == 400 and not MeasurementSet.objects.exists()
    for name, value in typed.items():
        assert f'name="{name}" value="{value}"' in html, name
    errors = dict(page.context["measurement_errors"])
    assert errors == {"Left · Ball width": "Enter a number.",
                      "Right · Foot length": "This looks like centimetres: enter 260 mm for 26 cm."}
    assert 'aria-invalid="true"' in html and "ball_width_mm" not in "".join(errors)  # labels, not raw names


def test_the_desk_speaks_italian_with_a_decimal_comma(client, checked_in):
    # given the desk in Italian
    client.cookies["django_language"] = "it"
    # when a partial foot with a word in it is saved
    page = client.post("/store/", {"action": "measure", "left-length_mm": "abc", "left-arch_height_mm": "17,5"})
    errors = dict(page.context["measurement_errors"])
    # then the word is "not a number" (not "missing"), the empty fields are asked for, all in Italian
    assert page.status_code == 400
    assert errors["Sinistro · Lunghezza del piede"] == "Inserisci un numero."
    assert all(label.startswith("Sinistro · ") for label in errors) and len(errors) == 5
    assert errors["Sinistro · Larghezza metatarsale"].startswith("Serve anche")
    # and the whole foot with a decimal comma is saved as 17.5 mm
    assert client.post("/store/", {"action": "measure", **STORE_FEET}).status_code == 302
    assert MeasurementSet.objects.get().measurements.get(side="left", kind="arch_height_mm").value_mm == 17.5


def test_feet_that_cannot_be_are_refused_beside_the_field_the_check_names(client, checked_in):
    # a ball girth smaller than twice the ball width cannot go round the ball
    page = client.post("/store/", {"action": "measure", **STORE_FEET, "left-ball_girth_mm": "180"})
    assert page.status_code == 400 and not MeasurementSet.objects.exists()
    errors = dict(page.context["measurement_errors"])
    assert list(errors) == ["Left · Ball girth"] and "twice the ball width" in errors["Left · Ball girth"]
