"""Exports: chosen plates as 3MF, STLs, job sheets (HTML, A4 PDF) and a CSV in one zip; revisions of paid orders."""
from __future__ import annotations

import base64
import hashlib
import io
import logging
import zipfile
from functools import partial

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from configurator.selectors import REVISION_DONE, revision_file_find, revisions_with_orders
from geometry.export import to_stl
from geometry.materials import MATERIALS
from geometry.printers import PRINTER_PROFILES
from production import exporters
from production.exporters import PRINT_KINDS, ExportRefused, PrintEntry, batch_zip
from production.models import Plate, PlateExport, PrintExport, PrintJob
from production.services.jobs import ORDER_STATUSES_TO_MAKE, order_number
from production.services.planning import job_mesh, job_outline

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: production reads orders through configurator's selectors
    from configurator.models import Order

logger = logging.getLogger(__name__)

MAX_REVISIONS_PER_EXPORT = 200
MAX_PLATES_PER_EXPORT = 100
CSV_COLUMNS = ("plate", "code", "order", "order_status", "customer", "product", "part", "side", "material", "color",
               "grams", "estimated_minutes", "needs_supports", "printer_profile", "printer", "planned_start",
               "x_mm", "y_mm", "rotation_deg", "stl", "state")


def customer_name(order: Order) -> str:
    """The only personal data a job sheet shows: the customer's name (never an email or an address)."""
    customer = order.customer
    user = customer.user
    return customer.full_name or (user.get_full_name() if user else "") or _("customer %(id)s") % {"id": customer.pk}


def material_label(key: str) -> str:
    return _(MATERIALS[key]["label"]) if key in MATERIALS else key


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "—"


# ------------------------------------------------------------------------------------------ revision exports

def print_files_export(*, revision_ids: list[int], user: AbstractBaseUser) -> tuple[bytes, PrintExport]:
    """Zip the print files of finished revisions of paid orders and record who took them; refuse others by name."""
    wanted = sorted(set(revision_ids))
    if not wanted or len(wanted) > MAX_REVISIONS_PER_EXPORT:
        raise ApplicationError(
            _("choose between 1 and %(max)s revisions.") % {"max": MAX_REVISIONS_PER_EXPORT},
            {"field": "revision_ids", "value": wanted, "allowed": f"1..{MAX_REVISIONS_PER_EXPORT}"})
    revisions = {revision.pk: revision for revision in revisions_with_orders(revision_ids=wanted)}
    refused, refused_ids = [], []
    for pk in wanted:
        revision = revisions.get(pk)
        orders = list(revision.orders.all()) if revision else []
        if revision is None:
            refused.append(_("revision %(id)s does not exist") % {"id": pk})
        elif revision.status != REVISION_DONE:
            refused.append(_("revision %(id)s is not finished") % {"id": pk})
        elif not orders:
            refused.append(_("revision %(id)s was never ordered") % {"id": pk})
        elif not any(order.status in ORDER_STATUSES_TO_MAKE for order in orders):
            statuses = ", ".join(f"{order_number(order)} {order.get_status_display()}" for order in orders)
            refused.append(_("revision %(id)s has no paid order (%(orders)s)") % {"id": pk, "orders": statuses})
        if len(refused) > len(refused_ids):
            refused_ids.append(pk)
    if refused:
        raise ApplicationError(
            _("cannot export: %(reasons)s.") % {"reasons": "; ".join(refused)},
            {"field": "revision_ids", "value": refused_ids, "allowed": _("finished revisions of paid orders")})
    entries = []
    for pk in wanted:
        revision = revisions[pk]
        entry = PrintEntry(revision_id=pk, design_id=revision.design_id, customer_id=revision.design.customer_id,
                           product=revision.design.template.slug, revision_number=revision.number,
                           params_hash=revision.params_hash, report=revision.report)
        for stored in revision.files.all():
            if stored.kind in PRINT_KINDS:
                with stored.file.open("rb") as handle:
                    entry.files[(stored.side, stored.name)] = handle.read()
                entry.sha256[(stored.side, stored.name)] = stored.sha256
        entries.append(entry)
    try:
        content = batch_zip(entries)
    except ExportRefused as error:
        raise ApplicationError(str(error), {"field": "revision_ids"}) from error
    with transaction.atomic():
        export = PrintExport.objects.create(exported_by=user, sha256=hashlib.sha256(content).hexdigest(),
                                            size_bytes=len(content))
        export.revisions.set(revisions.values())
    return content, export


