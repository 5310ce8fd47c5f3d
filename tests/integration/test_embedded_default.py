"""`make run`'s launcher with nothing configured: SQLite, embedded Redis, real worker; a design completes."""
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import trimesh

from tests.conftest import BASE_DIR, FEET, process_group_stop

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_embedded_default_serves_and_completes_a_design(tmp_path: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # No external server: strip every setting that would point at one.
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "SARTORIA_CELERY_QUEUE", "SARTORIA_CHANNEL_PREFIX",
                          "DJANGO_MEDIA_ROOT")}
    env["SARTORIA_DATA_DIR"] = str(tmp_path / "var")
    log = open(tmp_path / "launcher.log", "wb")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "config.launcher", "serve", "--port", str(port), "--concurrency", "1"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if http("GET", f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert launcher.poll() is None, (tmp_path / "launcher.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the app did not come up"
            time.sleep(0.5)

        status, body = http("POST", f"{base}/api/auth/token/", {"username": "demo", "password": "sartoria-demo"})
        assert status == 200, body
        token = json.loads(body)["token"]
        status, body = http("POST", f"{base}/api/designs/", {"product": "insole", "name": "embedded"}, token)
        assert status == 201, body
        design_id = json.loads(body)["id"]
        status, body = http(
            "POST", f"{base}/api/designs/{design_id}/revisions/", {"measurements": FEET, "side": "left"}, token
        )
        assert status == 202, body
        revision_id = json.loads(body)["id"]

        deadline = time.monotonic() + 120
        while True:
            revision = json.loads(http("GET", f"{base}/api/revisions/{revision_id}/", token=token)[1])
            if revision["status"] in ("done", "failed"):
                break
            assert time.monotonic() < deadline, f"revision stuck in {revision['status']}"
            time.sleep(0.3)
        assert revision["status"] == "done", revision["failure_reason"]
        three_mf = next(f["url"] for f in revision["files"] if f["kind"] == "3mf")
        status, content = http("GET", three_mf, token=token)
        mesh = trimesh.load(io.BytesIO(content), file_type="3mf", force="mesh")
        assert mesh.is_watertight
        assert (tmp_path / "var" / "db.sqlite3").exists()
    finally:
        process_group_stop(launcher)
        log.close()
