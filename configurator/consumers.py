from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from configurator.progress import customer_access_group, design_progress_group
from configurator.selectors import design_get_for_user, design_visible_to, revision_announcement_get, revision_latest
from stores.selectors import staff_membership_get

# What a progress message carries to the browser (requested_*: who asked for the revision, when, which number).
PROGRESS_KEYS = ("revision", "status", "stage", "fraction", "detail", "models_ready", "side",
                 "requested_by", "requested_at", "number")


def latest_revision_snapshot(*, design, user) -> dict | None:
    """What a client that connects late has missed: the latest revision's status."""
    revision = revision_latest(design=design)
    if revision is None:
        return None
    finished = revision.status in ("done", "failed", "superseded")
    announcement = revision_announcement_get(revision_id=revision.pk)
    return {
        "revision": revision.pk,
        "status": revision.status,
        "stage": revision.status,
        "fraction": 1.0 if finished else 0.0,
        "detail": revision.failure_reason,
        "snapshot": True,
        **{key: announcement[key] for key in ("requested_by", "requested_at", "number") if key in announcement},
        "mine": announcement.get("requested_by_user") == user.pk,
    }


def viewer_describe(*, design, user) -> dict:
    """Who this socket is, as others see them in "who is looking": name, channel, and the design's customer."""
    membership = staff_membership_get(user=user)
    is_owner = design.customer.user_id == user.pk
    name = user.get_full_name() or (str(design.customer) if is_owner else "") or user.get_username()
    return {
        "name": name,
        "channel": "store" if membership is not None and not is_owner else "web",
        "store": membership.store.name if membership is not None and not is_owner else "",
        "customer_id": design.customer_id,
        "is_owner": is_owner,
    }


def socket_welcome(*, design_id: int, user) -> dict | None:
    """
    Everything a progress socket needs as it opens, in one trip to the database thread (three trips, each
    waiting for a free thread, kept a loaded process from accepting sockets in time): None when this user
    may not see the design.
    """
    if user is None:
        return None
    try:
        design = design_get_for_user(design_id=design_id, user=user)
    except Http404:
        return None
    return {"viewer": viewer_describe(design=design, user=user),
            "snapshot": latest_revision_snapshot(design=design, user=user)}


class DesignProgressConsumer(AsyncJsonWebsocketConsumer):
    """Build progress of one design, and who is looking at it (presence), for its owner and checked-in staff."""

    async def connect(self):
        self.design_id = int(self.scope["url_route"]["kwargs"]["design_id"])
        user = self.scope.get("user")
        welcome = await database_sync_to_async(socket_welcome)(design_id=self.design_id, user=user)
        if welcome is None:
            return await self.close(code=4404)
        described = welcome["viewer"]
        self.viewer = {"user": user.pk, "name": described["name"], "channel": described["channel"],
                       "store": described["store"]}
        self.viewers = {self.channel_name: self.viewer}
        # ?presence=1: this client shows "who is looking" (the studio does); others get progress messages only
        self.wants_presence = b"presence=1" in self.scope.get("query_string", b"")
        self.group = design_progress_group(self.design_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        if not described["is_owner"]:  # staff: closed when the customer's check-in ends
            self.access_group = customer_access_group(described["customer_id"])
            await self.channel_layer.group_add(self.access_group, self.channel_name)
        await self.accept()
        if welcome["snapshot"] is not None:
            await self.send_json(welcome["snapshot"])
        await self.send_presence()
        await self.channel_layer.group_send(
            self.group, {"type": "presence.join", "channel": self.channel_name, "viewer": self.viewer})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_send(self.group, {"type": "presence.leave", "channel": self.channel_name})
        if hasattr(self, "access_group"):
            await self.channel_layer.group_discard(self.access_group, self.channel_name)

    async def design_progress(self, event):  # receives messages of type "design.progress"
        message = {key: event[key] for key in PROGRESS_KEYS if key in event}
        if "requested_by" in event:  # did this socket's person ask for it (their own change coming back)?
            message["mine"] = event.get("requested_by_user") == self.viewer["user"]
        await self.send_json(message)

    async def send_presence(self):
        if not self.wants_presence:
            return
        # one entry per person, however many tabs they have open
        people = {}
        for viewer in self.viewers.values():
            people.setdefault(viewer["user"], viewer)
        await self.send_json({
            "type": "presence",
            "viewers": [{"name": v["name"], "channel": v["channel"], "store": v["store"], "you": v["user"] == self.viewer["user"]}
                        for v in people.values()],
        })

    async def presence_join(self, event):
        if event["channel"] == self.channel_name:
            return
        self.viewers[event["channel"]] = event["viewer"]
        # tell the newcomer we are here too
        try:
            await self.channel_layer.send(event["channel"], {"type": "presence.here", "channel": self.channel_name,
                                                             "viewer": self.viewer})
        except ChannelFull:  # presence is best effort: a crowded newcomer must not close this socket
            pass
        await self.send_presence()

    async def presence_here(self, event):
        self.viewers[event["channel"]] = event["viewer"]
        await self.send_presence()

    async def presence_leave(self, event):
        if self.viewers.pop(event["channel"], None) is not None:
            await self.send_presence()

    async def access_changed(self, event):
        """A check-in ended: a staff socket that may no longer see the design closes at once."""
        user = self.scope.get("user")
        if not await database_sync_to_async(design_visible_to)(design_id=self.design_id, user=user):
            await self.close(code=4404)
