"""Measurement sets and foot scans: upload, process in a worker, the foot to show."""
import logging
import zipfile
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from config.error_text import parameter_error_text
from config.exceptions import ApplicationError
from config.jobs import (
    LeaseLost,
    attempts_exhausted_reason,
    broker_ensure_reachable,
    enqueue_quietly,
    jobs_sweep,
    lease_expiry,
    lease_is_live,
    lease_renew,
    worker_identity,
)
from geometry import avatar, export, scan
from geometry._scan_load import scan_sniff
from geometry.errors import ParameterError
from geometry.foot import MEASUREMENT_RANGES_MM, FootMeasurements
from customers.models import Customer, FootScan, FootScanFile, Measurement, MeasurementSet, TouchpointEvent
from customers.scan_sandbox import MeasuredScan, ScanRefused, measure_isolated
from customers.selectors import measurement_set_feet, measurement_set_latest, scan_foot_mesh
from customers.services.timeline import touchpoint_record

logger = logging.getLogger(__name__)

FOOT_SIDES = ("left", "right")
SNIFF_BYTES = 4096
# The largest request the web server reads: two scans and the form around them (config/webserver.py).
REQUEST_BODY_MAX_BYTES = 2 * scan.SCAN_LIMITS.max_file_bytes + 1_000_000


def parameter_error_to_application_error(error: ParameterError, *, prefix: str) -> ApplicationError:
    """The geometry's refusal as an API error; `to_dict` keeps NaN and odd values JSON-safe."""
    described = error.to_dict()
    extra = {"field": f"{prefix}{error.field}", "value": described["value"], "allowed": described["allowed"]}
    if error.code:  # the sentence in the reader's language, rebuilt from the code; integrators may read the code
        extra["code"] = error.code
    return ApplicationError(parameter_error_text(error), extra)


def feet_validate(*, feet: Any) -> dict[str, dict[str, float]]:
    """Check the measurements format ({"left": {...}, "right": {...}}, mm) and return it normalised."""
    if not isinstance(feet, Mapping) or not feet:
        raise ApplicationError(
            _("measurements must be an object with a 'left' and/or 'right' foot."),
            {"field": "measurements", "allowed": "{'left': {...}, 'right': {...}}"},
        )
    unknown = sorted(set(feet) - set(FOOT_SIDES))
    if unknown:
        raise ApplicationError(
            _("measurements has an unknown side %(side)r; use 'left' and 'right'.") % {"side": unknown[0]},
            {"field": f"measurements.{unknown[0]}", "allowed": "left, right"},
        )
    normalised = {}
    for side, values in feet.items():
        if not isinstance(values, Mapping):
            raise ApplicationError(
                _("measurements.%(side)s must be an object of millimetre values.") % {"side": side}, {"field": f"measurements.{side}"}
            )
        try:
            normalised[side] = FootMeasurements.from_dict(values).to_dict()
        except ParameterError as error:
            raise parameter_error_to_application_error(error, prefix=f"measurements.{side}.") from error
    return normalised


@transaction.atomic
def measurement_set_record(
    *, customer: Customer, feet: Mapping, source: str = MeasurementSet.Source.TYPED,
    actor: AbstractBaseUser | None = None, channel: str | None = None, store=None,
) -> MeasurementSet:
    """
    Add a measurement set; the same values as the latest set reuse it instead of piling up.

    Values typed again exactly as the latest set (e.g. a scan's, sent back by the configurator) are that set:
    it keeps its source, so a build still fits the scanned foot.
    """
    normalised = feet_validate(feet=feet)
    latest = measurement_set_latest(customer=customer)
    same_values = latest is not None and measurement_set_feet(measurement_set=latest) == normalised
    if same_values and (latest.source == source or source == MeasurementSet.Source.TYPED):
        return latest
    measurement_set = MeasurementSet.objects.create(customer=customer, source=source)
    Measurement.objects.bulk_create(
        Measurement(measurement_set=measurement_set, side=side, kind=kind, value_mm=value)
        for side, values in normalised.items()
        for kind, value in values.items()
    )
    touchpoint_record(
        customer=customer, kind=TouchpointEvent.Kind.MEASUREMENTS, store=store, actor=actor,
        channel=channel or (TouchpointEvent.Channel.STORE if source == MeasurementSet.Source.STORE else TouchpointEvent.Channel.WEB),
        data={"measurement_set": measurement_set.pk, "source": source, "feet": sorted(normalised)})
    return measurement_set


