"""Foot scans through the API and the profile form: real scans measured, bad files refused by name, nothing half-saved."""
import functools
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import FootScan, MeasurementSet
from customers.services import scan_process

pytestmark = pytest.mark.django_db

from tests.datafiles import MESHES_DIR as MESHES


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_real_scan_becomes_a_measurement_set_with_its_side(api_client, shopper):
    api_client.force_authenticate(shopper)
    response = api_client.post(
        "/api/scans/", {"files": [upload("foot.ply", (MESHES / "foot3d_0044_scan.ply").read_bytes())]}, format="multipart"
    )
    assert response.status_code == 202, response.json()
    scan_id = response.json()["id"]
    processed = scan_process(scan_id=scan_id)  # what the worker runs
    assert processed.status == FootScan.Status.DONE, processed.failure_reason
    detail = api_client.get(f"/api/scans/{scan_id}/").json()
    side = detail["files"][0]["side"]
    assert side in ("left", "right") and detail["files"][0]["result"]["units"] == "m"
    measurement_set = MeasurementSet.objects.get(pk=detail["measurement_set"])
    assert measurement_set.source == MeasurementSet.Source.SCAN and measurement_set.customer == shopper.customer
    listed = api_client.get(f"/api/measurement-sets/{measurement_set.pk}/").json()
    assert 240 < listed["measurements"][side]["length_mm"] < 290
    assert "toe_box_height_mm" in listed["extras"][side] and listed["size"]["sizes"]["eu"]["label"]
    foot = api_client.get(f"/api/measurement-sets/{measurement_set.pk}/foot/{side}.glb")
    assert foot.status_code == 200 and foot.content[:4] == b"glTF"
    # processing again (a redelivered task) adds nothing
    scan_process(scan_id=scan_id)
    assert MeasurementSet.objects.filter(customer=shopper.customer).count() == 1


