"""Errors raised by the geometry package (no Django here)."""
from __future__ import annotations

import math
from typing import Any


def _rebuild(cls, field, message, value, allowed, code=None, params=None):  # pickle support (Celery may pickle errors)
    return cls(field, message, value=value, allowed=allowed, code=code, params=params)


class ParameterError(ValueError):
    """
    A measurement or product option is missing, malformed or implausible.

    Attributes
    ----------
    field : str
      Name of the offending field, e.g. ``"length_mm"`` or ``"thickness_mm"``.
    message : str
      Human explanation, without the field name.
    value : Any
      The rejected value (``None`` when missing).
    allowed : str or None
      Human description of what is allowed, e.g. ``"150–350 mm"``.
    code : str or None
      What went wrong, as a key of :data:`geometry.error_messages.TEMPLATES` (``"out_of_range"``...): the web
      side rebuilds the sentence in the reader's language from it and ``params`` (the English ``message`` stays
      for the command line and the logs). None: only the English text exists.
    params : dict
      The numbers and names the code's sentence needs (``{"min": 150, "max": 350, "unit": "mm"}``).
    """

    def __init__(self, field: str, message: str, *, value: Any = None, allowed: str | None = None,
                 code: str | None = None, params: dict | None = None):
        self.field = field
        self.message = message
        self.value = value
        self.allowed = allowed
        self.code = code
        self.params = dict(params or {})
        super().__init__(field, message)

    def __str__(self) -> str:
        text = f"Invalid {self.field}"
        if self.value is not None:
            text += f" = {self.value!r}"
        text += f": {self.message.rstrip('.')}"
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text + "."

    def __reduce__(self):
        return (_rebuild, (type(self), self.field, self.message, self.value, self.allowed, self.code, self.params))

    def to_dict(self) -> dict:
        """JSON-safe description (NaN/inf and other odd values are given as their repr)."""
        value = self.value
        if not (value is None or isinstance(value, (bool, int, str))
                or (isinstance(value, float) and math.isfinite(value))):
            value = repr(value)
        return {"field": self.field, "message": self.message, "value": value,
                "allowed": self.allowed, "detail": str(self), "code": self.code, "params": self.params}


def _rebuild_scan(cls, field, message, value, allowed):  # pickle support, keyword signature
    return cls(message, value=value, allowed=allowed, field=field)


class ScanError(ParameterError):
    """
    An uploaded foot scan cannot be read or measured.

    ``field`` is ``"file"`` (the upload); ``value`` is usually the file name and ``allowed`` says what
    is accepted, e.g. ``"STL, OBJ or PLY, or a .zip holding exactly one of them, up to 60 MB"``.
    """

    def __init__(self, message: str, *, value: Any = None, allowed: str | None = None, field: str = "file"):
        super().__init__(field, message, value=value, allowed=allowed)

    def __reduce__(self):
        return (_rebuild_scan, (type(self), self.field, self.message, self.value, self.allowed))
