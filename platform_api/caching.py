"""
Public answers a browser, a proxy or a CDN may keep: an ETag from the content, 304 when the client has it.

The web processes keep them too, in the shared cache for ANSWER_KEPT_S (:func:`kept_in_shared_cache`): the catalogue
is two in three of a shopper's reads, and answering it from the cache costs one round trip instead of its queries,
serializing and hashing (bench/bench_request_cost.py). Kept: the JSON answer to a GET without a query string (a
bounded set of keys; filtered lists and later pages are computed each time), per address and language. Authentication
still runs first, so a bad token is refused as before. A product saved or deleted starts a new generation of kept
answers on every machine at once (configurator/receivers.py); ANSWER_KEPT_S bounds anything else (a deployment's new
options show within that time, as the browsers' own max-age).
"""
import functools
import hashlib
import uuid

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, quote_etag
from django.utils.translation import get_language

ANSWER_KEPT_S = 300
GENERATION_KEY = "public-answer:generation"
KEPT_HEADERS = ("ETag", "Cache-Control", "Vary")


def public_answers_expire() -> None:
    """Every kept public answer is stale from now on, on every machine (a product changed)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _answer_key(request) -> str | None:
    """Where a GET's answer is kept, or None when it is computed each time (a query string; the browsable API's
    HTML, which shows the signed-in user). The address is in it: a page's next and previous links are absolute."""
    if request.method != "GET" or request.META.get("QUERY_STRING") or request.accepted_renderer.format != "json":
        return None
    return f"public-answer:{get_language()}:{request.build_absolute_uri(request.path)}"


def kept_in_shared_cache(get):
    """Decorates a :class:`PublicCacheMixin` view's ``get``: the answer kept in the shared cache when there is one
    of this generation (a 304 without reading the body when the client has it); else ``get``, whose answer the mixin
    keeps."""

    @functools.wraps(get)
    def answer(self, request, *args, **kwargs):
        key = _answer_key(request)
        if key is None:
            return get(self, request, *args, **kwargs)
        found = cache.get_many([key, GENERATION_KEY])
        generation = found.get(GENERATION_KEY, "")
        kept = found.get(key)
        if kept is not None and kept["generation"] == generation:
            response = get_conditional_response(request, etag=kept["headers"]["ETag"])
            if response is None:  # the client does not have it: the body, kept under a key of its own
                content = cache.get(f"{key}:body")
                response = None if content is None else HttpResponse(content, content_type=kept["content_type"])
            if response is not None:
                for header, value in kept["headers"].items():
                    response[header] = value
                return response
        self.answer_to_keep = (key, generation)
        return get(self, request, *args, **kwargs)

    return answer


class PublicCacheMixin:
    """For an APIView whose GET is the same for everyone (per language): ETag, Cache-Control public, 304; with
    :func:`kept_in_shared_cache` on its ``get``, also kept by the server."""

    public_max_age_s = 300
    answer_to_keep: tuple[str, str] | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if not response.has_header("ETag"):
            response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=self.public_max_age_s)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])  # labels and options are translated
        if self.answer_to_keep is not None:
            key, generation = self.answer_to_keep
            cache.set_many({key: {"generation": generation, "content_type": response["Content-Type"],
                                  "headers": {header: response[header] for header in KEPT_HEADERS}},
                            f"{key}:body": response.content}, timeout=ANSWER_KEPT_S)
        return get_conditional_response(request, etag=response["ETag"], response=response)
