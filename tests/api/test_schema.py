"""The OpenAPI schema is served, valid and complete; the docs page renders from the sidecar package's assets."""
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def _v1_routes() -> set[str]:
    """Every /api/v1/ path of the URL configuration, written as the schema writes it ("/api/v1/designs/{design_id}/")."""
    import re

    found = set()

    def walk(patterns, prefix: str, inside: bool) -> None:
        for pattern in patterns:
            here = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, here, inside or pattern.namespace == "v1")
            elif isinstance(pattern, URLPattern) and inside:
                found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", here))

    walk(get_resolver().url_patterns, "", False)
    return found


def test_the_schema_is_served_valid_and_documents_every_v1_route(api_client):
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # the OpenAPI 3 specification's own JSON schema
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == _v1_routes()  # v1 only, and nothing left out


def test_every_operation_documents_its_error_bodies(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"] and {"field", "value", "allowed"} <= set(error["properties"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)


def test_lists_are_paginated_and_creates_take_an_idempotency_key_in_the_schema(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/designs/", "/api/v1/orders/", "/api/v1/scans/", "/api/v1/measurement-sets/",
                 "/api/v1/designs/{design_id}/revisions/", "/api/v1/products/"):
        get = schema["paths"][path]["get"]
        assert {"page", "page_size"} <= {parameter["name"] for parameter in get["parameters"]}, path
        page = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert {"count", "next", "previous", "results"} <= set(schema["components"]["schemas"][page]["properties"])
    for path in ("/api/v1/designs/", "/api/v1/orders/", "/api/v1/scans/", "/api/v1/designs/{design_id}/revisions/"):
        post = schema["paths"][path]["post"]
        assert "Idempotency-Key" in {parameter["name"] for parameter in post["parameters"]}, path
        assert {"409", "422"} <= set(post["responses"]), path


def test_generating_the_schema_gives_no_warning(tmp_path):
    # what CI's `manage.py spectacular --validate --fail-on-warn` checks: a new view without its bodies fails here
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_the_docs_page_renders_swagger_ui_from_the_package(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui-bundle.js" in page and "/api/schema/" in page
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js") is not None
