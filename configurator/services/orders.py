"""Orders: a customer orders a finished revision; its status moves along the lifecycle through one service."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from configurator import pricing
from configurator.models import Design, DesignRevision, Order, OrderEvent
from customers.selectors import user_can_export_print_files

if TYPE_CHECKING:
    from customers.models import Customer
    from stores.models import Store

logger = logging.getLogger(__name__)

S = Order.Status
# Where an order may go from each status. Cancelling is possible until production starts.
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PLACED: (S.PAID, S.CANCELLED),
    S.PAID: (S.IN_PRODUCTION, S.CANCELLED),
    S.IN_PRODUCTION: (S.PRINTED,),
    S.PRINTED: (S.SHIPPED, S.READY_FOR_PICKUP),
    S.SHIPPED: (S.DELIVERED,),
    S.READY_FOR_PICKUP: (S.DELIVERED,),
    S.DELIVERED: (),
    S.CANCELLED: (),
}
# While these hold, the customer may still change delivery details or cancel.
ORDER_STATUSES_BEFORE_PRODUCTION = (S.PLACED, S.PAID)
CHECKOUT_TOKEN_MAX_LENGTH = 64


class OrderPermissionDenied(PermissionDenied):
    """The actor may see the order but not make this change (a 403, with the reason)."""


def _actor_is_staff(actor: AbstractBaseUser | None) -> bool:
    return actor is not None and (actor.is_superuser or user_can_export_print_files(actor))


def _actor_is_owner(actor: AbstractBaseUser | None, order: Order) -> bool:
    return actor is not None and actor.is_authenticated and order.customer.user_id == actor.pk


def _actor_works_at_pickup_store(actor: AbstractBaseUser | None, order: Order) -> bool:
    if actor is None or order.pickup_store_id is None:
        return False
    from stores.selectors import staff_membership_get  # the stores app answers who works where

    membership = staff_membership_get(user=actor)
    return membership is not None and membership.store_id == order.pickup_store_id


def _actor_may_set(*, order: Order, status: str, actor: AbstractBaseUser | None) -> bool:
    """The role's part of the rule, whatever the order's status: who may ever set `status` on this order."""
    if actor is None or _actor_is_staff(actor):  # None is the system: payment callbacks, tasks
        return True
    if status == S.CANCELLED:
        return _actor_is_owner(actor, order)
    # the store hands a pick-up order over to the customer
    return status == S.DELIVERED and _actor_works_at_pickup_store(actor, order)


def order_status_allowed(*, order: Order, status: str, actor: AbstractBaseUser | None) -> bool:
    """Whether `actor` may move `order` to `status` now: the lifecycle allows it and their role does."""
    return status in ORDER_TRANSITIONS.get(order.status, ()) and _actor_may_set(order=order, status=status, actor=actor)


def _language_of(order: Order) -> str:
    return order.language or getattr(order.customer, "language", "") or settings.LANGUAGE_CODE


def _recipient_of(order: Order) -> str:
    customer = order.customer
    return customer.email or (customer.user.email if customer.user_id else "")


def order_email_send(*, order_id: int, kind: str) -> bool:
    """Email the customer about their order in their language; `kind` is "placed" or "status". False if no address."""
    order = (Order.objects.select_related("customer__user", "design__template", "revision", "pickup_store")
             .get(pk=order_id))
    recipient = _recipient_of(order)
    if not recipient:
        return False
    from configurator.selectors import order_price_lines  # labels are read in the email's language

    with translation.override(_language_of(order)):
        context = {
            "order": order,
            "status_label": order.get_status_display(),
            "lines": order_price_lines(order=order),
            "events": list(order.events.all()),
            "site_url": getattr(settings, "SARTORIA_SITE_URL", "").rstrip("/"),
        }
        template = "emails/order_placed" if kind == "placed" else "emails/order_status"
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def _email_after_commit(*, order_id: int, kind: str) -> None:
    def send() -> None:
        try:
            order_email_send(order_id=order_id, kind=kind)
        except Exception:  # a mail server that is down must not undo the order; the event is recorded anyway
            logger.exception("order %s: the %s email could not be sent", order_id, kind)

    transaction.on_commit(send)


def _touchpoint(*, order: Order, kind: str, actor: AbstractBaseUser | None, data: dict[str, Any],
                channel: str | None = None) -> None:
    """Add the change to the customer's timeline (the golden record), when that service exists."""
    from customers import services as customer_services

    record = getattr(customer_services, "touchpoint_record", None)
    if record is None:
        return
    if channel is None:
        channel = "store" if actor is not None and _actor_works_at_pickup_store(actor, order) else "web"
    record(customer=order.customer, kind=kind, channel=channel, store=order.pickup_store, actor=actor,
           data={"order": order.pk, **data})


