"""
The whole app as a shopper meets it: `config.launcher serve` (daphne, a Celery worker, migrations and the demo
catalogue) on its own port, database and queue, and Debian's Chromium driven by Playwright.

Screenshots of the key screens go to artifacts/screenshots/ (or $SARTORIA_ARTIFACTS_DIR); the test run prints
where they are, so CI's log names them.
"""
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import BASE_DIR, process_group_stop

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(os.environ.get("SARTORIA_ARTIFACTS_DIR", BASE_DIR / "artifacts")) / "screenshots"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_database_for(base_url: str):
    """A fresh PostgreSQL database beside the configured one, so the app's data never meets the test database."""
    import psycopg

    parts = urlsplit(base_url)
    name = f"sartoria_browser_{uuid.uuid4().hex[:10]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@pytest.fixture(scope="session")
def live_app_server(tmp_path_factory):
    """The running app: its base URL and the environment it runs with (its database, its Redis)."""
    data_dir = tmp_path_factory.mktemp("browser-app")
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_MEDIA_ROOT",)}
    run_id = uuid.uuid4().hex[:8]
    env.update(SARTORIA_DATA_DIR=str(data_dir), SARTORIA_CELERY_QUEUE=f"sartoria-browser-{run_id}",
               SARTORIA_CHANNEL_PREFIX=f"asgi-browser-{run_id}",
               # attempt counters of its own: a Redis that earlier runs used keeps theirs (uploads per address...)
               SARTORIA_RATELIMIT_PREFIX=f"rl-browser-{run_id}:")
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
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=5):
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.5)
        yield SimpleNamespace(url=base_url, env=env)
    finally:
        process_group_stop(process)
        log.close()
        if drop_database is not None:
            drop_database()


@pytest.fixture(scope="session")
def live_app(live_app_server):
    """Base URL of the running app; PostgreSQL and Redis when configured, else SQLite and the embedded Redis."""
    return live_app_server.url


@pytest.fixture(scope="session")
def app_shell(live_app_server):
    """Run Python code in `manage.py shell` against the running app's database (to make users the demo lacks)."""

    def run(code: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=BASE_DIR,
                              env=live_app_server.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-4000:]
        return done.stdout

    return run


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(chromium, live_app):
    """New pages in fresh contexts (own cookies), desktop by default; closed after the test."""
    contexts = []

    def new_page(*, viewport=(1280, 800), locale="en-GB", mobile=False, storage_state=None):
        context = chromium.new_context(
            base_url=live_app, viewport={"width": viewport[0], "height": viewport[1]}, locale=locale,
            is_mobile=mobile, has_touch=mobile, device_scale_factor=2 if mobile else 1, storage_state=storage_state,
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        return page

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot():
    """Save a named screenshot of a page for people to look at; returns its path."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = []

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        taken.append(path)
        return path

    yield take
