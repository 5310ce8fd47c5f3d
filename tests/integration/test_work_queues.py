"""
Work on separate queues, as the Procfile runs it: a geometry worker builds and stores the parts, a previews worker on
another queue (another machine, by settings alone) renders the pictures and finishes the revision.
"""
import time

import pytest
from rest_framework.authtoken.models import Token

from configurator.models import Design, DesignRevision
from tests.conftest import FEET, database_url_of_test_database
from tests.integration.stack import stack_running

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory, media_root):
    with django_db_blocker.unblock():
        database_url = database_url_of_test_database()
    split = {"SARTORIA_PREVIEWS_SEPARATE": "1", "SARTORIA_RENDERER": "pillow"}
    with stack_running(tmp_path_factory.mktemp("queues"), database_url, media_root, split) as running:
        yield running


def revision_in(revision_id: int, statuses: tuple[str, ...], timeout_s: float = 120) -> DesignRevision:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        revision = DesignRevision.objects.get(pk=revision_id)
        if revision.status in statuses:
            return revision
        time.sleep(0.2)
    raise AssertionError(f"revision {revision_id} is still {revision.status} after {timeout_s} s")


def test_a_build_crosses_the_geometry_and_the_previews_queue(stack, products, shopper):
    token = Token.objects.create(user=shopper).key
    design = Design.objects.create(customer=shopper.customer, template=products["insole"])
    geometry = stack.worker_start(queues=[stack.queue_name("geometry"), stack.queue_name()])

    # given only a geometry worker: the parts are built and stored, the pictures wait for their own worker
    status, _, body = stack.request("POST", f"/api/designs/{design.pk}/revisions/", token,
                                    {"measurements": FEET, "parameters": {}, "side": "right"})
    assert status == 202, body
    deadline = time.monotonic() + 120
    while not DesignRevision.objects.get(pk=body["id"]).files.filter(kind="stl").exists():
        assert time.monotonic() < deadline, "the geometry worker stored no part"
        time.sleep(0.2)
    time.sleep(2)  # the previews message is waiting on its queue; nobody takes it
    revision = DesignRevision.objects.get(pk=body["id"])
    assert revision.status == DesignRevision.Status.RUNNING
    assert not revision.files.filter(kind="png", name__startswith="preview").exists()

    # when a previews worker starts on the other queue
    previews = stack.worker_start(queues=[stack.queue_name("previews")], beat=False)
    revision = revision_in(body["id"], ("done", "failed"))

    # then it finished the revision: pictures of the stored parts, every file whole
    assert revision.status == DesignRevision.Status.DONE, revision.failure_reason
    assert revision.files.filter(kind="png", name="preview.png").exists()
    assert revision.files.filter(kind="stl").exists() and revision.files.filter(kind="3mf").exists()
    geometry_log, previews_log = geometry.log_path.read_text(), previews.log_path.read_text()
    # a task a worker received is logged with its id ("...revision_build_task[<id>] received")
    assert "revision_build_task[" in geometry_log and "revision_previews_task[" not in geometry_log
    assert "revision_previews_task[" in previews_log and "revision_build_task[" not in previews_log