def _event_record(*, order: Order, status: str, actor: AbstractBaseUser | None, note: str) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order, status=status, note=note,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def order_status_set(*, order: Order, status: str, actor: AbstractBaseUser | None, note: str = "") -> Order:
    """Move the order to `status` if the lifecycle and the actor's role allow it; record who, when and why."""
    if status not in S.values:
        raise ApplicationError(
            _("%(value)s is not an order status.") % {"value": status},
            {"field": "status", "value": status, "allowed": list(S.values)},
        )
    order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if not _actor_may_set(order=order, status=status, actor=actor):
        raise OrderPermissionDenied(_("You may not mark this order as %(target)s.") % {"target": S(status).label.lower()})
    if order.status == status:  # a repeated request (double click, retried message) changes nothing
        return order
    allowed = ORDER_TRANSITIONS[order.status]
    if status not in allowed:
        if status == S.CANCELLED:
            message = _("This order can no longer be cancelled: it is already %(status)s.") % {
                "status": order.get_status_display().lower()}
        else:
            message = _("An order that is %(status)s cannot become %(target)s.") % {
                "status": order.get_status_display().lower(), "target": S(status).label.lower()}
        raise ApplicationError(message, {"field": "status", "value": status, "allowed": list(allowed)})
    return _status_apply(order=order, status=status, actor=actor, note=note)


def _status_apply(*, order: Order, status: str, actor: AbstractBaseUser | None, note: str) -> Order:
    """The change itself, on a locked row whose transition was checked."""
    if status == S.SHIPPED and order.delivery_method != Order.Delivery.SHIP:
        raise ApplicationError(
            _("Only an order for delivery to an address can be shipped; this one has no delivery address."),
            {"field": "status", "value": status, "allowed": [S.READY_FOR_PICKUP] if order.delivery_method else []})
    if status == S.READY_FOR_PICKUP and order.delivery_method != Order.Delivery.PICKUP:
        raise ApplicationError(
            _("Only an order for pick-up in a store can be ready for pick-up."),
            {"field": "status", "value": status, "allowed": [S.SHIPPED] if order.delivery_method else []})
    previous = order.status
    order.status = status
    fields = ["status", "updated_at"]
    if status == S.PAID:
        order.paid_at = timezone.now()
        fields.append("paid_at")
    elif status == S.CANCELLED:
        order.cancelled_at = timezone.now()
        fields.append("cancelled_at")
    order.save(update_fields=fields)
    _event_record(order=order, status=status, actor=actor, note=note)
    _touchpoint(order=order, kind="order_status", actor=actor, data={"from": previous, "to": status, "note": note})
    _email_after_commit(order_id=order.pk, kind="status")
    return order


def order_cancel(*, order: Order, actor: AbstractBaseUser | None, note: str = "") -> Order:
    return order_status_set(order=order, status=S.CANCELLED, actor=actor, note=note)


def _checkout_token_clean(token: str) -> str:
    token = (token or "").strip()
    if len(token) > CHECKOUT_TOKEN_MAX_LENGTH or any(not (c.isascii() and (c.isalnum() or c in "-_")) for c in token):
        raise ApplicationError(
            _("checkout_token must be up to %(max)d letters, digits, '-' or '_'.") % {"max": CHECKOUT_TOKEN_MAX_LENGTH},
            {"field": "checkout_token", "value": token[:80], "allowed": f"[A-Za-z0-9_-]{{1,{CHECKOUT_TOKEN_MAX_LENGTH}}}"},
        )
    return token


