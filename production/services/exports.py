"""Exports: chosen plates as 3MF, STLs, job sheets (HTML, A4 PDF) and a CSV in one zip; revisions of paid orders."""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
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
                                            stage=_("queued"))
        export.plates.set(plates)
        for plate in plates:  # one task per plate: two worker processes build two plates at once
            transaction.on_commit(partial(plate_export_plate_task.delay, export_id=export.pk, plate_id=plate.pk))
    return export


def _export_dir(export: PlateExport) -> str:
    return f"plate-exports/{export.pk}/files"


def plate_export_plate_build(*, export_id: int, plate_id: int) -> PlateExport:
    """Build one plate's files of an export. Safe to run twice: a plate already written is left alone."""
    from production.tasks import plate_export_finish_task

    export = PlateExport.objects.get(pk=export_id)
    if plate_id in export.plates_done or export.status in (PlateExport.Status.DONE, PlateExport.Status.FAILED):
        return export
    PlateExport.objects.filter(pk=export_id, status=PlateExport.Status.QUEUED).update(
        status=PlateExport.Status.RUNNING, stage=_("building plate %(id)s") % {"id": plate_id})
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
    for name, content in files.items():
        path = f"{folder}/{name}"
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(content))
    with transaction.atomic():
        export = PlateExport.objects.select_for_update().get(pk=export_id)
        if plate_id not in export.plates_done:
            export.plates_done = sorted(export.plates_done + [plate_id])
            export.stage = _("%(done)s of %(total)s plates built") % {"done": len(export.plates_done),
                                                                       "total": export.plates_total}
            export.save(update_fields=["plates_done", "stage"])
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
        export = PlateExport.objects.select_for_update().get(pk=export_id)
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
