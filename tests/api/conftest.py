"""Actors and bodies for the API tests: an anonymous client, staff by session and by token,
a non-staff user, and a valid intake (the example of DESIGN.md)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

INTAKE: dict[str, Any] = {
    "company_name": "Sori Labs",
    "sector": "ai",
    "secondary_sectors": ["robotics"],
    "keywords": "speech recognition, 음성인식",
    "stage": "startup",
    "language": "ko",
    "needs": {"research": 4, "manufacturing": 0, "market": 3, "capital": 2, "cost": 2,
              "talent": 5, "policy": 2, "openness": 1, "pilot": 1},
    "exclude": ["west_hub"],
    "minimums": {"cost": 40},
}


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """An empty in-memory cache for each test.

    Rate-limit counters live in the cache, and a test must not inherit another's. In memory
    rather than the default database cache so that the pinned query counts are the view's
    own: with the database cache every throttle adds a constant few queries (with Redis in
    production, none). The shared-cache behaviour is shown by test_multiprocess.py.
    """
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "api-tests"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def intake() -> dict[str, Any]:
    return copy.deepcopy(INTAKE)


@pytest.fixture
def api() -> APIClient:
    """Anonymous, with CSRF checks on as in production."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def staff_api(staff_user) -> APIClient:
    """Staff through an API token (no session, so no CSRF)."""
    client = APIClient(enforce_csrf_checks=True)
    token = Token.objects.create(user=staff_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def staff_session(staff_user) -> APIClient:
    """Staff logged in through a browser session (CSRF enforced)."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


@pytest.fixture
def user_api(other_user) -> APIClient:
    """A logged-in API user who is not staff."""
    client = APIClient(enforce_csrf_checks=True)
    token = Token.objects.create(user=other_user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def make_assessment(snapshot: Any, user: Any = None, **changes: Any):
    """An assessment made the way the API makes one (engine + service)."""
    from advisor.engine import parse_intake
    from advisor.services import assessment_create

    data = {**copy.deepcopy(INTAKE), **changes}
    return assessment_create(
        intake=parse_intake(data, snapshot), origin="api", user=user, snapshot=snapshot
    )
