"""API authentication: DRF's token, refused once older than API_TOKEN_LIFETIME_SECONDS."""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token):
    return token.created + timedelta(seconds=settings.API_TOKEN_LIFETIME_SECONDS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """A leaked token stops working on its own; the owner asks for a new one with their password."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if timezone.now() >= token_expires_at(token):
            raise AuthenticationFailed(_("The token has expired; ask for a new one at /api/auth/token/."))
        return user, token
