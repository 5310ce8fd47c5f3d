"""Domain errors and the DRF exception handler that turns them into 400s with field, value and allowed range."""
from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A request the domain refuses: `message` for people, `extra` (field, value, allowed) for programs."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=400)
    return exception_handler(exc, context)
