"""The order API an integrator uses: place with just design and revision, delivery later, paid by staff, cancel."""
from decimal import Decimal

import pytest

from config.exceptions import ApplicationError
from configurator.models import Order
from configurator.payments import PaymentResult
from configurator.services import order_delivery_set, order_pay, order_place
from tests.configurator.order_helpers import done_revision
from tests.stores.factories import StoreFactory

pytestmark = pytest.mark.django_db
ADDRESS = {"method": "ship", "name": "Giulia Verdi", "line1": "Via Dante 3", "postcode": "20121", "city": "Milano",
           "country": "IT"}


class DecliningProvider:
    """A provider that declines: what a real one answers for a refused card."""

    name = "declining"

    def charge(self, *, amount, currency, reference, email):
        return PaymentResult(succeeded=False, message="card declined")


@pytest.fixture
def revision(shopper, products):
    return done_revision(customer=shopper.customer, product=products["insole"], grams=120.0, minutes=480.0)


def test_integrator_places_then_sends_delivery_then_production_marks_paid(api_client, shopper, production_user,
                                                                        revision):
    api_client.force_authenticate(shopper)
    placed = api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk}, format="json")
    assert placed.status_code == 201
    order = placed.json()
    assert order["status"] == "placed" and order["delivery"]["method"] == ""
    assert [line["code"] for line in order["lines"]] == ["base", "material", "machine_time"]
    assert all(line["label"] for line in order["lines"])
    assert Decimal(order["price"]) == sum(Decimal(line["amount"]) for line in order["lines"])
    # delivery follows before payment
    patched = api_client.patch(f"/api/orders/{order['id']}/", ADDRESS, format="json")
    assert patched.status_code == 200 and patched.json()["delivery"]["address"]["city"] == "Milano"
    # the owner cannot mark it paid through the API; production can
    assert api_client.post(f"/api/orders/{order['id']}/pay/").status_code == 403
    api_client.force_authenticate(production_user)
    paid = api_client.post(f"/api/orders/{order['id']}/pay/", {"note": "bank transfer"}, format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert [event["status"] for event in paid.json()["events"]] == ["placed", "paid"]
    assert paid.json()["events"][1]["note"] == "bank transfer" and paid.json()["events"][1]["actor"] == "staff"
    # once in production, the owner's cancel is refused with the reason
    api_client.post(f"/api/orders/{order['id']}/status/", {"status": "in_production"}, format="json")
    api_client.force_authenticate(shopper)
    refused = api_client.post(f"/api/orders/{order['id']}/cancel/")
    assert refused.status_code == 400 and refused.json()["field"] == "status"
    assert "in production" in refused.json()["detail"]


def test_labels_follow_the_requests_language(api_client, shopper, revision):
    api_client.force_authenticate(shopper)
    placed = api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk}, format="json",
                             HTTP_ACCEPT_LANGUAGE="it").json()
    english = api_client.get(f"/api/orders/{placed['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert placed["lines"][2]["label"].startswith("Tempo macchina") and placed["status_label"] == "Ricevuto"
    assert english["lines"][2]["label"].startswith("Machine time") and placed["language"] == "it"


def test_bad_delivery_is_a_400_naming_the_field(api_client, shopper, revision):
    api_client.force_authenticate(shopper)
    order = api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk}, format="json").json()
    missing = api_client.patch(f"/api/orders/{order['id']}/", {**ADDRESS, "postcode": ""}, format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "postcode"
    no_store = api_client.patch(f"/api/orders/{order['id']}/", {"method": "pickup", "store": 999999}, format="json")
    assert no_store.status_code == 400 and no_store.json()["field"] == "store"
    store = StoreFactory()
    picked = api_client.patch(f"/api/orders/{order['id']}/", {"method": "pickup", "store": store.pk}, format="json")
    assert picked.status_code == 200 and picked.json()["delivery"]["store"]["id"] == store.pk
    bad_token = api_client.post("/api/orders/", {"design": revision.design_id, "revision": revision.pk,
                                                 "checkout_token": "not a token!"}, format="json")
    assert bad_token.status_code == 400 and bad_token.json()["field"] == "checkout_token"


def test_the_payment_provider_is_chosen_by_settings(settings, shopper, revision):
    order = order_place(design=revision.design, revision=revision)
    order = order_delivery_set(order=order, actor=shopper, method="ship", address=ADDRESS)
    settings.SARTORIA_PAYMENT_PROVIDER = f"{__name__}.DecliningProvider"
    with pytest.raises(ApplicationError) as refused:
        order_pay(order=order, actor=shopper)
    assert "declined" in refused.value.message and Order.objects.get(pk=order.pk).status == "placed"
    settings.SARTORIA_PAYMENT_PROVIDER = "configurator.payments.TestPaymentProvider"
    paid = order_pay(order=order, actor=shopper)
    assert paid.status == "paid" and paid.payment_provider == "test"


def test_the_same_design_ordered_again_and_a_double_submit(api_client, shopper, revision):
    api_client.force_authenticate(shopper)
    body = {"design": revision.design_id, "revision": revision.pk, "checkout_token": "tab-1"}
    first, double = (api_client.post("/api/orders/", body, format="json") for _ in range(2))
    second_pair = api_client.post("/api/orders/", {**body, "checkout_token": "tab-2"}, format="json")
    assert (first.status_code, double.status_code, second_pair.status_code) == (201, 200, 201)
    assert first.json()["id"] == double.json()["id"] != second_pair.json()["id"]
    assert Order.objects.filter(revision=revision).count() == 2
