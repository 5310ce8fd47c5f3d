"""Integrators' tokens: issued for a password, refused once expired, replaced when asked again, revoked on request."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

PASSWORD = "a long enough password 42"


@pytest.fixture
def integrator(shopper):
    shopper.set_password(PASSWORD)
    shopper.save()
    return shopper


def token_for(user) -> dict:
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def designs_with(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/designs/")


@pytest.mark.django_db
def test_a_token_works_until_it_expires_then_a_new_one_is_issued(integrator, settings):
    issued = token_for(integrator)
    assert designs_with(issued["token"]).status_code == 200
    assert token_for(integrator)["token"] == issued["token"]  # asking again before expiry: the same token
    Token.objects.filter(key=issued["token"]).update(
        created=timezone.now() - timedelta(seconds=settings.API_TOKEN_LIFETIME_SECONDS + 1))
    refused = designs_with(issued["token"])
    # 403, not 401: the API's first authenticator is the session (DRF answers 403 when it cannot challenge)
    assert refused.status_code == 403 and "expired" in refused.json()["detail"]
    renewed = token_for(integrator)
    assert renewed["token"] != issued["token"] and designs_with(renewed["token"]).status_code == 200


@pytest.mark.django_db
def test_a_revoked_token_stops_working_at_once(integrator):
    key = token_for(integrator)["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete("/api/auth/token/").status_code == 204
    refused = designs_with(key)
    assert refused.status_code == 403 and "Invalid token" in refused.json()["detail"]


@pytest.mark.django_db
def test_a_wrong_password_gets_no_token_and_revoking_needs_a_token(integrator):
    response = APIClient().post("/api/auth/token/", {"username": integrator.username, "password": "nope"}, format="json")
    assert response.status_code == 400 and "token" not in response.json()
    assert APIClient().delete("/api/auth/token/").status_code == 401  # token auth only here, so a challenge
