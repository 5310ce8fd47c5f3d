import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class LenientNumberJSONParser(JSONParser):
    """Parse NaN and Infinity tokens as floats so validation can name the field they were sent in."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(stream.read().decode(encoding))
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"The request body is not valid JSON: {error}") from error