def scan_upload_check(*, upload) -> None:
    """
    What a web request may check of an upload without parsing it: size, extension and the first bytes.

    A zip is opened only to read its directory and the first bytes of its one mesh; sizes it declares beyond the
    limits are refused here, and the worker caps what it really unpacks. Meshes are parsed only in the worker.
    """
    limits = scan.SCAN_LIMITS
    name = upload.name or "upload"

    def refuse(message: str, allowed: str | None = None) -> ApplicationError:
        return ApplicationError(f"{name}: {message}", {"field": "files", "value": name, "allowed": allowed or scan_accepted_text()})

    if upload.size > limits.max_file_bytes:
        raise refuse(f"the file is {upload.size / 1e6:.1f} MB, more than the {limits.max_file_bytes / 1e6:g} MB a scan may be.",
                     f"up to {limits.max_file_bytes / 1e6:g} MB")
    if upload.size == 0:
        raise refuse("the file is empty.")
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    try:
        if Path(name).suffix.lower() != ".zip":
            scan_sniff(head, name, size=upload.size)
            return
        if not head.startswith(b"PK\x03\x04"):
            raise refuse("the file is not a .zip archive (it does not start like one).")
        try:
            archive = zipfile.ZipFile(upload.file)
            members = [info for info in archive.infolist() if not info.is_dir()
                       and not info.filename.startswith("__MACOSX/") and not Path(info.filename).name.startswith(".")]
            meshes = [info for info in members if Path(info.filename).suffix.lower().lstrip(".") in scan.ACCEPTED_FORMATS]
            if len(meshes) != 1:
                raise refuse(f"the .zip archive must hold exactly one STL, OBJ or PLY file; it holds {len(meshes)}.")
            member = meshes[0]
            cap = min(limits.max_uncompressed_bytes, limits.max_zip_ratio * upload.size)
            if member.file_size > cap:
                raise refuse(f"the .zip archive expands to {member.file_size / 1e6:.0f} MB, more than {cap / 1e6:.0f} MB "
                             f"({limits.max_zip_ratio:g}x its size, at most {limits.max_uncompressed_bytes / 1e6:g} MB); "
                             "it looks like a zip bomb.")
            with archive.open(member) as stream:
                inner_head = stream.read(SNIFF_BYTES)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError, ValueError) as error:
            raise refuse(f"the .zip archive is damaged or cannot be opened ({error}).") from None
        finally:
            upload.seek(0)
        scan_sniff(inner_head, member.filename, size=member.file_size if inner_head[:5].lower() != b"solid" else None)
    except ParameterError as error:
        raise refuse(error.message, error.allowed) from error


def scan_accepted_text() -> str:
    from geometry._scan_load import accepted_text

    return accepted_text(scan.SCAN_LIMITS)


def scan_upload(*, customer: Customer, uploaded_by: AbstractBaseUser, files: list) -> FootScan:
    """
    Check one or two uploaded scans (size, type, first bytes), store them and queue their processing.

    What needs the mesh parsed (not a mesh after all, too many triangles or vertices, no foot) is found by the
    worker, in a child process with memory and time limits, and shows as the scan's failed status with the reason.
    A refused file gets a 400 naming it; with the queue down a 503; nothing is stored then.
    """
    if not 1 <= len(files) <= 2:
        raise ApplicationError(
            _("send one or two scan files (one per foot), not %(count)s.") % {"count": len(files)},
            {"field": "files", "value": len(files), "allowed": "1–2 files: " + ", ".join(scan.ACCEPTED_FORMATS)},
        )
    for upload in files:
        scan_upload_check(upload=upload)
    with transaction.atomic():
        broker_ensure_reachable()
        foot_scan = FootScan.objects.create(customer=customer, uploaded_by=uploaded_by, enqueued_at=timezone.now())
        for upload in files:
            name = upload.name or "upload"
            stored = FootScanFile(scan=foot_scan, original_name=name[:255], size_bytes=upload.size)
            upload.seek(0)
            stored.file.save(Path(name).name[-100:] or "scan", upload, save=False)  # streamed, not read whole
            stored.save()
        in_store = customer.user_id is None or uploaded_by.pk != customer.user_id
        touchpoint_record(customer=customer, kind=TouchpointEvent.Kind.SCAN, actor=uploaded_by,
                          channel=TouchpointEvent.Channel.STORE if in_store else TouchpointEvent.Channel.WEB,
                          data={"scan": foot_scan.pk, "files": len(files), "status": "uploaded"})
        transaction.on_commit(partial(scan_process_enqueue, scan_id=foot_scan.pk))
    return foot_scan


def scan_process_enqueue(*, scan_id: int) -> None:
    from customers.tasks import scan_process_task  # tasks import services

    enqueue_quietly(scan_process_task.delay, scan_id=scan_id)


