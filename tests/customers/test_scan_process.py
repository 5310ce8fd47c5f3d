"""A scan's processing is safe to deliver twice: however the deliveries overlap, the scan gives one measurement set."""
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from customers import services as customers_services
from customers.models import FootScan, MeasurementSet
from customers.services import scan_process, scan_upload
from geometry import scan as geometry_scan
from geometry.errors import ScanError
from tests.datafiles import FIND_0015A

measure_scan_file = geometry_scan.measure_scan_file  # the real one, kept before any test wraps it


def uploaded_scan(user) -> FootScan:
    files = [SimpleUploadedFile("foot.ply", FIND_0015A.read_bytes())]
    return scan_upload(customer=user.customer, uploaded_by=user, files=files)


@pytest.mark.django_db
def test_a_second_delivery_while_the_first_measures_adds_no_second_set(shopper, monkeypatch):
    # given a scan whose first delivery is measuring when a second delivery runs to the end
    foot_scan = uploaded_scan(shopper)
    second = {}

    def measure_while_redelivered(*args, **kwargs):
        if "started" not in second:
            second["started"] = True
            second["scan"] = scan_process(scan_id=foot_scan.pk)  # the redelivered task, inside the first's work
        return measure_scan_file(*args, **kwargs)

    monkeypatch.setattr(geometry_scan, "measure_scan_file", measure_while_redelivered)
    # when the first delivery then finishes
    first = scan_process(scan_id=foot_scan.pk)
    # then both report the one set the second delivery made
    assert second["scan"].status == FootScan.Status.DONE
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1
    assert first.status == FootScan.Status.DONE and first.measurement_set == second["scan"].measurement_set


@pytest.mark.django_db
def test_running_it_again_after_it_is_done_changes_nothing(shopper):
    foot_scan = uploaded_scan(shopper)
    done = scan_process(scan_id=foot_scan.pk)
    again = scan_process(scan_id=foot_scan.pk)
    assert again.measurement_set == done.measurement_set and again.finished_at == done.finished_at
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1


@pytest.mark.django_db
def test_a_failed_redelivery_does_not_undo_a_done_scan(shopper, monkeypatch):
    # given a scan measured by one delivery, and a second delivery that crashes while it measures
    foot_scan = uploaded_scan(shopper)

    def measure_then_crash(*args, **kwargs):
        monkeypatch.setattr(geometry_scan, "measure_scan_file", measure_scan_file)
        scan_process(scan_id=foot_scan.pk)  # the other delivery finishes first
        raise ScanError("no foot-sized part", value="foot.ply", allowed="a foot")

    monkeypatch.setattr(geometry_scan, "measure_scan_file", measure_then_crash)
    scan_process(scan_id=foot_scan.pk)
    # then the scan stays done with its files and its one set
    foot_scan.refresh_from_db()
    assert foot_scan.status == FootScan.Status.DONE and foot_scan.measurement_set is not None
    assert all(stored.file and stored.foot for stored in foot_scan.files.all())


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_on_two_connections_add_one_set(shopper, monkeypatch):
    # given two workers that both measured the same scan and reach the commit together
    monkeypatch.setattr(customers_services, "scan_process_enqueue", lambda **kwargs: None)  # the test delivers it
    foot_scan = uploaded_scan(shopper)
    both_measured = threading.Barrier(2, timeout=120)

    def measure_then_wait(*args, **kwargs):
        result = measure_scan_file(*args, **kwargs)
        both_measured.wait()
        return result

    monkeypatch.setattr(geometry_scan, "measure_scan_file", measure_then_wait)
    results, errors = [], []

    def deliver():
        try:
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
    # then there is one set and both deliveries report it
    assert errors == []
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1
    assert {result.measurement_set_id for result in results} == {FootScan.objects.get().measurement_set_id}
