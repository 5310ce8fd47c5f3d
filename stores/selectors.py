"""Reads about stores, their staff and who is checked in where. Other apps ask these, never the tables."""
import math

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from stores.cities import CITY_COORDINATES, city_key
from stores.models import CheckIn, StaffMembership, Store

User = AbstractBaseUser | AnonymousUser


def staff_membership_get(*, user: User) -> StaffMembership | None:
    """The store and role this user works in, or None for anyone who is not store staff."""
    if user is None or not user.is_authenticated:
        return None
    return StaffMembership.objects.select_related("store").filter(user=user).first()


def staff_role_get(*, user: User) -> str | None:
    """"associate" or "manager" for store staff, None for everyone else."""
    membership = staff_membership_get(user=user)
    return membership.role if membership else None


def staff_store_get(*, user: User) -> Store | None:
    membership = staff_membership_get(user=user)
    return membership.store if membership else None


def _active(now=None) -> Q:
    """A check-in lasts until check-out or its expiry, whichever comes first."""
    now = now or timezone.now()
    return Q(ended_at__isnull=True, expires_at__gt=now)


def check_in_list_for_staff(*, user: User) -> QuerySet[CheckIn]:
    """The check-ins open now at this staff member's store: the only customers they may see."""
    store = staff_store_get(user=user)
    if store is None:
        return CheckIn.objects.none()
    return CheckIn.objects.select_related("customer", "staff", "store").filter(_active(), store=store)


def check_in_get_for_staff(*, check_in_id: int, user: User) -> CheckIn:
    """An open check-in of this staff member's store; anything else (another store's, ended, expired) is a 404."""
    found = check_in_list_for_staff(user=user).filter(pk=check_in_id).first()
    if found is None:
        raise Http404(_("No such check-in."))
    return found


def customer_ids_checked_in_for_staff(*, user: User) -> QuerySet:
    """Ids of the customers checked in now at this staff member's store (a subquery for other apps' filters).

    The store is looked up first, in a query of its own, on purpose: for anyone not staff the subquery is then
    empty and drops out of the caller's OR, so a shopper's designs are read through the index on their customer.
    Found inside the subquery instead, the OR stays and PostgreSQL scans every design, as it does for a store
    associate's list (bench/bench_list_plans.py, 100,000 designs: an associate's 39 ms, a shopper's 0.1 ms)."""
    return check_in_list_for_staff(user=user).values("customer_id")


def customer_checked_in_get(*, customer_id, user: User):
    """The customer, if checked in now at this staff member's store; otherwise a 404 (never says they exist)."""
    try:
        customer_id = int(customer_id)
    except (TypeError, ValueError):
        raise Http404(_("No such customer.")) from None
    check_in = check_in_list_for_staff(user=user).filter(customer_id=customer_id).first()
    if check_in is None:
        raise Http404(_("No such customer."))
    return check_in.customer


def check_in_current_for_customer(*, customer_id: int, user: User) -> CheckIn | None:
    return check_in_list_for_staff(user=user).filter(customer_id=customer_id).first()


def store_list() -> QuerySet[Store]:
    return Store.objects.filter(is_active=True)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def store_list_by_distance(*, latitude: float | None = None, longitude: float | None = None) -> list[tuple[Store, float | None]]:
    """Active stores nearest first from a point (stores without coordinates last); by name without a point."""
    stores = list(store_list())
    if latitude is None or longitude is None:
        return [(store, None) for store in stores]
    ranked = [
        (store, distance_km(latitude, longitude, store.latitude, store.longitude)
         if store.latitude is not None and store.longitude is not None else None)
        for store in stores
    ]
    return sorted(ranked, key=lambda pair: (pair[1] is None, pair[1] or 0.0, pair[0].name))


def city_coordinates_get(*, city: str) -> tuple[float, float] | None:
    return CITY_COORDINATES.get(city_key(city))


def customer_checked_in_find(*, user: User, email: str = "", loyalty_card: str = "", customer_id="") -> object:
    """The customer named by email, card or id, only if checked in now at this staff member's store.

    Unknown, known elsewhere, or not checked in: the same 404, so the answer reveals nothing about who exists.
    """
    from customers import selectors as customer_selectors  # customers asks this module too: import when asked

    customer = None
    if customer_id not in ("", None):
        return customer_checked_in_get(customer_id=customer_id, user=user)
    if loyalty_card:
        customer = customer_selectors.customer_find_by_loyalty_card(number=str(loyalty_card))
    elif email:
        customer = customer_selectors.customer_find_by_email(email=str(email))
    if customer is None:
        raise Http404(_("No customer checked in here with that loyalty card or email."))
    try:
        return customer_checked_in_get(customer_id=customer.pk, user=user)
    except Http404:
        raise Http404(_("No customer checked in here with that loyalty card or email.")) from None
