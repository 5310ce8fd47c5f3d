"""Hostile uploads and bodies against a real web process: each gets a 4xx, and the process stays under 300 MB."""
import io
import json
import uuid
import zipfile

import pytest
from rest_framework.authtoken.models import Token

from customers.models import FootScan
from tests.conftest import database_url_of_test_database
from tests.datafiles import FIND_0015A
from tests.integration.stack import stack_running

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WEB_MEMORY_LIMIT_MB = 300


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
        for name, content in files
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def web(django_db_setup, django_db_blocker, tmp_path_factory, media_root):
    with django_db_blocker.unblock():
        database_url = database_url_of_test_database()
    with stack_running(tmp_path_factory.mktemp("hostile"), database_url, media_root) as running:
        yield running


def test_hostile_uploads_and_bodies_get_a_4xx_and_the_web_process_stays_small(web, shopper, capsys):
    token = Token.objects.create(user=shopper).key
    web.request("GET", "/api/scans/", token)  # warm: Django, numpy and trimesh imported
    hostile = {
        "zip bomb (400 MB of zeros)": multipart([("bomb.zip", zipped("foot.stl", bytes(400_000_000)))]),
        "12.5 M vertices in a zip": multipart([("many.zip", zipped("foot.obj", b"v 1 2 3\n" * 12_500_000))]),
        "59 MB of junk named .stl": multipart([("junk.stl", bytes(59_000_000))]),
        "a picture named .ply": multipart([("photo.ply", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4000)]),
    }
    answers = {what: web.post_raw("/api/scans/", token, body, kind)[0] for what, (body, kind) in hostile.items()}
    too_long = bytes(250_000_000)  # longer than any upload may be: dropped as it arrives, never held
    answers["250 MB body"] = web.post_raw("/api/scans/", token, too_long, "multipart/form-data; boundary=x")[0]
    del too_long
    deep = "[" * 5000 + "]" * 5000
    answers["JSON nested 5,000 deep"] = web.post_raw("/api/measurement-sets/", token, deep.encode(), "application/json")[0]
    huge = json.dumps({"measurements": {"left": {"length_mm": 260}}, "pad": "x" * 20_000_000}).encode()
    answers["20 MB JSON body"] = web.post_raw("/api/measurement-sets/", token, huge, "application/json")[0]
    peak_mb = web.web_peak_rss_mb()
    with capsys.disabled():
        print(f"\nweb process peak RSS after hostile uploads: {peak_mb:.0f} MB; answers: {answers}")
    assert all(400 <= status < 500 for status in answers.values()), answers
    assert not FootScan.objects.exists()
    assert peak_mb < WEB_MEMORY_LIMIT_MB
    # and a real scan still goes through this web server, stored for the worker
    body, kind = multipart([("foot.ply", FIND_0015A.read_bytes())])
    assert web.post_raw("/api/scans/", token, body, kind)[0] == 202
    stored = FootScan.objects.get().files.get()
    assert stored.size_bytes == len(FIND_0015A.read_bytes()) and stored.file.read() == FIND_0015A.read_bytes()
