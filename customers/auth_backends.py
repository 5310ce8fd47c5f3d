"""The project's auth backend: log in with the username or the email address (people remember the address they
signed up with), and the permissions read in one query."""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class EmailOrUsernameBackend(ModelBackend):
    """Django's ModelBackend, where a login name with an "@" that is nobody's username is looked up as an email.

    Sign-up keeps emails unique (customers.services.accounts), so an address names one account; should two old
    accounts share one, only the account whose password matches logs in, and none if both would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        if "@" not in username or user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
            return super().authenticate(request, username=username, password=password, **kwargs)
        candidates = list(user_model._default_manager.filter(email__iexact=username.strip()))
        if not candidates:
            user_model().set_password(password)  # the same work as a wrong password: timing tells no address apart
            return None
        matching = [user for user in candidates if user.check_password(password) and self.user_can_authenticate(user)]
        return matching[0] if len(matching) == 1 else None

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's answer in one query where it makes two (the user's own, then their groups'): every API list
        asks whether its reader is production (customers.roles)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj)
        if not hasattr(user_obj, "_perm_cache"):
            granted = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename
                                    in granted.values_list("content_type__app_label", "codename")}
        return user_obj._perm_cache
