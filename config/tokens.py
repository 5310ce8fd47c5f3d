"""API tokens for integrators: issued for a password with their expiry, replaced once expired, revoked on request."""
from django.db import transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.ratelimits import attempts_limited
from config.authentication import ExpiringTokenAuthentication, token_expires_at


@transaction.atomic
def token_issue(*, user) -> Token:
    """The user's current token, or a new one when it has expired (an expired token is never handed out again)."""
    token, created = Token.objects.select_for_update().get_or_create(user=user)
    if not created and timezone.now() >= token_expires_at(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class TokenApi(ObtainAuthToken):
    """POST username and password for a token (and when it expires); DELETE with the token to revoke it."""

    def get_authenticators(self):
        # POST authenticates with the body, DELETE with the token itself
        # getattr: the schema generator asks before a request is set
        return [ExpiringTokenAuthentication()] if getattr(self.request, "method", None) == "DELETE" else []

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @attempts_limited("login")
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires": token_expires_at(token).isoformat()})

    def delete(self, request, *args, **kwargs):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
