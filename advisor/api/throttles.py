"""Rate limits for the API, counted in the shared cache (Redis or the database).

The counters live in ``django.core.cache`` so every app process sees the same numbers; a
limit that each gunicorn worker counted on its own would multiply with the worker count.

DRF reads the rates into a class attribute once, at import; these classes read them at
request time instead, so a deployment's environment and a test's ``override_settings`` both
take effect without restarting anything.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from advisor.clientip import client_ip


class _LiveRate:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request: Request) -> str:
        # One client address for every limit (the forms', the logins', these).
        return client_ip(request)


class AnonThrottle(_LiveRate, AnonRateThrottle):
    """Anonymous reads: generous, only there to blunt scraping."""

    scope = "anon"


class UserThrottle(_LiveRate, UserRateThrottle):
    """Authenticated clients (staff, API tokens), counted per user across processes."""

    scope = "user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        # DRF's UserRateThrottle counts anonymous callers by address as well, which would
        # hold them to two limits at once; the anonymous throttles already cover them.
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class AnonAssessThrottle(_LiveRate, AnonRateThrottle):
    """Anonymous assessments: each one writes a row, so the limit is low (API_ANON_ASSESS_RATE)."""

    scope = "anon_assess"


class AnonWhatIfThrottle(_LiveRate, AnonRateThrottle):
    """Anonymous what-if re-rankings: nothing is saved, so a higher limit than assessments."""

    scope = "anon_whatif"
