"""A health check for the load balancer: can this process reach its database and cache?

It reports, it does not fix: a 503 (the database does not answer) takes the process out of
rotation until it does; the shared cache down is reported as "degraded" with a 200, since
the process still serves (docs/SECURITY.md, "When a part is down").
No authentication (a stray Authorization header must not fail it) and no rate limit.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from advisor.api import schema
from advisor.api.base import APIMixin

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the log says which
        logger.exception("health check: database unreachable")
        return False


def _cache_ok() -> bool:
    # Round-trip a random value through the *shared* cache (behind advisor.cache's fallback,
    # which would answer from process memory): rate limits depend on it.
    shared = getattr(cache, "primary", cache)
    key, value = "healthz", secrets.token_hex(8)
    try:
        shared.set(key, value, 10)
        return shared.get(key) == value
    except Exception:
        logger.exception("health check: cache unreachable")
        return False


_OK = {"status": "ok", "database": "ok", "cache": "ok"}
_DOWN = {"status": "error", "database": "error", "cache": "ok"}


class Health(APIMixin, APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        tags=["operations"],
        summary="Health check / 상태 확인",
        responses={
            200: OpenApiResponse(
                schema.HealthDoc,
                description="The database answers (the shared cache too, or 'degraded').",
                examples=[OpenApiExample("ok", value=_OK)],
            ),
            503: OpenApiResponse(schema.HealthDoc, description="Something is down.",
                                 examples=[OpenApiExample("down", value=_DOWN)]),
        },
    )
    def get(self, request: Request) -> Response:
        database, cache_ = _database_ok(), _cache_ok()
        # Without the shared cache the process still serves (limits count in its memory,
        # advisor/cache.py): "degraded", still 200, so a Redis outage does not take every
        # process out of the balancer's rotation. Without the database it cannot serve.
        state = "ok" if database and cache_ else "degraded" if database else "error"
        body = {
            "status": state,
            "database": "ok" if database else "error",
            "cache": "ok" if cache_ else "error",
        }
        return Response(
            body, status=status.HTTP_200_OK if database else status.HTTP_503_SERVICE_UNAVAILABLE
        )
