"""Shared pieces of the web views: the polite 429 page, the staff gate, private headers.

``RATELIMIT_VIEW`` in settings points at :func:`ratelimited`; the public views also call it
directly (see :func:`advisor.web.public.rate_limited`), so the page is the same whichever
way a limit is hit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from advisor.access import is_staff

ViewFunc = Callable[..., HttpResponse]


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many submissions from one address: say so, keep the site usable, ask to wait."""
    response = render(request, "429.html", status=429)
    # Clients and proxies may retry after the window; an hour is the longest window we use.
    response["Retry-After"] = "3600"
    return response


def staff_required(view: ViewFunc) -> ViewFunc:
    """Anonymous visitors go to the login page; logged-in non-staff users get a 403.

    A separate decorator rather than ``staff_member_required`` because that one sends
    non-staff users to the admin login, which would hide that they are refused.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def private(response: HttpResponse) -> HttpResponse:
    """Headers for a page reached by a secret link: never cached, indexed or leaked onwards.

    ``same-origin`` keeps the token out of the Referer header of every request to another
    site (a source's page, say), while the page's own forms still send their origin:
    with ``no-referrer`` browsers send ``Origin: null`` and Django's CSRF check refused the
    consultation request and the language switch (issue 13).
    """
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def url_or_none(name: str, *args: Any, query: str = "") -> str | None:
    """A URL of another part of the site that may not be installed yet (briefs, batches),
    so a page links to it once it exists and never fails because it does not."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None
