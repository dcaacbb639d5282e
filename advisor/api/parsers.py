"""A JSON parser with a size limit.

DRF's JSONParser reads the request stream directly and so skips Django's
DATA_UPLOAD_MAX_MEMORY_SIZE check: a 100 MB body would be parsed in full. An intake is a few
hundred bytes, so anything past API_MAX_BODY_BYTES is refused with a JSON 413 before parsing.

A leading UTF-8 byte-order mark (Windows Notepad and PowerShell write one) is dropped:
RFC 8259 §8.1 lets a parser ignore it, and Python's decoder would refuse the body.
"""

from __future__ import annotations

import codecs
import io
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

API_MAX_BODY_BYTES = 64 * 1024


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class LimitedJSONParser(JSONParser):
    max_bytes = API_MAX_BODY_BYTES

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        # Read one byte past the limit: enough to know it is too long, without reading it all
        # (the Content-Length header may be missing or wrong, e.g. with chunked uploads).
        body = stream.read(self.max_bytes + 1) if stream is not None else b""
        if len(body) > self.max_bytes:
            raise RequestTooLarge()
        body = body.removeprefix(codecs.BOM_UTF8)
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            # '[[[[…' nested thousands deep fits in the limit and overflows the decoder.
            raise ParseError(_("The JSON is nested too deeply.")) from None
