"""Plate planning: queued jobs packed onto plates by their real footprints, then the farm's plan by CP-SAT."""
from __future__ import annotations

import io
import math
from collections import defaultdict
from datetime import datetime, time as day_time, timedelta

import trimesh
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Polygon

from config.exceptions import ApplicationError
from configurator.selectors import revision_file_find
from geometry.printability import part_figures, part_shape, plate_print_seconds
from geometry.printers import PRINTER_PROFILES, PrinterProfile
from production.models import FarmPlan, Plate, Printer, PrintJob, PrintJobEvent
from production.scheduling import FixedRun, PlateTask, schedule
from production.services.jobs import print_jobs_create_for_paid_orders


def solver_seconds() -> float:
    return float(getattr(settings, "SARTORIA_PLAN_SECONDS", 6.0))


def job_mesh(job: PrintJob) -> trimesh.Trimesh:
    """The part as built (mm, sole on z=0): the revision's STL of that side and part."""
    stored = revision_file_find(revision_id=job.revision_id, side=job.side, name=job.stl_name)
    if stored is None:
        raise ApplicationError(
            _("job %(code)s cannot be planned: its print file %(name)s is missing.")
            % {"code": job.code, "name": job.stl_name}, {"field": "job", "value": job.pk})
    with stored.file.open("rb") as handle:
        return trimesh.load(io.BytesIO(handle.read()), file_type="stl", process=True)


def job_outline(job: PrintJob) -> Polygon:
    """The part's footprint (its projection on the bed), computed once from the real mesh and kept on the job."""
    if not job.footprint:
        from geometry.packing import footprint

        outline = footprint(job_mesh(job))
        job.footprint = [[round(x, 3), round(y, 3)] for x, y in outline.exterior.coords]
        PrintJob.objects.filter(pk=job.pk).update(footprint=job.footprint)
    return Polygon(job.footprint)


def _fits(outline: Polygon, height_mm: float, profile: PrinterProfile) -> bool:
    """The part fits this bed on its own (at an angle the packing tries) and under its height."""
    from geometry.packing import fits_bed

    return fits_bed(outline, bed_mm=tuple(profile.build_volume_mm[:2])) and height_mm <= profile.build_volume_mm[2]


def _printer_takes(printer: Printer, material: str) -> bool:
    return not printer.materials or material in printer.materials


def job_profile_choose(*, job: PrintJob, outline: Polygon, printers: list[Printer]) -> str:
    """The farm's smallest bed that holds the part and prints its material: plates packed on it fit larger beds too.

    Without printers configured, the printer the revision was checked for.
    """
    candidates = {printer.profile_key for printer in printers if _printer_takes(printer, job.material)}
    fitting = [PRINTER_PROFILES[key] for key in candidates if key in PRINTER_PROFILES
               and _fits(outline, job.height_mm, PRINTER_PROFILES[key])]
    if not fitting:
        return job.printer_profile
    fitting.sort(key=lambda profile: (profile.build_volume_mm[0] * profile.build_volume_mm[1],
                                      profile.key != job.printer_profile, profile.key))
    return fitting[0].key


def job_shape(job: PrintJob) -> dict[str, float]:
    """The part's shape (geometry.printability.part_shape) as the job keeps it; measured on the mesh once if unknown."""
    if job.area_mm2 <= 0:  # a job made from a report older than the shape's fields
        shape = part_shape(job_mesh(job))
        job.volume_mm3, job.area_mm2, job.height_mm, job.holes = (
            shape["volume_mm3"], shape["area_mm2"], shape["height_mm"], shape["holes"])
        PrintJob.objects.filter(pk=job.pk).update(volume_mm3=job.volume_mm3, area_mm2=job.area_mm2,
                                                  height_mm=job.height_mm, holes=job.holes)
    return {"volume_mm3": job.volume_mm3, "area_mm2": job.area_mm2, "height_mm": job.height_mm, "holes": job.holes}


def job_figures(*, job: PrintJob, profile: PrinterProfile) -> dict[str, float]:
    """The job's grams and print minutes on a profile: the printability report's formula (part_figures)."""
    return part_figures(**job_shape(job), profile=profile, material=job.material)


def plate_minutes(*, profile: PrinterProfile, jobs: list[PrintJob]) -> int:
    """A plate's print time on a profile: its parts' calibrated times added up (plate_print_seconds)."""
    seconds = plate_print_seconds(job_figures(job=job, profile=profile)["print_minutes"] * 60.0 for job in jobs)
    return max(1, math.ceil(seconds / 60.0))


