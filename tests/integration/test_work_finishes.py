"""
Work that always finishes, once, on real processes: a Redis server, `celery worker` (with its beat, the sweeper)
and the web server (daphne) that this module starts itself, on the test database.

Each case ends with the revision done exactly once with whole files, or failed with its reason. Short leases and
sweeps keep the module quick; `bench/bench_recovery.py` measures recovery with the default settings.
"""
import hashlib
import os
import signal
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from rest_framework.authtoken.models import Token

from config.priority import autogroup_nice
from configurator.models import Design, DesignRevision
from tests.conftest import FEET, database_url_of_test_database
from tests.integration.stack import Stack, stack_running

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LEASE_S, SWEEP_S, STALE_S = 6, 1, 3


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory, media_root):
    with django_db_blocker.unblock():
        database_url = database_url_of_test_database()
    quick = {"SARTORIA_JOB_LEASE_SECONDS": str(LEASE_S), "SARTORIA_JOB_SWEEP_SECONDS": str(SWEEP_S),
             "SARTORIA_JOB_STALE_QUEUED_SECONDS": str(STALE_S), "SARTORIA_RENDERER": "pillow"}
    with stack_running(tmp_path_factory.mktemp("work"), database_url, media_root, quick) as running:
        yield running


@pytest.fixture
def token(shopper) -> str:
    return Token.objects.create(user=shopper).key


@pytest.fixture
def design(products, shopper) -> Design:
    return Design.objects.create(customer=shopper.customer, template=products["insole"])


def revision_ask(stack: Stack, token: str, design: Design, thickness_mm: float = 4.0) -> tuple[int, dict, dict]:
    body = {"measurements": FEET, "parameters": {"thickness_mm": thickness_mm}, "side": "right"}
    return stack.request("POST", f"/api/designs/{design.pk}/revisions/", token, body)


def revision_wait(revision_id: int, *, until=("done", "failed"), timeout_s: float = 120) -> DesignRevision:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        revision = DesignRevision.objects.get(pk=revision_id)
        if revision.status in until:
            return revision
        time.sleep(0.2)
    raise AssertionError(f"revision {revision_id} is still {revision.status} after {timeout_s} s")


def paused_build_pid(stack: Stack) -> int:
    stack.wait_for(lambda: (stack.faults / "paused").exists() and (stack.faults / "paused").read_text(), "the build")
    return int((stack.faults / "paused").read_text())


def assert_done_once_with_whole_files(revision: DesignRevision, builds_before: int, stack: Stack) -> None:
    assert revision.status == DesignRevision.Status.DONE, revision.failure_reason
    assert stack.builds_finished() == builds_before + 1  # built to the end exactly once
    files = list(revision.files.all())
    assert files and {f.side for f in files} == {"right"}
    for stored in files:
        with default_storage.open(stored.file.name, "rb") as handle:
            content = handle.read()
        assert hashlib.sha256(content).hexdigest() == stored.sha256 and len(content) == stored.size_bytes
        assert stored.file.name.startswith(f"revisions/{revision.design_id}/{revision.pk}/right/")
    folder = Path(default_storage.path(f"revisions/{revision.design_id}/{revision.pk}/right"))
    assert sorted(path.name for path in folder.iterdir()) == sorted(Path(f.file.name).name for f in files)


def test_a_worker_child_killed_mid_build_is_built_again_at_once_and_once(stack, token, design):
    worker = stack.worker_start()
    builds = stack.builds_finished()
    stack.fault("pause")
    status, _, body = revision_ask(stack, token, design)
    assert status == 202, body
    child = paused_build_pid(stack)
    os.kill(child, signal.SIGKILL)  # the pool child dies mid-build; Celery hands the message to a new child
    stack.fault("")
    revision = revision_wait(body["id"])
    assert_done_once_with_whole_files(revision, builds, stack)
    assert revision.attempts == 2 and not revision.lease_owner
    stack.worker_stop(worker)


