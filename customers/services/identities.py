"""Identities: how each channel (email, phone, card, app, CRM) knows a customer."""
from django.db import IntegrityError, transaction

from config.exceptions import ApplicationError
from customers import matching
from customers.models import ChannelIdentity, Customer

NORMALISERS = {
    ChannelIdentity.Channel.EMAIL: matching.email_normalise,
    ChannelIdentity.Channel.PHONE: matching.phone_normalise,
    ChannelIdentity.Channel.LOYALTY: matching.loyalty_card_normalise,
}


def identity_normalise(*, channel: str, value: str) -> str:
    """The value as stored and matched; a bad one is a 400 naming the field."""
    normalise = NORMALISERS.get(channel)
    if normalise is None:
        value = str(value or "").strip()
        if not value or len(value) > 200:
            raise ApplicationError(f"{channel}: give an id of 1 to 200 characters.",
                                   {"field": channel, "value": value, "allowed": "1–200 characters"})
        return value
    try:
        return normalise(value)
    except matching.IdentityError as error:
        raise ApplicationError(error.reason, {"field": error.field, "value": value}) from None


def identity_attach(*, customer: Customer, channel: str, value: str, verified: bool = False) -> ChannelIdentity:
    """Give the customer this identity; one already held by someone else is refused (staff merge, not this)."""
    external_id = identity_normalise(channel=channel, value=value)
    mine = customer.identities.filter(channel=channel, external_id=external_id).first()
    if mine is not None:
        if verified and not mine.verified:
            mine.verified = True
            try:
                with transaction.atomic():
                    mine.save(update_fields=["verified"])
            except IntegrityError:
                raise ApplicationError(f"{external_id} is already confirmed by another customer.",
                                       {"field": channel, "value": external_id}) from None
        return mine
    try:
        with transaction.atomic():
            return ChannelIdentity.objects.create(customer=customer, channel=channel, external_id=external_id,
                                                  verified=verified)
    except IntegrityError:
        raise ApplicationError(f"{external_id} already belongs to another customer.",
                               {"field": channel, "value": external_id}) from None
