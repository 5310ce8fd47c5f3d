"""`@idempotent` on an API view's post(): honours the Idempotency-Key header for signed-in users."""
import functools
import hashlib
import json

from django.http import QueryDict
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError
from platform_api.services import HEADER, KEY_MAX_LENGTH, idempotency_call


def idempotency_key_clean(raw: str) -> str:
    key = raw.strip()
    if not 1 <= len(key) <= KEY_MAX_LENGTH or not all(" " <= char <= "~" for char in key):
        raise ApplicationError(
            _("The Idempotency-Key header must be 1 to %(max)d printable ASCII characters.") % {"max": KEY_MAX_LENGTH},
            {"field": HEADER, "value": raw[:KEY_MAX_LENGTH],
             "allowed": _("1 to %(max)d printable ASCII characters") % {"max": KEY_MAX_LENGTH}})
    return key


def _file_sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():  # chunks() starts from the beginning and leaves the file for the view to read
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def request_fingerprint(request) -> str:
    """sha256 of what the request asks: the route and its arguments, the parsed body, each uploaded file's content.

    A multipart body is hashed by its fields and file contents, not its bytes: its boundary differs on every send.
    The route is the view's name, so /api/... and /api/v1/... with the same body are the same request.
    """
    match = request.resolver_match
    data = request.data
    files = request.FILES if hasattr(request, "FILES") else {}
    if isinstance(data, QueryDict):
        data = {name: data.getlist(name) for name in sorted(data) if name not in files}
    uploads = sorted(
        (field, uploaded.name, uploaded.size, _file_sha256(uploaded))
        for field in files for uploaded in files.getlist(field)
    )
    what = {"method": request.method, "view": f"{match.app_name}:{match.url_name}" if match else request.path,
            "kwargs": {name: str(value) for name, value in (match.kwargs if match else {}).items()},
            "data": data, "files": uploads}
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(handler):
    """Decorate a view method: with an Idempotency-Key, a repeat answers what the first did without doing it again."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        raw = request.headers.get(HEADER)
        if raw is None or not request.user.is_authenticated:  # keys are per user: anonymous requests have none
            return handler(view, request, *args, **kwargs)
        key = idempotency_key_clean(raw)
        return idempotency_call(
            user=request.user, key=key, fingerprint=request_fingerprint(request), method=request.method,
            path=request.path, call=lambda: handler(view, request, *args, **kwargs))

    wrapper.idempotent = True  # the schema generator documents the header and its 409/422 answers
    return wrapper
