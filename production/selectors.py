"""Reads of production: the queue, plates, the farm's plan and its lead time."""
from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from configurator.selectors import orders_with_status
from production.models import FarmPlan, Plate, PlateExport, Printer, PrintJob
from production.services.jobs import ORDER_STATUSES_TO_MAKE


def print_job_list() -> QuerySet[PrintJob]:
    return PrintJob.objects.select_related("order__customer__user", "plate__printer", "revision__design__template")


def print_job_get(*, job_id: int) -> PrintJob:
    from django.http import Http404

    job = print_job_list().filter(pk=job_id).first()
    if job is None:
        raise Http404(_("No such print job."))
    return job


def plate_list() -> QuerySet[Plate]:
    return Plate.objects.select_related("printer").prefetch_related("jobs__order")


def plate_get(*, plate_id: int) -> Plate:
    from django.http import Http404

    plate = plate_list().filter(pk=plate_id).first()
    if plate is None:
        raise Http404(_("No such plate."))
    return plate


def plate_export_get(*, export_id: int) -> PlateExport:
    from django.http import Http404

    export = PlateExport.objects.filter(pk=export_id).first()
    if export is None:
        raise Http404(_("No such export."))
    return export


def plate_export_find(*, export_id: int) -> PlateExport | None:
    return PlateExport.objects.filter(pk=export_id).first()


def orders_to_make() -> QuerySet:
    """The queue: paid orders and those in production, oldest promise first."""
    return (orders_with_status(statuses=ORDER_STATUSES_TO_MAKE)
            .select_related("customer__user", "design__template", "revision")
            .prefetch_related("print_jobs").order_by("delivery_latest", "pk"))


def farm_plan_current() -> FarmPlan | None:
    return FarmPlan.objects.order_by("-created_at", "-pk").first()


def job_counts_by_state() -> dict[str, int]:
    counts = Counter(PrintJob.objects.values_list("state", flat=True))
    return {state: counts.get(state, 0) for state in PrintJob.State.values}


def job_counts_by_printer() -> list[tuple[str, dict[str, int]]]:
    """Per printer (and "not planned"), how many jobs are in each state."""
    table: dict[str, Counter] = {}
    for state, printer in PrintJob.objects.values_list("state", "plate__printer__name"):
        table.setdefault(printer or "", Counter())[state] += 1
    return sorted(((printer, dict(counts)) for printer, counts in table.items()), key=lambda item: item[0] or "~")


def working_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after `start` up to and including `end`."""
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


def farm_lead_time_days() -> int:
    """Working days until a new order would be printed, given the current plan (at least 1).

    A new order waits for the first of the plan's printers to be free, then takes the mean print time of one order's
    parts in that plan; with no plan, the farm is free now.
    """
    now = timezone.now()
    plan = farm_plan_current()
    free_at = now
    order_minutes = 0
    if plan is not None:
        free = plan.details.get("printer_free_at_min", {})
        used = plan.details.get("printers_used") or list(free)
        minutes = [free[key] for key in used if key in free]
        if minutes:
            free_at = max(now, plan.horizon_start + timedelta(minutes=min(minutes)))
        order_minutes = plan.order_minutes
    if not order_minutes:
        per_order = Counter()
        for order_id, minutes in PrintJob.objects.filter(attempt=0).values_list("order_id", "estimated_minutes"):
            per_order[order_id] += minutes
        order_minutes = math.ceil(sum(per_order.values()) / len(per_order)) if per_order else 0
    finish = timezone.localtime(free_at + timedelta(minutes=order_minutes))
    return max(1, working_days_between(timezone.localdate(now), finish.date()))


def printers_active() -> QuerySet[Printer]:
    return Printer.objects.filter(is_active=True)
