"""/ws/designs/<id>/progress/: the owner hears the store's revisions with who asked; presence; check-out closes."""
import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from configurator.progress import progress_send
from configurator.routing import websocket_urlpatterns
from tests.conftest import FEET
from tests.factories import DesignFactory
from tests.stores.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)

REVISION = {"parameters": {"thickness_mm": 4.5}, "measurements": FEET}


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test runs its own event loop: a layer (its receive lock) from an earlier loop must not be reused."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _sync_thread_connections_closed():
    """The requests and the consumer's look-ups ran in asgiref's sync thread: its database connection is handed back
    there, or it stays checked out of the pool and the test database cannot be dropped at the end of the run."""
    yield
    from django.db import connections

    asyncio.run(sync_to_async(connections.close_all)())


def socket(user, design_id: int, query: str = "") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/designs/{design_id}/progress/{query}")
    communicator.scope["user"] = user
    return communicator


async def receive_until(communicator, accept, timeout: float = 5) -> dict:
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if accept(message):
            return message


@pytest.fixture
def design(giulia, products):
    customer, _ = giulia
    return DesignFactory(customer=customer, template=products["insole"])


def test_the_owner_hears_every_message_of_a_store_revision_with_who_asked(associate, check_in, design):
    _, customer = check_in

    async def run():
        owner = socket(customer.user, design.pk)
        assert (await owner.connect())[0]
        response = await sync_to_async(client_for(associate).post)(
            f"/api/designs/{design.pk}/revisions/", REVISION, format="json")
        revision_id = response.json()["id"]
        first = await receive_until(owner, lambda m: m.get("revision") == revision_id)
        # a build stage the worker reports later carries the same requested_by
        await sync_to_async(progress_send)(design_id=design.pk, revision_id=revision_id, status="running",
                                           stage="lofting", fraction=0.3)
        later = await receive_until(owner, lambda m: m.get("stage") == "lofting")
        await owner.disconnect()
        return response.json(), first, later

    revision, first, later = asyncio.run(run())
    expected = {"channel": "store", "name": "Marco Rossi"}
    assert revision["requested_by"] == expected
    assert first["requested_by"] == later["requested_by"] == expected
    assert first["stage"] == "requested" and first["mine"] is False
    assert first["number"] == revision["number"]


def test_presence_shows_who_is_looking_on_both_sockets(associate, check_in, design):
    _, customer = check_in

    async def run():
        owner = socket(customer.user, design.pk, "?presence=1")
        assert (await owner.connect())[0]
        alone = await receive_until(owner, lambda m: m.get("type") == "presence")
        tablet = socket(associate, design.pk, "?presence=1")
        assert (await tablet.connect())[0]
        with_tablet = await receive_until(owner, lambda m: m.get("type") == "presence" and len(m["viewers"]) == 2)
        seen_by_tablet = await receive_until(tablet, lambda m: m.get("type") == "presence" and len(m["viewers"]) == 2)
        await tablet.disconnect()
        after = await receive_until(owner, lambda m: m.get("type") == "presence")
        await owner.disconnect()
        return alone, with_tablet, seen_by_tablet, after

    alone, with_tablet, seen_by_tablet, after = asyncio.run(run())
    assert [viewer["you"] for viewer in alone["viewers"]] == [True]
    others = [viewer for viewer in with_tablet["viewers"] if not viewer["you"]]
    assert others == [{"name": "Marco Rossi", "channel": "store", "store": "Sartoria Milano Brera", "you": False}]
    assert {viewer["name"] for viewer in seen_by_tablet["viewers"] if not viewer["you"]} == {"Giulia Verdi"}
    assert len(after["viewers"]) == 1


def test_a_socket_without_presence_gets_progress_only(check_in, design):
    _, customer = check_in

    async def run():
        owner = socket(customer.user, design.pk)
        assert (await owner.connect())[0]
        nothing = await owner.receive_nothing(timeout=0.3)
        await owner.disconnect()
        return nothing

    assert asyncio.run(run())


def test_check_out_closes_the_staff_socket_at_once(associate, check_in, design):
    body, _ = check_in

    async def run():
        tablet = socket(associate, design.pk)
        assert (await tablet.connect())[0]
        await sync_to_async(client_for(associate).delete)(f"/api/store/check-ins/{body['id']}/")
        closed = await tablet.receive_output(timeout=5)
        return closed

    closed = asyncio.run(run())
    assert closed == {"type": "websocket.close", "code": 4404}


@pytest.mark.parametrize("who", ["other_store_associate", "associate"])
def test_staff_without_a_check_in_here_cannot_listen(request, who, giulia, design):
    # "associate" here: Marco before Giulia checked in
    user = request.getfixturevalue(who)

    async def run():
        communicator = socket(user, design.pk)
        connected, _ = await communicator.connect()
        return connected

    assert not asyncio.run(run())
