"""The method's back-test on the shipped expert cases (fixtures/eval/expert_cases.json).

Issue 11's bar: at least 16 of the 18 first places an expert accepts, and at least 4 of the
5 expected cities among the first three clusters. Misses are printed (``pytest -s``, and in
the failure message) so that a change of data or method shows which answers moved.
"""

from __future__ import annotations

import json
from pathlib import Path

from advisor.engine.evaluation import evaluate_cases

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "eval" / "expert_cases.json"
MIN_FIRST = 16
MIN_CITIES = 4


def test_the_method_agrees_with_the_experts(snapshot):
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    evaluation = evaluate_cases(cases, snapshot)
    misses = [
        f"{c.id}: first {c.top[:3]}, accepted {list(c.accept)}" for c in evaluation.cases
        if not c.first_ok
    ] + [
        f"{c.id}: city {c.city} not named (named {list(c.cities)})" for c in evaluation.cases
        if c.city_ok is False
    ]
    for line in misses:
        print("MISS", line)
    assert len(cases) >= 18
    assert evaluation.first_hits >= MIN_FIRST, "\n".join(misses)
    assert evaluation.city_hits >= MIN_CITIES, "\n".join(misses)


def test_no_case_is_refused_by_the_intake_validation(snapshot):
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    assert [c.error for c in evaluate_cases(cases, snapshot).cases if c.error] == []
