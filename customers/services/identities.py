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


EMAIL_CONFIRM_SALT = "customers.email-confirm"
EMAIL_CONFIRM_MAX_AGE_S = 3 * 24 * 3600


def email_confirmation_send(*, customer: Customer, email: str) -> None:
    """Email a link that confirms the address belongs to this customer (valid three days)."""
    from django.conf import settings
    from django.core import signing
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.translation import gettext as _

    token = signing.TimestampSigner(salt=EMAIL_CONFIRM_SALT).sign(f"{customer.pk}:{matching.email_normalise(email)}")
    link = settings.SARTORIA_SITE_URL + reverse("email-confirm", args=[token])
    send_mail(_("Confirm your email for Sartoria"),
              _("Open this link to confirm that %(email)s is yours:\n%(link)s\n") % {"email": email, "link": link},
              None, [email])


def email_confirm(*, token: str) -> ChannelIdentity:
    """Mark the email of a confirmation link verified; an expired, altered or taken link is a 400 in words."""
    from django.core import signing
    from django.utils.translation import gettext as _

    try:
        value = signing.TimestampSigner(salt=EMAIL_CONFIRM_SALT).unsign(token, max_age=EMAIL_CONFIRM_MAX_AGE_S)
        customer_id, email = value.split(":", 1)
        customer = Customer.objects.get(pk=int(customer_id), erased_at__isnull=True)
    except (signing.BadSignature, ValueError, Customer.DoesNotExist):
        raise ApplicationError(_("This confirmation link is not valid or has expired; ask for a new one."),
                               {"field": "token"}) from None
    try:
        return identity_attach(customer=customer, channel=ChannelIdentity.Channel.EMAIL, value=email, verified=True)
    except ApplicationError:
        raise ApplicationError(_("Another account has already confirmed this email."), {"field": "email"}) from None
