"""The OpenAPI schema's shared parts: error bodies on every operation, pagination of lists, the Idempotency-Key."""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_list_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from platform_api.pagination import ApiPagination
from platform_api.services import HEADER


class ErrorSerializer(serializers.Serializer):
    """What a refused request is answered: a sentence for people, and for programs the field, value and range."""

    detail = serializers.CharField(help_text="What was wrong, in the request's language.")
    field = serializers.CharField(required=False, help_text="The field, query parameter or header at fault.")
    value = serializers.JSONField(required=False, help_text="The value that was sent.")
    allowed = serializers.JSONField(required=False, help_text="What would have been accepted.")

    class Meta:
        ref_name = "Error"


# A 400 is either the domain's Error or DRF's validation errors: {"<field>": ["<message>", ...], ...}.
VALIDATION_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Field name -> list of messages (nested objects for nested fields).",
    "additionalProperties": {},
}
BAD_REQUEST_SCHEMA = {"anyOf": [{"$ref": "#/components/schemas/Error"}, VALIDATION_ERRORS_SCHEMA]}

PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1.", required=False),
    OpenApiParameter("page_size", OpenApiTypes.INT, required=False,
                     description=f"Items per page (default {ApiPagination.page_size}, "
                                 f"at most {ApiPagination.max_page_size})."),
]
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description="A key of your choosing (1-255 printable ASCII characters), kept 24 hours per user: the same key "
                "with the same request creates once and answers the same again (header Idempotent-Replayed: true); "
                "with another request it is refused with 422.")


class ApiAutoSchema(AutoSchema):
    """Every operation documents the errors it can answer; GET lists are paginated; idempotent POSTs take the key."""

    _named: dict[str, type] = {}  # component name -> the serializer class that has it

    def get_serializer_name(self, serializer, direction):
        # nested Input/OutputSerializers share names across views: DesignListCreateApi.InputSerializer becomes
        # "DesignListCreateInput" (and "...InputRequest" for the request side)
        cls = type(serializer)
        if "." in cls.__qualname__ and "<locals>" not in cls.__qualname__:
            outer, inner = cls.__qualname__.split(".")[-2:]
            name = outer.removesuffix("Api") + inner
        else:
            name = super().get_serializer_name(serializer, direction)
        # two apps' OrderOutputSerializer: the second takes its app's name in front ("ProductionOrderOutput")
        owner = self._named.setdefault(name, cls)
        if owner is not cls and (owner.__module__, owner.__qualname__) != (cls.__module__, cls.__qualname__):
            name = cls.__module__.split(".")[0].title().replace("_", "") + name
            self._named.setdefault(name, cls)
        return name

    def _handler(self):
        return getattr(self.view, self.method.lower(), None)

    def _is_idempotent(self) -> bool:
        return bool(getattr(self._handler(), "idempotent", False))

    def _is_public(self) -> bool:
        return all(isinstance(permission, AllowAny) for permission in self.view.get_permissions())

    def _is_paginated(self) -> bool:
        # a list that is not paged (a view with `unpaginated = True`, e.g. the store finder) stays an array
        return self.method == "GET" and not getattr(self.view, "unpaginated", False)

    def _get_paginator(self):
        return ApiPagination() if self._is_paginated() else None

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_paginated() and is_list_serializer(self.get_response_serializers()):
            parameters += PAGE_PARAMETERS
        if self._is_idempotent():
            parameters.append(IDEMPOTENCY_PARAMETER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses

        def error(code: str, description: str, schema=ErrorSerializer) -> None:
            if code not in responses:
                responses[code] = self._get_response_for_code(OpenApiResponse(schema, description), code)

        if self.method != "GET" or self._get_parameters():
            self.resolve_serializer(ErrorSerializer, "response")  # the component the 400's anyOf refers to
            error("400", "The request was refused: the domain's Error, or validation errors by field.",
                  BAD_REQUEST_SCHEMA)
        if not self._is_public():
            error("401", "No valid credentials (a token past its expiry included).")
            error("403", "Signed in without permission (or, with a session, not signed in).")
        # an object named in the path or the body, or a page past the end of a list; an unknown address too
        error("404", "No such object (or one this user may not see), or no such page of a list.")
        if self.method in ("POST", "PUT", "PATCH"):
            error("413", "The request body is larger than allowed.")
            error("429", "Too many attempts: wait as the message says.")
        if self._is_idempotent():
            error("409", "A request with this Idempotency-Key is still being processed.")
            error("422", "This Idempotency-Key was already used for another request.")
        return responses
