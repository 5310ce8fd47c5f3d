"""A finished revision with a printability report, made without building (the order tests need no geometry)."""
import hashlib
import itertools

from django.utils import timezone

from configurator.models import DesignRevision
from tests.conftest import FEET
from tests.factories import DesignFactory

_numbers = itertools.count(1)


def report_of(*, grams: float, minutes: float, sides=("right",), material: str = "tpu_95a") -> dict:
    part = {"material": material, "grams": grams, "print_minutes": minutes}
    return {"sides": {side: {"printability": {"parts": {"insole": part}}, "fit": {
        "verdict": "fits", "messages": []}} for side in sides}}


def done_revision(*, customer, product, grams: float = 100.0, minutes: float = 300.0, sides=("right",),
                  parameters: dict | None = None) -> DesignRevision:
    design = DesignFactory(customer=customer, template=product)
    number = next(_numbers)
    return DesignRevision.objects.create(
        design=design, number=1, params_hash=hashlib.sha256(f"order-{number}".encode()).hexdigest(),
        parameters=parameters or {}, measurements={side: FEET[side] for side in sides if side in FEET} or FEET,
        sides=list(sides), status=DesignRevision.Status.DONE, finished_at=timezone.now(),
        report=report_of(grams=grams, minutes=minutes, sides=sides))
