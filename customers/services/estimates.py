"""'Start from my shoe size': a measurement set estimated from a size, until a scan or a store measurement arrives."""
from django.contrib.auth.models import AbstractBaseUser

from config.exceptions import ApplicationError
from customers.models import Customer, MeasurementSet
from customers.services.scans import measurement_set_record, parameter_error_to_application_error
from geometry import size_estimate
from geometry.errors import ParameterError


def measurement_set_estimate(
    *, customer: Customer, system: str, size: float, fitting: str = "standard", actor: AbstractBaseUser | None = None,
) -> MeasurementSet:
    """Record both feet estimated from a shoe size and width fitting (source "estimate").

    The studio and the profile use the newest set, so a later scan or store measurement takes its place; a
    design built from the estimate opens on that newer set (see the studio's preferredSet).
    """
    try:
        foot = size_estimate.measurements_from_size(system, size, fitting)
    except ParameterError as error:
        raise parameter_error_to_application_error(error, prefix="") from error
    if customer is None:
        raise ApplicationError("no customer to record the estimate for.", {"field": "customer"})
    return measurement_set_record(customer=customer, feet={"left": foot, "right": foot},
                                  source=MeasurementSet.Source.ESTIMATE, actor=actor)
