"""What the dashboard shows, in words and in drawing coordinates: the queue, plates from above, the Gantt."""
from __future__ import annotations

from datetime import timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from shapely.geometry import Polygon

from geometry.printers import PRINTER_PROFILES
from production import selectors, services
from production.models import FarmPlan, Plate, PrintJob

# lazy: translated when shown, in the reader's language
PART_LABELS = {"upper": gettext_lazy("upper"), "midsole": gettext_lazy("midsole"), "outsole": gettext_lazy("outsole"),
               "insole": gettext_lazy("insole")}
SIDE_LABELS = {"left": gettext_lazy("left"), "right": gettext_lazy("right")}


def duration_words(minutes: int | float) -> str:
    """'3 h 20 min', '2 d 4 h': a duration as people say it."""
    minutes = int(round(minutes))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)s min") % {"minutes": mins}


def plan_sentence(plan: FarmPlan | None) -> str:
    """The plan in one sentence: how long, how far from the bound, how late."""
    if plan is None:
        return _("No plan yet: press \"Plan plates\".")
    if plan.solver_status == "NO_PRINTERS":
        return _("No printers are configured: add printers in the admin, then plan again.")
    plates = plan.details.get("plates", 0)
    if not plates:
        return _("Nothing to plan: no planned plates are waiting.")
    text = _("%(plates)s plates on %(printers)s printers finish in %(makespan)s; no plan can finish before "
             "%(bound)s (gap %(gap)s %%).") % {
        "plates": plates, "printers": plan.details.get("printers", 0),
        "makespan": duration_words(plan.makespan_minutes),
        "bound": duration_words(max(plan.lower_bound_minutes, plan.solver_bound_minutes)),
        "gap": formats.localize(round(100 * gap_of(plan), 1))}
    if plan.late_plates:
        text += " " + ngettext("%(count)s plate ends after its promised date.",
                               "%(count)s plates end after their promised dates.", plan.late_plates) % {
            "count": plan.late_plates}
    else:
        text += " " + _("Every promised date is met.")
    return text


def gap_of(plan: FarmPlan) -> float:
    bound = max(plan.lower_bound_minutes, plan.solver_bound_minutes)
    return (plan.makespan_minutes - bound) / bound if bound else 0.0


def plate_drawing(plate: Plate) -> dict:
    """The plate from above as SVG paths: each part's placed footprint, in bed millimetres (y up)."""
    from geometry.packing import Placement, place_outline

    profile = PRINTER_PROFILES.get(plate.printer_profile)
    bed = profile.build_volume_mm[:2] if profile else (250.0, 250.0)
    parts = []
    for job in plate.jobs.all():
        if not job.footprint:
            continue
        placed = place_outline(Polygon(job.footprint), Placement(str(job.pk), job.x_mm, job.y_mm, job.rotation_deg))
        # SVG's y points down: flip so the drawing matches the bed seen from above
        path = "M " + " L ".join(f"{x:.1f},{bed[1] - y:.1f}" for x, y in placed.exterior.coords) + " Z"
        centre = placed.representative_point()
        parts.append({"path": path, "code": job.code, "x": round(centre.x, 1), "y": round(bed[1] - centre.y, 1)})
    return {"width": bed[0], "height": bed[1], "parts": parts, "color": plate.color}


def plate_presented(plate: Plate) -> dict:
    jobs = list(plate.jobs.all())
    profile = PRINTER_PROFILES.get(plate.printer_profile)
    return {
        "plate": plate, "jobs": jobs, "drawing": plate_drawing(plate),
        "profile_label": profile.label if profile else plate.printer_profile,
        "material_label": services.exports.material_label(plate.material),
        "duration": duration_words(plate.estimated_minutes),
        "orders": sorted({services.order_number(job.order) for job in jobs}),
        "late": bool(plate.planned_end and plate.due and plate.planned_end > plate.due),
    }


