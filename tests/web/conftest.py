"""Actors and assessments for the web tests.

Assessments are made the real way (parse_intake -> rank -> assessment_create), so the pages
are tested against the ranking JSON the engine actually writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

XSS = "<script>alert(1)</script>"

BASE_NEEDS = {
    "research": 4,
    "manufacturing": 1,
    "market": 3,
    "capital": 2,
    "cost": 2,
    "talent": 5,
    "policy": 2,
    "openness": 1,
    "pilot": 1,
}


def intake_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "company_name": "Sori Labs",
        "sector": "ai",
        "secondary_sectors": ["robotics"],
        "keywords": "speech recognition, 음성인식",
        "stage": "startup",
        "language": "ko",
        "needs": dict(BASE_NEEDS),
    }
    data.update(overrides)
    return data


def form_data(**overrides: Any) -> dict[str, Any]:
    """What a browser posts for the intake form."""
    data: dict[str, Any] = {
        "company_name": "Sori Labs",
        "sector": "ai",
        "secondary_sectors": ["robotics"],
        "keywords": "speech recognition, 음성인식",
        "stage": "startup",
    }
    for code, value in BASE_NEEDS.items():
        data[f"need_{code}"] = str(value)
    data.update(overrides)
    return data


@pytest.fixture
def make_assessment(db, snapshot) -> Callable[..., Any]:
    from advisor.engine import parse_intake
    from advisor.models import Assessment
    from advisor.services import assessment_create

    def make(*, origin: str = Assessment.Origin.PUBLIC, user: Any = None, parent: Any = None,
             **overrides: Any) -> Assessment:
        intake = parse_intake(intake_data(**overrides), snapshot)
        return assessment_create(
            intake=intake, origin=origin, user=user, parent=parent, snapshot=snapshot
        )

    return make


@pytest.fixture
def assessment(make_assessment):
    return make_assessment()


@pytest.fixture
def xss_assessment(make_assessment):
    return make_assessment(company_name=XSS, keywords=XSS)


@pytest.fixture
def non_staff_client(client, other_user):
    client.force_login(other_user)
    return client
