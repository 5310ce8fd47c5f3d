"""Shared fixtures: users for each role, an API client, media in a temp folder, and a real Celery worker."""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from rest_framework.test import APIClient

from platform_api.kept_answers import public_answers_expire
from tests.factories import CustomerFactory, ProductTemplateFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent
SESSION_STARTED = time.time()

# One real foot per side (ANSUR II subject 10027's length, width and girth; arch and instep typical).
FEET = {
    "left": {"length_mm": 273, "ball_width_mm": 101, "ball_girth_mm": 253, "instep_girth_mm": 258,
             "heel_width_mm": 70, "arch_height_mm": 18},
    "right": {"length_mm": 275, "ball_width_mm": 102, "ball_girth_mm": 254, "instep_girth_mm": 259,
              "heel_width_mm": 70, "arch_height_mm": 18},
}


@pytest.fixture(scope="session")
def media_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, media_root):
    settings.MEDIA_ROOT = str(media_root)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness protects stored passwords, not test users: hash them cheaply here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_attempt_counters(settings):
    """Each test counts its own log-in, guest and upload attempts (the cache may be a Redis other runs share)."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def _fresh_public_answers():
    """Each test's catalogue answers come from its own products: an earlier test's rolled back ones are not
    saved or deleted anywhere, so nothing else would tell the kept answers (platform_api.kept_answers) they are gone."""
    public_answers_expire()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def products(db):
    return {
        "insole": ProductTemplateFactory(slug="insole", generator_key="insole", name="Insole"),
        "shoe": ProductTemplateFactory(slug="shoe", generator_key="shoe", name="Shoe"),
    }


@pytest.fixture
def shopper(db):
    return CustomerFactory().user


@pytest.fixture
def other_shopper(db):
    return CustomerFactory().user


def user_in_group(group_name: str, *permission_codenames: str):
    # Groups come from a data migration, which transactional tests flush: make them here.
    group, _ = Group.objects.get_or_create(name=group_name)
    for codename in permission_codenames:
        group.permissions.add(Permission.objects.get(codename=codename))
    user = UserFactory()
    user.groups.add(group)
    return user


@pytest.fixture
def production_user(db):
    return user_in_group("production", "export_print_files")


@pytest.fixture
def store_user(db):
    return user_in_group("store")


@pytest.fixture
def admin_user(db):
    return UserFactory(is_superuser=True, is_staff=True)


def process_group_stop(process: subprocess.Popen) -> None:
    """Stop a launcher and everything it started (web server, worker, Redis): TERM, then KILL after 30 s."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def database_url_of_test_database() -> str:
    """The URL of the database the tests run on, for processes started by the tests."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    return (
        f"postgres://{settings_dict['USER']}{password}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, media_root):
    """A real `celery worker` process on the test database and the real Redis (REDIS_URL)."""
    from config.celery import app

    with django_db_blocker.unblock():
        database_url = database_url_of_test_database()
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_MEDIA_ROOT": str(media_root)}
    log_path = media_root.parent / "celery-worker.log"
    hostname = f"test-{os.getpid()}@localhost"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1",
             "--loglevel", "INFO", "--hostname", hostname, "--without-gossip", "--without-mingle"],
            env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[hostname], timeout=1.0):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def pytest_terminal_summary(terminalreporter):
    """Name the browser tests' screenshots in the log, so whoever reads CI's output can open them."""
    from tests.browser.conftest import SCREENSHOTS

    shots = sorted(shot for shot in SCREENSHOTS.glob("*.png") if shot.stat().st_mtime >= SESSION_STARTED)
    if shots:
        terminalreporter.write_sep("-", f"browser screenshots in {SCREENSHOTS}")
        for shot in shots:
            terminalreporter.write_line(f"{shot}  ({shot.stat().st_size // 1024} KB)")
