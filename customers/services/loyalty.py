"""Loyalty cards and the QR code a customer shows in the store."""
import secrets

from django.core import signing
from django.db import IntegrityError, transaction

from customers import matching
from customers.models import ChannelIdentity, Customer

QR_TOKEN_SALT = "customers.qr-check-in"


def loyalty_card_number_new() -> str:
    """A fresh random card number with its check digit (not derived from the id: numbers reveal nothing)."""
    return matching.loyalty_card_from_body(f"{secrets.randbelow(10**10):010d}")


def loyalty_card_issue(*, customer: Customer) -> ChannelIdentity:
    """The customer's card: the one they have, or a new number (a collision, once in billions, draws again)."""
    existing = customer.identities.filter(channel=ChannelIdentity.Channel.LOYALTY).order_by("created_at", "pk").first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ChannelIdentity.objects.create(customer=customer, channel=ChannelIdentity.Channel.LOYALTY,
                                                      external_id=loyalty_card_number_new())
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free loyalty card number")


def customer_qr_token(*, customer: Customer) -> str:
    """A signed token for the customer's QR code; it expires (SARTORIA_QR_TOKEN_MAX_AGE_S) and names no card."""
    return signing.TimestampSigner(salt=QR_TOKEN_SALT).sign(f"{customer.pk}.{secrets.token_hex(4)}")
