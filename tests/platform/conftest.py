"""Shared set-up for the bad-input and platform tests: the input files and a fresh cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

INPUTS = Path(__file__).resolve().parent.parent / "data" / "inputs"


def input_path(name: str) -> Path:
    """A file of tests/data/inputs (copied from the inputs that broke the product)."""
    return INPUTS / name


def input_json(name: str) -> Any:
    # utf-8-sig: bom_intake.json starts with a byte-order mark on purpose.
    return json.loads(input_path(name).read_text("utf-8-sig"))


@pytest.fixture
def memory_cache(settings):
    """An empty in-memory cache, so rate-limit counters start from zero in each test."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "platform-tests"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def assessment(snapshot):
    """A stored public assessment (Sori Labs, the design example's company)."""
    from advisor.engine import parse_intake
    from advisor.services import assessment_create

    intake = parse_intake(
        {"company_name": "Sori Labs", "sector": "ai", "keywords": "speech recognition",
         "language": "ko"},
        snapshot,
    )
    return assessment_create(intake=intake, origin="public", snapshot=snapshot)
