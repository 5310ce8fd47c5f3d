import hashlib
import logging
from collections.abc import Mapping
from dataclasses import asdict
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from config.exceptions import ApplicationError
from configurator.geometry import pipeline, registry
from configurator.geometry.errors import ParameterError
from configurator.geometry.foot import MEASUREMENT_RANGES_MM
from configurator.geometry.params import Params
from configurator.models import Design, DesignRevision, ProductTemplate, RevisionFile
from configurator.progress import progress_send
from customers.models import Customer, MeasurementSet
from customers.services import FOOT_SIDES, feet_validate, parameter_error_to_application_error

logger = logging.getLogger(__name__)

SIDE_CHOICES = {"left": ("left",), "right": ("right",), "both": FOOT_SIDES}


def design_create(*, customer: Customer, template: ProductTemplate, name: str = "") -> Design:
    return Design.objects.create(customer=customer, template=template, name=name.strip()[:120])


def design_rename(*, design: Design, name: str) -> Design:
    design.name = name.strip()[:120]
    design.save(update_fields=["name", "updated_at"])
    return design


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
                f"measurements.{side} is missing: the {side} foot is needed to build the {side} side.",
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
) -> DesignRevision:
    """Queue a build of these options and feet; asking again for the same ones returns the same revision."""
    sides = sides_parse(side=side)
    normalised_feet = feet_validate(feet=feet)
    params_by_side = params_by_side_parse(
        product_key=design.template.generator_key, options=options, feet=normalised_feet, sides=sides
    )
    params_hash = params_hash_compute(product_key=design.template.generator_key, params_by_side=params_by_side)
    # Lock the design so two requests cannot take the same revision number.
    design = Design.objects.select_for_update().get(pk=design.pk)
    revision = DesignRevision.objects.filter(design=design, params_hash=params_hash).first()
    if revision is None:
        number = (design.revisions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        revision = DesignRevision.objects.create(
            design=design,
            number=number,
            params_hash=params_hash,
            parameters=options_of(next(iter(params_by_side.values()))),
            measurements={side_name: normalised_feet[side_name] for side_name in sides},
            sides=list(sides),
            measurement_set=measurement_set,
        )
        transaction.on_commit(partial(revision_build_enqueue, revision_id=revision.pk))
    elif revision.status == DesignRevision.Status.FAILED:
        # Asking again for a failed build is a retry; the same inputs keep the same revision.
        revision.status = DesignRevision.Status.QUEUED
        revision.failure_reason = ""
        revision.save(update_fields=["status", "failure_reason"])
        transaction.on_commit(partial(revision_build_enqueue, revision_id=revision.pk))
    design.save(update_fields=["updated_at"])
    return revision


def revision_build_enqueue(*, revision_id: int) -> None:
    from configurator.tasks import revision_build_task  # tasks import services: import here to avoid a cycle

    revision_build_task.delay(revision_id=revision_id)


def revision_build(*, revision_id: int) -> DesignRevision:
    """Build every side of a revision and store its files. Safe to run twice: a done revision is left alone."""
    with transaction.atomic():
        revision = (
            DesignRevision.objects.select_for_update().select_related("design__template").get(pk=revision_id)
        )
        if revision.status == DesignRevision.Status.DONE:  # the message was delivered twice
            return revision
        revision.status = DesignRevision.Status.RUNNING
        revision.started_at = timezone.now()
        revision.attempts += 1
        revision.save(update_fields=["status", "started_at", "attempts"])

    def report(stage: str, fraction: float) -> None:
        progress_send(
            design_id=revision.design_id, revision_id=revision.pk, status="running", stage=stage, fraction=fraction
        )

    report("started", 0.0)
    product_key = revision.design.template.generator_key
    try:
        params_by_side = params_by_side_parse(
            product_key=product_key, options=revision.parameters, feet=revision.measurements, sides=tuple(revision.sides)
        )
        artifacts = pipeline.sides_build(product_key, params_by_side, on_progress=report)
    except (ApplicationError, ParameterError, ValueError) as error:
        # The inputs cannot be built (e.g. a combination the geometry refuses): a reason, not a retry.
        return revision_fail(revision=revision, reason=str(error))
    except Exception as error:
        revision_fail(revision=revision, reason=f"internal error while building: {type(error).__name__}")
        raise

    with transaction.atomic():
        revision = DesignRevision.objects.select_for_update().get(pk=revision.pk)
        for side, side_artifacts in artifacts.items():
            for name, content in side_artifacts.files.items():
                revision_file_store(revision=revision, side=side, name=name, content=content)
        revision.report = pipeline.build_report(product_key, artifacts)
        revision.status = DesignRevision.Status.DONE
        revision.failure_reason = ""
        revision.finished_at = timezone.now()
        revision.save(update_fields=["report", "status", "failure_reason", "finished_at"])
    progress_send(design_id=revision.design_id, revision_id=revision.pk, status="done", stage="done", fraction=1.0)
    return revision


def revision_fail(*, revision: DesignRevision, reason: str) -> DesignRevision:
    DesignRevision.objects.filter(pk=revision.pk).update(
        status=DesignRevision.Status.FAILED, failure_reason=reason[:2000], finished_at=timezone.now()
    )
    revision.refresh_from_db()
    logger.warning("revision %s failed: %s", revision.pk, reason)
    progress_send(
        design_id=revision.design_id, revision_id=revision.pk, status="failed", stage="failed", fraction=1.0, detail=reason
    )
    return revision


def revision_file_store(*, revision: DesignRevision, side: str, name: str, content: bytes) -> RevisionFile:
    """Store one file under a path made of the revision hash; a rebuild replaces, never duplicates."""
    sha256 = hashlib.sha256(content).hexdigest()
    existing = RevisionFile.objects.filter(revision=revision, side=side, name=name).first()
    if existing is not None:
        if existing.sha256 == sha256 and existing.file.storage.exists(existing.file.name):
            return existing
        existing.file.delete(save=False)
        existing.delete()
    kind = name.rsplit(".", 1)[-1]
    stored = RevisionFile(revision=revision, side=side, name=name, kind=kind, sha256=sha256, size_bytes=len(content))
    stored.file.save(f"{side}-{name}", ContentFile(content), save=False)
    stored.save()
    return stored
