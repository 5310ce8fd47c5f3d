"""The fitting desk (/store/): staff check a customer in at their store, then scan, measure, open or start designs.

Nobody else uses it; staff see only customers checked in at their store; a refused form keeps what was typed.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import FootScan, MeasurementSet, TouchpointEvent
from customers.services import customer_qr_token, identity_attach
from stores.models import CheckIn
from tests.datafiles import FIND_0015A
from tests.factories import DesignFactory
from tests.stores.conftest import associate, giulia, other_store_associate, store  # noqa: F401  (fixtures)

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


def test_staff_land_on_the_desk_after_log_in(client, associate):
    response = client.post("/accounts/login/", {"username": associate.username, "password": "correct horse battery"})
    assert response.status_code == 302 and response["Location"] == "/store/"


def test_staff_see_nobody_until_a_customer_checks_in(client, associate, giulia):
    client.force_login(associate)
    page = client.get("/store/")
    assert page.status_code == 200 and page.context["customer"] is None
    refused = client.post("/store/", {"action": "measure", **STORE_FEET})
    assert refused.status_code == 400 and "Check a customer in first" in refused.context["error"]
    unknown = client.post("/store/", {"action": "check_in", "email": "nobody@example.com"})
    assert unknown.status_code == 404 and unknown.context["customer"] is None
    assert "No customer with that loyalty card, QR code or email." in unknown.content.decode()
    assert 'value="nobody@example.com"' in unknown.content.decode()  # the typed email stays


@pytest.fixture
def checked_in(client, associate, giulia):
    customer, card = giulia
    client.force_login(associate)
    assert client.post("/store/", {"action": "check_in", "loyalty_card": card}).status_code == 302
    return customer


def test_staff_measure_and_scan_the_checked_in_customer(client, checked_in):
    assert client.get("/store/").context["customer"] == checked_in
    assert client.post("/store/", {"action": "measure", **STORE_FEET}).status_code == 302
    measured = MeasurementSet.objects.get(customer=checked_in)
    assert measured.source == MeasurementSet.Source.STORE
    assert measured.measurements.get(side="left", kind="arch_height_mm").value_mm == 17.5  # an Italian comma reads
    bad = client.post("/store/", {"action": "measure", **STORE_FEET, "left-length_mm": "26"})
    assert bad.status_code == 400 and "centimetres" in bad.content.decode()
    scan = SimpleUploadedFile("foot.ply", FIND_0015A.read_bytes())
    assert client.post("/store/", {"action": "scan", "files": [scan]}).status_code == 302
    assert FootScan.objects.get().customer == checked_in


def test_a_finished_scan_reads_done_once(client, checked_in):
    FootScan.objects.create(customer=checked_in, status=FootScan.Status.DONE, stage="done", fraction=1.0)
    html = client.get("/store/").content.decode()
    assert '<span class="scan-stage">Done</span>' in html and "Done done" not in html


def test_check_in_by_qr_code_and_by_email(client, associate, giulia):
    customer, _ = giulia
    client.force_login(associate)
    assert client.post("/store/", {"action": "check_in", "qr": customer_qr_token(customer=customer)}).status_code == 302
    assert client.get("/store/").context["customer"] == customer
    client.post("/store/", {"action": "check_out"})
    identity_attach(customer=customer, channel="email", value="giulia@example.it", verified=True)
    assert client.post("/store/", {"action": "check_in", "email": "GIULIA@example.it"}).status_code == 302
    assert client.get("/store/").context["customer"] == customer


def test_check_out_ends_access_in_the_page_at_once(client, checked_in, associate):
    design = DesignFactory(customer=checked_in)
    page = client.get("/store/")
    assert [item[0] for item in page.context["designs"]] == [design]
    client.post("/store/", {"action": "check_out"})
    assert client.get("/store/").context["customer"] is None
    assert CheckIn.objects.get().ended_at is not None
    assert client.get(f"/configure/{design.template.slug}/?design={design.pk}").status_code == 404


def test_a_check_out_on_another_tablet_closes_this_one_too(client, checked_in, associate):
    CheckIn.objects.update(ended_by=associate, ended_at=CheckIn.objects.get().started_at)
    assert client.get("/store/").context["customer"] is None


def test_staff_of_another_store_do_not_see_the_customer(client, checked_in, other_store_associate):
    client.force_login(other_store_associate)
    page = client.get("/store/")
    assert page.context["customer"] is None and list(page.context["checked_in"]) == []
    selected = client.post("/store/", {"action": "select", "check_in": CheckIn.objects.get().pk})
    assert selected.status_code == 404


def test_staff_open_the_customer_design_in_the_studio_and_start_one(client, checked_in, products):
    design = DesignFactory(customer=checked_in, template=products["insole"])
    page = client.get("/store/")
    assert f'/configure/insole/?design={design.pk}' in page.content.decode()
    assert client.get(f"/configure/insole/?design={design.pk}").status_code == 200
    started = client.post("/store/", {"action": "start_design", "product": "shoe"})
    assert started.status_code == 302
    new = checked_in.designs.exclude(pk=design.pk).get()
    assert started["Location"] == f"/configure/shoe/?design={new.pk}"


def test_the_timeline_shows_the_check_in_with_the_store(client, checked_in, store):
    page = client.get("/store/")
    kinds = [(event.kind, event.store_id) for event in page.context["timeline"]]
    assert ("checkin", store.pk) in kinds and ("lookup", store.pk) in kinds
    assert "Sartoria Milano Brera" in page.content.decode()


def test_register_a_walk_in_and_check_them_in(client, associate, store):
    client.force_login(associate)
    response = client.post("/store/", {"action": "walk_in", "walkin-name": "Sofia Blu", "walkin-email": "sofia@example.it",
                                       "walkin-marketing_email": "on"})
    assert response.status_code == 302
    page = client.get("/store/")
    customer = page.context["customer"]
    assert str(customer) == "Sofia Blu" and page.context["loyalty_card"]
    assert TouchpointEvent.objects.filter(customer=customer, kind="checkin", store=store).exists()


def test_a_walk_in_form_keeps_what_was_typed_and_says_what_is_missing(client, associate):
    client.force_login(associate)
    page = client.post("/store/", {"action": "walk_in", "walkin-name": "Sofia Blu", "walkin-phone": ""})
    html = page.content.decode()
    assert page.status_code == 400 and 'value="Sofia Blu"' in html
    assert "Give an email or a phone number" in html


def test_one_bad_value_keeps_all_twelve_typed_values_and_names_each_error(client, checked_in):
    typed = {**BOTH_FEET, "left-ball_width_mm": "abc", "right-length_mm": "26"}
    page = client.post("/store/", {"action": "measure", **typed})
    html = page.content.decode()
    assert page.status_code == 400 and not MeasurementSet.objects.exists()
    for name, value in typed.items():
        assert f'name="{name}" value="{value}"' in html, name
    errors = dict(page.context["measurement_errors"])
    assert errors == {"Left · Ball width": "Enter a number.",
                      "Right · Foot length": "This looks like centimetres: enter 260 mm for 26 cm."}
    assert 'aria-invalid="true"' in html and "ball_width_mm" not in "".join(errors)  # labels, not raw names
    assert 'id="id_left-ball_width_mm_error"' in html  # beside its field


def test_the_desk_speaks_italian_with_a_decimal_comma(client, checked_in):
    client.cookies["django_language"] = "it"
    page = client.post("/store/", {"action": "measure", "left-length_mm": "abc", "left-arch_height_mm": "17,5"})
    errors = dict(page.context["measurement_errors"])
    assert page.status_code == 400
    assert errors["Sinistro · Lunghezza del piede"] == "Inserisci un numero."
    assert all(label.startswith("Sinistro · ") for label in errors) and len(errors) == 5
    assert errors["Sinistro · Larghezza metatarsale"].startswith("Serve anche")
    assert client.post("/store/", {"action": "measure", **STORE_FEET}).status_code == 302
    assert MeasurementSet.objects.get().measurements.get(side="left", kind="arch_height_mm").value_mm == 17.5


def test_feet_that_cannot_be_are_refused_beside_the_field_the_check_names(client, checked_in):
    page = client.post("/store/", {"action": "measure", **STORE_FEET, "left-ball_girth_mm": "180"})
    assert page.status_code == 400 and not MeasurementSet.objects.exists()
    errors = dict(page.context["measurement_errors"])
    assert list(errors) == ["Left · Ball girth"] and "twice the ball width" in errors["Left · Ball girth"]


def test_the_pin_unlocks_the_tablet_and_a_wrong_one_does_not(client, api_client, associate):
    client.force_login(associate)
    assert client.post("/store/", {"action": "set_pin", "pin": "12a"}).status_code == 400
    assert client.post("/store/", {"action": "set_pin", "pin": "4711"}).status_code == 302
    api_client.force_authenticate(associate)
    assert api_client.post("/api/store/unlock/", {"secret": "4711"}, format="json").status_code == 200
    assert api_client.post("/api/store/unlock/", {"secret": "correct horse battery"}, format="json").status_code == 200
    assert api_client.post("/api/store/unlock/", {"secret": "0000"}, format="json").status_code == 403


def test_the_tablet_locks_after_the_configured_idle_time(client, associate, settings):
    settings.SARTORIA_TABLET_IDLE_LOCK_S = 90
    client.force_login(associate)
    assert 'data-idle-lock-s="90"' in client.get("/store/").content.decode()


def test_staff_print_and_email_the_checked_in_customer_card(client, checked_in, giulia):
    from django.core import mail

    _, card = giulia
    page = client.get("/store/card/")
    assert page.status_code == 200 and "Giulia Verdi" in page.content.decode() and "<svg" in page.content.decode()
    sent = client.post("/store/", {"action": "email_card"})
    assert sent.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [checked_in.email]
    assert card in mail.outbox[0].body.replace(" ", "")


def test_no_card_to_print_without_a_check_in(client, associate):
    client.force_login(associate)
    assert client.get("/store/card/").status_code == 404


def test_a_walk_in_consent_is_recorded_with_the_store(client, associate, store):
    from customers.models import ConsentRecord

    client.force_login(associate)
    client.post("/store/", {"action": "walk_in", "walkin-name": "Sofia Blu", "walkin-phone": "+39 02 1234 5678",
                            "walkin-marketing_sms": "on"})
    customer = client.get("/store/").context["customer"]
    consents = {(record.topic, record.granted, record.channel, record.store_id)
                for record in ConsentRecord.objects.filter(customer=customer)}
    assert ("sms", True, "store", store.pk) in consents


def test_a_walk_in_with_someone_else_email_is_refused_beside_the_field(client, associate, giulia):
    customer, _ = giulia
    identity_attach(customer=customer, channel="email", value="giulia@example.it", verified=True)
    client.force_login(associate)
    page = client.post("/store/", {"action": "walk_in", "walkin-name": "Other", "walkin-email": "giulia@example.it"})
    html = page.content.decode()
    assert page.status_code == 400 and 'id="id_walkin-email_error"' in html and "already belongs" in html
