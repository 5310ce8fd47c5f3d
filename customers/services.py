from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from config.exceptions import ApplicationError
from configurator.geometry.errors import ParameterError
from configurator.geometry.foot import FootMeasurements
from customers.models import ChannelIdentity, Customer, Measurement, MeasurementSet
from customers.selectors import measurement_set_feet, measurement_set_latest

FOOT_SIDES = ("left", "right")


def parameter_error_to_application_error(error: ParameterError, *, prefix: str) -> ApplicationError:
    """The geometry's refusal as an API error; `to_dict` keeps NaN and odd values JSON-safe."""
    described = error.to_dict()
    return ApplicationError(
        str(error), {"field": f"{prefix}{error.field}", "value": described["value"], "allowed": described["allowed"]}
    )


def feet_validate(*, feet: Any) -> dict[str, dict[str, float]]:
    """Check the measurements format ({"left": {...}, "right": {...}}, mm) and return it normalised."""
    if not isinstance(feet, Mapping) or not feet:
        raise ApplicationError(
            "measurements must be an object with a 'left' and/or 'right' foot.",
            {"field": "measurements", "allowed": "{'left': {...}, 'right': {...}}"},
        )
    unknown = sorted(set(feet) - set(FOOT_SIDES))
    if unknown:
        raise ApplicationError(
            f"measurements has an unknown side {unknown[0]!r}; use 'left' and 'right'.",
            {"field": f"measurements.{unknown[0]}", "allowed": "left, right"},
        )
    normalised = {}
    for side, values in feet.items():
        if not isinstance(values, Mapping):
            raise ApplicationError(
                f"measurements.{side} must be an object of millimetre values.", {"field": f"measurements.{side}"}
            )
        try:
            normalised[side] = FootMeasurements.from_dict(values).to_dict()
        except ParameterError as error:
            raise parameter_error_to_application_error(error, prefix=f"measurements.{side}.") from error
    return normalised


@transaction.atomic
def customer_get_or_create_for_user(*, user: AbstractBaseUser) -> Customer:
    """Every signed-in person gets exactly one customer record, created on first use."""
    customer, created = Customer.objects.get_or_create(
        user=user, defaults={"email": getattr(user, "email", ""), "full_name": user.get_full_name()}
    )
    if created:
        ChannelIdentity.objects.get_or_create(
            channel=ChannelIdentity.Channel.WEB, external_id=str(user.pk), defaults={"customer": customer}
        )
    return customer


@transaction.atomic
def measurement_set_record(
    *, customer: Customer, feet: Mapping, source: str = MeasurementSet.Source.TYPED
) -> MeasurementSet:
    """Add a measurement set; the same values as the latest set of the same source reuse it instead of piling up."""
    normalised = feet_validate(feet=feet)
    latest = measurement_set_latest(customer=customer)
    if latest is not None and latest.source == source and measurement_set_feet(measurement_set=latest) == normalised:
        return latest
    measurement_set = MeasurementSet.objects.create(customer=customer, source=source)
    Measurement.objects.bulk_create(
        Measurement(measurement_set=measurement_set, side=side, kind=kind, value_mm=value)
        for side, values in normalised.items()
        for kind, value in values.items()
    )
    return measurement_set
