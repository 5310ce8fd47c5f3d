"""Revisions: parse options, request a build, build it, supersede and sweep."""
from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Mapping
from dataclasses import asdict
from functools import partial
from typing import TYPE_CHECKING, Any

import trimesh
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from config.jobs import (
    LeaseLost,
    attempts_exhausted_reason,
    broker_ensure_reachable,
    enqueue_quietly,
    job_is_stuck,
    jobs_sweep,
    lease_expiry,
    lease_is_live,
    lease_renew,
    worker_identity,
)
from configurator.models import (
    Design,
    DesignRevision,
    RevisionFile,
)
from configurator.progress import customer_access_changed_send, progress_send
from configurator.selectors import revision_announcement_presented, revision_for_announcement_get
from customers.selectors import (
    measurement_set_feet,
    measurement_set_list,
    scan_foot_mesh,
)
from customers.services import (
    FOOT_SIDES,
    feet_validate,
    measurement_set_record,
    parameter_error_to_application_error,
)
from geometry import pipeline, registry
from geometry.errors import ParameterError
from geometry.foot import MEASUREMENT_RANGES_MM
from geometry.params import Params

if TYPE_CHECKING:  # annotations only: this app reaches customers through its services and selectors
    from customers.models import MeasurementSet

logger = logging.getLogger(__name__)

SIDE_CHOICES = {"left": ("left",), "right": ("right",), "both": FOOT_SIDES}


def sides_parse(*, side: str) -> tuple[str, ...]:
    if side not in SIDE_CHOICES:
        raise ApplicationError(
            f"side={side!r} is not one of left, right, both.", {"field": "side", "value": side, "allowed": "left, right, both"}
        )
    return SIDE_CHOICES[side]


def params_by_side_parse(
    *, product_key: str, options: Mapping[str, Any], feet: Mapping[str, Mapping], sides: tuple[str, ...]
) -> dict[str, Params]:
    """Validate options and feet through the product's schema; errors name the field and the allowed range."""
    params_by_side = {}
    for side in sides:
        if side not in feet:
            raise ApplicationError(
                _("measurements.%(side)s is missing: the %(side)s foot is needed to build the %(side)s side.") % {"side": side},
                {"field": f"measurements.{side}", "allowed": "the six measurements of that foot, in mm"},
            )
        try:
            params_by_side[side] = registry.parse(product_key, options=options, foot=feet[side], side=side)
        except ParameterError as error:
            prefix = f"measurements.{side}." if error.field in MEASUREMENT_RANGES_MM else "parameters."
            raise parameter_error_to_application_error(error, prefix=prefix) from error
    return params_by_side


def params_hash_compute(*, product_key: str, params_by_side: Mapping[str, Params]) -> str:
    """Equal product, options and feet give the same hash: the natural key that stops duplicate builds."""
    fingerprints = "|".join(f"{side}:{params.fingerprint()}" for side, params in sorted(params_by_side.items()))
    return hashlib.sha256(f"{product_key}|{fingerprints}".encode()).hexdigest()


def options_of(params: Params) -> dict[str, Any]:
    """The product options of parsed params, defaults filled in, without the foot and side."""
    return {key: value for key, value in asdict(params).items() if key not in ("foot", "side")}


