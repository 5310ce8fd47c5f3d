"""Print jobs: a paid order becomes one job per part and side; their states, history and reprints."""
from __future__ import annotations

import math

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from configurator.selectors import order_get, orders_with_status
from geometry import pipeline
from geometry.printers import DEFAULT_PRINTER
from production.models import Plate, PrintJob, PrintJobEvent

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: production reads orders through configurator's selectors
    from configurator.models import Order

# Orders production makes: paid, and those it already works on. A placed order is not paid yet.
ORDER_STATUSES_TO_MAKE = ("paid", "in_production", "printed")

# The traceability code: order number, part, side ("S0042-UP-L"); a reprint adds "-R1", "-R2"...
PART_CODES = {"upper": "UP", "midsole": "MS", "outsole": "OS", "insole": "IN"}
SIDE_CODES = {"left": "L", "right": "R"}

# Which state a job may go to from which (the API and the dashboard both ask this).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PrintJob.State.QUEUED: (PrintJob.State.PLANNED,),
    PrintJob.State.PLANNED: (PrintJob.State.PRINTING, PrintJob.State.QUEUED),
    PrintJob.State.PRINTING: (PrintJob.State.PRINTED, PrintJob.State.FAILED),
    PrintJob.State.PRINTED: (PrintJob.State.REPRINT,),  # a defect found after printing
    PrintJob.State.FAILED: (PrintJob.State.REPRINT,),
    PrintJob.State.REPRINT: (),
}
# Jobs that stand for their part now (a job sent to reprint was replaced by its reprint).
LIVE_STATES = tuple(state for state in PrintJob.State.values if state != PrintJob.State.REPRINT)


def order_number(order: Order) -> str:
    """The order number people read and the codes start with: "S0042"."""
    return f"S{order.pk:04d}"


def part_code(part: str) -> str:
    return PART_CODES.get(part, part[:2].upper())


def traceability_code(*, order: Order, part: str, side: str, attempt: int = 0) -> str:
    """The short code embossed on a part and named in its 3MF object: order, part, side, reprint."""
    code = f"{order_number(order)}-{part_code(part)}-{SIDE_CODES.get(side, side[:1].upper())}"
    return f"{code}-R{attempt}" if attempt else code


def _event(job: PrintJob, *, actor: AbstractBaseUser | None, note: str = "") -> None:
    PrintJobEvent.objects.create(job=job, state=job.state, actor=actor if getattr(actor, "pk", None) else None,
                                 note=note[:500])


def _part_rows(order: Order) -> list[dict]:
    """The parts of the order's revision, per side, with what the build report says of each."""
    revision = order.revision
    product_key = revision.design.template.generator_key
    sides_report = (revision.report or {}).get("sides", {})
    rows = []
    for side in revision.sides:
        side_report = sides_report.get(side)
        if not side_report or not side_report.get("parts"):
            raise ApplicationError(
                _("order %(order)s cannot be made: revision %(revision)s has no built %(side)s side.")
                % {"order": order_number(order), "revision": revision.pk, "side": side},
                {"field": "order", "value": order.pk},
            )
        printability = side_report.get("printability", {})
        names = pipeline.file_names(product_key, list(side_report["parts"]))
        for part, stl_name in names.items():
            estimate = printability.get("parts", {}).get(part, {})
            materials = side_report.get("materials", {}).get(part, {})
            extents = estimate.get("extents_mm") or side_report["parts"][part].get("extents_mm") or [0, 0, 0]
            # a report older than the "holes" field: area 0 makes planning measure the shape on the mesh
            known_shape = "holes" in estimate and "area_mm2" in estimate
            rows.append({
                "side": side, "part": part, "stl_name": stl_name,
                "material": estimate.get("material") or materials.get("material", ""),
                "color": (estimate.get("color") or materials.get("color") or "#808080")[:7],
                "printer_profile": printability.get("printer") or DEFAULT_PRINTER,
                "grams": float(estimate.get("grams") or 0.0),
                "estimated_minutes": float(estimate.get("print_minutes") or 0.0),
                "volume_mm3": float(estimate.get("volume_mm3") or side_report["parts"][part].get("volume_mm3") or 0),
                "height_mm": float(extents[2]),
                "area_mm2": float(estimate["area_mm2"]) if known_shape else 0.0,
                "holes": int(estimate["holes"]) if known_shape else 0,
                "needs_supports": bool(estimate.get("overhang_area_mm2") or 0) > 0,
            })
    return rows


def print_jobs_create_for_order(*, order: Order, actor: AbstractBaseUser | None = None) -> list[PrintJob]:
    """One queued job per part and side of a paid order. Idempotent: paying twice or a retried task adds none."""
    with transaction.atomic():
        order = order_get(order_id=order.pk, for_update=True)
        if order.status not in ORDER_STATUSES_TO_MAKE:
            raise ApplicationError(
                _("order %(order)s is %(status)s: only paid orders become print jobs.")
                % {"order": order_number(order), "status": order.get_status_display()},
                {"field": "order", "value": order.pk, "allowed": ", ".join(ORDER_STATUSES_TO_MAKE)},
            )
        existing = {(job.side, job.part): job for job in order.print_jobs.filter(attempt=0)}
        for row in _part_rows(order):
            if (row["side"], row["part"]) in existing:
                continue
            try:
                with transaction.atomic():  # the unique constraint is the last word if two workers race
                    job = PrintJob.objects.create(
                        order=order, revision=order.revision, attempt=0,
                        code=traceability_code(order=order, part=row["part"], side=row["side"]), **row)
            except IntegrityError:
                continue
            _event(job, actor=actor, note=_("order %(order)s paid") % {"order": order_number(order)})
        return list(order.print_jobs.order_by("side", "part", "attempt"))


