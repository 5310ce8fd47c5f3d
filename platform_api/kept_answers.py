"""
Public catalogue answers kept in the shared Redis and served by the web process before Django runs.

The catalogue is two in three of a shopper's requests. Through Django each costs 7-9 ms of a web process's CPU even
when the answer is kept (the request object, the middleware, a thread for the view, the token's query); served here,
on the event loop, it is one Redis round trip (bench/bench_request_cost.py, bench/bench_load.py). What is kept is
decided by the view: :class:`platform_api.caching.PublicCacheMixin` marks an answer that is the same for everyone
(per language) with ``MARK``, and this layer keeps the whole answer as it left Django, every header the middleware
added included, then drops the mark. Nothing else is served from here, so the routes are not listed twice: a path is
looked up only once an answer for it was marked in this process (that first answer is not kept: the generation it
was computed in was not read before it).

What stays exactly as through Django:
- what it varies on: an answer is kept per scheme, host, path, ``Accept`` and ``Accept-Language`` header and
  language cookie (its ``Vary``; the rest of the cookie does not change it);
- a 304 for a client with the ETag, without reading the body;
- a token is honoured only once Django accepted it: its first request runs through Django, whose answer records it
  for the token's remaining lifetime (at most ``ANSWER_KEPT_S``); a token revoked or a user made inactive is
  forgotten at once (platform_api/receivers.py), so such a request goes through Django and is refused there;
- a product saved or deleted starts a new generation (:func:`public_answers_expire`): everything kept before is
  stale on every machine at once. ``ANSWER_KEPT_S`` bounds the rest.
Without Redis (one-process commands) or when Redis fails, every request goes through Django.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
import weakref

from django.conf import settings

ANSWER_KEPT_S = 300
GENERATION_KEY = "kept-answer:generation"
MARK = b"x-sartoria-kept"  # the view's "may be kept"; its value: seconds the request's token stays valid (0: none)
UNKEPT_HEADERS = {b"set-cookie", MARK}
NOT_MODIFIED_DROPS = {b"content-length", b"content-type"}

logger = logging.getLogger(__name__)
_async_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop -> its client
_sync_client = None
_keepable_paths: set[str] = set()  # paths whose answer the view marked, in this process


def _sync_redis():
    global _sync_client
    if _sync_client is None:
        import redis

        _sync_client = redis.Redis.from_url(settings.REDIS_URL)
    return _sync_client


def _async_redis():
    import redis.asyncio

    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = _async_clients[loop] = redis.asyncio.Redis.from_url(settings.REDIS_URL)
    return client


async def loop_connections_close() -> None:
    """Close this event loop's Redis connections, for a loop about to end (a server's runs as long as it does)."""
    client = _async_clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


def _token_key(token: str) -> str:
    return f"kept-answer:token:{hashlib.sha256(token.encode()).hexdigest()}"


def public_answers_expire() -> None:
    """Every kept public answer is stale from now on, on every machine (a product changed)."""
    if settings.REDIS_URL:
        _sync_redis().set(GENERATION_KEY, uuid.uuid4().hex)


def tokens_forget(tokens) -> None:
    """These API tokens are no longer honoured by kept answers (revoked, or their user made inactive)."""
    keys = [_token_key(token) for token in tokens]
    if settings.REDIS_URL and keys:
        _sync_redis().delete(*keys)


def _header(scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return b""


def _language_cookie(scope) -> str:
    wanted = settings.LANGUAGE_COOKIE_NAME
    for part in _header(scope, b"cookie").decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == wanted:
            return value
    return ""


def _proxy_scheme_header() -> bytes:
    """The header a proxy names the scheme in (settings.SECURE_PROXY_SSL_HEADER): Django builds addresses with it."""
    meta_name = (getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or ("",))[0]
    return meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode()


def _answer_key(scope) -> str:
    """Everything the answer depends on: its addresses are absolute (scheme and host), its format is negotiated
    (``Accept``: a browser's HTML page is never kept) and its labels translated (language)."""
    proxy_scheme = _header(scope, _proxy_scheme_header()) if _proxy_scheme_header() else b""
    parts = (scope.get("scheme", "http"), proxy_scheme.decode("latin-1"), _header(scope, b"host").decode("latin-1"),
             scope["path"], _header(scope, b"accept").decode("latin-1"),
             _header(scope, b"accept-language").decode("latin-1"), _language_cookie(scope))
    return "kept-answer:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _token(scope) -> str | None:
    """The API token the request carries, "" for none, None for another kind of Authorization (Django answers)."""
    authorization = _header(scope, b"authorization").decode("latin-1")
    if not authorization:
        return ""
    kind, _, token = authorization.partition(" ")
    return token.strip() if kind.lower() == "token" and token.strip() else None


def _etag_matches(scope, etag: str) -> bool:
    wanted = _header(scope, b"if-none-match").decode("latin-1")
    if not wanted:
        return False
    return wanted.strip() == "*" or etag.removeprefix("W/") in {
        tag.strip().removeprefix("W/") for tag in wanted.split(",")}


class KeptAnswers:
    """ASGI middleware in front of Django's HTTP application (config/asgi.py)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["method"] != "GET" or scope["query_string"] or not settings.REDIS_URL
                or scope["path"] not in _keepable_paths and not scope["path"].startswith("/api/")):
            return await self.inner(scope, receive, send)
        token = _token(scope)
        key = _answer_key(scope)
        generation = None  # a path not marked before in this process: its first answer teaches, is not kept
        if token is not None and scope["path"] in _keepable_paths:
            try:
                generation = await self._answer(scope, send, key, token)
            except Exception:  # noqa: BLE001  (Redis away: Django answers, as without this layer)
                logger.warning("kept answers: Redis failed, Django answers", exc_info=True)
                generation = None
            if generation is True:
                return
        await self.inner(scope, receive, self._keeper(scope, send, key, token, generation))

    async def _answer(self, scope, send, key: str, token: str):
        """Send the kept answer and return True; else the current generation (what a new answer is kept under)."""
        client = _async_redis()
        found = await client.mget([GENERATION_KEY, key, _token_key(token) if token else GENERATION_KEY])
        generation = (found[0] or b"").decode()
        if found[1] is None or (token and found[2] is None):
            return generation
        kept = json.loads(found[1])
        if kept["generation"] != generation:
            return generation
        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in kept["headers"]]
        if _etag_matches(scope, kept["etag"]):
            kept_headers = [(name, value) for name, value in headers if name.lower() not in NOT_MODIFIED_DROPS]
            await send({"type": "http.response.start", "status": 304, "headers": kept_headers})
            await send({"type": "http.response.body", "body": b""})
            return True
        body = await client.get(f"{key}:body")
        if body is None:
            return generation
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True

    def _keeper(self, scope, send, key: str, token: str | None, generation: str | None):
        """``send`` for Django's answer: passed on without the mark; a marked 200 is kept as it left."""
        started: dict = {}
        chunks: list[bytes] = []

        async def keeping_send(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                mark = next((value for name, value in headers if name.lower() == MARK), None)
                if mark is not None:
                    message = {**message, "headers": [(name, value) for name, value in headers if name.lower() != MARK]}
                    _keepable_paths.add(scope["path"])
                    if (message["status"] == 200 and token is not None and generation is not None
                            and not any(name.lower() in UNKEPT_HEADERS for name, _ in message["headers"])):
                        started.update(headers=message["headers"], token_valid_s=int(mark))
            elif message["type"] == "http.response.body" and started:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await send(message)
                    await self._keep(key, token, generation, started, b"".join(chunks))
                    return
            await send(message)

        return keeping_send

    @staticmethod
    async def _keep(key: str, token: str, generation: str, started: dict, body: bytes) -> None:
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in started["headers"]]
        etag = next((value for name, value in headers if name.lower() == "etag"), "")
        try:
            async with _async_redis().pipeline(transaction=False) as pipe:
                pipe.set(key, json.dumps({"generation": generation, "headers": headers, "etag": etag}),
                         ex=ANSWER_KEPT_S)
                pipe.set(f"{key}:body", body, ex=ANSWER_KEPT_S)
                if token and started["token_valid_s"] > 0:
                    pipe.set(_token_key(token), b"1", ex=min(ANSWER_KEPT_S, started["token_valid_s"]))
                await pipe.execute()
        except Exception:  # noqa: BLE001  (not kept: the next request goes through Django)
            logger.warning("kept answers: could not keep an answer", exc_info=True)