def test_a_build_runs_below_the_web_server_though_its_worker_leads_a_session_of_its_own(stack, token, design,
                                                                                        settings):
    # the stack starts its worker in a session of its own, as honcho and most supervisors do; with autogroup
    # scheduling a plain nice would then not count against the web server (config/priority.py)
    worker = stack.worker_start()
    stack.fault("pause")
    status, _, body = revision_ask(stack, token, design)
    assert status == 202, body
    child = paused_build_pid(stack)
    assert os.getsid(child) == worker.pid != os.getsid(stack.web.pid)
    assert os.getpriority(os.PRIO_PROCESS, child) == min(
        19, os.getpriority(os.PRIO_PROCESS, stack.web.pid) + settings.SARTORIA_WORKER_NICE)
    # on a kernel with autogroup scheduling the worker's session as a whole runs lower (None: no autogroups)
    assert autogroup_nice(child) in (None, settings.SARTORIA_WORKER_NICE)
    # and the build's thread yields the CPU to a woken page at once (SCHED_IDLE), while the web server's does not
    assert os.sched_getscheduler(child) == os.SCHED_IDLE != os.sched_getscheduler(stack.web.pid)
    stack.fault("")
    assert revision_wait(body["id"]).status == DesignRevision.Status.DONE
    stack.worker_stop(worker)


def test_a_whole_worker_killed_mid_build_is_built_by_the_next_worker_once(stack, token, design):
    first = stack.worker_start()
    builds = stack.builds_finished()
    stack.fault("pause")
    status, _, body = revision_ask(stack, token, design)
    assert status == 202, body
    paused_build_pid(stack)
    stack.worker_stop(first, signal.SIGKILL)  # the machine dies: main process and child, message unacknowledged
    stack.fault("")
    assert DesignRevision.objects.get(pk=body["id"]).status == DesignRevision.Status.RUNNING
    second = stack.worker_start()  # its beat's sweeper finds the expired lease and sends the build again
    revision = revision_wait(body["id"])
    assert_done_once_with_whole_files(revision, builds, stack)
    assert revision.attempts == 2
    stack.worker_stop(second)


def test_a_build_that_kills_every_worker_ends_failed_with_its_reason(stack, token, design, settings):
    worker = stack.worker_start()
    builds = stack.builds_finished()
    stack.fault("kill")
    status, _, body = revision_ask(stack, token, design)
    assert status == 202, body
    revision = revision_wait(body["id"], until=("failed", "done"))
    stack.fault("")
    assert revision.status == DesignRevision.Status.FAILED
    assert "never finished" in revision.failure_reason and revision.attempts == settings.SARTORIA_JOB_MAX_ATTEMPTS
    assert stack.builds_finished() == builds and not revision.files.exists()
    shown = stack.request("GET", f"/api/revisions/{revision.pk}/", token)[2]
    assert shown["status"] == "failed" and shown["failure_reason"] == revision.failure_reason
    stack.worker_stop(worker)


def test_work_queued_when_redis_restarts_and_loses_it_is_built_once(stack, token, design):
    builds = stack.builds_finished()
    status, _, body = revision_ask(stack, token, design)  # no worker runs: the message waits in Redis
    assert status == 202, body
    stack.redis_stop()
    stack.redis_start()  # empty: the message is gone, the database still says queued
    worker = stack.worker_start()
    revision = revision_wait(body["id"])
    assert_done_once_with_whole_files(revision, builds, stack)
    stack.worker_stop(worker)


def test_with_the_broker_down_a_request_gets_503_and_leaves_nothing_then_succeeds_once_it_is_back(
    stack, token, design
):
    worker = stack.worker_start()
    builds = stack.builds_finished()
    stack.redis_stop()
    status, headers, body = revision_ask(stack, token, design)
    assert status == 503 and int(headers["Retry-After"]) > 0, body
    assert "nothing was saved" in body["detail"]
    assert not DesignRevision.objects.filter(design=design).exists()
    stack.redis_start()
    status, _, body = revision_ask(stack, token, design)
    assert status == 202, body
    assert_done_once_with_whole_files(revision_wait(body["id"]), builds, stack)
    stack.worker_stop(worker)


def test_going_back_to_a_revision_while_another_builds_ends_with_the_one_asked_for_built(stack, token, design):
    worker = stack.worker_start()
    stack.fault("pause")
    status, _, first = revision_ask(stack, token, design, thickness_mm=4.0)  # R1 starts building
    assert status == 202, first
    paused_build_pid(stack)
    second = revision_ask(stack, token, design, thickness_mm=5.0)[2]  # R2 asked while R1 builds
    again = revision_ask(stack, token, design, thickness_mm=4.0)[2]  # then R1 again
    assert again["id"] == first["id"]
    stack.fault("")
    revision = revision_wait(first["id"], until=("done", "failed"), timeout_s=120)
    assert revision.status == DesignRevision.Status.DONE, revision.failure_reason
    assert DesignRevision.objects.get(pk=second["id"]).status == DesignRevision.Status.SUPERSEDED
    stack.worker_stop(worker)