@transaction.atomic
def revision_request(
    *,
    design: Design,
    options: Mapping[str, Any],
    feet: Mapping[str, Any],
    side: str = "both",
    measurement_set: MeasurementSet | None = None,
    first_side: str | None = None,
    requested_by: AbstractBaseUser | None = None,
    requested_channel: str = DesignRevision.RequestChannel.WEB,
) -> DesignRevision:
    """Queue a build of these options and feet; asking again for the same ones returns the same revision.

    `first_side` only orders the build (the side on screen first); it is not part of what the revision is.
    `requested_by` and `requested_channel` say who asked last (a store associate for a checked-in customer...).
    """
    if requested_channel not in DesignRevision.RequestChannel.values:
        raise ApplicationError(
            f"requested_channel={requested_channel!r} is not one of {', '.join(DesignRevision.RequestChannel.values)}.",
            {"field": "requested_channel", "value": requested_channel,
             "allowed": ", ".join(DesignRevision.RequestChannel.values)})
    requested_by = requested_by if requested_by is not None and requested_by.is_authenticated else None
    sides = sides_parse(side=side)
    normalised_feet = feet_validate(feet=feet)
    params_by_side = params_by_side_parse(
        product_key=design.template.generator_key, options=options, feet=normalised_feet, sides=sides
    )
    params_hash = params_hash_compute(product_key=design.template.generator_key, params_by_side=params_by_side)
    # Lock the design so two requests cannot take the same revision number.
    design = Design.objects.select_for_update().get(pk=design.pk)
    revision = DesignRevision.objects.filter(design=design, params_hash=params_hash).first()
    superseded = list(
        design.revisions.filter(status=DesignRevision.Status.QUEUED).exclude(params_hash=params_hash).values_list("pk", flat=True)
    )
    if superseded:
        # Only the newest request matters: queued older ones are skipped (a running one stops at its next stage).
        DesignRevision.objects.filter(pk__in=superseded).update(status=DesignRevision.Status.SUPERSEDED)
        for revision_id in superseded:
            transaction.on_commit(partial(revision_superseded_announce, design_id=design.pk, revision_id=revision_id))
    if revision is None or revision.status in (DesignRevision.Status.FAILED, DesignRevision.Status.SUPERSEDED) or (
        job_is_stuck(revision)
    ):
        # Work will be queued: with the queue down, answer 503 now; raising here rolls back everything above.
        broker_ensure_reachable()
    if revision is None:
        number = (design.revisions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        revision = DesignRevision.objects.create(
            enqueued_at=timezone.now(),
            design=design,
            number=number,
            params_hash=params_hash,
            parameters=options_of(next(iter(params_by_side.values()))),
            measurements={side_name: normalised_feet[side_name] for side_name in sides},
            sides=list(sides),
            measurement_set=measurement_set,
            requested_by=requested_by,
            requested_channel=requested_channel,
        )
        transaction.on_commit(partial(revision_build_enqueue, revision_id=revision.pk, first_side=first_side))
    elif revision.status in (DesignRevision.Status.FAILED, DesignRevision.Status.SUPERSEDED):
        # Asking again for a failed or skipped build queues it; the same inputs keep the same revision.
        revision.status = DesignRevision.Status.QUEUED
        revision.failure_reason = ""
        revision.requested_at = revision.enqueued_at = timezone.now()
        revision.attempts, revision.lease_owner, revision.lease_expires_at = 0, "", None
        revision.save(update_fields=["status", "failure_reason", "requested_at", "enqueued_at", "attempts",
                                     "lease_owner", "lease_expires_at"])
        transaction.on_commit(partial(revision_build_enqueue, revision_id=revision.pk, first_side=first_side))
    elif job_is_stuck(revision):
        # Left running by a dead worker, or queued with a message that never arrived: asking again sends it again.
        revision.status = DesignRevision.Status.QUEUED
        revision.requested_at = revision.enqueued_at = timezone.now()
        revision.lease_owner, revision.lease_expires_at = "", None
        revision.save(update_fields=["status", "requested_at", "enqueued_at", "lease_owner", "lease_expires_at"])
        transaction.on_commit(partial(revision_build_enqueue, revision_id=revision.pk, first_side=first_side))
    else:
        revision.requested_at = timezone.now()
        revision.save(update_fields=["requested_at"])
    if (revision.requested_by_id, revision.requested_channel) != (getattr(requested_by, "pk", None), requested_channel):
        revision.requested_by, revision.requested_channel = requested_by, requested_channel
        revision.save(update_fields=["requested_by", "requested_channel"])
    design.save(update_fields=["updated_at"])
    # Everyone watching the design (the owner's phone, the tablet) hears of the request at once, with who made it.
    transaction.on_commit(partial(revision_requested_announce, design_id=design.pk, revision_id=revision.pk))
    return revision


def design_access_changed_announce(*, customer_id: int) -> None:
    """A store's access to this customer ended (check-out): its staff's open design sockets close."""
    customer_access_changed_send(customer_id=customer_id)


def revision_requested_announce(*, design_id: int, revision_id: int) -> None:
    revision = revision_for_announcement_get(revision_id=revision_id)  # its status and announcement in one read
    status = revision.status if revision is not None else None
    if status is None or status == DesignRevision.Status.RUNNING:
        # A worker that already started says so itself, with who asked; our 2 % sent after its first stage
        # would move the watchers' bar backwards.
        return
    finished = status in (DesignRevision.Status.DONE, DesignRevision.Status.FAILED)
    progress_send(design_id=design_id, revision_id=revision_id, status=status, stage="requested",
                  fraction=1.0 if finished else 0.02, announcement=revision_announcement_presented(revision=revision))


@transaction.atomic
def revision_request_with_measurements(
    *,
    design: Design,
    user: AbstractBaseUser,
    options: Mapping[str, Any],
    measurements: Mapping[str, Any] | None = None,
    measurement_set_id: int | None = None,
    side: str = "both",
    first_side: str | None = None,
    requested_channel: str = DesignRevision.RequestChannel.WEB,
) -> DesignRevision:
    """The studio's request: typed feet recorded as a set (or a recorded set used) and the revision, all or nothing.

    One transaction: a request refused for a bad option leaves no new measurement set behind.
    """
    if (measurements is None) == (measurement_set_id is None):
        raise ApplicationError(
            _("send either 'measurements' or 'measurement_set', not both or neither."),
            {"field": "measurements", "allowed": "measurements or measurement_set"},
        )
    if measurement_set_id is not None:
        # the design's customer's sets: the owner's own, or those of the customer a store associate works for
        measurement_set = measurement_set_list(customer=design.customer).filter(pk=measurement_set_id).first()
        if measurement_set is None:
            raise Http404(_("No such measurement set."))
    else:
        measurement_set = measurement_set_record(customer=design.customer, feet=measurements)
    return revision_request(
        design=design,
        options=options,
        feet=measurement_set_feet(measurement_set=measurement_set),
        side=side,
        measurement_set=measurement_set,
        first_side=first_side,
        requested_by=user,
        requested_channel=requested_channel,
    )


def revision_superseded_announce(*, design_id: int, revision_id: int) -> None:
    progress_send(design_id=design_id, revision_id=revision_id, status="superseded", stage="superseded", fraction=1.0)


class RevisionSuperseded(Exception):
    """A newer request on the same design arrived while this one was building."""


def revision_is_superseded(*, revision: DesignRevision) -> bool:
    """True when the owner has asked for something newer since this revision was last asked for.

    The time is read afresh: asking for a revision again while it builds (R1, then R2, then R1) keeps it wanted.
    """
    requested_at = DesignRevision.objects.filter(pk=revision.pk).values_list("requested_at", flat=True).first()
    if requested_at is None:
        return True
    return (
        DesignRevision.objects.filter(design_id=revision.design_id, requested_at__gt=requested_at)
        .exclude(pk=revision.pk)
        .exists()
    )


def revision_build_enqueue(*, revision_id: int, first_side: str | None = None) -> None:
    from configurator.tasks import (
        revision_build_task,  # tasks import services: import here to avoid a cycle
    )

    enqueue_quietly(revision_build_task.delay, revision_id=revision_id, first_side=first_side)



def revisions_sweep() -> dict[str, list[int]]:
    """Send again the builds a dead worker left running or whose message was lost; fail those that keep dying.

    Run by Celery beat every SARTORIA_JOB_SWEEP_SECONDS; the database says what is unfinished.
    """
    return jobs_sweep(
        model=DesignRevision, order_by="requested_at", what="build",
        enqueue=lambda revision_id: revision_build_enqueue(revision_id=revision_id),
        fail=lambda revision, reason: revision_fail(revision=revision, reason=reason, owner=revision.lease_owner),
    )


def revision_superseded_settle(*, revision: DesignRevision, owner: str) -> DesignRevision:
    """A newer request came while this built: stop, unless this revision was asked for again meanwhile."""
    with transaction.atomic():
        current = DesignRevision.objects.select_for_update().get(pk=revision.pk)
        if current.status != DesignRevision.Status.RUNNING or current.lease_owner != owner:
            return current
        if revision_is_superseded(revision=current):
            DesignRevision.objects.filter(pk=current.pk).update(
                status=DesignRevision.Status.SUPERSEDED, lease_owner="", lease_expires_at=None
            )
            transaction.on_commit(partial(revision_superseded_announce, design_id=current.design_id, revision_id=current.pk))
        else:  # wanted again since: queue it again, and this stop does not count as a failed attempt
            DesignRevision.objects.filter(pk=current.pk).update(
                status=DesignRevision.Status.QUEUED, lease_owner="", lease_expires_at=None,
                enqueued_at=timezone.now(), attempts=max(current.attempts - 1, 0),
            )
            transaction.on_commit(partial(revision_build_enqueue, revision_id=current.pk))
    current.refresh_from_db()
    return current


def revision_build(*, revision_id: int, first_side: str | None = None) -> DesignRevision:
    """Build every side of a revision and store its files. Safe to run twice: a done revision is left alone.

    The web model and print files are stored as soon as they exist (`models_ready`), before previews and checks.
    A revision superseded by a newer request on its design is skipped, or stopped at its next stage.
    `first_side` (the side the shopper is looking at) is built first, so its model shows soonest.
    The run holds a lease renewed at every stage: a redelivered message finds it and does nothing, and only the
    holder writes files or the result. After SARTORIA_JOB_MAX_ATTEMPTS starts that never finished, it fails.
    """
    owner = worker_identity()
    with transaction.atomic():
        revision = (
            DesignRevision.objects.select_for_update().select_related("design__template").get(pk=revision_id)
        )
        if revision.status in (DesignRevision.Status.DONE, DesignRevision.Status.SUPERSEDED, DesignRevision.Status.FAILED):
            return revision  # delivered twice, nobody wants it any more, or refused with its reason
        if revision.status == DesignRevision.Status.RUNNING and lease_is_live(
            owner=revision.lease_owner, expires_at=revision.lease_expires_at
        ):
            return revision  # another worker builds it now: this is a redelivered message
        exhausted = revision.attempts >= settings.SARTORIA_JOB_MAX_ATTEMPTS
        if not exhausted:
            revision.status = DesignRevision.Status.RUNNING
            revision.started_at = timezone.now()
            revision.attempts += 1
            revision.lease_owner, revision.lease_expires_at = owner, lease_expiry()
            revision.save(update_fields=["status", "started_at", "attempts", "lease_owner", "lease_expires_at"])
    if exhausted:  # it kept killing its workers: stop trying, say why
        return revision_fail(revision=revision, reason=attempts_exhausted_reason(attempts=revision.attempts, what="build"))

    reached = {"fraction": 0.0}  # the bar only moves forward; "model ready" reuses where it is

    def report(stage: str, fraction: float) -> None:
        lease_renew(model=DesignRevision, pk=revision.pk, owner=owner)  # the heartbeat, at every stage
        if revision_is_superseded(revision=revision):
            raise RevisionSuperseded(stage)
        reached["fraction"] = fraction
        progress_send(
            design_id=revision.design_id, revision_id=revision.pk, status="running", stage=stage, fraction=fraction
        )

    def store_models(artifacts: Mapping[str, pipeline.SideArtifacts]) -> None:
        lease_renew(model=DesignRevision, pk=revision.pk, owner=owner)  # only the holder writes files
        for side, side_artifacts in artifacts.items():
            for name, content in side_artifacts.files.items():
                revision_file_store(revision=revision, side=side, name=name, content=content)
            progress_send(
                design_id=revision.design_id, revision_id=revision.pk, status="running", stage=f"{side}: model ready",
                fraction=reached["fraction"], models_ready=True, side=side,
            )

    product_key = revision.design.template.generator_key
    try:
        report("started", 0.0)
        sides = sorted(revision.sides, key=lambda side: side != first_side)
        params_by_side = params_by_side_parse(
            product_key=product_key, options=revision.parameters, feet=revision.measurements, sides=tuple(sides)
        )
        artifacts = pipeline.sides_build(
            product_key, params_by_side, on_progress=report, on_models=store_models,
            foot_meshes=scanned_feet_for(revision=revision), renderer=settings.SARTORIA_RENDERER,
            previews=not settings.SARTORIA_PREVIEWS_SEPARATE,
        )
    except LeaseLost:  # our lease expired and another worker builds it now: its result stands
        revision.refresh_from_db()
        return revision
    except RevisionSuperseded:
        return revision_superseded_settle(revision=revision, owner=owner)
    except (ApplicationError, ParameterError, ValueError) as error:
        # The inputs cannot be built (e.g. a combination the geometry refuses): a reason, not a retry.
        return revision_fail(revision=revision, reason=str(error), owner=owner)
    except OSError:
        # Storage or network trouble: queued again (not failed), for the task's retry or the sweeper.
        DesignRevision.objects.filter(pk=revision.pk, lease_owner=owner).update(
            status=DesignRevision.Status.QUEUED, lease_owner="", lease_expires_at=None, enqueued_at=timezone.now()
        )
        raise
    except Exception as error:
        revision_fail(revision=revision, reason=f"internal error while building: {type(error).__name__}", owner=owner)
        raise

    with transaction.atomic():
        revision = DesignRevision.objects.select_for_update().get(pk=revision.pk)
        if revision.status != DesignRevision.Status.RUNNING or revision.lease_owner != owner:
            return revision  # another worker took it over (our lease had expired): one result only
        for side, side_artifacts in artifacts.items():
            for name, content in side_artifacts.files.items():
                revision_file_store(revision=revision, side=side, name=name, content=content)
        revision.report = pipeline.build_report(product_key, artifacts)
        revision.failure_reason = ""
        if settings.SARTORIA_PREVIEWS_SEPARATE:
            # Handed to a previews worker (its own queue): still running, under a lease the sweeper watches.
            revision.lease_owner, revision.lease_expires_at = PREVIEWS_PENDING, lease_expiry()
            revision.save(update_fields=["report", "failure_reason", "lease_owner", "lease_expires_at"])
            transaction.on_commit(partial(revision_previews_enqueue, revision_id=revision.pk))
            return revision
        revision.status = DesignRevision.Status.DONE
        revision.finished_at = timezone.now()
        revision.lease_owner, revision.lease_expires_at = "", None
        revision.save(update_fields=["report", "status", "failure_reason", "finished_at", "lease_owner", "lease_expires_at"])
    progress_send(design_id=revision.design_id, revision_id=revision.pk, status="done", stage="done", fraction=1.0)
    return revision


PREVIEWS_PENDING = "previews-pending"  # the lease owner of a built revision waiting for its pictures


def revision_previews_enqueue(*, revision_id: int) -> None:
    from configurator.tasks import revision_previews_task  # tasks import services

    enqueue_quietly(revision_previews_task.delay, revision_id=revision_id)


def revision_previews_render(*, revision_id: int) -> DesignRevision:
    """Render a built revision's pictures from its stored parts, on a previews worker, and finish it.

    Safe to run twice: only a revision still waiting for its pictures is taken. If this never runs (the message
    is lost, the worker dies), the lease runs out and the sweeper builds the revision again.
    """
    owner = worker_identity()
    with transaction.atomic():
        revision = DesignRevision.objects.select_for_update().select_related("design__template").get(pk=revision_id)
        if revision.status != DesignRevision.Status.RUNNING or revision.lease_owner != PREVIEWS_PENDING:
            return revision
        revision.lease_owner, revision.lease_expires_at = owner, lease_expiry()
        revision.save(update_fields=["lease_owner", "lease_expires_at"])
    product_key = revision.design.template.generator_key
    progress_send(design_id=revision.design_id, revision_id=revision.pk, status="running", stage="rendering previews",
                  fraction=0.95)
    rendered = {}
    for side, side_report in revision.report["sides"].items():
        materials = side_report["materials"]
        parts = {}
        for part, name in pipeline.file_names(product_key, list(materials)).items():
            with revision.files.get(side=side, name=name).file.open("rb") as handle:
                parts[part] = trimesh.load(io.BytesIO(handle.read()), file_type="stl")
        rendered[side] = pipeline.previews_render(parts, materials, renderer=settings.SARTORIA_RENDERER)
        lease_renew(model=DesignRevision, pk=revision.pk, owner=owner)
    with transaction.atomic():
        revision = DesignRevision.objects.select_for_update().get(pk=revision.pk)
        if revision.status != DesignRevision.Status.RUNNING or revision.lease_owner != owner:
            return revision
        for side, files in rendered.items():
            for name, content in files.items():
                revision_file_store(revision=revision, side=side, name=name, content=content)
        revision.status = DesignRevision.Status.DONE
        revision.finished_at = timezone.now()
        revision.lease_owner, revision.lease_expires_at = "", None
        revision.save(update_fields=["status", "finished_at", "lease_owner", "lease_expires_at"])
    progress_send(design_id=revision.design_id, revision_id=revision.pk, status="done", stage="done", fraction=1.0)
    return revision


def scanned_feet_for(*, revision: DesignRevision) -> dict[str, trimesh.Trimesh]:
    """The scanned feet behind a revision: its products are shaped by them and checked on them. A foot whose values
    were typed over is not the scan (it gets the parametric product of the typed values)."""
    measurement_set = revision.measurement_set
    if measurement_set is None:
        return {}
    set_feet = measurement_set_feet(measurement_set=measurement_set)
    meshes = {}
    for side in revision.sides:
        if set_feet.get(side) == revision.measurements.get(side):
            mesh = scan_foot_mesh(measurement_set=measurement_set, side=side)
            if mesh is not None:
                meshes[side] = mesh
    return meshes


def revision_fail(*, revision: DesignRevision, reason: str, owner: str | None = None) -> DesignRevision:
    """End a build with its reason; with `owner`, only while that run still holds the lease."""
    updated = DesignRevision.objects.filter(pk=revision.pk)
    if owner is not None:
        updated = updated.filter(lease_owner=owner)
    changed = updated.update(
        status=DesignRevision.Status.FAILED, failure_reason=reason[:2000], finished_at=timezone.now(),
        lease_owner="", lease_expires_at=None,
    )
    revision.refresh_from_db()
    if changed:
        logger.warning("revision %s failed: %s", revision.pk, reason)
        progress_send(
            design_id=revision.design_id, revision_id=revision.pk, status="failed", stage="failed", fraction=1.0,
            detail=reason,
        )
    return revision


def revision_file_store(*, revision: DesignRevision, side: str, name: str, content: bytes) -> RevisionFile:
    """Store one file under its design's, revision's and side's own key; a rebuild replaces, never duplicates.

    The row names the file only once it is written whole, and an older copy is deleted only after that, so a
    reader (or a worker killed mid-write) never leaves the row pointing at half a file.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    existing = RevisionFile.objects.filter(revision=revision, side=side, name=name).first()
    if existing is not None and existing.sha256 == sha256 and existing.file.storage.exists(existing.file.name):
        return existing
    stored = existing or RevisionFile(revision=revision, side=side, name=name)
    replaced = existing.file.name if existing is not None else ""
    stored.kind, stored.sha256, stored.size_bytes = name.rsplit(".", 1)[-1], sha256, len(content)
    stored.file.save(name, ContentFile(content), save=False)
    stored.save()
    if replaced and replaced != stored.file.name:
        stored.file.storage.delete(replaced)
    return stored
