"""The method's back-test as the public method page shows it: the shipped expert cases,
the engine's answer to each on the current knowledge base, and whether an expert agrees.

Computed once per (method version, dataset version) and kept in the cache: the answer
changes only when the knowledge base or the method does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from advisor.engine import METHOD_VERSION
from advisor.engine.evaluation import evaluate_cases
from clusters.snapshot import get_snapshot

CASES_FILE = Path(settings.BASE_DIR) / "fixtures" / "eval" / "expert_cases.json"
# A day: the key already names the dataset version, so this only bounds stale entries.
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ValidationRow:
    id: str
    sector: str
    keywords: str
    accepted: tuple[str, ...]
    answer: str
    agrees: bool
    city: str | None
    city_found: bool | None
    why: str


def method_validation() -> dict[str, Any]:
    """{"rows": [ValidationRow as dict], "first_hits", "cases", "city_hits", "city_cases",
    "dataset_version", "method_version"} for the shipped cases (cached)."""
    snapshot = get_snapshot()
    key = f"method-validation:{METHOD_VERSION}:{snapshot.version}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    cases = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
    evaluation = evaluate_cases(cases, snapshot)
    rows = [
        ValidationRow(
            id=result.id,
            sector=case["intake"].get("sector", ""),
            keywords=case["intake"].get("keywords", ""),
            accepted=result.accept,
            answer=result.top[0] if result.top else "",
            agrees=result.first_ok,
            city=result.city,
            city_found=result.city_ok,
            why=result.why,
        ).__dict__
        for case, result in zip(cases, evaluation.cases, strict=True)
    ]
    value = {
        "rows": rows,
        "first_hits": evaluation.first_hits,
        "cases": len(evaluation.cases),
        "city_hits": evaluation.city_hits,
        "city_cases": evaluation.city_cases,
        "dataset_version": snapshot.version,
        "method_version": METHOD_VERSION,
    }
    cache.set(key, value, CACHE_SECONDS)
    return value
