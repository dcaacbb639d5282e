"""JSON error bodies for every API failure, with stable codes.

DRF already answers 400/401/403/404/405/429 with JSON; this handler adds a ``code`` and
keeps field errors as ``{"errors": {field: [{"code": ..., "message": ...}]}}`` so clients can
react to the code while people read the message.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(hasattr(item, "code") and not isinstance(item, dict | list) for item in detail):
            return [{"code": item.code, "message": str(item)} for item in detail]
        return [_flatten(item) for item in detail]
    if hasattr(detail, "code"):
        return [{"code": detail.code, "message": str(detail)}]
    return detail


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = {"code": "invalid", "errors": _flatten(exc.detail)}
    elif isinstance(exc, APIException):
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(exc.detail),
        }
    return response
