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
    """Fitting-tablet staff: they measure and scan customers they look up in the store."""
    return bool(user.is_authenticated and user.groups.filter(name=STORE_GROUP).exists())
