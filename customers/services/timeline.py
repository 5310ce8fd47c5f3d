"""The timeline: every touchpoint of a customer, in any channel, through one service."""
from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
import json

from config.exceptions import ApplicationError
from customers.models import Customer, TouchpointEvent


def touchpoint_record(*, customer: Customer, kind: str, channel: str, store=None, actor: AbstractBaseUser | None = None,
                      data: dict | None = None) -> TouchpointEvent:
    """Add one event to the customer's timeline (kind and channel from TouchpointEvent.Kind/.Channel)."""
    if kind not in TouchpointEvent.Kind.values:
        raise ApplicationError(f"unknown touchpoint kind {kind!r}.",
                               {"field": "kind", "value": kind, "allowed": ", ".join(TouchpointEvent.Kind.values)})
    if channel not in TouchpointEvent.Channel.values:
        raise ApplicationError(f"unknown touchpoint channel {channel!r}.",
                               {"field": "channel", "value": channel, "allowed": ", ".join(TouchpointEvent.Channel.values)})
    # JSON-safe now (dates, decimals become strings), so the export reads back what was stored
    safe = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    if customer.merged_into_id:  # a look-up through an old card of a merged record lands on the survivor
        customer = Customer.objects.get(pk=customer.merged_into_id)
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return TouchpointEvent.objects.create(customer=customer, kind=kind, channel=channel, store=store, actor=actor,
                                          data=safe)
