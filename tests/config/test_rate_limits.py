"""Attempts are limited per address and per account: guests, log-in (page and API token), scan uploads."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from tests.datafiles import FIND_0015A

PASSWORD = "a long enough password 42"


@pytest.fixture(autouse=True)
def small_daily_limits(settings):
    """Small limits over a day: a window cannot roll over in the middle of a test (minutes and hours could)."""
    settings.RATE_LIMITS = {"guest": [("address", "5/d")], "login": [("address", "50/d"), ("account", "4/d")],
                            "upload": [("account", "2/d")]}


def allowed(settings, scope: str, who: str) -> int:
    return int(dict(settings.RATE_LIMITS[scope])[who].split("/")[0])


@pytest.mark.django_db
def test_guest_accounts_per_address_are_limited_and_the_refusal_makes_no_account(settings):
    users = get_user_model().objects
    limit = allowed(settings, "guest", "address")
    for _ in range(limit):
        assert Client().post("/accounts/guest/").status_code == 302
    before = users.count()
    refused = Client(HTTP_ACCEPT_LANGUAGE="it").post("/accounts/guest/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Troppi tentativi" in refused.content.decode()
    assert "ne sono ammessi 5 in 1\xa0giorno" in refused.content.decode()  # a period people read, not seconds
    assert users.count() == before
    # another address is not held back by this one
    assert Client(REMOTE_ADDR="10.0.0.9").post("/accounts/guest/").status_code == 302


@pytest.mark.django_db
def test_password_guessing_on_one_account_is_stopped_even_from_many_addresses(settings, shopper):
    shopper.set_password(PASSWORD)
    shopper.save()
    limit = allowed(settings, "login", "account")
    for attempt in range(limit):
        response = Client(REMOTE_ADDR=f"10.0.1.{attempt}").post(
            "/accounts/login/", {"username": shopper.username, "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    right = Client(REMOTE_ADDR="10.0.2.1").post("/accounts/login/", {"username": shopper.username, "password": PASSWORD})
    assert right.status_code == 429
    token = APIClient(REMOTE_ADDR="10.0.2.2").post(
        "/api/auth/token/", {"username": shopper.username, "password": PASSWORD}, format="json")
    assert token.status_code == 429 and "Too many attempts" in token.json()["detail"] and token["Retry-After"]


@pytest.mark.django_db
def test_a_shopper_can_log_in_while_another_account_is_under_attack(settings, shopper, other_shopper):
    other_shopper.set_password(PASSWORD)
    other_shopper.save()
    for _ in range(allowed(settings, "login", "account") + 1):
        Client(REMOTE_ADDR="10.0.3.1").post("/accounts/login/", {"username": shopper.username, "password": "x"})
    response = Client(REMOTE_ADDR="10.0.3.2").post(
        "/accounts/login/", {"username": other_shopper.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_scan_uploads_per_account_are_limited_in_the_api(settings, shopper):
    client = APIClient()
    client.force_authenticate(shopper)
    statuses = []
    for _ in range(3):
        with FIND_0015A.open("rb") as handle:
            statuses.append(client.post("/api/scans/", {"files": [handle]}, format="multipart").status_code)
    assert statuses[:2] == [202, 202] or all(code < 300 for code in statuses[:2]), statuses
    assert statuses[2] == 429
