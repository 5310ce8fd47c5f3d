"""The real path: API -> Redis -> a Celery worker process -> files, with progress over the WebSocket."""
import asyncio
import io
import time

import pytest
import trimesh
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from configurator.models import DesignRevision
from tests.conftest import FEET

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def revision_wait(revision_id: int, timeout_s: float = 120) -> DesignRevision:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        revision = DesignRevision.objects.get(pk=revision_id)
        if revision.status in (DesignRevision.Status.DONE, DesignRevision.Status.FAILED):
            return revision
        time.sleep(0.2)
    raise AssertionError(f"revision {revision_id} did not finish in {timeout_s} s (status {revision.status})")


def test_worker_process_builds_a_revision_whose_3mf_is_watertight_and_fits(
    celery_worker_process, api_client, shopper, products
):
    api_client.force_authenticate(shopper)
    design = api_client.post("/api/designs/", {"product": "insole"}, format="json").json()
    options = {"toe_allowance_mm": 4}
    response = api_client.post(
        f"/api/designs/{design['id']}/revisions/", {"measurements": FEET, "parameters": options}, format="json"
    )
    assert response.status_code == 202

    revision = revision_wait(response.json()["id"])

    assert revision.status == DesignRevision.Status.DONE, revision.failure_reason
    body = api_client.get(f"/api/revisions/{revision.pk}/").json()
    for side in ("left", "right"):
        url = next(f["url"] for f in body["files"] if f["side"] == side and f["kind"] == "3mf")
        content = b"".join(api_client.get(url).streaming_content)
        mesh = trimesh.load(io.BytesIO(content), file_type="3mf", force="mesh")
        assert mesh.is_watertight and mesh.volume > 0
        assert mesh.extents[0] == pytest.approx(FEET[side]["length_mm"] + options["toe_allowance_mm"], abs=1.0)


def test_websocket_client_receives_progress_of_a_revision_built_by_the_worker(
    celery_worker_process, shopper, products
):
    browser = Client()
    browser.force_login(shopper)
    design = browser.post("/api/designs/", {"product": "insole"}, content_type="application/json").json()
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def follow_progress() -> list[dict]:
        communicator = WebsocketCommunicator(
            application,
            f"/ws/designs/{design['id']}/progress/",
            headers=[(b"cookie", cookie.encode()), (b"origin", b"http://localhost")],
        )
        connected, _ = await communicator.connect()
        assert connected
        from asgiref.sync import sync_to_async

        await sync_to_async(browser.post)(
            f"/api/designs/{design['id']}/revisions/",
            {"measurements": FEET, "parameters": {"thickness_mm": 4.5}},
            content_type="application/json",
        )
        events = []
        while not events or events[-1]["status"] not in ("done", "failed"):
            events.append(await communicator.receive_json_from(timeout=60))
        await communicator.disconnect()
        return events

    events = asyncio.run(follow_progress())

    assert events[-1]["status"] == "done"
    running = [event for event in events if event["status"] == "running"]
    assert len(running) >= 3
    fractions = [event["fraction"] for event in running]
    assert fractions == sorted(fractions) and 0 <= fractions[0] < fractions[-1] <= 1
    assert {event["revision"] for event in events} == {events[-1]["revision"]}
