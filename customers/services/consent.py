"""Marketing consent per channel (email, SMS), with its history."""
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from config.exceptions import ApplicationError
from customers.models import ConsentRecord, Customer, TouchpointEvent
from customers.selectors import consent_current
from customers.services.timeline import touchpoint_record


@transaction.atomic
def consent_set(*, customer: Customer, topic: str, granted: bool, channel: str, method: str = "", store=None,
                actor: AbstractBaseUser | None = None) -> ConsentRecord | None:
    """Record a change of consent; the same answer again adds nothing (None). `method` says how it was given."""
    if topic not in ConsentRecord.Topic.values:
        raise ApplicationError(f"unknown consent {topic!r}.",
                               {"field": "topic", "value": topic, "allowed": ", ".join(ConsentRecord.Topic.values)})
    if channel not in TouchpointEvent.Channel.values:
        raise ApplicationError(f"unknown channel {channel!r}.",
                               {"field": "channel", "value": channel, "allowed": ", ".join(TouchpointEvent.Channel.values)})
    if consent_current(customer=customer).get(topic) is granted:
        return None
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    record = ConsentRecord.objects.create(customer=customer, topic=topic, granted=granted, channel=channel,
                                          store=store, method=method[:200], actor=actor)
    touchpoint_record(customer=customer, kind=TouchpointEvent.Kind.CONSENT, channel=channel, store=store, actor=actor,
                      data={"topic": topic, "granted": granted})
    return record
