"""JSON error bodies for every API failure, with stable codes.

DRF already answers 400/401/403/404/405/415/429 with JSON; this handler gives every body the
same two shapes so clients can branch on ``code`` while people read the message:

* 400 validation: ``{"code": "invalid", "errors": {field: [{"code": ..., "message": ...}]}}``
  (errors not tied to one field under ``non_field_errors``);
* everything else: ``{"code": "not_found", "detail": "..."}`` (429 adds ``wait`` seconds).

``not_found`` answers Django-level 404s under /api/ (the catch-all route in urls.py) so that a
mistyped URL gets JSON too, not the site's HTML page.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from advisor.api.parsers import RequestTooLarge


def _entry(item: Any) -> dict[str, str]:
    return {"code": getattr(item, "code", None) or "invalid", "message": str(item)}


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[dict[str, str]]]:
    """DRF's nested error detail as one flat ``{dotted.field: [{code, message}]}`` mapping."""
    out: dict[str, list[dict[str, str]]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, items in _field_errors(value, name).items():
                out.setdefault(field, []).extend(items)
        return out
    field = prefix or "non_field_errors"
    items = detail if isinstance(detail, list) else [detail]
    for index, item in enumerate(items):
        if isinstance(item, dict | list):
            # A list of objects (one entry per list item): keep the item's position.
            for key, value in _field_errors(item, f"{field}.{index}").items():
                out.setdefault(key, []).extend(value)
        else:
            out.setdefault(field, []).append(_entry(item))
    return out


def error_body(code: str, detail: str) -> dict[str, str]:
    return {"code": code, "detail": detail}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Django's own 404 and 403 (raised by get_object_or_404, the access helpers) become DRF's,
    # with DRF's generic words: Http404's text may name a model ("No Cluster matches ...").
    # Django's request-size limits (DATA_UPLOAD_MAX_MEMORY_SIZE, reached when DRF reads the
    # body; DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES) are the API's JSON 413, not Django's HTML 400.
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        exc = RequestTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = {"code": "invalid", "errors": _field_errors(exc.detail)}
        return response
    if isinstance(exc, APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        detail = exc.detail
        message = str(detail) if isinstance(detail, str) else gettext("Request failed.")
        wait = None
        if isinstance(exc, exceptions.Throttled):
            wait = math.ceil(exc.wait) if exc.wait is not None else None
            message = (
                gettext("Too many requests. Try again in %(wait)d seconds.") % {"wait": wait}
                if wait is not None
                else gettext("Too many requests. Try again later.")
            )
        response.data = error_body(code, message)
        if isinstance(exc, exceptions.Throttled):
            response.data["wait"] = wait
    return response


@csrf_exempt  # a JSON 404 must not turn into the CSRF failure page for a stray POST
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(
        error_body("not_found", gettext("There is no API endpoint at this address.")),
        status=404,
    )
