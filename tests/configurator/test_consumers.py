import asyncio

import pytest
from channels.testing import WebsocketCommunicator
from channels.routing import URLRouter

from configurator.progress import progress_send
from configurator.routing import websocket_urlpatterns
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db(transaction=True)


def connect_as(user, design_id: int) -> tuple[bool, list[dict]]:
    async def run():
        communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/designs/{design_id}/progress/")
        communicator.scope["user"] = user
        connected, _ = await communicator.connect()
        received = []
        if connected:
            from asgiref.sync import sync_to_async

            await sync_to_async(progress_send)(
                design_id=design_id, revision_id=1, status="running", stage="lofting", fraction=0.25
            )
            received.append(await communicator.receive_json_from(timeout=5))
            await communicator.disconnect()
        return connected, received

    return asyncio.run(run())


def test_owner_receives_progress_sent_through_the_channel_layer(shopper, products):
    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    connected, received = connect_as(shopper, design.pk)
    assert connected
    assert received == [{"revision": 1, "status": "running", "stage": "lofting", "fraction": 0.25, "detail": "",
                         "models_ready": False, "side": ""}]


@pytest.mark.parametrize("role", ["other_shopper", "store_user"])
def test_someone_else_cannot_listen(request, shopper, products, role):
    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    connected, _ = connect_as(request.getfixturevalue(role), design.pk)
    assert not connected


def test_anonymous_cannot_listen(shopper, products):
    from django.contrib.auth.models import AnonymousUser

    design = DesignFactory(customer=shopper.customer, template=products["insole"])
    connected, _ = connect_as(AnonymousUser(), design.pk)
    assert not connected
