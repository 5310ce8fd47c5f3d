"""Accounts: one customer per signed-in person, guests, sign-up (emails stay unique), guest -> account."""
import secrets
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from customers.models import ChannelIdentity, Customer, TouchpointEvent
from customers.selectors import customer_for_user_get, email_is_taken
from customers.services.identities import email_confirmation_send, identity_attach
from customers.services.loyalty import loyalty_card_issue
from customers.services.timeline import touchpoint_record


@transaction.atomic
def customer_get_or_create_for_user(*, user: AbstractBaseUser) -> Customer:
    """Every signed-in person gets exactly one customer record (with a loyalty card), created on first use."""
    found = customer_for_user_get(user=user)
    if found is not None:
        return found
    customer, created = Customer.objects.get_or_create(
        user=user, defaults={"email": getattr(user, "email", ""), "full_name": user.get_full_name()}
    )
    if created:
        ChannelIdentity.objects.get_or_create(
            channel=ChannelIdentity.Channel.WEB, external_id=str(user.pk), defaults={"customer": customer}
        )
        if customer.email:
            try:
                identity_attach(customer=customer, channel=ChannelIdentity.Channel.EMAIL, value=customer.email)
            except ApplicationError:  # not an address we can match on; the record still works
                pass
        loyalty_card_issue(customer=customer)
    return customer


@transaction.atomic
def guest_start() -> AbstractBaseUser:
    """A guest is a real user without credentials, so designs and measurements save as they would for anyone."""
    user = get_user_model().objects.create_user(username=f"guest-{secrets.token_hex(8)}")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    customer = customer_get_or_create_for_user(user=user)
    customer.is_guest = True
    customer.save(update_fields=["is_guest", "updated_at"])
    return user


@transaction.atomic
def account_sign_up(*, user: AbstractBaseUser | None, username: str, email: str, password: str,
                    channel: str = TouchpointEvent.Channel.WEB) -> AbstractBaseUser:
    """Create an account; a guest signing up keeps the same user, so every design and measurement stays theirs.

    An email someone confirmed, or another account uses, is refused: one email, one person.
    """
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exclude(pk=getattr(user, "pk", None)).exists():
        raise ApplicationError(_("The username %(username)s is taken; choose another.") % {"username": username},
                               {"field": "username", "value": username})
    guest = customer_for_user_get(user=user) if user is not None and user.is_authenticated else None
    if guest is not None and not guest.is_guest:
        guest = None
    if email_is_taken(email=email, exclude_customer=guest):
        raise ApplicationError(
            _("An account with this email already exists. Log in, or use “Forgot password” if it is yours."),
            {"field": "email", "value": email})
    if guest is None:
        account = User.objects.create_user(username=username, email=email, password=password)
        customer = customer_get_or_create_for_user(user=account)
    else:
        account = user
        account.username, account.email = username, email
        account.set_password(password)
        account.save(update_fields=["username", "email", "password"])
        customer = guest
        customer.is_guest = False
        customer.email = email
        customer.save(update_fields=["is_guest", "email", "updated_at"])
    identity_attach(customer=customer, channel=ChannelIdentity.Channel.EMAIL, value=email)
    transaction.on_commit(partial(email_confirmation_send, customer=customer, email=email))
    touchpoint_record(customer=customer, kind=TouchpointEvent.Kind.SIGNUP, channel=channel, actor=account,
                      data={"from_guest": guest is not None})
    return account


def guest_merge_into_account(*, guest_user: AbstractBaseUser | None, account: AbstractBaseUser) -> None:
    """After a guest logs in to an existing account, the guest's work moves into it (a merge that can be undone)."""
    from customers.services.merge import customer_merge

    guest = customer_for_user_get(user=guest_user) if guest_user is not None else None
    if guest is None or not guest.is_guest or guest_user.pk == account.pk:
        return
    customer_merge(source=guest, target=customer_get_or_create_for_user(user=account), actor=account,
                   reason="guest logged in to their account")
