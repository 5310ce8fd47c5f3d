from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from stores.models import StaffMembership


def staff_membership_get(*, user: AbstractBaseUser | AnonymousUser) -> StaffMembership | None:
    """The store and role this user works in, or None for anyone who is not store staff."""
    if not user.is_authenticated:
        return None
    return StaffMembership.objects.select_related("store").filter(user=user).first()


def staff_role_get(*, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """"associate" or "manager" for store staff, None for everyone else."""
    membership = staff_membership_get(user=user)
    return membership.role if membership else None
