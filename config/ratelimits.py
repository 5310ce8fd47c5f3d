"""Attempt limits per address and per account (django-ratelimit on the cache): guests, log-in, API tokens, scans.

A scope lists (who, rate) pairs from settings.RATE_LIMITS; an attempt over any of them is refused with 429 and
Retry-After, in the API and on the pages alike, in the reader's language.
"""
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.core import _split_rate, get_usage
from rest_framework import status
from rest_framework.exceptions import APIException


def _address(group, request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _account(group, request) -> str:
    """The account the attempt is for: the signed-in user, else the username typed (so guessing is per target)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    data = getattr(request, "data", None) or request.POST
    if not hasattr(data, "get"):  # a JSON array or scalar body names no account (it was a 500, found by schemathesis)
        data = {}
    return f"name:{str(data.get('username', '')).strip().lower()}"


WHO = {"address": _address, "account": _account}


class TooManyAttempts(APIException):
    """429 with Retry-After (DRF sets it from `wait`) in the API; `too_many_attempts_page` on the pages."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_attempts"

    def __init__(self, *, wait: int, detail: str):
        super().__init__(detail)
        self.wait = wait


def _duration(seconds: int) -> str:
    """'56 minutes', '1 hour', '40 seconds' in the reader's language (Django's timeuntil below a minute says 0)."""
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    now = timezone.now()
    return timeuntil(now + timedelta(seconds=seconds), now, depth=1)


def attempts_count(*, request, scope: str) -> None:
    """Count one attempt in `scope` for each of its keys; raise TooManyAttempts when one is over its rate."""
    for who, rate in settings.RATE_LIMITS[scope]:
        usage = get_usage(request, group=f"{scope}:{who}", key=WHO[who], rate=rate, method=["POST"], increment=True)
        if usage and usage["should_limit"]:
            wait = usage["time_left"] or _split_rate(rate)[1]  # seconds until this window ends
            count, period = _split_rate(rate)
            raise TooManyAttempts(wait=int(wait), detail=_(
                "Too many attempts (%(count)d allowed in %(period)s). Try again in %(wait)s."
            ) % {"count": count, "period": _duration(period), "wait": _duration(int(wait))})


def attempts_limited(scope: str) -> Callable:
    """Decorate a page view or an API method (DRF's `self, request`) whose POSTs count as attempts in `scope`."""

    def decorator(function):
        @wraps(function)
        def wrapped(*args, **kwargs):
            request = args[1] if len(args) > 1 and hasattr(args[1], "META") else args[0]
            attempts_count(request=request, scope=scope)
            return function(*args, **kwargs)

        return wrapped

    return decorator


def too_many_attempts_page(request, error: TooManyAttempts):
    response = render(request, "429.html", {"message": error.detail}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(error.wait)
    return response


class TooManyAttemptsMiddleware:
    """Pages (not the API, which DRF answers itself) turn TooManyAttempts into a 429 page.

    Sync only, and last in MIDDLEWARE, on purpose: Django's own middleware (MiddlewareMixin) run each of their
    process_request / process_view / process_response hooks through sync_to_async in an async chain, a dozen hops
    between the event loop and a thread per request. A sync-only middleware innermost makes every middleware
    outside it sync, so a request crosses once in and once out (plus the view's own crossing). Measured under
    daphne, 8 clients, server CPU per request (bench/bench_request_cost.py): /healthz 5.9 ms with
    this middleware async-capable, 4.5 ms sync only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TooManyAttempts):
            return too_many_attempts_page(request, exception)
        return None
