from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from configurator.progress import design_progress_group
from configurator.selectors import design_get_for_user, design_visible_to, revision_latest


def latest_revision_snapshot(*, design_id: int, user) -> dict | None:
    """What a client that connects late has missed: the latest revision's status."""
    revision = revision_latest(design=design_get_for_user(design_id=design_id, user=user))
    if revision is None:
        return None
    finished = revision.status in ("done", "failed", "superseded")
    return {
        "revision": revision.pk,
        "status": revision.status,
        "stage": revision.status,
        "fraction": 1.0 if finished else 0.0,
        "detail": revision.failure_reason,
        "snapshot": True,
    }


class DesignProgressConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        design_id = int(self.scope["url_route"]["kwargs"]["design_id"])
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(design_visible_to)(design_id=design_id, user=user):
            return await self.close(code=4404)
        self.group = design_progress_group(design_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        snapshot = await database_sync_to_async(latest_revision_snapshot)(design_id=design_id, user=user)
        if snapshot is not None:
            await self.send_json(snapshot)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def design_progress(self, event):  # receives messages of type "design.progress"
        await self.send_json({key: event[key] for key in ("revision", "status", "stage", "fraction", "detail", "models_ready", "side")})