def order_place(*, design: Design, revision: DesignRevision, checkout_token: str = "", language: str = "",
                actor: AbstractBaseUser | None = None, channel: str = "web") -> Order:
    """Order a finished revision at today's quote.

    Every call makes a new order (a second pair of the same design), except a repeated `checkout_token`, which
    returns the order that token already made: a double click or a retried request orders once.
    """
    token = _checkout_token_clean(checkout_token)
    if revision.design_id != design.pk:
        raise ApplicationError(
            _("revision %(revision)s is not a revision of design %(design)s.") % {
                "revision": revision.pk, "design": design.pk},
            {"field": "revision", "value": revision.pk},
        )
    if revision.status != DesignRevision.Status.DONE:
        raise ApplicationError(
            _("Only a finished revision can be ordered; wait until the model is ready."),
            {"field": "revision", "value": revision.pk, "allowed": "a revision with status done"},
        )
    if token:
        existing = Order.objects.filter(customer=design.customer, checkout_token=token).first()
        if existing is not None:
            return _same_checkout(existing, revision)
    quote = pricing.quote_for_revision(revision=revision)
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:10]
    try:
        with transaction.atomic():
            order = Order.objects.create(
                customer=design.customer,
                design=design,
                revision=revision,
                price=quote.price,
                currency=design.template.currency,
                price_lines=[line.to_json() for line in quote.lines],
                delivery_earliest=quote.delivery_earliest,
                delivery_latest=quote.delivery_latest,
                language=language,
                checkout_token=token,
            )
            _event_record(order=order, status=S.PLACED, actor=actor, note="")
            _touchpoint(order=order, kind="order", actor=actor,
                        data={"design": design.pk, "revision": revision.pk, "price": str(order.price),
                              "currency": order.currency}, channel=channel)
            _email_after_commit(order_id=order.pk, kind="placed")
    except IntegrityError:  # two requests with the same token at once: the other one made the order
        existing = Order.objects.filter(customer=design.customer, checkout_token=token).first()
        if not token or existing is None:
            raise
        return _same_checkout(existing, revision)
    return order


def _same_checkout(order: Order, revision: DesignRevision) -> Order:
    if order.revision_id != revision.pk:
        raise ApplicationError(
            _("This checkout already ordered another version of the design; start a new checkout."),
            {"field": "checkout_token", "value": order.checkout_token, "allowed": "a new token for a new order"},
        )
    return order


DELIVERY_ADDRESS_FIELDS = ("name", "line1", "line2", "postcode", "city", "country", "phone")
DELIVERY_ADDRESS_REQUIRED = ("name", "line1", "postcode", "city", "country")


@transaction.atomic
def order_delivery_set(*, order: Order, actor: AbstractBaseUser | None, method: str,
                       address: dict[str, str] | None = None, store: Store | None = None) -> Order:
    """Choose delivery to an address or pick-up in a store, until production starts."""
    order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if actor is not None and not (_actor_is_owner(actor, order) or _actor_is_staff(actor)):
        raise OrderPermissionDenied(_("Only the customer who ordered can change the delivery."))
    if order.status not in ORDER_STATUSES_BEFORE_PRODUCTION:
        raise ApplicationError(
            _("The delivery can no longer be changed: the order is already %(status)s.") % {
                "status": order.get_status_display().lower()},
            {"field": "delivery", "value": order.status, "allowed": list(ORDER_STATUSES_BEFORE_PRODUCTION)},
        )
    if method == Order.Delivery.SHIP:
        address = {key: str((address or {}).get(key, "") or "").strip() for key in DELIVERY_ADDRESS_FIELDS}
        missing = [key for key in DELIVERY_ADDRESS_REQUIRED if not address[key]]
        if missing:
            raise ApplicationError(
                _("Please fill in: %(fields)s.") % {"fields": ", ".join(str(DELIVERY_FIELD_LABELS[k]) for k in missing)},
                {"field": missing[0], "value": "", "allowed": "a non-empty text", "missing": missing},
            )
        country = address["country"].upper()
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise ApplicationError(
                _("country must be a two-letter code such as IT or DE, not %(value)s.") % {"value": address["country"]},
                {"field": "country", "value": address["country"], "allowed": "ISO 3166-1 alpha-2, e.g. IT"},
            )
        address["country"] = country
        for key in DELIVERY_ADDRESS_FIELDS:
            limit = Order._meta.get_field(f"delivery_{key}").max_length
            if len(address[key]) > limit:
                raise ApplicationError(
                    _("%(field)s is longer than %(max)d characters.") % {"field": DELIVERY_FIELD_LABELS[key], "max": limit},
                    {"field": key, "value": address[key][:80], "allowed": f"up to {limit} characters"},
                )
            setattr(order, f"delivery_{key}", address[key])
        order.pickup_store = None
    elif method == Order.Delivery.PICKUP:
        if store is None:
            raise ApplicationError(
                _("Choose the store where you will collect your order."),
                {"field": "store", "value": None, "allowed": "the id of an open store"},
            )
        order.pickup_store = store
        for key in DELIVERY_ADDRESS_FIELDS:
            setattr(order, f"delivery_{key}", "")
    else:
        raise ApplicationError(
            _("method must be ship or pickup, not %(value)s.") % {"value": method},
            {"field": "method", "value": method, "allowed": [Order.Delivery.SHIP, Order.Delivery.PICKUP]},
        )
    order.delivery_method = method
    order.save()
    return order