def print_jobs_create_for_paid_orders(*, actor: AbstractBaseUser | None = None) -> int:
    """Catch up: jobs for every paid order that has none yet (a lost message, orders paid before this existed)."""
    created = 0
    for order in orders_with_status(statuses=["paid"]).filter(print_jobs__isnull=True).order_by("pk"):
        try:
            created += len(print_jobs_create_for_order(order=order, actor=actor))
        except ApplicationError:
            continue  # an order whose revision was never built: it stays visible on the dashboard as is
    return created


def _order_follow(*, order: Order, actor: AbstractBaseUser | None) -> None:
    """Move the order along with its jobs: in production when one starts printing, printed when all are."""
    from configurator.services import order_status_set  # the checkout's lifecycle owns the order's status

    order.refresh_from_db()
    live = list(order.print_jobs.filter(state__in=LIVE_STATES).values_list("state", flat=True))
    if order.status == "paid" and any(state in (PrintJob.State.PRINTING, PrintJob.State.PRINTED) for state in live):
        order = order_status_set(order=order, status="in_production", actor=actor,
                                 note=_("the first part started printing"))
    if order.status == "in_production" and live and all(state == PrintJob.State.PRINTED for state in live):
        order_status_set(order=order, status="printed", actor=actor, note=_("every part is printed"))


def _transition_check(job: PrintJob, state: str) -> None:
    if state not in TRANSITIONS.get(job.state, ()):
        allowed = ", ".join(TRANSITIONS.get(job.state, ())) or _("none")
        raise ApplicationError(
            _("job %(code)s is %(state)s and cannot become %(new)s; it can become: %(allowed)s.")
            % {"code": job.code, "state": job.get_state_display(), "new": state, "allowed": allowed},
            {"field": "state", "value": state, "allowed": allowed},
        )


def _reprint(job: PrintJob, *, actor: AbstractBaseUser | None, note: str) -> PrintJob:
    """A new queued job for the same part with the code's next suffix; the old one is marked replaced."""
    attempt = (PrintJob.objects.filter(order_id=job.order_id, side=job.side, part=job.part)
               .aggregate(last=Max("attempt"))["last"] or 0) + 1
    fresh = PrintJob.objects.create(
        order_id=job.order_id, revision_id=job.revision_id, side=job.side, part=job.part, attempt=attempt,
        code=traceability_code(order=job.order, part=job.part, side=job.side, attempt=attempt),
        stl_name=job.stl_name, material=job.material, color=job.color, printer_profile=job.printer_profile,
        grams=job.grams, estimated_minutes=job.estimated_minutes, volume_mm3=job.volume_mm3,
        height_mm=job.height_mm, area_mm2=job.area_mm2, holes=job.holes, needs_supports=job.needs_supports,
        footprint=job.footprint, reprint_of=job)
    _event(fresh, actor=actor, note=_("reprint of %(code)s") % {"code": job.code} + (f": {note}" if note else ""))
    return fresh


def print_job_state_set(*, job: PrintJob, state: str, actor: AbstractBaseUser | None, note: str = "") -> PrintJob:
    """Change a job's state (printing, printed, failed, reprint) and record who and when; the order follows.

    Sending a failed (or faulty printed) job to reprint returns the new job that replaces it.
    """
    if state not in PrintJob.State.values:
        raise ApplicationError(
            _("%(value)s is not a job state; choose one of %(allowed)s.")
            % {"value": state, "allowed": ", ".join(PrintJob.State.values)},
            {"field": "state", "value": state, "allowed": ", ".join(PrintJob.State.values)},
        )
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().select_related("order").get(pk=job.pk)
        if job.state == state:  # a repeated click or a retried request
            return job
        _transition_check(job, state)
        job.state = state
        if state == PrintJob.State.QUEUED:
            job.plate = None
        job.save(update_fields=["state", "plate", "updated_at"])
        _event(job, actor=actor, note=note)
        result = _reprint(job, actor=actor, note=note) if state == PrintJob.State.REPRINT else job
        if job.plate_id:
            _plate_follow(plate_id=job.plate_id)
        _order_follow(order=job.order, actor=actor)
    return result


def _plate_follow(*, plate_id: int) -> None:
    """A plate prints while one of its jobs does, and is printed (or failed) once all of them are."""
    plate = Plate.objects.select_for_update().get(pk=plate_id)
    states = set(plate.jobs.values_list("state", flat=True))
    if not states:
        return
    if states <= {PrintJob.State.PRINTED}:
        plate.status = Plate.Status.PRINTED
    elif PrintJob.State.PRINTING in states:
        plate.status = Plate.Status.PRINTING
    elif not states & {PrintJob.State.PLANNED, PrintJob.State.QUEUED}:
        plate.status = Plate.Status.FAILED  # printed as far as it went; its failed parts are reprinted elsewhere
    plate.save(update_fields=["status"])


def plate_state_set(*, plate: Plate, state: str, actor: AbstractBaseUser | None, note: str = "") -> Plate:
    """The operator's one click for a whole plate: every job on it that can go to `state` goes there."""
    jobs = list(plate.jobs.exclude(state=state).order_by("pk"))
    movable = [job for job in jobs if state in TRANSITIONS.get(job.state, ())]
    if not movable:
        raise ApplicationError(
            _("no job on plate %(plate)s can become %(state)s.") % {"plate": plate.pk, "state": state},
            {"field": "state", "value": state},
        )
    for job in movable:
        print_job_state_set(job=job, state=state, actor=actor, note=note)
    plate.refresh_from_db()
    return plate


def minutes_round(value: float) -> int:
    return int(math.ceil(value))