def scan_measure_file(*, data: bytes, filename: str, on_progress, on_tick) -> MeasuredScan:
    """Measure one file in a child process with the configured memory and time limits (tests may replace it)."""
    return measure_isolated(data, filename, memory_mb=settings.SARTORIA_SCAN_MEMORY_MB,
                            time_limit_s=settings.SARTORIA_SCAN_TIME_LIMIT_S, on_progress=on_progress, on_tick=on_tick)


def scans_sweep() -> dict[str, list[int]]:
    """Send again the scans a dead worker left running or whose message was lost; fail those that keep dying."""
    return jobs_sweep(
        model=FootScan, order_by="created_at", what="scan",
        enqueue=lambda scan_id: scan_process_enqueue(scan_id=scan_id),
        fail=lambda foot_scan, reason: scan_fail(foot_scan=foot_scan, reason=reason),
    )


def scan_progress_save(*, scan_id: int, stage: str, fraction: float) -> None:
    FootScan.objects.filter(pk=scan_id).update(stage=stage[:120], fraction=round(min(max(fraction, 0.0), 1.0), 3))


def scan_process(*, scan_id: int) -> FootScan:
    """
    Clean, orient and measure every file of a scan, then add one measurement set (source: scan).

    All or nothing: the set, the sides and the cleaned feet are saved together at the end, so a failure or a
    crash leaves no half-made set. Each file is measured in a child process with memory and time limits.
    The run holds a lease renewed while it works: a redelivered task finds it and does nothing, and only the
    holder commits, so two deliveries add one set. A storage error (OSError) puts the scan back in the queue,
    upload kept, for the task's retry; after SARTORIA_JOB_MAX_ATTEMPTS starts that never finished it fails.
    """
    owner = worker_identity()
    with transaction.atomic():
        foot_scan = FootScan.objects.select_for_update().get(pk=scan_id)
        if foot_scan.status in (FootScan.Status.DONE, FootScan.Status.FAILED):
            return foot_scan
        if foot_scan.status == FootScan.Status.RUNNING and lease_is_live(
            owner=foot_scan.lease_owner, expires_at=foot_scan.lease_expires_at
        ):
            return foot_scan  # another worker measures it now: this is a redelivered message
        exhausted = foot_scan.attempts >= settings.SARTORIA_JOB_MAX_ATTEMPTS
        if not exhausted:
            foot_scan.status = FootScan.Status.RUNNING
            foot_scan.attempts += 1
            foot_scan.lease_owner, foot_scan.lease_expires_at = owner, lease_expiry()
            foot_scan.save(update_fields=["status", "attempts", "lease_owner", "lease_expires_at"])
    if exhausted:
        return scan_fail(foot_scan=foot_scan, reason=attempts_exhausted_reason(attempts=foot_scan.attempts, what="scan"))
    stored_files = list(foot_scan.files.all())
    results = []

    def heartbeat() -> None:
        lease_renew(model=FootScan, pk=scan_id, owner=owner)

    try:
        for index, stored in enumerate(stored_files):
            def progress(stage: str, fraction: float, *, _index: int = index, _name: str = stored.original_name) -> None:
                scan_progress_save(scan_id=scan_id, stage=f"{_name}: {stage}", fraction=(_index + fraction) / len(stored_files))

            with stored.file.open("rb") as handle:
                data = handle.read()
            results.append(scan_measure_file(data=data, filename=stored.original_name, on_progress=progress,
                                             on_tick=heartbeat))
        sides = [result.side for result in results]
        if len(set(sides)) != len(sides):
            raise ApplicationError(_("both files are %(side)s feet; upload one left and one right foot.") % {"side": sides[0]})
        feet = {result.side: {k: v for k, v in result.measurements.items() if k in MEASUREMENT_RANGES_MM} for result in results}
        feet_validate(feet=feet)
    except LeaseLost:  # our lease expired and another worker measures it now
        foot_scan.refresh_from_db()
        return foot_scan
    except ScanRefused as error:
        return scan_fail(foot_scan=foot_scan, reason=error.message, owner=owner)
    except (ApplicationError, ParameterError) as error:
        return scan_fail(foot_scan=foot_scan, reason=getattr(error, "message", str(error)), owner=owner)
    except OSError:
        # Storage trouble: back in the queue with its upload, for the task's retry (or the sweeper).
        FootScan.objects.filter(pk=scan_id, lease_owner=owner).update(
            status=FootScan.Status.QUEUED, lease_owner="", lease_expires_at=None, enqueued_at=timezone.now()
        )
        raise
    except Exception as error:
        scan_fail(foot_scan=foot_scan, reason=f"internal error while processing the scan: {type(error).__name__}",
                  owner=owner)
        raise
    with transaction.atomic():
        # Lock and look again: only the run holding the lease commits, so a second delivery adds no second set.
        foot_scan = FootScan.objects.select_for_update().get(pk=scan_id)
        if foot_scan.status != FootScan.Status.RUNNING or foot_scan.lease_owner != owner:
            return foot_scan
        measurement_set = MeasurementSet.objects.create(customer=foot_scan.customer, source=MeasurementSet.Source.SCAN)
        Measurement.objects.bulk_create(
            Measurement(measurement_set=measurement_set, side=result.side, kind=kind, value_mm=value,
                        uncertainty_mm=result.summary.get("uncertainty_mm", {}).get(kind))
            for result in results
            for kind, value in result.measurements.items()
        )
        for stored, result in zip(stored_files, results):
            stored.side = result.side
            stored.result = result.summary
            stored.foot.save(f"foot-{result.side}.ply", ContentFile(result.foot_ply), save=False)
            stored.save(update_fields=["side", "result", "foot"])
        foot_scan.measurement_set = measurement_set
        foot_scan.status = FootScan.Status.DONE
        foot_scan.stage, foot_scan.fraction = "done", 1.0
        foot_scan.finished_at = timezone.now()
        foot_scan.lease_owner, foot_scan.lease_expires_at = "", None
        foot_scan.save(update_fields=["measurement_set", "status", "stage", "fraction", "finished_at", "lease_owner",
                                      "lease_expires_at"])
        touchpoint_record(customer=foot_scan.customer, kind=TouchpointEvent.Kind.MEASUREMENTS,
                          channel=TouchpointEvent.Channel.STORE if foot_scan.uploaded_by_id != foot_scan.customer.user_id
                          else TouchpointEvent.Channel.WEB,
                          data={"measurement_set": measurement_set.pk, "source": MeasurementSet.Source.SCAN,
                                "scan": foot_scan.pk, "feet": sorted(result.side for result in results)})
    return foot_scan


