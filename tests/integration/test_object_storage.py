"""
Files on S3-compatible object storage, chosen by settings alone: a real S3-protocol server (moto in server mode,
started here on its own port) holds the print files and scans; downloads stay behind the app's permission checks,
streamed or as a presigned URL that expires.
"""
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.services import scan_process, scan_upload
from tests.configurator.helpers import built_revision
from tests.conftest import process_group_stop
from tests.datafiles import FIND_0015A

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """A local S3-protocol server in its own process, as a second machine would reach a real one."""
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except urllib.error.HTTPError:
            break  # it answers: up
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                process_group_stop(server)
                raise RuntimeError("moto_server did not start")
            time.sleep(0.2)
    yield endpoint
    process_group_stop(server)


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    name = f"sartoria-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=name)
    settings.SARTORIA_S3_BUCKET = name
    settings.MEDIA_ROOT = str(tmp_path / "media-must-stay-empty")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": name, "endpoint_url": s3_server, "region_name": "us-east-1", "access_key": "test",
        "secret_key": "test", "default_acl": None, "file_overwrite": False, "querystring_expire": 60}}}
    yield client, name


def _keys(client, name: str) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])}


def test_a_build_stores_its_files_in_the_bucket_and_nothing_on_local_disk(bucket, shopper, products, tmp_path):
    client, name = bucket
    revision = built_revision(user=shopper, product=products["insole"])
    assert revision.status == "done"
    stored = list(revision.files.all())
    assert stored and {item.file.name for item in stored} <= _keys(client, name)
    assert default_storage.__class__.__name__ == "S3Storage"
    assert not (tmp_path / "media-must-stay-empty").exists()


def test_downloads_go_through_the_permission_check(bucket, shopper, other_shopper, products, api_client):
    client, name = bucket
    revision = built_revision(user=shopper, product=products["insole"])
    stl = revision.files.filter(kind="stl").first()
    url = reverse("api:revision-file", args=[revision.pk, stl.side, stl.name])

    api_client.force_authenticate(other_shopper)
    assert api_client.get(url).status_code == 404
    api_client.force_authenticate(shopper)
    answer = api_client.get(url)
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content)
    assert body == client.get_object(Bucket=name, Key=stl.file.name)["Body"].read()


def test_presigned_downloads_redirect_to_a_url_that_serves_the_file_and_expires(bucket, shopper, products, api_client,
                                                                               settings):
    client, name = bucket
    settings.SARTORIA_PRESIGNED_DOWNLOADS = True
    revision = built_revision(user=shopper, product=products["insole"])
    stl = revision.files.filter(kind="stl").first()
    api_client.force_authenticate(shopper)
    answer = api_client.get(reverse("api:revision-file", args=[revision.pk, stl.side, stl.name]))
    assert answer.status_code == 302
    presigned = answer["Location"]
    assert "Signature=" in presigned or "X-Amz-Signature=" in presigned
    assert "Expires=" in presigned or "X-Amz-Expires=60" in presigned
    with urllib.request.urlopen(presigned, timeout=10) as fetched:
        assert fetched.read() == client.get_object(Bucket=name, Key=stl.file.name)["Body"].read()
        assert "attachment" in fetched.headers.get("Content-Disposition", "")
    tampered = presigned.replace(stl.file.name.rsplit("/", 1)[-1], "shoe-upper.stl")
    if tampered != presigned:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(tampered, timeout=10)


def test_a_scan_uploaded_to_object_storage_is_processed_from_it(bucket, shopper):
    client, name = bucket
    files = [SimpleUploadedFile("foot.ply", FIND_0015A.read_bytes())]
    scan = scan_upload(customer=shopper.customer, uploaded_by=shopper, files=files)
    assert any(key.startswith("scans/") for key in _keys(client, name))
    scan = scan_process(scan_id=scan.pk)
    assert scan.status == "done", scan.failure_reason
    assert scan.measurement_set is not None