def order_pay(*, order: Order, actor: AbstractBaseUser | None) -> Order:
    """Charge the order through the configured provider and mark it paid; paying twice charges once."""
    from configurator.payments import payment_provider_get

    order = Order.objects.select_related("customer__user").get(pk=order.pk)
    if actor is not None and not (_actor_is_owner(actor, order) or _actor_is_staff(actor)):
        raise OrderPermissionDenied(_("Only the customer who ordered can pay for this order."))
    if order.status == S.PAID or order.paid_at is not None:
        return order
    if order.status != S.PLACED:
        raise ApplicationError(
            _("An order that is %(status)s cannot be paid.") % {"status": order.get_status_display().lower()},
            {"field": "status", "value": order.status, "allowed": [S.PLACED]},
        )
    if not order.delivery_method:
        raise ApplicationError(
            _("Choose delivery to an address or pick-up in a store before paying."),
            {"field": "delivery", "value": "", "allowed": [Order.Delivery.SHIP, Order.Delivery.PICKUP]},
        )
    provider = payment_provider_get()
    result = provider.charge(amount=order.price, currency=order.currency, reference=f"order-{order.pk}",
                             email=_recipient_of(order))
    if not result.succeeded:
        raise ApplicationError(result.message or _("The payment did not go through; nothing was charged."),
                               {"field": "payment", "value": provider.name})
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
        if order.status != S.PLACED:  # paid or cancelled meanwhile
            return order
        order.payment_provider = provider.name
        order.payment_reference = result.reference
        order.save(update_fields=["payment_provider", "payment_reference"])
        # the provider confirmed the charge: the payer is recorded as the one who made it paid
        return _status_apply(order=order, status=S.PAID, actor=actor,
                             note=_("Paid through %(provider)s, reference %(reference)s") % {
                                 "provider": provider.name, "reference": result.reference})


DELIVERY_FIELD_LABELS = {
    "name": translation.gettext_lazy("Name"),
    "line1": translation.gettext_lazy("Address"),
    "line2": translation.gettext_lazy("Address (second line)"),
    "postcode": translation.gettext_lazy("Postcode"),
    "city": translation.gettext_lazy("City"),
    "country": translation.gettext_lazy("Country"),
    "phone": translation.gettext_lazy("Phone"),
}



# Orders the shop still has to hand over: their address is needed to deliver them, so they hold an erasure back.
ORDER_STATUSES_OPEN = (Order.Status.PLACED, Order.Status.PAID, Order.Status.IN_PRODUCTION, Order.Status.PRINTED,
                       Order.Status.SHIPPED, Order.Status.READY_FOR_PICKUP)


def orders_personal_data_erase(*, customer: Customer) -> int:
    """Clear who and where on a customer's orders when they ask for erasure; what was made, for how much, stays.

    Refused while an order is still to be delivered (cancel it first, or ask again once it has arrived), so an
    erasure never strands a pair on its way.
    """
    open_orders = sorted(Order.objects.filter(customer=customer, status__in=ORDER_STATUSES_OPEN)
                         .values_list("pk", flat=True))
    if open_orders:
        raise ApplicationError(
            _("Orders %(orders)s are still on their way: cancel them or wait until they are delivered, then ask "
              "again.") % {"orders": ", ".join(f"#{pk}" for pk in open_orders)},
            {"field": "orders", "value": open_orders, "allowed": "no order placed, paid, in production or shipped"},
        )
    return Order.objects.filter(customer=customer).update(
        delivery_name="", delivery_line1="", delivery_line2="", delivery_postcode="", delivery_phone="")
