"""A scan's processing runs once: a redelivery finds the lease, a storage error keeps the upload, dying ends failed."""
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from customers.services import scans as customers_services
from customers.models import FootScan, MeasurementSet
from customers.scan_sandbox import ScanRefused
from customers.services import scan_process, scan_upload, scans_sweep
from tests.datafiles import FIND_0015A

measure = customers_services.scan_measure_file  # the real one (a child process), kept before any test wraps it


def uploaded_scan(user) -> FootScan:
    files = [SimpleUploadedFile("foot.ply", FIND_0015A.read_bytes())]
    return scan_upload(customer=user.customer, uploaded_by=user, files=files)


@pytest.mark.django_db
def test_a_second_delivery_while_the_first_measures_finds_the_lease_and_does_nothing(shopper, monkeypatch):
    # given a scan whose first delivery is measuring when the message is delivered again
    foot_scan = uploaded_scan(shopper)
    calls, second = [], {}

    def measure_while_redelivered(**kwargs):
        calls.append(kwargs["filename"])
        if "scan" not in second:
            second["scan"] = scan_process(scan_id=foot_scan.pk)  # the redelivered task, inside the first's work
        return measure(**kwargs)

    monkeypatch.setattr(customers_services, "scan_measure_file", measure_while_redelivered)
    # when the first delivery then finishes
    first = scan_process(scan_id=foot_scan.pk)
    # then the redelivery measured nothing and changed nothing; the first made the one set
    assert calls == ["foot.ply"]
    assert second["scan"].status == FootScan.Status.RUNNING
    assert first.status == FootScan.Status.DONE and first.attempts == 1
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1


@pytest.mark.django_db
def test_running_it_again_after_it_is_done_changes_nothing(shopper):
    foot_scan = uploaded_scan(shopper)
    done = scan_process(scan_id=foot_scan.pk)
    again = scan_process(scan_id=foot_scan.pk)
    assert again.measurement_set == done.measurement_set and again.finished_at == done.finished_at
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1


@pytest.mark.django_db
def test_a_run_whose_lease_was_taken_over_does_not_undo_the_other_runs_result(shopper, monkeypatch):
    # given a run so slow that its lease expired, another delivery took the scan over and finished it
    foot_scan = uploaded_scan(shopper)

    def taken_over_then_refused(**kwargs):
        FootScan.objects.filter(pk=foot_scan.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
        monkeypatch.setattr(customers_services, "scan_measure_file", measure)
        scan_process(scan_id=foot_scan.pk)  # the other delivery
        raise ScanRefused("no foot-sized part")

    monkeypatch.setattr(customers_services, "scan_measure_file", taken_over_then_refused)
    # when the slow run then fails
    scan_process(scan_id=foot_scan.pk)
    # then the scan stays done with its files and its one set
    foot_scan.refresh_from_db()
    assert foot_scan.status == FootScan.Status.DONE and foot_scan.measurement_set is not None
    assert all(stored.file and stored.foot for stored in foot_scan.files.all())
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1


@pytest.mark.django_db
def test_a_storage_error_keeps_the_upload_for_the_retry(shopper, monkeypatch):
    # given a scan whose first run hits an OSError (the task retries on it)
    foot_scan = uploaded_scan(shopper)

    def storage_trouble(**kwargs):
        monkeypatch.setattr(customers_services, "scan_measure_file", measure)
        raise OSError("disk hiccup")

    monkeypatch.setattr(customers_services, "scan_measure_file", storage_trouble)
    with pytest.raises(OSError):
        scan_process(scan_id=foot_scan.pk)
    # then it is queued again with its upload, not failed
    foot_scan.refresh_from_db()
    assert foot_scan.status == FootScan.Status.QUEUED and foot_scan.files.get().file
    # and the retry measures it
    retried = scan_process(scan_id=foot_scan.pk)
    assert retried.status == FootScan.Status.DONE, retried.failure_reason
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1


@pytest.mark.django_db
def test_a_scan_that_keeps_killing_its_worker_ends_failed_with_the_reason(shopper, settings, monkeypatch):
    # given a scan left running by workers that died, as often as allowed
    monkeypatch.setattr(customers_services, "scan_process_enqueue", lambda **kwargs: None)
    foot_scan = uploaded_scan(shopper)
    FootScan.objects.filter(pk=foot_scan.pk).update(
        status=FootScan.Status.RUNNING, attempts=settings.SARTORIA_JOB_MAX_ATTEMPTS, lease_owner="elsewhere:1",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    # when the sweeper finds it
    swept = scans_sweep()
    # then it is failed with a reason that says why, and not sent again
    foot_scan.refresh_from_db()
    assert swept == {"requeued": [], "failed": [foot_scan.pk]}
    assert foot_scan.status == FootScan.Status.FAILED
    assert f"started {settings.SARTORIA_JOB_MAX_ATTEMPTS} times" in foot_scan.failure_reason


@pytest.mark.django_db
def test_the_sweeper_sends_again_a_scan_left_by_a_dead_worker_or_a_lost_message(
    shopper, settings, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(customers_services, "scan_process_enqueue", lambda **kwargs: sent.append(kwargs["scan_id"]))
    dead, lost, fresh = uploaded_scan(shopper), uploaded_scan(shopper), uploaded_scan(shopper)
    sent.clear()
    long_ago = timezone.now() - timedelta(seconds=settings.SARTORIA_JOB_STALE_QUEUED_SECONDS + 1)
    FootScan.objects.filter(pk=dead.pk).update(status=FootScan.Status.RUNNING, attempts=1, lease_owner="elsewhere:1",
                                               lease_expires_at=timezone.now() - timedelta(seconds=1))
    FootScan.objects.filter(pk=lost.pk).update(enqueued_at=long_ago)
    FootScan.objects.filter(pk=fresh.pk).update(status=FootScan.Status.RUNNING, attempts=1, lease_owner="elsewhere:2",
                                                lease_expires_at=timezone.now() + timedelta(seconds=60))
    with django_capture_on_commit_callbacks(execute=True):
        swept = scans_sweep()
    assert sorted(swept["requeued"]) == sorted(sent) == sorted([dead.pk, lost.pk])
    assert FootScan.objects.get(pk=dead.pk).status == FootScan.Status.QUEUED
    assert FootScan.objects.get(pk=fresh.pk).status == FootScan.Status.RUNNING  # a live lease is left alone


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_on_two_connections_measure_once_and_add_one_set(shopper, monkeypatch):
    # given two workers that receive the same scan at the same moment
    monkeypatch.setattr(customers_services, "scan_process_enqueue", lambda **kwargs: None)  # the test delivers it
    foot_scan = uploaded_scan(shopper)
    start, calls = threading.Barrier(2, timeout=60), []

    def counted(**kwargs):
        calls.append(kwargs["filename"])
        return measure(**kwargs)

    monkeypatch.setattr(customers_services, "scan_measure_file", counted)
    results, errors = [], []

    def deliver():
        try:
            start.wait()
            results.append(scan_process(scan_id=foot_scan.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    # when both deliveries run at the same time
    workers = [threading.Thread(target=deliver) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    # then one measured, and there is one set
    assert errors == []
    assert calls == ["foot.ply"]
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1
    assert FootScan.objects.get().status == FootScan.Status.DONE
