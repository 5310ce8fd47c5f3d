"""The order lifecycle: who may move an order where, what is recorded, and the email in the customer's language."""
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from config.exceptions import ApplicationError
from configurator.models import Order
from configurator.services import (
    ORDER_TRANSITIONS,
    order_delivery_set,
    order_pay,
    order_place,
    order_status_allowed,
    order_status_set,
)
from customers.models import TouchpointEvent
from tests.configurator.order_helpers import done_revision
from tests.stores.factories import StaffFactory, StoreFactory

pytestmark = pytest.mark.django_db
S = Order.Status
ADDRESS = {"name": "Giulia Verdi", "line1": "Via Dante 3", "postcode": "20121", "city": "Milano", "country": "it"}


@pytest.fixture
def order(shopper, products):
    shopper.customer.email = "giulia@example.com"
    shopper.customer.full_name = "Giulia Verdi"
    shopper.customer.save()
    revision = done_revision(customer=shopper.customer, product=products["insole"])
    placed = order_place(design=revision.design, revision=revision, language="it", actor=shopper)
    return order_delivery_set(order=placed, actor=shopper, method="ship", address=ADDRESS)


def walk(order, statuses, actor):
    for status in statuses:
        order = order_status_set(order=order, status=status, actor=actor)
    return order


def test_the_whole_road_is_recorded_with_who_and_when(order, shopper, production_user):
    # given a placed order with an address, when production moves it to the door
    order = walk(order, [S.PAID, S.IN_PRODUCTION, S.PRINTED, S.SHIPPED, S.DELIVERED], production_user)
    # then each step is an event, in order, with the person who made it
    events = list(order.events.all())
    assert [e.status for e in events] == [S.PLACED, S.PAID, S.IN_PRODUCTION, S.PRINTED, S.SHIPPED, S.DELIVERED]
    assert events[0].actor == shopper and all(e.actor == production_user for e in events[1:])
    assert all(a.at <= b.at for a, b in zip(events, events[1:]))
    assert order.paid_at is not None and order.status == S.DELIVERED
    # and the customer's timeline shows the order and every change
    timeline = TouchpointEvent.objects.filter(customer=order.customer)
    assert timeline.filter(kind="order").count() == 1
    assert [t.data["to"] for t in timeline.filter(kind="order_status").order_by("pk")] == [
        S.PAID, S.IN_PRODUCTION, S.PRINTED, S.SHIPPED, S.DELIVERED]


@pytest.mark.parametrize("start", [S.PLACED, S.PAID])
def test_the_owner_cancels_before_production(order, shopper, production_user, start):
    order = walk(order, [S.PAID] if start == S.PAID else [], production_user)
    cancelled = order_status_set(order=order, status=S.CANCELLED, actor=shopper, note="changed my mind")
    assert cancelled.status == S.CANCELLED and cancelled.cancelled_at is not None
    assert cancelled.events.last().note == "changed my mind" and cancelled.events.last().actor == shopper


@pytest.mark.parametrize("late", [S.IN_PRODUCTION, S.PRINTED, S.SHIPPED, S.DELIVERED])
def test_nobody_cancels_once_production_started(order, shopper, production_user, admin_user, late):
    road = [S.PAID, S.IN_PRODUCTION, S.PRINTED, S.SHIPPED, S.DELIVERED]
    order = walk(order, road[: road.index(late) + 1], production_user)
    for actor in (shopper, production_user, admin_user):
        with pytest.raises(ApplicationError) as refused:
            order_status_set(order=order, status=S.CANCELLED, actor=actor)
        assert refused.value.extra["field"] == "status"
    assert Order.objects.get(pk=order.pk).status == late


def test_every_transition_outside_the_lifecycle_is_refused(order, production_user):
    for start, allowed in ORDER_TRANSITIONS.items():
        Order.objects.filter(pk=order.pk).update(status=start)
        current = Order.objects.get(pk=order.pk)
        for target in S.values:
            if target in allowed or target == start:
                continue
            with pytest.raises(ApplicationError):
                order_status_set(order=current, status=target, actor=production_user)


