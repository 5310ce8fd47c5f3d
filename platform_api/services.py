"""Idempotency-Key: one stored answer per (user, key), replayed for the same request and refused for another."""
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from platform_api.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255


def idempotency_key_ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24))


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class IdempotencyKeyInProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_progress"


def _storable(response: HttpResponse) -> bool:
    # A server error or a rate limit is worth retrying with the same key; a file download is not stored at all.
    return isinstance(response, Response) and response.status_code < 500 and response.status_code != 429


def _replay(*, record: IdempotencyKey, key: str, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused({
            "detail": _("This Idempotency-Key was already used for another request (%(method)s %(path)s with other "
                        "data). Send a new key for a new request.") % {"method": record.method, "path": record.path},
            "field": HEADER, "value": key, "allowed": _("a key not yet used, or the same request again"),
        })
    if record.status_code == 0:  # only where the database does not make the second request wait (SQLite)
        raise IdempotencyKeyInProgress({
            "detail": _("A request with this Idempotency-Key is still being processed. Retry in a moment."),
            "field": HEADER, "value": key,
        })
    return Response(record.response_body, status=record.status_code, headers={REPLAYED_HEADER: "true"})


def idempotency_call(*, user, key: str, fingerprint: str, method: str, path: str,
                     call: Callable[[], HttpResponse]) -> HttpResponse:
    """Run `call` once per (user, key): a repeat gets the stored answer, a different request with the key a 422.

    The key's row is written in the same transaction as the request's work: a concurrent request with the same key
    waits on the unique index (PostgreSQL) until the first commits, then replays its answer; when the first fails
    (an exception, a 5xx), its row rolls back or is removed and the key can be used again.
    """
    now = timezone.now()
    with transaction.atomic():
        IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=now).delete()  # an expired key is new again
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, key=key, method=method, path=path[:2000], fingerprint=fingerprint, status_code=0,
                    expires_at=now + idempotency_key_ttl())
        except IntegrityError:
            record = None
        if record is None:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
            if existing is None:  # it expired or failed between our insert and this read: the caller may retry
                raise IdempotencyKeyInProgress({
                    "detail": _("A request with this Idempotency-Key is still being processed. Retry in a moment."),
                    "field": HEADER, "value": key})
            return _replay(record=existing, key=key, fingerprint=fingerprint)
        response = call()
        if _storable(response):
            record.status_code = response.status_code
            record.response_body = json.loads(json.dumps(response.data, cls=JSONEncoder))
            record.save(update_fields=["status_code", "response_body"])
        else:
            record.delete()
        return response


def idempotency_keys_purge(*, now=None) -> int:
    """Delete the keys past their expiry; returns how many."""
    deleted, _per_model = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
