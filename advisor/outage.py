"""A part that is down answers 503 with a clear message, never Django's bare 500.

The database unreachable (PostgreSQL stopped, a network cut, too many connections) or
read-only (a replica, a full disk, SQLite's file without write permission) raises one of
Django's wrapped database errors. Two places turn them into a 503:

* :class:`OutageMiddleware` (``process_exception``) for errors raised by a view, which
  covers DEBUG runs too;
* :func:`server_error` (``handler500`` in ``advisor/urls.py``) for errors raised outside a
  view (the session middleware saving a session, a middleware reading ``request.user``),
  where Django calls the 500 handler while the exception is being handled.

The API (``/api/``) answers JSON in its usual error shape (``{"code": "unavailable",
"detail": ...}``); every other page answers the site's ``503.html``. Both carry
``Retry-After``. The page is rendered without the request, as Django's own 500 page is, so
it touches neither the session nor the user (both live in the database that is down).

``IntegrityError`` and ``DataError`` are not outages (they are bugs or bad data) and keep
their 500: only ``OperationalError``, ``InterfaceError`` and ``InternalError`` (PostgreSQL's
read-only transaction is one) count.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (OperationalError, InterfaceError, InternalError)
RETRY_AFTER_SECONDS = 60


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def is_outage(exc: BaseException | None) -> bool:
    """``exc`` says the database cannot be reached or written (see the module docstring)."""
    return isinstance(exc, OUTAGE_ERRORS)


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 for ``request``: JSON under /api/, the site's page elsewhere."""
    if _is_api(request):
        response: HttpResponse = JsonResponse(
            {
                "code": "unavailable",
                "detail": gettext(
                    "The service is temporarily unavailable (its database cannot be "
                    "reached or written). Nothing was saved; try again in a minute."
                ),
            },
            status=503,
        )
    else:
        response = HttpResponse(
            loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS}),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    """Turns a database outage raised by a view into :func:`outage_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.error("database unavailable: %s %s", request.method, request.path, exc_info=True)
        return outage_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a 503 when the error being handled is a database outage, otherwise
    the site's 500 page (as Django's default handler renders it: without the request)."""
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    if _is_api(request):
        return JsonResponse(
            {"code": "error", "detail": gettext("A server error occurred.")}, status=500
        )
    return HttpResponseServerError(loader.get_template("500.html").render())
