"""The API's JSON parser: bounded in size and depth, lenient about NaN/Infinity, safe with enormous numbers."""
import json
import re

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

INT64_MAX = 2**63 - 1  # the largest id or integer a database column holds
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


class RequestBodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def _integer(text: str) -> int | float:
    """Integers beyond 64 bits become floats (inf when enormous), so validation names the field instead of a 500."""
    value = int(text)
    return value if -INT64_MAX <= value <= INT64_MAX else float(text)


def _nesting_depth(body: bytes) -> int:
    """Deepest bracket nesting, counted outside strings without recursion (a deep body must not crash the parser)."""
    skeleton = np.frombuffer(_STRING.sub(b'""', body), dtype=np.uint8)
    steps = np.isin(skeleton, (ord("["), ord("{"))).astype(np.int64) - np.isin(skeleton, (ord("]"), ord("}")))
    return int(np.cumsum(steps).max(initial=0))


class LenientNumberJSONParser(JSONParser):
    """Parse NaN and Infinity tokens as floats so validation can name the field they were sent in."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit, max_depth = settings.API_JSON_MAX_BYTES, settings.API_JSON_MAX_DEPTH
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:  # read no further than the limit: a 20 MB body is never held whole
            raise RequestBodyTooLarge(_("The request body is larger than %(limit)d bytes.") % {"limit": limit})
        if _nesting_depth(body) > max_depth:
            raise ParseError(_("The JSON body is nested more than %(depth)d levels deep.") % {"depth": max_depth})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(body.decode(encoding), parse_int=_integer)
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            raise ParseError(_("The request body is not valid JSON: %(error)s") % {"error": error}) from error
