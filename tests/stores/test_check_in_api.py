"""POST/DELETE /api/store/check-ins/: who may check whom in, and what a miss answers."""
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import TouchpointEvent
from customers.services import customer_qr_token, identity_attach
from stores.models import CheckIn
from tests.factories import CustomerFactory
from tests.stores.conftest import client_for

pytestmark = pytest.mark.django_db


def test_check_in_by_loyalty_card_answers_the_customer_and_the_store(associate, giulia, store):
    customer, card = giulia
    response = client_for(associate).post("/api/store/check-ins/", {"loyalty_card": card}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["customer"] == {"id": customer.pk, "name": "Giulia Verdi"}
    assert body["store"]["id"] == store.pk
    assert CheckIn.objects.get(pk=body["id"]).staff == associate


def test_a_printed_card_with_spaces_finds_the_same_customer(associate, giulia):
    customer, card = giulia
    spaced = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    response = client_for(associate).post("/api/store/check-ins/", {"loyalty_card": spaced}, format="json")
    assert response.status_code == 201
    assert response.json()["customer"]["id"] == customer.pk


def test_check_in_by_qr_token(associate, giulia):
    customer, _ = giulia
    response = client_for(associate).post("/api/store/check-ins/", {"qr": customer_qr_token(customer=customer)},
                                          format="json")
    assert response.status_code == 201
    assert response.json()["customer"]["id"] == customer.pk


def test_an_expired_qr_token_is_unknown(associate, giulia, settings):
    customer, _ = giulia
    token = customer_qr_token(customer=customer)
    settings.SARTORIA_QR_TOKEN_MAX_AGE_S = -1
    response = client_for(associate).post("/api/store/check-ins/", {"qr": token}, format="json")
    assert response.status_code == 404


def test_check_in_by_verified_email_any_case(associate, giulia):
    customer, _ = giulia
    identity_attach(customer=customer, channel="email", value="giulia@example.it", verified=True)
    response = client_for(associate).post("/api/store/check-ins/", {"email": "Giulia@Example.IT"}, format="json")
    assert response.status_code == 201
    assert response.json()["customer"]["id"] == customer.pk


@pytest.mark.parametrize("body", [
    {"loyalty_card": "0000 0000 0000"}, {"qr": "not-a-token"}, {"email": "nobody@example.com"},
])
def test_unknown_card_qr_or_email_is_a_plain_404(associate, body):
    response = client_for(associate).post("/api/store/check-ins/", body, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == "No customer with that loyalty card, QR code or email."


def test_a_known_email_without_check_in_rights_answers_like_an_unknown_one(associate):
    # an email held by two unconfirmed accounts finds nobody; the answer is the one an unknown email gets
    for _ in range(2):
        identity_attach(customer=CustomerFactory(), channel="email", value="shared@example.com")
    known = client_for(associate).post("/api/store/check-ins/", {"email": "shared@example.com"}, format="json")
    unknown = client_for(associate).post("/api/store/check-ins/", {"email": "nobody@example.com"}, format="json")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


@pytest.mark.parametrize("body", [{}, {"loyalty_card": "1", "email": "a@b.c"}])
def test_exactly_one_way_to_find_the_customer(associate, body):
    response = client_for(associate).post("/api/store/check-ins/", body, format="json")
    assert response.status_code == 400
    assert "loyalty_card" in response.json()["detail"]


@pytest.mark.parametrize("role", ["shopper", "store_user", "production_user"])
def test_only_store_staff_check_in(request, role, giulia):
    _, card = giulia
    response = client_for(request.getfixturevalue(role)).post("/api/store/check-ins/", {"loyalty_card": card},
                                                              format="json")
    assert response.status_code == 403


def test_checking_in_twice_keeps_one_open_check_in(associate, giulia):
    _, card = giulia
    first = client_for(associate).post("/api/store/check-ins/", {"loyalty_card": card}, format="json").json()
    second = client_for(associate).post("/api/store/check-ins/", {"loyalty_card": card}, format="json").json()
    assert first["id"] == second["id"]
    assert CheckIn.objects.count() == 1


def test_check_out_ends_it_and_a_second_check_out_is_404(associate, check_in):
    body, _ = check_in
    client = client_for(associate)
    assert client.delete(f"/api/store/check-ins/{body['id']}/").status_code == 204
    assert CheckIn.objects.get(pk=body["id"]).ended_at is not None
    assert client.delete(f"/api/store/check-ins/{body['id']}/").status_code == 404
    assert client.get("/api/store/check-ins/").json() == []


def test_staff_of_another_store_cannot_see_or_end_the_check_in(other_store_associate, check_in):
    body, _ = check_in
    client = client_for(other_store_associate)
    assert client.get("/api/store/check-ins/").json() == []
    assert client.delete(f"/api/store/check-ins/{body['id']}/").status_code == 404
    assert CheckIn.objects.get(pk=body["id"]).ended_at is None


def test_a_check_in_lasts_the_configured_hours(associate, giulia, settings):
    settings.SARTORIA_CHECKIN_HOURS = 2
    _, card = giulia
    before = timezone.now()
    body = client_for(associate).post("/api/store/check-ins/", {"loyalty_card": card}, format="json").json()
    expires_at = CheckIn.objects.get(pk=body["id"]).expires_at
    assert before + timedelta(hours=2) <= expires_at <= timezone.now() + timedelta(hours=2)


def test_check_in_look_up_and_check_out_are_on_the_timeline_with_the_store(associate, check_in, store):
    body, customer = check_in
    client_for(associate).delete(f"/api/store/check-ins/{body['id']}/")
    events = list(TouchpointEvent.objects.filter(customer=customer).order_by("at", "pk")
                  .values_list("kind", "channel", "store_id", "actor_id"))
    store_events = [event for event in events if event[1] == "store"]
    assert [event[0] for event in store_events] == ["lookup", "checkin", "checkout"]
    assert {(event[2], event[3]) for event in store_events} == {(store.pk, associate.pk)}