# --------------------------------------------------------------------------------------------- plate exports

def plate_printer_key(plate: Plate) -> str:
    """The profile the plate's 3MF is written for: its planned printer's, else the one it was packed for."""
    return plate.printer.profile_key if plate.printer_id else plate.printer_profile


def _plate_objects(plate: Plate) -> list[tuple[PrintJob, object, object]]:
    """Each job of the plate: (job, its embossed mesh in its own frame, the PlateObject placed on the bed)."""
    from geometry.packing import Placement, place_mesh, place_outline
    from geometry.plate_export import PlateObject
    from geometry.traceability import code_emboss

    found = []
    for job in plate.jobs.select_related("order__customer__user", "revision__design__template").order_by("pk"):
        embossed = code_emboss(job_mesh(job), job.code, part=job.part)
        placement = Placement(str(job.pk), job.x_mm, job.y_mm, job.rotation_deg)
        # the code is cut inside the part, so its footprint is the one the part was packed by
        found.append((job, embossed, PlateObject(name=f"{job.code} {job.part} {job.side}", code=job.code,
                                                 mesh=place_mesh(embossed, placement), material=job.material,
                                                 color=job.color,
                                                 outline=place_outline(job_outline(job), placement))))
    return found


def _thumbnails(jobs: list[PrintJob]) -> dict[tuple[int, str], bytes]:
    """The revision's main preview of each side, small: the picture next to each part on the sheet."""
    found = {}
    for job in jobs:
        key = (job.revision_id, job.side)
        if key in found:
            continue
        stored = revision_file_find(revision_id=job.revision_id, side=job.side, name="preview.png")
        if stored is not None:
            with stored.file.open("rb") as handle:
                found[key] = exporters.thumbnail(handle.read())
    return found


def job_row(job: PrintJob, plate: Plate | None = None) -> dict:
    """A job as jobs.csv writes it."""
    plate = plate or job.plate
    return {
        "plate": plate.pk if plate else "", "code": job.code, "order": order_number(job.order),
        "order_status": job.order.status, "customer": customer_name(job.order),
        "product": job.revision.design.template.slug, "part": job.part, "side": job.side,
        "material": job.material, "color": job.color, "grams": round(job.grams, 1),
        "estimated_minutes": round(job.estimated_minutes, 1), "needs_supports": "yes" if job.needs_supports else "no",
        "printer_profile": plate.printer_profile if plate else job.printer_profile,
        "printer": plate.printer.name if plate and plate.printer_id else "",
        "planned_start": plate.planned_start.isoformat() if plate and plate.planned_start else "",
        "x_mm": round(job.x_mm, 2), "y_mm": round(job.y_mm, 2), "rotation_deg": round(job.rotation_deg, 2),
        "stl": f"{job.code}.stl", "state": job.state,
    }


