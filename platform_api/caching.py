"""Public answers a browser, a proxy or a CDN may keep: an ETag from the content, 304 when the client has it."""
import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, quote_etag


class PublicCacheMixin:
    """For an APIView whose GET is the same for everyone (per language): ETag, Cache-Control public, 304."""

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
        return get_conditional_response(request, etag=response["ETag"], response=response)
