"""Writes about stores: check a customer in and out, look them up, register a walk-in, set and check the tablet PIN.

Every look-up, check-in and check-out is a touchpoint on the customer's timeline (channel "store", with the store).
"""
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from configurator.services.revisions import design_access_changed_announce
from stores.models import CheckIn, StaffMembership, Store
from stores.selectors import staff_membership_get

# One answer for every miss, whether or not the person exists anywhere: no enumeration through the desk.
NOT_FOUND_TEXT = "No customer with that loyalty card, QR code or email."


def not_found_message() -> str:
    return _("No customer with that loyalty card, QR code or email.")


def staff_membership_require(*, user: AbstractBaseUser) -> StaffMembership:
    """The staff member's membership; anyone else gets the same 404 as a missing page."""
    membership = staff_membership_get(user=user)
    if membership is None:
        raise Http404(_("Not store staff."))
    return membership


def _customers_selectors():
    # customers/ owns the identities and the QR token; imported late so either app can load first
    from customers import selectors

    return selectors


def customer_look_up(*, loyalty_card: str = "", email: str = "", qr: str = ""):
    """Find a customer by exactly one of card, email or signed QR token; a miss of any kind is an Http404."""
    selectors = _customers_selectors()
    customer = None
    try:
        if qr:
            customer = selectors.customer_from_qr_token(token=qr)
        elif loyalty_card:
            customer = selectors.customer_find_by_loyalty_card(number=loyalty_card)
        elif email:
            customer = selectors.customer_find_by_email(email=email)
    except (Http404, ApplicationError, ValueError):
        customer = None
    if customer is None:
        raise Http404(NOT_FOUND_TEXT)
    return customer


def touchpoint(*, customer, kind: str, staff: AbstractBaseUser, store: Store, data: dict | None = None) -> None:
    from customers.services import touchpoint_record

    touchpoint_record(customer=customer, kind=kind, channel="store", store=store, actor=staff, data=data or {})


def check_in_hours() -> float:
    return float(settings.SARTORIA_CHECKIN_HOURS)


