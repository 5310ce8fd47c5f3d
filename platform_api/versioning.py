"""Versions by URL: /api/v1/... is version "v1"; today's /api/... paths are the same views without a version."""
from rest_framework.reverse import _reverse
from rest_framework.versioning import NamespaceVersioning

API_VERSIONS = ("v1",)
CURRENT_VERSION = "v1"


class ApiVersioning(NamespaceVersioning):
    """`request.version` is "v1" under /api/v1/ and None on the legacy /api/ paths (which never answer 404 for it)."""

    default_version = CURRENT_VERSION  # what the schema documents when no version is asked for
    allowed_versions = API_VERSIONS

    def determine_version(self, request, *args, **kwargs):
        resolver_match = getattr(request, "resolver_match", None)
        namespaces = resolver_match.namespaces if resolver_match is not None else []
        return next((name for name in namespaces if name in API_VERSIONS), None)

    def reverse(self, viewname, args=None, kwargs=None, request=None, format=None, **extra):
        # links inside a v1 answer point at v1 ("api:revision-file" -> "v1:revision-file"); others stay as they are
        if request is not None and request.version and viewname.startswith("api:"):
            viewname = f"{request.version}:{viewname.removeprefix('api:')}"
        return _reverse(viewname, args, kwargs, request, format, **extra)
