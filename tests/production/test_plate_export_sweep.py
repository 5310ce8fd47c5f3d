"""
A plate export whose message was lost, or whose worker died, does not stay "running" forever: the sweeper (Celery
beat) sends its missing plates again after SARTORIA_PLATE_EXPORT_STUCK_SECONDS, a plate built twice is written and
counted once, and an export that stays stuck after SARTORIA_JOB_MAX_ATTEMPTS sends fails with a reason the dashboard
shows.
"""
import io
import time
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from configurator.models import DesignRevision
from configurator.services import order_place, order_status_set, revision_request
from customers.services import measurement_set_record
from production.models import Plate, PlateExport, PrintJob
from production.services import (
    plate_export_finish,
    plate_export_plate_build,
    plate_exports_sweep,
    plates_plan,
)
from production.tasks import plate_exports_sweep_task
from tests.conftest import FEET
from tests.factories import DesignFactory
from tests.production.helpers import production_world

WORKER_TIMEOUT_S = 300  # builds and plates on the one worker of a small machine


def wait_for(condition, what: str, timeout_s: float = WORKER_TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)  # polling the database the worker writes to, not an assertion
    raise AssertionError(f"{what} did not happen in {timeout_s} s")


def paid_insole(*, user, product, color: str):
    """An insole built by the worker and paid: the worker is running, so the build is its work, not ours."""
    design = DesignFactory(customer=user.customer, template=product)
    revision = revision_request(design=design, options={"color": color}, feet=FEET, side="right",
                                measurement_set=measurement_set_record(customer=user.customer, feet=FEET))
    revision = wait_for(lambda: DesignRevision.objects.filter(pk=revision.pk, status="done").first()
                        or DesignRevision.objects.filter(pk=revision.pk, status="failed").first(), "the build")
    assert revision.status == "done", revision.failure_reason
    return order_status_set(order=order_place(design=design, revision=revision), status="paid", actor=None)


def stuck_since(export: PlateExport, seconds: float) -> None:
    """The clock moved on: the export's last progress was `seconds` past its stuck limit."""
    old = timezone.now() - timedelta(seconds=seconds)
    PlateExport.objects.filter(pk=export.pk).update(lease_expires_at=old, enqueued_at=old - timedelta(
        seconds=settings.SARTORIA_PLATE_EXPORT_STUCK_SECONDS))


def export_files(export: PlateExport) -> list[str]:
    """The names in the export's working folder (where its plates' files are written before the zip)."""
    from production.services.exports import _export_dir

    return sorted(default_storage.listdir(_export_dir(export))[1])