@transaction.atomic
def check_in_start(*, staff: AbstractBaseUser, customer, method: str = "") -> CheckIn:
    """Check the customer in at the staff member's store; checking in again extends the open check-in."""
    membership = staff_membership_require(user=staff)
    now = timezone.now()
    expires_at = now + timedelta(hours=check_in_hours())
    open_check_in = (
        CheckIn.objects.select_for_update()
        .filter(store=membership.store, customer=customer, ended_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if open_check_in is not None:
        open_check_in.expires_at, open_check_in.staff = expires_at, staff
        open_check_in.save(update_fields=["expires_at", "staff"])
        check_in = open_check_in
    else:
        check_in = CheckIn.objects.create(store=membership.store, customer=customer, staff=staff, method=method,
                                          expires_at=expires_at)
    touchpoint(customer=customer, kind="checkin", staff=staff, store=membership.store,
               data={"check_in": check_in.pk, "method": method})
    return check_in


@transaction.atomic
def check_in_by_identity(*, staff: AbstractBaseUser, loyalty_card: str = "", email: str = "", qr: str = "") -> CheckIn:
    """The desk's check-in: look the customer up (logged), then check them in."""
    membership = staff_membership_require(user=staff)
    method = "qr" if qr else "loyalty_card" if loyalty_card else "email"
    customer = customer_look_up(loyalty_card=loyalty_card, email=email, qr=qr)
    touchpoint(customer=customer, kind="lookup", staff=staff, store=membership.store, data={"by": method})
    return check_in_start(staff=staff, customer=customer, method=method)


@transaction.atomic
def check_in_end(*, check_in: CheckIn, staff: AbstractBaseUser) -> CheckIn:
    """Check out: from now on the store's staff get 404 for this customer, in pages and API."""
    check_in = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    if check_in.ended_at is None:
        check_in.ended_at, check_in.ended_by = timezone.now(), staff
        check_in.save(update_fields=["ended_at", "ended_by"])
        touchpoint(customer=check_in.customer, kind="checkout", staff=staff, store=check_in.store,
                   data={"check_in": check_in.pk})
        # staff sockets on the customer's designs close now, not at their next message
        transaction.on_commit(partial(design_access_changed_announce, customer_id=check_in.customer_id))
    return check_in


def staff_lookup_record(*, staff: AbstractBaseUser, customer, what: str) -> None:
    """Staff opened something of a checked-in customer (their designs, timeline, measurements): logged."""
    membership = staff_membership_get(user=staff)
    if membership is not None:
        touchpoint(customer=customer, kind="lookup", staff=staff, store=membership.store, data={"what": what})


def staff_revision_record(*, staff: AbstractBaseUser, customer, design_id: int, revision_id: int) -> None:
    membership = staff_membership_get(user=staff)
    if membership is not None:
        touchpoint(customer=customer, kind="revision", staff=staff, store=membership.store,
                   data={"design": design_id, "revision": revision_id})


PIN_LENGTHS = (4, 8)


def staff_pin_set(*, user: AbstractBaseUser, pin: str) -> None:
    """The staff member's own unlock PIN for the tablet: 4 to 8 digits, stored hashed."""
    membership = staff_membership_require(user=user)
    low, high = PIN_LENGTHS
    if not (pin.isdigit() and low <= len(pin) <= high):
        raise ApplicationError(
            _("The PIN must be %(low)s to %(high)s digits.") % {"low": low, "high": high},
            {"field": "pin", "allowed": f"{low} to {high} digits"},
        )
    membership.pin_hash = make_password(pin)
    membership.save(update_fields=["pin_hash"])


def staff_unlock_check(*, user: AbstractBaseUser, secret: str) -> bool:
    """True when `secret` is the staff member's password or tablet PIN."""
    membership = staff_membership_get(user=user)
    if membership is None or not secret:
        return False
    if membership.pin_hash and check_password(secret, membership.pin_hash):
        return True
    return user.check_password(secret)


@transaction.atomic
def walk_in_register(*, staff: AbstractBaseUser, name: str, email: str = "", phone: str = "",
                     marketing_email: bool = False, marketing_sms: bool = False) -> CheckIn:
    """A walk-in customer registered at the desk (a record with a loyalty card, no password yet), checked in.

    The record, its identities and consent are written by customers' own services; an email or phone another
    customer holds is refused (field named), so staff check that customer in instead of making a duplicate.
    """
    from customers import services as customer_services

    membership = staff_membership_require(user=staff)
    register = getattr(customer_services, "customer_register_in_store", None)
    if register is not None:
        customer = register(name=name, email=email, phone=phone, marketing_email=marketing_email,
                            marketing_sms=marketing_sms, store=membership.store, actor=staff)
        return check_in_start(staff=staff, customer=customer, method="registered")
    from customers import selectors as customer_selectors

    if email and customer_selectors.customer_find_by_email(email=email) is not None:
        # one person, one record: the desk checks the existing customer in instead of making a second one
        raise ApplicationError(
            _("%(value)s already belongs to a customer: check them in by it instead.") % {"value": email},
            {"field": "email", "value": email})
    user = customer_services.guest_start()
    customer = customer_services.customer_get_or_create_for_user(user=user)
    # the name is what the card and the desk show; the email is where the card is sent
    type(customer).objects.filter(pk=customer.pk).update(full_name=name.strip(), email=email.strip())
    customer.refresh_from_db()
    for channel, value in (("email", email), ("phone", phone)):
        if value:
            try:
                customer_services.identity_attach(customer=customer, channel=channel, value=value)
            except ApplicationError as problem:
                raise ApplicationError(
                    _("%(value)s already belongs to a customer: check them in by it instead.") % {"value": value}
                    if "belongs" in problem.message else problem.message,
                    {"field": channel, "value": value},
                ) from None
    touchpoint(customer=customer, kind="signup", staff=staff, store=membership.store, data={"how": "walk-in"})
    for topic, granted in (("email", marketing_email), ("sms", marketing_sms)):
        customer_services.consent_set(customer=customer, topic=topic, granted=granted, channel="store",
                                      store=membership.store, method="fitting desk, walk-in form", actor=staff)
    return check_in_start(staff=staff, customer=customer, method="registered")


def store_upsert(*, name: str, address: str = "", city: str = "", latitude: float | None = None,
                 longitude: float | None = None, opening_hours: dict | None = None) -> Store:
    """Create or update the store of this name (the demo data and the admin use it)."""
    if latitude is not None and not -90 <= latitude <= 90:
        raise ApplicationError(f"latitude={latitude} is outside -90..90.", {"field": "latitude", "value": latitude})
    if longitude is not None and not -180 <= longitude <= 180:
        raise ApplicationError(f"longitude={longitude} is outside -180..180.", {"field": "longitude", "value": longitude})
    store, _created = Store.objects.update_or_create(name=name, defaults={
        "address": address, "city": city, "latitude": latitude, "longitude": longitude,
        "opening_hours": opening_hours or {}})
    return store


def staff_membership_set(*, user: AbstractBaseUser, store: Store, role: str = StaffMembership.Role.ASSOCIATE) -> StaffMembership:
    """Make the user staff of the store with this role (one store per staff member)."""
    if role not in StaffMembership.Role.values:
        raise ApplicationError(f"role={role!r} is not one of {', '.join(StaffMembership.Role.values)}.",
                               {"field": "role", "value": role, "allowed": ", ".join(StaffMembership.Role.values)})
    membership, _created = StaffMembership.objects.update_or_create(user=user, defaults={"store": store, "role": role})
    return membership


def staff_card_send(*, staff: AbstractBaseUser, customer) -> str:
    """Email the checked-in customer their loyalty card (customers' own mail); returns the address."""
    from customers.services import loyalty_card_send

    return loyalty_card_send(customer=customer, actor=staff)
