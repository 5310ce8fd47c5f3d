"""The schema (/api/schema/) and its documentation page (/api/docs/): public, like the catalogue they describe."""
from django.http import JsonResponse
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from platform_api import schema_views  # noqa: F401  (registers what each view takes and answers)
from platform_api.versioning import CURRENT_VERSION


class ApiSchemaApi(SpectacularAPIView):
    """The OpenAPI 3 schema of /api/v1/ (YAML by default; ?format=json for JSON)."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public: no session (and so no CSRF) and no token needed
    api_version = CURRENT_VERSION


class ApiDocsPage(SpectacularSwaggerView):
    """Swagger UI over the schema, its assets served from the drf-spectacular-sidecar package."""

    permission_classes = [AllowAny]
    authentication_classes = []
    url_name = "api-schema"


def not_found(request, exception=None):
    """A 404 under /api/ is JSON like every other API answer (an id that is no number matches no route); pages keep
    Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return page_not_found(request, exception)
