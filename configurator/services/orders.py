"""Orders: a customer orders a finished revision."""
from __future__ import annotations


from django.db import transaction

from config.exceptions import ApplicationError
from configurator import pricing
from configurator.models import (
    Design,
    DesignRevision,
    Order,
)




@transaction.atomic
def order_place(*, design: Design, revision: DesignRevision) -> Order:
    """Order a finished revision at today's quote; ordering the same revision again returns the same order."""
    if revision.design_id != design.pk:
        raise ApplicationError(
            f"revision {revision.pk} is not a revision of design {design.pk}.", {"field": "revision", "value": revision.pk}
        )
    if revision.status != DesignRevision.Status.DONE:
        raise ApplicationError(
            "only a finished revision can be ordered; wait until the model is ready.",
            {"field": "revision", "value": revision.pk, "allowed": "a revision with status done"},
        )
    existing = Order.objects.filter(customer=design.customer, revision=revision).first()
    if existing is not None:
        return existing
    quote = pricing.quote(
        base_price=design.template.base_price, options=revision.parameters, sides=tuple(revision.sides)
    )
    return Order.objects.create(
        customer=design.customer,
        design=design,
        revision=revision,
        price=quote.price,
        currency=design.template.currency,
        delivery_earliest=quote.delivery_earliest,
        delivery_latest=quote.delivery_latest,
    )


