"""
Public answers a browser, a proxy or a CDN may keep: an ETag from the content, 304 when the client has it. The web
processes keep them too, before Django (platform_api/kept_answers.py): the mixin marks the answers that may be kept.
"""
import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, quote_etag
from rest_framework.authtoken.models import Token

from config.authentication import token_expires_at
from platform_api.kept_answers import MARK


class PublicCacheMixin:
    """For an APIView whose GET is the same for everyone (per language): ETag, Cache-Control public, 304, and kept
    by the web processes (the JSON answer to a GET without a query string: a bounded set of addresses; filtered
    lists, later pages and the browsable API's HTML, which shows the signed-in user, are computed each time)."""

    public_max_age_s = 300

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
        if (request.method == "GET" and settings.REDIS_URL and not request.META.get("QUERY_STRING")
                and request.accepted_renderer.format == "json"):
            response[MARK.decode()] = str(_token_valid_s(request))
        return get_conditional_response(request, etag=response["ETag"], response=response)


def _token_valid_s(request) -> int:
    """How long the token this request was accepted with stays valid (0: accepted without one)."""
    if not isinstance(request.auth, Token):
        return 0
    return max(0, int((token_expires_at(request.auth) - timezone.now()) / timedelta(seconds=1)))
