"""A scan's plus or minus: stored with each measurement, shown on the profile, weighed by the size (both languages)."""
import json
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Measurement, MeasurementSet
from customers.selectors import measurement_set_presented
from customers.services import scan_process
from geometry.scan import measure_scan_file
from tests.conftest import BASE_DIR
from tests.datafiles import MESHES_DIR as MESHES

pytestmark = pytest.mark.django_db


def scanned_set(client, user, name: str) -> MeasurementSet:
    """Upload one real scan through the API and run what the worker runs."""
    client.force_authenticate(user)
    response = client.post("/api/scans/", {"files": [SimpleUploadedFile(name, (MESHES / name).read_bytes())]},
                           format="multipart")
    assert response.status_code == 202, response.json()
    processed = scan_process(scan_id=response.json()["id"])
    assert processed.measurement_set is not None, processed.failure_reason
    return processed.measurement_set


def test_a_phone_scan_stores_its_uncertainty_and_the_size_says_it_is_uncertain(api_client, client, shopper):
    # given the phone-photo reconstruction of a foot, uploaded and measured
    measurement_set = scanned_set(api_client, shopper, "foot3d_0044_colmap.obj")
    expected = measure_scan_file((MESHES / "foot3d_0044_colmap.obj").read_bytes(), "foot3d_0044_colmap.obj")
    # then every measurement keeps the scan's plus or minus
    stored = {m.kind: m.uncertainty_mm for m in measurement_set.measurements.all()}
    assert stored == expected.uncertainty_mm
    # and the size weighs it: the length's range spans several EU sizes, and the size says so
    size = api_client.get(f"/api/measurement-sets/{measurement_set.pk}/").json()["size"]
    judged = size["length_uncertainty"]
    assert judged["code"] in ("between_sizes", "uncertain_length") and len(judged["sizes"]) >= 2
    assert judged["uncertainty_mm"] == expected.uncertainty_mm["length_mm"]
    # and the profile shows each value with its plus or minus, and the size's reason, in English and Italian
    client.force_login(shopper)
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    length = expected.measurements["length_mm"]
    assert f"{length:g} ± {expected.uncertainty_mm['length_mm']:g}" in page
    assert f"EU {judged['sizes'][0]}" in page and "± " in page
    italian = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert f"{length:g}".replace(".", ",") + " ± " in italian and "Il tuo piede sinistro misura" in italian


def test_a_typed_set_has_no_uncertainty(api_client, shopper):
    api_client.force_authenticate(shopper)
    feet = {"left": {"length_mm": 265.0, "ball_width_mm": 100.0, "ball_girth_mm": 250.0, "instep_girth_mm": 255.0,
                     "heel_width_mm": 70.0, "arch_height_mm": 18.0}}
    response = api_client.post("/api/measurement-sets/", {"measurements": feet}, format="json")
    assert response.status_code in (200, 201), response.json()
    measurement_set = MeasurementSet.objects.get(pk=response.json()["id"])
    assert not Measurement.objects.filter(measurement_set=measurement_set, uncertainty_mm__isnull=False).exists()
    presented = measurement_set_presented(measurement_set=measurement_set)
    assert presented["uncertainty"] == {} and presented["size"]["length_uncertainty"] is None


def test_the_command_prints_the_uncertainty_too():
    done = subprocess.run([sys.executable, "manage.py", "measure_scan", f"{MESHES}/foot3d_0044_scan.ply", "--json"],
                          cwd=BASE_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result["uncertainty_mm"]) == set(result) - {"side", "units", "quality", "uncertainty_mm"}
    assert 0 < result["uncertainty_mm"]["length_mm"] < 3