def _fits_plate(printer: Printer, plate: Plate) -> bool:
    """A printer can run a plate packed for another profile when its bed is at least as large (same orientation)."""
    mine, packed = PRINTER_PROFILES.get(printer.profile_key), PRINTER_PROFILES.get(plate.printer_profile)
    if mine is None or packed is None or not _printer_takes(printer, plate.material):
        return False
    return (mine.build_volume_mm[0] >= packed.build_volume_mm[0] and mine.build_volume_mm[1] >= packed.build_volume_mm[1]
            and mine.build_volume_mm[2] >= plate.tallest_mm)


def _due(job: PrintJob) -> datetime:
    """Printed before the promised delivery's day begins (local time)."""
    return timezone.make_aware(datetime.combine(job.order.delivery_latest, day_time.min))


@transaction.atomic
def plates_pack(*, actor: AbstractBaseUser | None = None) -> list[Plate]:
    """Pack every queued job onto new plates, grouped by printer profile, material and colour."""
    from geometry.packing import PLATE_SPACING_MM, PackPart, pack

    printers = list(Printer.objects.filter(is_active=True))
    jobs = list(PrintJob.objects.select_for_update().filter(state=PrintJob.State.QUEUED)
                .select_related("order").order_by("order__delivery_latest", "pk"))
    groups: dict[tuple[str, str, str], list[tuple[PrintJob, Polygon]]] = defaultdict(list)
    known = {}  # the same part of the same revision (a second pair, a reprint) has the same footprint
    for job in PrintJob.objects.filter(revision_id__in={job.revision_id for job in jobs}).exclude(footprint=[]):
        known[(job.revision_id, job.side, job.stl_name)] = job.footprint
    for job in jobs:
        if not job.footprint and (job.revision_id, job.side, job.stl_name) in known:
            job.footprint = known[(job.revision_id, job.side, job.stl_name)]
            PrintJob.objects.filter(pk=job.pk).update(footprint=job.footprint)
        outline = job_outline(job)
        known[(job.revision_id, job.side, job.stl_name)] = job.footprint
        profile_key = job_profile_choose(job=job, outline=outline, printers=printers)
        groups[(profile_key, job.material, job.color.lower())].append((job, outline))
    plates = []
    for (profile_key, material, color), members in sorted(groups.items()):
        profile = PRINTER_PROFILES[profile_key]
        by_pk = {str(job.pk): job for job, _ in members}
        layouts = pack([PackPart(str(job.pk), outline) for job, outline in members],
                       bed_mm=tuple(profile.build_volume_mm[:2]), spacing_mm=PLATE_SPACING_MM)
        for layout in layouts:
            placed = [by_pk[placement.key] for placement in layout.placements]
            for job in placed:  # the job's figures on the profile it is packed for (the report's is the default one)
                figures = job_figures(job=job, profile=profile)
                job.grams, job.estimated_minutes = round(figures["grams"], 3), round(figures["print_minutes"], 1)
            plate = Plate.objects.create(
                printer_profile=profile_key, material=material, color=color, spacing_mm=PLATE_SPACING_MM,
                tallest_mm=max(job.height_mm for job in placed), grams=round(sum(job.grams for job in placed), 1),
                estimated_minutes=plate_minutes(profile=profile, jobs=placed), due=min(_due(job) for job in placed))
            for placement in layout.placements:
                job = by_pk[placement.key]
                job.plate, job.state, job.printer_profile = plate, PrintJob.State.PLANNED, profile_key
                job.x_mm, job.y_mm, job.rotation_deg = placement.x_mm, placement.y_mm, placement.rotation_deg
                job.save(update_fields=["plate", "state", "printer_profile", "x_mm", "y_mm", "rotation_deg",
                                        "grams", "estimated_minutes", "updated_at"])
                PrintJobEvent.objects.create(job=job, state=job.state, actor=actor if getattr(actor, "pk", None)
                                             else None, note=_("placed on plate %(plate)s") % {"plate": plate.pk})
            plates.append(plate)
    return plates


def _minutes_from(start: datetime, moment: datetime) -> int:
    return math.floor((moment - start).total_seconds() / 60.0)