def test_roles(order, shopper, other_shopper, production_user, admin_user, store_user):
    other_store = StaffFactory().user
    # a shopper can only cancel their own order, never pay it or move it on
    for actor in (shopper, other_shopper, store_user, other_store):
        with pytest.raises(PermissionDenied):
            order_status_set(order=order, status=S.PAID, actor=actor)
    for actor in (other_shopper, store_user, other_store):
        with pytest.raises(PermissionDenied):
            order_status_set(order=order, status=S.CANCELLED, actor=actor)
    assert order_status_allowed(order=order, status=S.PAID, actor=production_user)
    assert order_status_allowed(order=order, status=S.PAID, actor=admin_user)
    assert order_status_allowed(order=order, status=S.CANCELLED, actor=shopper)
    assert Order.objects.get(pk=order.pk).events.count() == 1


def test_the_pickup_store_hands_the_order_over_and_no_other_store_can(order, shopper, production_user):
    store = StoreFactory(name="Sartoria Brera")
    staff, other_staff = StaffFactory(store=store).user, StaffFactory().user
    order = order_delivery_set(order=order, actor=shopper, method="pickup", store=store)
    with pytest.raises(ApplicationError):  # a pick-up order is never shipped
        walk(order, [S.PAID, S.IN_PRODUCTION, S.PRINTED, S.SHIPPED], production_user)
    order = order_status_set(order=Order.objects.get(pk=order.pk), status=S.READY_FOR_PICKUP, actor=production_user)
    with pytest.raises(PermissionDenied):
        order_status_set(order=order, status=S.DELIVERED, actor=other_staff)
    delivered = order_status_set(order=order, status=S.DELIVERED, actor=staff)
    assert delivered.status == S.DELIVERED and delivered.events.last().actor == staff
    assert TouchpointEvent.objects.filter(kind="order_status", channel="store", store=store).count() == 1


def test_emails_in_the_language_the_customer_ordered_in(order, production_user, shopper, products,
                                                        django_capture_on_commit_callbacks):
    # given one order placed in Italian and one in English
    english = done_revision(customer=shopper.customer, product=products["insole"])
    with django_capture_on_commit_callbacks(execute=True):
        placed_en = order_place(design=english.design, revision=english, language="en", actor=shopper)
        order_status_set(order=order, status=S.PAID, actor=production_user)
        order_status_set(order=placed_en, status=S.CANCELLED, actor=shopper)
    # then each email speaks the customer's language, names the order and its new status
    by_subject = {message.subject: message for message in mail.outbox}
    italian = next(m for s, m in by_subject.items() if f"n. {order.pk} " in s)
    assert "pagato" in italian.subject.lower() and "Totale" in italian.body and italian.to == ["giulia@example.com"]
    assert italian.body.startswith("Ciao Giulia Verdi,")
    assert "Via Dante 3" in italian.body
    english_mails = [m for s, m in by_subject.items() if f"#{placed_en.pk}" in s]
    assert {("placed" in m.subject) or ("cancelled" in m.subject) for m in english_mails} == {True}
    assert len(english_mails) == 2 and all("Total" in m.body for m in english_mails)
    assert all(m.alternatives and m.alternatives[0][1] == "text/html" for m in mail.outbox)


def test_payment_marks_paid_once(order, shopper, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paid = order_pay(order=order, actor=shopper)
        again = order_pay(order=paid, actor=shopper)
    assert paid.status == again.status == S.PAID and paid.payment_reference.startswith("test-")
    assert again.payment_reference == paid.payment_reference
    assert paid.events.filter(status=S.PAID).count() == 1 and paid.events.get(status=S.PAID).actor == shopper
    assert len(mail.outbox) == 1 and "pagato" in mail.outbox[0].subject  # one email, in Italian, for one payment


def test_paying_needs_a_delivery_choice(shopper, products):
    revision = done_revision(customer=shopper.customer, product=products["insole"])
    order = order_place(design=revision.design, revision=revision)
    with pytest.raises(ApplicationError) as refused:
        order_pay(order=order, actor=shopper)
    assert refused.value.extra["field"] == "delivery"


def test_a_bad_address_names_the_field(order, shopper):
    with pytest.raises(ApplicationError) as refused:
        order_delivery_set(order=order, actor=shopper, method="ship", address={**ADDRESS, "city": " "})
    assert refused.value.extra["field"] == "city"
    with pytest.raises(ApplicationError) as refused:
        order_delivery_set(order=order, actor=shopper, method="ship", address={**ADDRESS, "country": "Italy"})
    assert refused.value.extra["field"] == "country"
    assert Order.objects.get(pk=order.pk).delivery_city == "Milano"
