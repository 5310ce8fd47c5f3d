"""A build runs once: it holds a lease, stuck work is sent again, a job that keeps dying fails with its reason."""
import socket
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from configurator.services import revisions as services
from configurator.models import DesignRevision
from configurator.services import revision_build, revision_file_store, revision_request, revisions_sweep
from customers.models import MeasurementSet
from geometry import pipeline
from tests.configurator.helpers import feet_copy
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def design(shopper, products):
    return DesignFactory(customer=shopper.customer, template=products["insole"])


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """The builds sent to the queue (instead of a broker)."""
    messages: list[int] = []
    monkeypatch.setattr(services, "revision_build_enqueue", lambda **kwargs: messages.append(kwargs["revision_id"]))
    return messages


def ask(design, thickness):
    return revision_request(design=design, options={"thickness_mm": thickness}, feet=feet_copy(), side="right")


def held(revision, *, owner: str, seconds: float, attempts: int = 1) -> None:
    DesignRevision.objects.filter(pk=revision.pk).update(
        status=DesignRevision.Status.RUNNING, lease_owner=owner, attempts=attempts,
        lease_expires_at=timezone.now() + timedelta(seconds=seconds),
    )


def dead_local_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_redelivered_message_does_nothing_while_another_worker_holds_the_lease(design):
    revision = ask(design, 4.0)
    held(revision, owner="another-machine:4242", seconds=60)
    again = revision_build(revision_id=revision.pk)
    assert again.status == DesignRevision.Status.RUNNING and again.attempts == 1 and not again.files.exists()


def test_the_lease_of_a_killed_worker_child_on_this_machine_is_taken_over_at_once(design):
    revision = ask(design, 4.0)
    held(revision, owner=f"{socket.gethostname()}:{dead_local_pid()}", seconds=60)
    built = revision_build(revision_id=revision.pk)
    assert built.status == DesignRevision.Status.DONE and built.attempts == 2 and not built.lease_owner


def test_a_build_that_keeps_killing_its_workers_fails_with_the_reason(design, settings):
    revision = ask(design, 4.0)
    held(revision, owner="another-machine:1", seconds=-1, attempts=settings.SARTORIA_JOB_MAX_ATTEMPTS)
    failed = revision_build(revision_id=revision.pk)
    assert failed.status == DesignRevision.Status.FAILED and not failed.files.exists()
    assert f"started {settings.SARTORIA_JOB_MAX_ATTEMPTS} times" in failed.failure_reason


def test_asking_again_sends_stuck_work_again(design, sent, settings, django_capture_on_commit_callbacks):
    stuck, lost = ask(design, 4.0), None
    held(stuck, owner="another-machine:1", seconds=-1)  # its worker died; the lease ran out
    with django_capture_on_commit_callbacks(execute=True):
        again = ask(design, 4.0)
    assert again.pk == stuck.pk and again.status == DesignRevision.Status.QUEUED and sent == [stuck.pk]
    # queued so long ago that its message may be lost: asking again sends it again too
    DesignRevision.objects.filter(pk=stuck.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.SARTORIA_JOB_STALE_QUEUED_SECONDS + 1))
    with django_capture_on_commit_callbacks(execute=True):
        lost = ask(design, 4.0)
    assert lost.pk == stuck.pk and sent == [stuck.pk, stuck.pk]
    # but work just queued, or held by a live worker, is not sent twice
    with django_capture_on_commit_callbacks(execute=True):
        ask(design, 4.0)
    held(stuck, owner="another-machine:1", seconds=60)
    with django_capture_on_commit_callbacks(execute=True):
        ask(design, 4.0)
    assert sent == [stuck.pk, stuck.pk]


