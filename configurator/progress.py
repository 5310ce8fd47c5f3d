"""The only place that sends build progress to the browser (sync, so services and tasks can call it)."""
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def design_progress_group(design_id: int) -> str:
    return f"design-progress.{design_id}"  # group names are ASCII and under 100 characters


def progress_send(*, design_id: int, revision_id: int, status: str, stage: str, fraction: float, detail: str = "",
                  models_ready: bool = False, side: str = "", announcement: dict | None = None) -> None:
    """`announcement`: the revision's (selectors.revision_announcement_presented), when the caller has just read it."""
    channel_layer = get_channel_layer()
    if channel_layer is None:
        return
    from configurator.selectors import revision_announcement_get  # selectors import models; keep this module light

    async_to_sync(channel_layer.group_send)(
        design_progress_group(design_id),
        {
            "type": "design.progress",
            "revision": revision_id,
            "status": status,
            "stage": stage,
            "fraction": round(min(max(fraction, 0.0), 1.0), 3),
            "detail": detail,
            "models_ready": models_ready,
            "side": side,
            # every message of a revision says who asked for it (the store's associate, the owner...) and when
            **(announcement if announcement is not None else revision_announcement_get(revision_id=revision_id)),
        },
    )


def customer_access_group(customer_id: int) -> str:
    """Sockets opened by store staff for a checked-in customer's designs: told when the check-in ends."""
    return f"customer-access.{customer_id}"


def customer_access_changed_send(*, customer_id: int) -> None:
    channel_layer = get_channel_layer()
    if channel_layer is None:
        return
    async_to_sync(channel_layer.group_send)(customer_access_group(customer_id), {"type": "access.changed"})
