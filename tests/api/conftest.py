"""The whole app on its own port and database (daphne, a Celery worker, the demo catalogue and users), for tests
that talk to it over HTTP as an integrator does."""
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from types import SimpleNamespace

import pytest

from tests.browser.conftest import _free_port, _postgres_database_for
from tests.conftest import BASE_DIR, process_group_stop


@pytest.fixture(scope="session")
def live_api(tmp_path_factory):
    """The running app's base URL and a way to get a token for a demo user."""
    data_dir = tmp_path_factory.mktemp("api-app")
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_MEDIA_ROOT",)}
    run_id = uuid.uuid4().hex[:8]
    env.update(SARTORIA_DATA_DIR=str(data_dir), SARTORIA_CELERY_QUEUE=f"sartoria-api-{run_id}",
               SARTORIA_CHANNEL_PREFIX=f"asgi-api-{run_id}",
               # attempt counters of its own: a Redis that earlier runs used keeps theirs (uploads per address...)
               SARTORIA_RATELIMIT_PREFIX=f"rl-api-{run_id}:")
    drop_database = None
    if env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"], drop_database = _postgres_database_for(env["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
    log_path = data_dir / "app.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "config.launcher", "serve", "--port", str(port), "--concurrency", "1", "--demo"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"

    def token(username: str, password: str) -> str:
        """A token for the user; the fuzzing before may have used up this address's log-ins: wait as told."""
        for attempt in range(3):
            request = urllib.request.Request(
                f"{base_url}/api/v1/auth/token/", method="POST", headers={"Content-Type": "application/json"},
                data=json.dumps({"username": username, "password": password}).encode())
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return json.loads(response.read())["token"]
            except urllib.error.HTTPError as error:
                if error.code != 429 or attempt == 2:
                    raise
                time.sleep(min(float(error.headers.get("Retry-After") or 60), 70) + 1)

    try:
        deadline = time.monotonic() + 480  # migrations on a busy CI machine take minutes
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=5):
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.5)
        yield SimpleNamespace(url=base_url, env=env, token=token, log=log_path)
    finally:
        process_group_stop(process)
        log.close()
        if drop_database is not None:
            drop_database()