@transaction.atomic
def farm_plan_compute(*, actor: AbstractBaseUser | None = None, time_limit_s: float | None = None) -> FarmPlan:
    """Assign every planned plate a printer, a start and an end; printing plates keep theirs."""
    now = timezone.now().replace(second=0, microsecond=0)
    printers = {str(printer.pk): printer for printer in Printer.objects.filter(is_active=True)}
    fixed = []
    for plate in Plate.objects.filter(status=Plate.Status.PRINTING, printer__isnull=False):
        if str(plate.printer_id) in printers:
            left = _minutes_from(now, plate.planned_end) if plate.planned_end else plate.estimated_minutes
            fixed.append(FixedRun(printer=str(plate.printer_id), end_min=max(left, 1)))
    plates = list(Plate.objects.select_for_update().filter(status=Plate.Status.PLANNED).prefetch_related("jobs"))
    tasks = []
    for plate in plates:
        jobs = list(plate.jobs.all())
        durations = {key: plate_minutes(profile=PRINTER_PROFILES[printer.profile_key], jobs=jobs)
                     for key, printer in printers.items() if jobs and _fits_plate(printer, plate)}
        tasks.append(PlateTask(key=plate.pk, due_min=_minutes_from(now, plate.due or now), durations=durations))
    result = schedule(tasks, list(printers), fixed=fixed, time_limit_s=solver_seconds() if time_limit_s is None
                      else time_limit_s)
    status = result.status if printers else "NO_PRINTERS"
    free_at = {key: 0 for key in printers}
    for run in fixed:
        free_at[run.printer] = max(free_at[run.printer], run.end_min)
    for printer, _start, end in result.assignments.values():
        free_at[printer] = max(free_at[printer], end)
    used = {printer for printer, _, _ in result.assignments.values()} | {run.printer for run in fixed}
    plan = FarmPlan.objects.create(
        created_by=actor if getattr(actor, "pk", None) else None, horizon_start=now, solver_status=status,
        makespan_minutes=result.makespan_min, lower_bound_minutes=result.lower_bound_min,
        solver_bound_minutes=result.solver_bound_min, tardiness_minutes=result.tardiness_min,
        late_plates=result.late_plates, solve_seconds=round(result.solve_seconds, 3),
        order_minutes=_order_minutes(plates),
        details={"printer_free_at_min": free_at, "printers_used": sorted(used),
                 "unschedulable_plates": result.unschedulable, "plates": len(tasks), "printers": len(printers)})
    for plate in plates:
        assigned = result.assignments.get(plate.pk)
        plate.plan = plan
        if assigned is None:
            plate.printer, plate.planned_start, plate.planned_end = None, None, None
        else:
            printer, start, end = assigned
            plate.printer = printers[printer]
            plate.planned_start, plate.planned_end = now + timedelta(minutes=start), now + timedelta(minutes=end)
        plate.save(update_fields=["plan", "printer", "planned_start", "planned_end"])
    return plan


def _order_minutes(plates: list[Plate]) -> int:
    """Mean print minutes of one order's parts (what a new order adds); from all jobs ever when none are planned."""
    jobs = [job for plate in plates for job in plate.jobs.all()] or list(PrintJob.objects.filter(attempt=0))
    per_order: dict[int, float] = defaultdict(float)
    for job in jobs:
        per_order[job.order_id] += job.estimated_minutes
    return math.ceil(sum(per_order.values()) / len(per_order)) if per_order else 0


def plates_plan(*, actor: AbstractBaseUser | None = None, time_limit_s: float | None = None) -> FarmPlan:
    """What `plan_plates` does: jobs for paid orders, queued jobs onto plates, then the farm's plan."""
    print_jobs_create_for_paid_orders(actor=actor)
    plates_pack(actor=actor)
    return farm_plan_compute(actor=actor, time_limit_s=time_limit_s)


@transaction.atomic
def printer_farm_demo_load() -> list[Printer]:
    """The demo farm: several printers of several kinds, each naming a profile of the printers registry."""
    farm = [
        ("XL-1", "prusa_xl", ["tpu_95a", "tpu_85a"]), ("XL-2", "prusa_xl", ["tpu_95a", "tpu_85a"]),
        ("XL-3", "prusa_xl", ["tpu_95a", "tpu_85a", "pla", "petg"]),
        ("X1-1", "bambu_x1", ["tpu_95a", "tpu_85a", "pla", "petg"]), ("X1-2", "bambu_x1", ["tpu_95a", "tpu_85a"]), ("MK4-1", "prusa_mk4", ["pla", "petg", "tpu_95a"]),
        ("Fuse-1", "sls_fuse1", ["nylon_pa12"]),
    ]
    printers = []
    for name, profile_key, materials in farm:
        if profile_key not in PRINTER_PROFILES:
            continue  # a profile the registry no longer has
        printer, _ = Printer.objects.get_or_create(name=name, defaults={"profile_key": profile_key,
                                                                        "materials": materials})
        printers.append(printer)
    return printers
