"""Back-testing the method: expert cases and the spread of first places over a population.

Plain Python over a snapshot, like the rest of the engine: the caller reads the case file
(``manage.py evaluate_method``, the method page, the tests) and hands over the parsed JSON.

A case (see ``fixtures/eval/expert_cases.json``) is an intake written the way users write
them, the clusters an expert accepts in first place (``accept_top1``), optionally a city
that should be recommended among the first three clusters (``city``), and the public fact
behind the answer (``why``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clusters.snapshot import Snapshot

from .intake import IntakeError, parse_intake
from .method import NEED_MAX, NEED_MIN
from .ranking import rank_many

# Clusters whose cities count for a case's city: the first three of the ranking.
CITY_WITHIN = 3
POPULATION_SIZE = 5000
POPULATION_SEED = 20261130


@dataclass(frozen=True)
class CaseResult:
    id: str
    accept: tuple[str, ...]
    top: tuple[str, ...]  # the ranking's cluster codes, first place first
    city: str | None  # the city the expert expects, if any
    cities: tuple[str, ...]  # recommended cities (with evidence) of the first three clusters
    why: str
    error: str = ""  # the intake did not validate

    @property
    def first_ok(self) -> bool:
        return bool(self.top) and self.top[0] in self.accept

    @property
    def city_ok(self) -> bool | None:
        return None if self.city is None else self.city in self.cities


@dataclass(frozen=True)
class Evaluation:
    cases: tuple[CaseResult, ...]

    @property
    def first_hits(self) -> int:
        return sum(c.first_ok for c in self.cases)

    @property
    def city_cases(self) -> int:
        return sum(c.city is not None for c in self.cases)

    @property
    def city_hits(self) -> int:
        return sum(bool(c.city_ok) for c in self.cases)


def evaluate_cases(cases: Sequence[Mapping[str, Any]], snapshot: Snapshot) -> Evaluation:
    """Rank every case's intake (in English) and compare with the expert's answer.

    Raises ``ValueError`` for a case without ``id``, ``accept_top1`` or ``intake``.
    """
    parsed = []
    results: list[CaseResult | None] = []
    for case in cases:
        try:
            case_id, accept, intake = case["id"], case["accept_top1"], case["intake"]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"an expert case needs id, accept_top1 and intake: {exc}") from exc
        data = {**intake, "language": "en"}
        try:
            parsed.append(parse_intake(data, snapshot))
            results.append(None)
        except IntakeError as exc:
            results.append(CaseResult(case_id, tuple(accept), (), case.get("city"), (),
                                      case.get("why", ""), error=str(exc)))
    ranked = iter(rank_many(parsed, snapshot))
    out = []
    for case, done in zip(cases, results, strict=True):
        if done is not None:
            out.append(done)
            continue
        result = next(ranked)
        top = tuple(e["cluster"] for e in result["ranking"])
        cities = tuple(c["slug"] for e in result["ranking"][:CITY_WITHIN] for c in e["cities"])
        out.append(CaseResult(case["id"], tuple(case["accept_top1"]), top, case.get("city"),
                              cities, case.get("why", "")))
    return Evaluation(tuple(out))


def population_shares(
    snapshot: Snapshot, size: int = POPULATION_SIZE, seed: int = POPULATION_SEED
) -> dict[str, float]:
    """Share of first places per cluster over ``size`` random intakes (seeded): a sector
    drawn uniformly, every need uniform on 0–5, no keywords, no knock-outs. Every cluster
    of the snapshot is a key (0.0 when it never comes first), largest share first."""
    rng = np.random.default_rng(seed)
    sectors = snapshot.sector_codes
    factors = snapshot.factor_codes
    picks = rng.integers(0, len(sectors), size=size)
    needs = rng.integers(NEED_MIN, NEED_MAX + 1, size=(size, len(factors)))
    intakes = [
        parse_intake({"company_name": f"Population {i}", "sector": sectors[k],
                      "language": "en",
                      "needs": dict(zip(factors, map(int, row), strict=True))}, snapshot)
        for i, (k, row) in enumerate(zip(picks.tolist(), needs, strict=True))
    ]
    firsts = Counter(r["ranking"][0]["cluster"] for r in rank_many(intakes, snapshot)
                     if r["ranking"])
    shares = {code: firsts.get(code, 0) / size for code in snapshot.cluster_codes}
    return dict(sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])))