def test_the_sweeper_sends_again_what_dead_workers_and_lost_messages_left_and_fails_what_keeps_dying(
    shopper, products, sent, settings, django_capture_on_commit_callbacks
):
    designs = [DesignFactory(customer=shopper.customer, template=products["insole"]) for _ in range(4)]
    dead, lost, alive, poison = (ask(each, 4.0) for each in designs)
    held(dead, owner="another-machine:1", seconds=-1)
    DesignRevision.objects.filter(pk=lost.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.SARTORIA_JOB_STALE_QUEUED_SECONDS + 1))
    held(alive, owner="another-machine:2", seconds=60)
    held(poison, owner="another-machine:3", seconds=-1, attempts=settings.SARTORIA_JOB_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        swept = revisions_sweep()
    assert sorted(swept["requeued"]) == sorted(sent) == sorted([dead.pk, lost.pk])
    assert swept["failed"] == [poison.pk]
    statuses = dict(DesignRevision.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == statuses[lost.pk] == DesignRevision.Status.QUEUED
    assert statuses[alive.pk] == DesignRevision.Status.RUNNING and statuses[poison.pk] == DesignRevision.Status.FAILED
    # and what it sent builds once
    assert revision_build(revision_id=dead.pk).status == DesignRevision.Status.DONE


def test_going_back_to_a_revision_while_it_builds_ends_with_it_built(design, monkeypatch):
    # given R1 building, when the shopper asks for R2 and then for R1 again
    first = ask(design, 4.0)
    real_build = pipeline.sides_build
    asked = {}

    def build_while_the_shopper_changes_their_mind(*args, **kwargs):
        if not asked:
            asked["second"] = ask(design, 5.0)
            asked["first again"] = ask(design, 4.0)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(pipeline, "sides_build", build_while_the_shopper_changes_their_mind)
    built = revision_build(revision_id=first.pk)
    # then R1 is built and R2 skipped
    assert asked["first again"].pk == first.pk
    assert built.status == DesignRevision.Status.DONE, built.failure_reason
    asked["second"].refresh_from_db()
    assert asked["second"].status == DesignRevision.Status.SUPERSEDED


def test_a_storage_error_queues_the_build_again_instead_of_failing_it(design, monkeypatch):
    revision = ask(design, 4.0)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "sides_build", disk_full)
    with pytest.raises(OSError):
        revision_build(revision_id=revision.pk)  # the task retries on OSError
    revision.refresh_from_db()
    assert revision.status == DesignRevision.Status.QUEUED and not revision.failure_reason and not revision.lease_owner
    monkeypatch.undo()
    assert revision_build(revision_id=revision.pk).status == DesignRevision.Status.DONE


def test_files_have_a_key_of_their_own_per_design_revision_and_side_and_a_rebuild_replaces_them_whole(
    shopper, products
):
    # two customers asking for the very same build never share a file name
    revisions = [ask(DesignFactory(customer=shopper.customer, template=products["insole"]), 4.0) for _ in range(2)]
    names = [revision_file_store(revision=each, side="right", name="insole.stl", content=b"solid a").file.name
             for each in revisions]
    for name, each in zip(names, revisions):  # (the storage may add a suffix: the tests' media folder is shared)
        assert name.startswith(f"revisions/{each.design_id}/{each.pk}/right/insole") and name.endswith(".stl")
    # a rebuild with other bytes: the row names the new file, the old one is gone
    stored = revision_file_store(revision=revisions[0], side="right", name="insole.stl", content=b"solid b")
    assert stored.file.read() == b"solid b" and stored.size_bytes == 7
    assert not stored.file.storage.exists(names[0]) or stored.file.name == names[0]
    assert revisions[0].files.count() == 1


def test_with_the_broker_down_a_build_request_is_a_503_that_saves_nothing(api_client, shopper, design, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_write_url", "redis://127.0.0.1:9/0")  # nothing listens there
    api_client.force_authenticate(shopper)
    response = api_client.post(f"/api/designs/{design.pk}/revisions/",
                               {"measurements": feet_copy(), "parameters": {}, "side": "right"}, format="json")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert "nothing was saved" in response.json()["detail"]
    assert not DesignRevision.objects.exists() and not MeasurementSet.objects.exists()