def test_the_sweep_runs_every_sweep_period_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["plate-exports-sweep"]
    assert entry["task"] == plate_exports_sweep_task.name
    assert entry["schedule"] == settings.SARTORIA_JOB_SWEEP_SECONDS


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_export_whose_messages_were_lost_is_finished_by_the_worker_once(celery_worker_process, shopper, products,
                                                                          production_user):
    # given two paid insoles of two colours (two plates), planned on the demo farm
    from production.services import printer_farm_demo_load

    printer_farm_demo_load()
    paid_insole(user=shopper, product=products["insole"], color="#1f6feb")
    paid_insole(user=shopper, product=products["insole"], color="#c8553d")
    plates_plan(time_limit_s=1)
    plate_ids = sorted(Plate.objects.filter(status="planned").values_list("pk", flat=True))
    assert len(plate_ids) == 2
    # and an export of both whose worker built the first plate and died; the second plate's message was lost
    export = PlateExport.objects.create(created_by=production_user, plates_total=2, stage="queued",
                                        enqueued_at=timezone.now())
    export.plates.set(plate_ids)
    plate_export_plate_build(export_id=export.pk, plate_id=plate_ids[0])
    stuck_since(export, 1)

    # when beat's sweep runs on the worker
    plate_exports_sweep_task.delay()

    # then the worker builds the missing plate and finishes the export
    export = wait_for(lambda: PlateExport.objects.filter(pk=export.pk, status__in=["done", "failed"]).first(),
                      "the swept export's end")
    assert export.status == "done", export.failure_reason
    assert export.attempts == 1 and export.plates_done == plate_ids
    codes = PrintJob.objects.filter(plate_id__in=plate_ids).values_list("code", flat=True)
    expected = {"jobs.csv"} | {f"{code}.stl" for code in codes} | {
        f"plate-{pk}.{kind}" for pk in plate_ids for kind in ("3mf", "pdf", "html", "png")}
    with export.archive.open("rb") as handle:
        archive = handle.read()
    assert sorted(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == sorted(expected)
    assert list(Plate.objects.filter(pk__in=plate_ids).values_list("export_count", flat=True)) == [1, 1]

    # and messages delivered again later (the lost one turns up, a second sweep, a second finish) change nothing
    files_before = export_files(export)
    for plate_id in plate_ids:
        plate_export_plate_build(export_id=export.pk, plate_id=plate_id)
    plate_export_finish(export_id=export.pk)
    stuck_since(export, 1)
    assert plate_exports_sweep() == {"requeued": [], "failed": []}  # a finished export is never stuck
    again = PlateExport.objects.get(pk=export.pk)
    assert export_files(export) == files_before
    assert (again.sha256, again.archive.name, again.attempts) == (export.sha256, export.archive.name, 1)
    assert list(Plate.objects.filter(pk__in=plate_ids).values_list("export_count", flat=True)) == [1, 1]


@pytest.mark.django_db
def test_an_export_stuck_after_every_send_fails_with_the_reason_the_dashboard_shows(client, api_client,
                                                                                   production_user, insole_order):
    world = production_world(revision=insole_order.revision)
    export = PlateExport.objects.get(pk=world["export_id"])
    PlateExport.objects.filter(pk=export.pk).update(status="running",
                                                    attempts=settings.SARTORIA_JOB_MAX_ATTEMPTS)
    # an export with progress within its limit is left alone, however many sends it took
    PlateExport.objects.filter(pk=export.pk).update(lease_expires_at=timezone.now() + timedelta(seconds=60))
    assert plate_exports_sweep() == {"requeued": [], "failed": []}
    assert PlateExport.objects.get(pk=export.pk).status == "running"

    stuck_since(export, 1)
    assert plate_exports_sweep() == {"requeued": [], "failed": [export.pk]}

    export.refresh_from_db()
    assert export.status == "failed" and export.finished_at is not None
    assert f"sent {settings.SARTORIA_JOB_MAX_ATTEMPTS + 1} times and never finished (0 of 1 plates built)" in \
        export.failure_reason
    client.force_login(production_user)
    page = client.get(f"/production/?export={export.pk}").content.decode()
    assert "never finished (0 of 1 plates built)" in page and 'data-role="failure" hidden' not in page
    api_client.force_authenticate(production_user)
    body = api_client.get(f"/api/production/plate-exports/{export.pk}/").json()
    assert body["status"] == "failed" and "never finished" in body["failure_reason"]
    # a failed export is not sent again
    assert plate_exports_sweep() == {"requeued": [], "failed": []}


@pytest.mark.django_db
def test_a_stuck_export_with_every_plate_built_gets_its_finish_sent_again(production_user, insole_order,
                                                                         django_capture_on_commit_callbacks):
    from production.tasks import plate_export_finish_task, plate_export_plate_task

    world = production_world(revision=insole_order.revision)
    export = PlateExport.objects.get(pk=world["export_id"])
    stuck_since(export, 1)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert plate_exports_sweep() == {"requeued": [export.pk], "failed": []}
    assert [(call.func.__self__.name, call.keywords) for call in sent] == [
        (plate_export_plate_task.name, {"export_id": export.pk, "plate_id": world["plate_id"]})]
    # once every plate is built, the finish is what a stuck export misses
    PlateExport.objects.filter(pk=export.pk).update(plates_done=[world["plate_id"]])
    stuck_since(export, 1)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert plate_exports_sweep() == {"requeued": [export.pk], "failed": []}
    assert [(call.func.__self__.name, call.keywords) for call in sent] == [
        (plate_export_finish_task.name, {"export_id": export.pk})]
    assert PlateExport.objects.get(pk=export.pk).attempts == 2
