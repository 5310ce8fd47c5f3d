"""The roles people act in. Permissions are Django's, granted through the groups a data migration creates."""
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

PRODUCTION_GROUP = "production"
STORE_GROUP = "store"
EXPORT_PRINT_FILES_PERMISSION = "production.export_print_files"


def user_can_export_print_files(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(EXPORT_PRINT_FILES_PERMISSION))


def user_sees_all_designs(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Production must open any paid design; admins support everyone. Store staff see only checked-in customers."""
    return bool(user.is_authenticated and (user.is_superuser or user_can_export_print_files(user)))


def user_is_store_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Fitting-tablet staff: members of a store (stores.StaffMembership) or of the store group.

    Being staff opens the desk; which customers they may work on is the check-ins' business (stores.selectors).
    """
    if not user.is_authenticated:
        return False
    from stores.selectors import staff_role_get  # stores reads customers too: import when asked

    return staff_role_get(user=user) is not None or user.groups.filter(name=STORE_GROUP).exists()


def user_is_store_manager(user: AbstractBaseUser | AnonymousUser) -> bool:
    from stores.selectors import staff_role_get

    return bool(user.is_authenticated and staff_role_get(user=user) == "manager")
