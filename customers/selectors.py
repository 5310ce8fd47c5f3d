from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from customers.models import Customer, Measurement, MeasurementSet


def customer_for_user_get(*, user: AbstractBaseUser) -> Customer | None:
    return Customer.objects.filter(user=user).first() if user.is_authenticated else None


def measurement_set_list(*, customer: Customer | None) -> QuerySet[MeasurementSet]:
    if customer is None:
        return MeasurementSet.objects.none()
    return customer.measurement_sets.prefetch_related("measurements")


def measurement_set_get_for_user(*, measurement_set_id: int, user: AbstractBaseUser) -> MeasurementSet:
    """Only the customer's own sets: someone else's is a 404, so ids reveal nothing."""
    customer = customer_for_user_get(user=user)
    found = measurement_set_list(customer=customer).filter(pk=measurement_set_id).first()
    if found is None:
        raise Http404("No such measurement set.")
    return found


def measurement_set_feet(*, measurement_set: MeasurementSet) -> dict[str, dict[str, float]]:
    """The set as the measurements format: {"left": {"length_mm": ...}, "right": {...}}."""
    feet: dict[str, dict[str, float]] = {}
    for measurement in measurement_set.measurements.all():
        feet.setdefault(measurement.side, {})[measurement.kind] = measurement.value_mm
    return {side: feet[side] for side in (Measurement.Side.LEFT, Measurement.Side.RIGHT) if side in feet}


def measurement_set_latest(*, customer: Customer | None) -> MeasurementSet | None:
    return measurement_set_list(customer=customer).first()