def plate_sheet(plate: Plate, jobs: list[PrintJob], plate_png: bytes | None) -> exporters.JobSheet:
    """The job sheet's content in the reader's language, for the HTML and the PDF alike."""
    thumbnails = _thumbnails(jobs)
    profile = PRINTER_PROFILES.get(plate_printer_key(plate))
    facts = [
        (_("Printer"), f"{plate.printer.name if plate.printer_id else _('not planned')} ({profile.label if profile else plate.printer_profile})"),
        (_("Material"), f"{material_label(plate.material)}, {plate.color}"),
        (_("Planned"), f"{_when(plate.planned_start)} → {_when(plate.planned_end)}"),
        (_("Estimated time"), _("%(minutes)s min") % {"minutes": plate.estimated_minutes}),
        (_("Filament"), _("%(grams)s g") % {"grams": formats.localize(round(plate.grams))}),
        (_("Parts"), str(len(jobs))),
        (_("Orders"), ", ".join(sorted({order_number(job.order) for job in jobs}))),
        (_("Spacing"), _("%(mm)s mm between parts") % {"mm": formats.localize(plate.spacing_mm)}),
    ]
    rows = [exporters.SheetRow(
        code=job.code, order_number=order_number(job.order), customer_name=customer_name(job.order),
        product=job.revision.design.template.display_name, part=_(job.part), side=_(job.side),
        material=material_label(job.material), color=job.color, grams=job.grams, minutes=job.estimated_minutes,
        supports=_("yes") if job.needs_supports else "", thumbnail_png=thumbnails.get((job.revision_id, job.side)),
    ) for job in jobs]
    headings = [_("Picture"), _("Code"), _("Order"), _("Customer"), _("Product"), _("Material"), _("Grams"),
                _("Time"), _("Supports")]
    return exporters.JobSheet(title=_("Plate %(id)s") % {"id": plate.pk}, facts=facts, headings=headings, rows=rows,
                              plate_png=plate_png)