def timeline(plan: FarmPlan | None, plates: list[Plate]) -> dict | None:
    """The Gantt: one row per printer, one bar per plate, positions in % of the plan's span; ticks every few hours."""
    if plan is None:
        return None
    printers = list(selectors.printers_active())
    dated = [plate for plate in plates if plate.planned_start and plate.planned_end and plate.printer_id]
    start = min([plan.horizon_start] + [plate.planned_start for plate in dated])
    end = max([plan.horizon_start + timedelta(minutes=max(plan.makespan_minutes, 60))]
              + [plate.planned_end for plate in dated])
    span = max((end - start).total_seconds(), 60.0)

    def percent(moment) -> float:
        return round(100.0 * (moment - start).total_seconds() / span, 3)

    rows = []
    for printer in printers:
        bars = [{"plate": plate.pk, "left": percent(plate.planned_start),
                 "width": max(percent(plate.planned_end) - percent(plate.planned_start), 0.3),
                 "color": plate.color, "status": plate.status,
                 "late": bool(plate.due and plate.planned_end > plate.due),
                 "label": _("plate %(id)s") % {"id": plate.pk},
                 "title": f"{_('plate %(id)s') % {'id': plate.pk}}: "
                          f"{formats.date_format(timezone.localtime(plate.planned_start), 'SHORT_DATETIME_FORMAT')} → "
                          f"{formats.date_format(timezone.localtime(plate.planned_end), 'SHORT_DATETIME_FORMAT')}"}
                for plate in dated if plate.printer_id == printer.pk]
        profile = PRINTER_PROFILES.get(printer.profile_key)
        rows.append({"printer": printer, "profile_label": profile.label if profile else printer.profile_key,
                     "bars": bars})
    hours = span / 3600.0
    step = next(step for step in (1, 2, 3, 6, 12, 24, 48, 96, 168, 336) if hours / step <= 12 or step == 336)
    ticks = []
    moment = timezone.localtime(start).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    while moment < end:
        ticks.append({"left": percent(moment),
                      "label": formats.date_format(moment, "D H:i" if step < 24 else "D j M")})
        moment += timedelta(hours=step)
    return {"rows": rows, "ticks": ticks, "start": start, "end": end,
            "bound_left": percent(plan.horizon_start + timedelta(minutes=max(plan.lower_bound_minutes,
                                                                            plan.solver_bound_minutes)))}


def dashboard() -> dict:
    """Everything the dashboard draws."""
    plan = selectors.farm_plan_current()
    plates = list(selectors.plate_list().filter(status__in=[Plate.Status.PLANNED, Plate.Status.PRINTING])
                  .order_by("planned_start", "pk"))
    counts = selectors.job_counts_by_state()
    states = [{"state": state, "label": label, "count": counts.get(state, 0)}
              for state, label in PrintJob.State.choices]
    by_printer = [{"printer": printer or _("not planned"),
                   "cells": [counts_row.get(state, 0) for state in PrintJob.State.values]}
                  for printer, counts_row in selectors.job_counts_by_printer()]
    orders = [{"order": order, "number": services.order_number(order), "customer": services.customer_name(order),
               "status": order.get_status_display(), "jobs": len(order.print_jobs.all()),
               "product": order.design.template.display_name,
               "sides": ", ".join(str(SIDE_LABELS.get(side, side)) for side in order.revision.sides)}
              for order in selectors.orders_to_make()[:300]]
    problems = list(selectors.print_job_list().filter(state__in=[PrintJob.State.FAILED, PrintJob.State.REPRINT])
                    .order_by("-updated_at")[:100])
    reprints = list(selectors.print_job_list().filter(attempt__gt=0).order_by("-created_at")[:100])
    printing = list(selectors.print_job_list().filter(state__in=[PrintJob.State.PLANNED, PrintJob.State.PRINTING])
                    .order_by("plate_id", "pk")[:300])
    return {
        "plan": plan, "plan_sentence": plan_sentence(plan), "lead_time_days": selectors.farm_lead_time_days(),
        "gap_percent": round(100 * gap_of(plan), 1) if plan else None,
        "makespan_words": duration_words(plan.makespan_minutes) if plan else "",
        "bound_words": duration_words(max(plan.lower_bound_minutes, plan.solver_bound_minutes)) if plan else "",
        "states": states, "state_labels": [label for _, label in PrintJob.State.choices], "by_printer": by_printer,
        "orders": orders, "plates": [plate_presented(plate) for plate in plates],
        "timeline": timeline(plan, plates), "problems": problems, "reprints": reprints, "printing": printing,
        "queued_count": counts.get(PrintJob.State.QUEUED, 0),
    }
