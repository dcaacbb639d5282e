"""What every API view shares: the language switch and the default rate limits."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from rest_framework.request import Request

from advisor.api.throttles import AnonThrottle, UserThrottle

LANGUAGES = ("ko", "en")


def request_language(request: Request) -> str | None:
    """``?lang=ko|en`` if given (and valid); otherwise LocaleMiddleware already chose one from
    Accept-Language. An unknown value is ignored rather than refused: it only picks words."""
    lang = request.query_params.get("lang", "")
    return lang if lang in LANGUAGES else None


class APIMixin:
    """Mixed into every API view (before the DRF class)."""

    throttle_classes: Any = [AnonThrottle, UserThrottle]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        lang = request_language(request)
        if lang:
            # Activated before authentication and throttling, so their errors use it too.
            # LocaleMiddleware activates afresh for every request, so nothing leaks.
            translation.activate(lang)
            request._request.LANGUAGE_CODE = lang
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