def _data_uri(png: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""


def job_sheet_html(sheet: exporters.JobSheet) -> str:
    """The job sheet as one self-contained HTML page (pictures inline), printable on A4."""
    return render_to_string("production/job_sheet.html", {
        "sheet": sheet, "plate_png": _data_uri(sheet.plate_png),
        "rows": [{"row": row, "thumbnail": _data_uri(row.thumbnail_png)} for row in sheet.rows]})


def plate_files_build(*, plate: Plate) -> dict[str, bytes]:
    """Every file of one plate: plate-<id>.3mf, .png, .html, .pdf and one <code>.stl per part."""
    from geometry.plate_export import plate_3mf, plate_top_png

    found = _plate_objects(plate)
    if not found:
        raise ApplicationError(_("plate %(id)s has no parts.") % {"id": plate.pk}, {"field": "plate_ids",
                                                                                    "value": plate.pk})
    objects = [item for _, _, item in found]
    jobs = [job for job, _, _ in found]
    profile = PRINTER_PROFILES[plate_printer_key(plate)]
    files = {f"plate-{plate.pk}.3mf": plate_3mf(objects, printer_key=profile.key, plate_name=f"plate-{plate.pk}")}
    png = plate_top_png(objects, bed_mm=tuple(PRINTER_PROFILES[plate.printer_profile].build_volume_mm[:2]))
    files[f"plate-{plate.pk}.png"] = png
    for job, embossed, _item in found:
        files[f"{job.code}.stl"] = to_stl(embossed)
    sheet = plate_sheet(plate, jobs, png)
    files[f"plate-{plate.pk}.html"] = job_sheet_html(sheet).encode("utf-8")
    files[f"plate-{plate.pk}.pdf"] = exporters.job_sheet_pdf(sheet)
    if not plate.preview:
        plate.preview.save(f"plate-{plate.pk}.png", ContentFile(png), save=False)
        Plate.objects.filter(pk=plate.pk).update(preview=plate.preview.name)
    return files


def jobs_csv_for(plates: list[Plate]) -> bytes:
    rows = [job_row(job, plate) for plate in plates
            for job in plate.jobs.select_related("order__customer__user", "revision__design__template").order_by("pk")]
    return exporters.jobs_csv(rows, CSV_COLUMNS)


def plates_for_export(*, plate_ids: list[int]) -> list[Plate]:
    """The chosen plates, refusing unknown or cancelled ones by id."""
    wanted = sorted(set(plate_ids))
    if not wanted or len(wanted) > MAX_PLATES_PER_EXPORT:
        raise ApplicationError(
            _("choose between 1 and %(max)s plates to export.") % {"max": MAX_PLATES_PER_EXPORT},
            {"field": "plate_ids", "value": wanted, "allowed": f"1..{MAX_PLATES_PER_EXPORT}"})
    plates = {plate.pk: plate for plate in Plate.objects.filter(pk__in=wanted).select_related("printer")}
    missing = [pk for pk in wanted if pk not in plates]
    cancelled = [pk for pk, plate in plates.items() if plate.status == Plate.Status.CANCELLED]
    if missing or cancelled:
        raise ApplicationError(
            _("plates %(ids)s do not exist or were cancelled.") % {"ids": missing + cancelled},
            {"field": "plate_ids", "value": missing + cancelled, "allowed": _("ids of planned plates")})
    return [plates[pk] for pk in wanted]


def plates_exported_before(plates: list[Plate]) -> list[Plate]:
    return [plate for plate in plates if plate.export_count]


def plate_export_start(*, plate_ids: list[int], user: AbstractBaseUser | None, again: bool = False) -> PlateExport:
    """Queue an export of chosen plates; a plate exported before needs `again` (the warning the page shows)."""
    from production.tasks import plate_export_plate_task

    plates = plates_for_export(plate_ids=plate_ids)
    before = plates_exported_before(plates)
    if before and not again:
        raise ApplicationError(
            _("plates %(ids)s were exported before; tick \"export again\" to export them a second time.")
            % {"ids": ", ".join(str(plate.pk) for plate in before)},
            {"field": "again", "value": [plate.pk for plate in before], "allowed": "true to export again"})
    with transaction.atomic():
        export = PlateExport.objects.create(created_by=user if getattr(user, "pk", None) else None,
                                            plates_total=len(plates), enqueued_at=timezone.now(),
                                            lease_expires_at=plate_export_deadline(), stage=_("queued"))
        export.plates.set(plates)
        for plate in plates:  # one task per plate: two worker processes build two plates at once
            transaction.on_commit(partial(plate_export_plate_task.delay, export_id=export.pk, plate_id=plate.pk))
    return export


def _export_dir(export: PlateExport) -> str:
    """The export's working files, its own even where an id is handed out again (SQLite after a rolled-back
    transaction, a restored database): the zip takes every file here, so another export's leftovers would ship."""
    return f"plate-exports/{export.pk}-{export.created_at:%Y%m%d%H%M%S%f}/files"


def plate_export_deadline():
    """When an export that makes no progress until then counts as stuck (its `lease_expires_at`)."""
    return timezone.now() + timedelta(seconds=settings.SARTORIA_PLATE_EXPORT_STUCK_SECONDS)


_UNFINISHED = (PlateExport.Status.QUEUED, PlateExport.Status.RUNNING)


def _export_locked(export_id: int) -> PlateExport:
    """The export's row, locked until the transaction ends, on PostgreSQL and on SQLite alike.

    The no-op UPDATE takes SQLite's write lock (where select_for_update does nothing) and PostgreSQL's row lock, so
    two deliveries of one plate, or two finishes, run one after the other and the second sees what the first did.
    """
    PlateExport.objects.filter(pk=export_id).update(plates_total=F("plates_total"))
    return PlateExport.objects.select_for_update().get(pk=export_id)


def plate_export_plate_build(*, export_id: int, plate_id: int) -> PlateExport:
    """Build one plate's files of an export. Safe to run twice, also at once: a plate is written and counted once."""
    from production.tasks import plate_export_finish_task

    export = PlateExport.objects.get(pk=export_id)
    if plate_id in export.plates_done or export.status in (PlateExport.Status.DONE, PlateExport.Status.FAILED):
        return export
    # a plate started is progress: the sweeper leaves the export alone for another stuck-time
    PlateExport.objects.filter(pk=export_id, status__in=_UNFINISHED).update(
        status=PlateExport.Status.RUNNING, stage=_("building plate %(id)s") % {"id": plate_id},
        lease_expires_at=plate_export_deadline())
    plate = Plate.objects.select_related("printer").get(pk=plate_id)
    try:
        files = plate_files_build(plate=plate)
    except ApplicationError as error:
        return plate_export_fail(export_id=export_id, reason=error.message)
    except Exception as error:  # the page must say it stopped, not spin forever
        plate_export_fail(export_id=export_id, reason=_("plate %(id)s could not be built: %(error)s")
                          % {"id": plate_id, "error": f"{type(error).__name__}: {error}"[:300]})
        raise
    folder = _export_dir(export)
    with transaction.atomic():
        export = _export_locked(export_id)
        if plate_id in export.plates_done or export.status not in _UNFINISHED:
            return export  # another delivery of this plate (a re-sent message) wrote it first: nothing twice
        # written under the lock, by one delivery at a time, under fixed names: a second run cannot add a copy
        # (the storage would save "plate-1_x7a.3mf" beside "plate-1.3mf"), and a run that died half-way is overwritten
        for name, content in files.items():
            path = f"{folder}/{name}"
            if default_storage.exists(path):
                default_storage.delete(path)
            default_storage.save(path, ContentFile(content))
        export.plates_done = sorted(export.plates_done + [plate_id])
        export.stage = _("%(done)s of %(total)s plates built") % {"done": len(export.plates_done),
                                                                   "total": export.plates_total}
        export.lease_expires_at = plate_export_deadline()
        export.save(update_fields=["plates_done", "stage", "lease_expires_at"])
        if len(export.plates_done) >= export.plates_total:
            transaction.on_commit(partial(plate_export_finish_task.delay, export_id=export_id))
    return export


def plate_export_files(*, export: PlateExport) -> dict[str, bytes]:
    """Every file of a finished export's plates, by name (the zip's layout), and jobs.csv."""
    plates = list(export.plates.select_related("printer").order_by("pk"))
    files = {}
    folder = _export_dir(export)
    _dirs, names = default_storage.listdir(folder)
    for name in sorted(names):
        with default_storage.open(f"{folder}/{name}", "rb") as handle:
            files[name] = handle.read()
    files["jobs.csv"] = jobs_csv_for(plates)
    return files


_COMPRESSED_ALREADY = (".3mf", ".png", ".pdf", ".zip")
"""Files that are deflated inside already: stored as they are (deflating them again costs seconds, saves ~1 %)."""


def files_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            stored = name.lower().endswith(_COMPRESSED_ALREADY)
            archive.writestr(name, files[name], compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def plate_export_finish(*, export_id: int) -> PlateExport:
    """Zip the plates' files once all are built; count each plate's export (the next one warns)."""
    with transaction.atomic():
        export = _export_locked(export_id)  # a second finish waits here, then finds it done
        if export.status in (PlateExport.Status.DONE, PlateExport.Status.FAILED):
            return export
        if len(export.plates_done) < export.plates_total:
            return export
        content = files_zip(plate_export_files(export=export))
        export.archive.save(f"sartoria-plates-{export.pk}.zip", ContentFile(content), save=False)
        export.sha256, export.size_bytes = hashlib.sha256(content).hexdigest(), len(content)
        export.status, export.stage, export.finished_at = PlateExport.Status.DONE, _("done"), timezone.now()
        export.save(update_fields=["archive", "sha256", "size_bytes", "status", "stage", "finished_at"])
        for plate in export.plates.all():
            Plate.objects.filter(pk=plate.pk).update(export_count=plate.export_count + 1)
    return export


def plate_export_is_stuck(export: PlateExport) -> bool:
    """Unfinished, and no plate started or built before its deadline (a lost message, a worker that died)."""
    if export.status not in _UNFINISHED:
        return False
    deadline = export.lease_expires_at or ((export.enqueued_at or export.created_at)
                                           + timedelta(seconds=settings.SARTORIA_PLATE_EXPORT_STUCK_SECONDS))
    return deadline <= timezone.now()


def plate_exports_sweep() -> dict[str, list[int]]:
    """Send again what stuck exports miss: their unbuilt plates, or the finish when every plate is built.

    Run by Celery beat every SARTORIA_JOB_SWEEP_SECONDS. An export stuck again after SARTORIA_JOB_MAX_ATTEMPTS sends
    is marked failed with the reason, which the dashboard shows. Re-sending is safe: a plate already built, or an
    export already finished, is left as it is.
    """
    from config.jobs import SWEEP_BATCH
    from production.tasks import plate_export_finish_task, plate_export_plate_task

    now = timezone.now()
    before = now - timedelta(seconds=settings.SARTORIA_PLATE_EXPORT_STUCK_SECONDS)
    candidates = list(PlateExport.objects.filter(status__in=_UNFINISHED).filter(
        Q(lease_expires_at__lte=now) | Q(lease_expires_at__isnull=True, enqueued_at__lte=before)
        | Q(lease_expires_at__isnull=True, enqueued_at__isnull=True, created_at__lte=before),
    ).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    swept: dict[str, list[int]] = {"requeued": [], "failed": []}
    for pk in candidates:
        with transaction.atomic():
            export = _export_locked(pk)
            if not plate_export_is_stuck(export):
                continue  # it moved on since the query
            if export.attempts >= settings.SARTORIA_JOB_MAX_ATTEMPTS:
                swept["failed"].append(pk)
                continue
            missing = sorted(set(export.plates.values_list("pk", flat=True)) - set(export.plates_done))
            export.attempts += 1
            export.enqueued_at, export.lease_expires_at = now, plate_export_deadline()
            export.save(update_fields=["attempts", "enqueued_at", "lease_expires_at"])
            for plate_id in missing:
                transaction.on_commit(partial(plate_export_plate_task.delay, export_id=pk, plate_id=plate_id))
            if not missing:  # every plate is built: the finish's message is the one that was lost
                transaction.on_commit(partial(plate_export_finish_task.delay, export_id=pk))
            swept["requeued"].append(pk)
    for pk in swept["failed"]:
        export = PlateExport.objects.get(pk=pk)
        plate_export_fail(export_id=pk, reason=_(
            "the export was sent %(attempts)s times and never finished (%(done)s of %(total)s plates built): its "
            "worker stopped or its messages were lost each time, so it is not sent again. Export the plates again "
            "to retry.") % {"attempts": export.attempts + 1, "done": len(export.plates_done),
                            "total": export.plates_total})
    if swept["requeued"] or swept["failed"]:
        logger.warning("plate exports sweep: %s", swept)
    return swept


def plate_export_fail(*, export_id: int, reason: str) -> PlateExport:
    PlateExport.objects.filter(pk=export_id).exclude(status=PlateExport.Status.DONE).update(
        status=PlateExport.Status.FAILED, failure_reason=reason[:2000], stage=_("failed"), finished_at=timezone.now())
    return PlateExport.objects.get(pk=export_id)


def plates_export_to_dir(*, plates: list[Plate], out_dir) -> list[str]:
    """What `export_batch` writes: each plate's files and jobs.csv into a folder (the zip's layout, unzipped)."""
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for plate in plates:
        for name, content in plate_files_build(plate=plate).items():
            (out / name).write_bytes(content)
            written.append(name)
        Plate.objects.filter(pk=plate.pk).update(export_count=plate.export_count + 1)
    (out / "jobs.csv").write_bytes(jobs_csv_for(plates))
    written.append("jobs.csv")
    return written