@functools.cache
def zip_bomb() -> bytes:
    """400 MB of zeros in a few hundred KB: more than any scan may unpack to."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("foot.stl", b"\0" * 400_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("notes.txt", b"hello", "stl"),
        ("empty.stl", b"", "empty"),
        ("junk.ply", b"\x00\xff" * 500, "ply"),
        ("bomb.zip", None, "zip"),
    ],
)
def test_bad_files_are_refused_by_name_and_nothing_is_saved(api_client, shopper, name, content, says):
    api_client.force_authenticate(shopper)
    content = zip_bomb() if content is None else content
    response = api_client.post("/api/scans/", {"files": [upload(name, content)]}, format="multipart")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == "files" and body["value"] == name and says in (body["detail"] + body.get("allowed", "")).lower()
    assert not FootScan.objects.exists()


def test_the_web_form_refuses_the_same_and_keeps_the_profile(client, shopper):
    client.force_login(shopper)
    response = client.post("/profile/scans/", {"files": [upload("bomb.zip", zip_bomb())]})
    assert response.status_code == 400
    assert "bomb.zip" in response.context["scan_error"] and not FootScan.objects.exists()


def test_a_cube_is_refused_by_the_worker_with_a_reason_and_no_set(api_client, shopper):
    import trimesh

    cube = trimesh.creation.box((200.0, 100.0, 80.0)).export(file_type="stl")
    api_client.force_authenticate(shopper)
    response = api_client.post("/api/scans/", {"files": [upload("cube.stl", cube)]}, format="multipart")
    if response.status_code == 400:  # refused at once is just as good
        assert response.json()["field"] == "files"
        return
    processed = scan_process(scan_id=response.json()["id"])
    assert processed.status == FootScan.Status.FAILED and "foot" in processed.failure_reason.lower()
    assert not MeasurementSet.objects.exists() and not processed.files.get().file


def test_scans_are_private_and_store_staff_scan_for_a_customer_they_look_up(api_client, shopper, other_shopper, production_user):
    # store staff scan only a customer checked in at their store (tests/stores/test_store_scans.py has the refusals)
    from stores.services import check_in_start
    from tests.stores.factories import StaffFactory

    store_user = StaffFactory().user
    check_in_start(staff=store_user, customer=shopper.customer)
    api_client.force_authenticate(store_user)
    content = (MESHES / "find_template_0015A.ply").read_bytes()
    missing = api_client.post("/api/scans/", {"files": [upload("a.ply", content)], "customer_email": "nobody@example.com"}, format="multipart")
    assert missing.status_code == 404
    taken = api_client.post("/api/scans/", {"files": [upload("a.ply", content)], "customer": shopper.customer.pk}, format="multipart")
    assert taken.status_code == 202
    scan_id = taken.json()["id"]
    assert FootScan.objects.get(pk=scan_id).customer == shopper.customer
    assert api_client.get(f"/api/scans/{scan_id}/").status_code == 200  # staff follow the scan they took
    for user, expected in ((shopper, 200), (other_shopper, 404), (production_user, 404)):
        api_client.force_authenticate(user)
        assert api_client.get(f"/api/scans/{scan_id}/").status_code == expected


def test_the_size_limit_holds_in_the_api_and_the_web_form(api_client, client, shopper):
    from geometry.scan import SCAN_LIMITS

    too_big = b"solid x\n" + b" " * SCAN_LIMITS.max_file_bytes
    api_client.force_authenticate(shopper)
    refused = api_client.post("/api/scans/", {"files": [upload("big.stl", too_big)]}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["value"] == "big.stl" and "60 MB" in refused.json()["allowed"]
    client.force_login(shopper)
    page = client.post("/profile/scans/", {"files": [upload("big.stl", too_big)]})
    assert page.status_code == 400 and "big.stl" in page.context["scan_error"] and "60 MB" in page.context["scan_error"]
    assert not FootScan.objects.exists()


def test_a_picture_renamed_to_a_scan_is_refused_by_its_first_bytes(api_client, shopper):
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 80
    api_client.force_authenticate(shopper)
    for name in ("photo.stl", "photo.ply", "photo.obj", "photo.zip"):
        response = api_client.post("/api/scans/", {"files": [upload(name, picture)]}, format="multipart")
        assert response.status_code == 400, (name, response.content)
        assert response.json()["value"] == name
    assert not FootScan.objects.exists()


def stored_zip(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, says",
    [
        # looks like PLY, is not one: the worker's parser says so
        ("broken.ply", b"ply\nformat ascii 1.0\nelement vertex 3\nend_header\nnonsense\n", "ply"),
        # 2.5 M vertices in a zip that is no bomb: counted before parsing, in the worker
        ("many.zip", stored_zip("many.obj", b"v 1 2 3\n" * 2_500_000 + b"f 1 2 3\n"), "vertices"),
    ],
    ids=["not-a-ply", "too-many-vertices"],
)
def test_what_needs_parsing_fails_the_scan_with_its_reason_on_the_profile_and_in_the_api(
    api_client, client, shopper, name, content, says
):
    # given an upload whose first bytes are right
    api_client.force_authenticate(shopper)
    response = api_client.post("/api/scans/", {"files": [upload(name, content)]}, format="multipart")
    assert response.status_code == 202, response.content
    # when the worker processes it
    processed = scan_process(scan_id=response.json()["id"])
    # then the scan failed, says why in the API and on the profile, and kept nothing
    assert processed.status == FootScan.Status.FAILED and says in processed.failure_reason.lower()
    detail = api_client.get(f"/api/scans/{processed.pk}/").json()
    assert detail["status"] == "failed" and detail["failure_reason"] == processed.failure_reason
    client.force_login(shopper)
    assert processed.failure_reason in client.get("/profile/").content.decode()
    assert not MeasurementSet.objects.exists() and not processed.files.get().file


def test_with_the_queue_down_an_upload_is_a_503_that_stores_nothing(api_client, client, shopper, monkeypatch):
    from config.celery import app

    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:9/0")  # nothing listens there
    content = (MESHES / "find_template_0015A.ply").read_bytes()
    api_client.force_authenticate(shopper)
    response = api_client.post("/api/scans/", {"files": [upload("foot.ply", content)]}, format="multipart")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    client.force_login(shopper)
    page = client.post("/profile/scans/", {"files": [upload("foot.ply", content)]}, HTTP_ACCEPT_LANGUAGE="it")
    assert page.status_code == 503 and int(page["Retry-After"]) > 0
    assert "non è stato salvato nulla" in page.context["scan_error"]
    assert not FootScan.objects.exists()