def scan_fail(*, foot_scan: FootScan, reason: str, owner: str | None = None) -> FootScan:
    """A scan we cannot use: say why, and keep none of its content (the upload is deleted).

    With `owner`, only while that run still holds the lease (another delivery's result stands).
    """
    with transaction.atomic():
        foot_scan = FootScan.objects.select_for_update().get(pk=foot_scan.pk)
        if foot_scan.status == FootScan.Status.DONE:  # another delivery measured it: its result stands
            return foot_scan
        if owner is not None and foot_scan.lease_owner != owner:
            return foot_scan
        for stored in foot_scan.files.all():
            stored.file.delete(save=False)
            stored.foot.delete(save=False)
            stored.save(update_fields=["file", "foot"])
        FootScan.objects.filter(pk=foot_scan.pk).update(
            status=FootScan.Status.FAILED, failure_reason=reason[:2000], finished_at=timezone.now(), stage="failed",
            lease_owner="", lease_expires_at=None,
        )
    foot_scan.refresh_from_db()
    return foot_scan


def measurement_set_foot_mesh(*, measurement_set: MeasurementSet, side: str):
    """The foot to show and to fit: the cleaned scan of that side when the set came from one, else an avatar."""
    feet = measurement_set_feet(measurement_set=measurement_set)
    if side not in feet:
        raise ApplicationError(
            _("measurement set %(set)s has no %(side)s foot.") % {"set": measurement_set.pk, "side": side},
            {"field": "side", "value": side, "allowed": ", ".join(feet) or "none"},
        )
    scanned = scan_foot_mesh(measurement_set=measurement_set, side=side)
    if scanned is not None:
        return scanned, "scan"
    return avatar.foot_avatar(FootMeasurements.from_dict(feet[side]), side), "avatar"


def measurement_set_foot_glb(*, measurement_set: MeasurementSet, side: str) -> bytes:
    mesh, _ = measurement_set_foot_mesh(measurement_set=measurement_set, side=side)
    return export.to_glb_parts({"foot": mesh}, materials={"foot": {"material": "skin", "color": "#e0b49a"}})


def scan_limits_text() -> str:
    """What a scan upload accepts, in the words the form and the errors use."""
    limits = scan.SCAN_LIMITS
    return _("%(formats)s or a .zip holding one of them; up to %(size)s MB and %(triangles)s triangles per file; one file per foot.") % {
        "formats": ", ".join(f".{name}" for name in scan.ACCEPTED_FORMATS),
        "size": formats.number_format(round(limits.max_file_bytes / 1e6, 1)),
        "triangles": formats.number_format(limits.max_triangles, force_grouping=True),  # 2.000.000 in Italian
    }
