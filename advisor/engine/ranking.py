"""rank / rank_many: the ranking JSON of docs/ARCHITECTURE.md.

There is one implementation: ``rank(intake)`` is ``rank_many([intake])[0]``. Every number is
computed for the whole batch in NumPy (scoring.py, robustness.py) with row-independent
operations, so an intake's result does not depend on the other intakes in its batch; only
the assembly of each intake's JSON (names, sentences) is a Python loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from django.utils import translation

from clusters.snapshot import Snapshot

from . import explain
from .intake import Intake
from .keywords import normalise
from .method import (
    CLEAR_MARGIN,
    CLEAR_SHARE,
    DIRICHLET_CONCENTRATION,
    METHOD_VERSION,
    ROBUSTNESS_SAMPLES,
    ROBUSTNESS_SEED,
)
from .prepared import BASIS_CODES, Prepared, prepare
from .robustness import flips, sample_counts
from .scoring import (
    Scores,
    best_match,
    contribution_order,
    contribution_tenths,
    inputs_for,
    score,
    tenths,
)


def rank(intake: Intake, snapshot: Snapshot) -> dict[str, Any]:
    """Rank every cluster of ``snapshot`` for one validated intake."""
    return rank_many([intake], snapshot)[0]


def rank_many(intakes: Iterable[Intake], snapshot: Snapshot) -> list[dict[str, Any]]:
    """Rank many intakes at once; each result equals ``rank`` of that intake."""
    intakes = list(intakes)
    if not intakes:
        return []
    return _rank_many(intakes, snapshot)


# Intakes per NumPy pass. Every step is row-independent, so chunking changes no result; it
# keeps each temporary array near 100 KB, where the allocator reuses memory, instead of
# arrays of a megabyte that cost fresh pages on every operation (2-3x slower on the virtual
# machines this runs on; see bench/engine.py).
CHUNK = 1024


def _rank_many(intakes: list[Intake], snapshot: Snapshot) -> list[dict[str, Any]]:
    prep = prepare(snapshot)
    results: list[dict[str, Any]] = []
    for start in range(0, len(intakes), CHUNK):
        part = intakes[start:start + CHUNK]
        found = [company_concepts(prep, i) for i in part]
        scores, numbers = numeric(part, prep, found)
        results.extend(_assemble(prep, part, scores, numbers, found))
    return results


def company_concepts(prep: Prepared, intake: Intake) -> Mapping[str, str]:
    """The concepts of the company's keywords that can be evidence: those found in its text
    (``KeywordIndex.match``), less those where the company's words merely name one of its
    own sectors ("AI" for an AI company says nothing the sector field does not). A phrase
    that only *contains* such a term ("파운드리 공정 장비") still counts."""
    if not intake.keywords:
        return {}
    found = prep.keywords.match(intake.keywords)
    index = prep.sector_index
    named = prep.sector_concepts[index[intake.sector]].union(
        *(prep.sector_concepts[index[s]] for s in intake.secondary_sectors)
    )
    if not named & found.keys():
        return found
    terms = prep.keywords.terms
    return {
        concept: label for concept, label in found.items()
        if concept not in named or concept not in terms.get(normalise(label), ())
    }


def numeric(
    intakes: list[Intake], prep: Prepared, found: list[Mapping[str, str]]
) -> tuple[Scores, dict[str, list[Any]]]:
    """Every number of the results of ``intakes`` (one NumPy pass per step), as plain
    Python lists per intake: indexing those in the assembly loop is far cheaper than
    indexing NumPy arrays element by element."""
    inputs = inputs_for(intakes, prep, found)
    scores = score(inputs, prep)
    counts = sample_counts(scores, prep.factor_codes)
    flip_factor, flip_to = flips(scores, inputs.needs)
    points, needs_t = contribution_tenths(
        scores.weights, scores.denominator, scores.factor_scores, scores.needs_fit
    )
    shares = scores.weights / scores.denominator[:, None]
    # Contributions are listed largest first (ties: factor order), factors the company gave
    # no weight left out: sorted here for the whole batch rather than per cluster in Python.
    weighted = scores.weights > 0
    points_order = contribution_order(points, weighted)
    score_t = tenths(scores.total)
    numbers = {
        "score": score_t.tolist(),
        # Tenths as the floats the JSON shows (t / 10 in NumPy is the same IEEE division
        # as in Python, so the values are identical, without a division per number).
        "score_f": (score_t / 10).tolist(),
        "sector_fit": (tenths(scores.sector_fit) / 10).tolist(),
        "needs_fit": (needs_t / 10).tolist(),
        "points": points.tolist(),
        "points_order": points_order.tolist(),
        "listed": weighted.sum(axis=1).tolist(),
        "weight": (np.floor(shares * 1000 + 0.5) / 1000).tolist(),
        "needs": scores.weights.astype(np.int64).tolist(),
        "primary": (tenths(scores.primary) / 10).tolist(),
        "secondary": (tenths(scores.secondary) / 10).tolist(),
        "has_secondary": scores.has_secondary.tolist(),
        "strength": (tenths(scores.strength) / 10).tolist(),
        "specialisation": (tenths(scores.specialisation) / 10).tolist(),
        "evidence": (tenths(scores.evidence) / 10).tolist(),
        "keyword": (tenths(scores.keyword) / 10).tolist(),
        "order": scores.order.tolist(),
        "ranked": scores.ranked.tolist(),
        "defaulted": scores.defaulted.tolist(),
        "counts": counts.tolist(),
        "flip_factor": flip_factor.tolist(),
        "flip_to": flip_to.tolist(),
    }
    return scores, numbers


def _assemble(
    prep: Prepared,
    intakes: list[Intake],
    scores: Scores,
    numbers: dict[str, list[Any]],
    found: list[Mapping[str, str]],
) -> list[dict[str, Any]]:
    # One translation.override per language, not per intake (it is not free).
    results: list[dict[str, Any]] = [{} for _ in intakes]
    for language in sorted({i.language for i in intakes}):
        with translation.override(language):
            labels = explain.cluster_labels(prep, language)
            for row, intake in enumerate(intakes):
                if intake.language == language:
                    results[row] = _result(prep, intake, row, scores, numbers, found[row],
                                           labels)
    return results


def _pick(texts: Mapping[str, str], language: str) -> str:
    return texts["en" if language.startswith("en") else "ko"]


def _result(
    prep: Prepared,
    intake: Intake,
    row: int,
    scores: Scores,
    numbers: dict[str, list[Any]],
    found: Mapping[str, str],
    labels: list[tuple[str, dict[str, str], str]],
) -> dict[str, Any]:
    language = intake.language
    snapshot = prep.snapshot
    factor_codes = prep.factor_codes
    weights = numbers["needs"][row]
    needs_used = dict(zip(factor_codes, weights, strict=True))
    top = explain.top_needs(needs_used)
    ranked_count = numbers["ranked"][row]
    order = numbers["order"][row]
    score_t = numbers["score"][row]
    score_row = numbers["score_f"][row]
    has_secondary = numbers["has_secondary"][row]
    points_row = numbers["points"][row]
    points_order = numbers["points_order"][row]
    listed = numbers["listed"][row]
    weight_row = numbers["weight"][row]
    sector_row = numbers["sector_fit"][row]
    needs_row = numbers["needs_fit"][row]
    k = prep.sector_index[intake.sector]
    values_k = prep.sector_score_values[k]
    basis_k = prep.basis[k].tolist()
    lq_k = prep.location_quotients[k].tolist()
    evidence_k = prep.evidence_by_sector[k].tolist()
    city_key = (intake.sector, intake.secondary_sectors, tuple(found.items()))
    city_rows = explain.per_cluster_slots(prep, ("cities", city_key))
    sectors = (intake.sector, *intake.secondary_sectors)
    caveat_rows = explain.per_cluster_slots(prep, ("caveats", top, sectors))
    found_set = frozenset(found)
    cluster_codes = prep.cluster_codes

    ranking = []
    for position, c in enumerate(order[:ranked_count]):
        name, names, role = labels[c]
        points = points_row[c]
        values = values_k[c]
        basis = basis_k[c]
        contributions = [
            {"factor": factor_codes[f], "points": points[f] / 10, "weight": weight_row[f],
             "need": weights[f], "factor_score": values[f], "basis": BASIS_CODES[basis[f]]}
            for f in points_order[c][:listed]
        ]
        matched = (sorted({found[key] for key in best_match(prep, c, found_set)})
                   if found else [])
        rows = city_rows[c]
        if rows is None:
            rows = city_rows[c] = explain.city_rows(prep, c, city_key)
        caveat_list = caveat_rows[c]
        if caveat_list is None:
            caveat_list = caveat_rows[c] = explain.caveat_texts(prep, c, top, sectors)
        entry: dict[str, Any] = {
            "rank": position + 1,
            "cluster": cluster_codes[c],
            "name": name,
            "names": dict(names),
            "role": role,
            "score": score_row[c],
            "sector_fit": sector_row[c],
            "needs_fit": needs_row[c],
            "sector_detail": {
                "primary": numbers["primary"][row][c],
                "secondary": numbers["secondary"][row][c] if has_secondary else None,
                "strength": numbers["strength"][row][c],
                "specialisation": numbers["specialisation"][row][c],
                "location_quotient": round(lq_k[c], 2),
                "city_evidence": numbers["evidence"][row][c],
                "specialties": int(evidence_k[c]),
                "keyword": numbers["keyword"][row][c],
                "matched_keywords": matched,
            },
            "contributions": contributions,
            "cities": explain.localise_rows(rows, language),
            "caveats": [_pick(t, language) for t in caveat_list],
            "caveats_i18n": [dict(t) for t in caveat_list],
        }
        if not rows:
            core = explain.core_cities(prep, c)
            note = explain.no_evidence_note(prep, c, intake.sector)
            entry["core_cities"] = [
                {"slug": slug, "name": _pick(names_i18n, language), "name_i18n": dict(names_i18n)}
                for slug, names_i18n in core
            ]
            entry["city_note"] = _pick(note, language)
            entry["city_note_i18n"] = dict(note)
        ranking.append(entry)

    excluded = []
    for c in sorted(order[ranked_count:]):  # in the snapshot's cluster order
        name, names, _role = labels[c]
        below_row = scores.below_minimum(row, c)
        below = tuple(
            (code, values_k[c][f], intake.minimums[code])
            for f, code in enumerate(factor_codes)
            if below_row[f]
        )
        code = prep.cluster_codes[c]
        kind, reasons = explain.excluded_reason(prep, c, code in intake.exclude, below)
        excluded.append(
            {"cluster": code, "name": name, "names": dict(names), "code": kind,
             "reason": _pick(reasons, language), "reason_i18n": reasons}
        )

    return {
        "ranking": ranking,
        "excluded": excluded,
        "robustness": _robustness(prep, intake, order, ranked_count, score_t,
                                  numbers["counts"][row], numbers["flip_factor"][row],
                                  numbers["flip_to"][row]),
        "needs": needs_used,
        "needs_defaulted": numbers["defaulted"][row],
        "matched_keywords": sorted(set(found.values())),
        "language": language,
        "dataset_version": snapshot.version,
        "method_version": METHOD_VERSION,
    }


def _robustness(
    prep: Prepared,
    intake: Intake,
    order: list[int],
    ranked_count: int,
    score_t: list[int],
    counts: list[int],
    flip_factor: int,
    flip_to: int,
) -> dict[str, Any]:
    samples = ROBUSTNESS_SAMPLES
    codes = prep.cluster_codes
    shares = {
        codes[c]: round(counts[c] / samples, 4)
        for c in sorted(range(len(codes)), key=lambda c: (-counts[c], c))
        if counts[c] > 0
    }
    top_share = round(counts[order[0]] / samples, 4) if ranked_count else 0.0
    margin_t = score_t[order[0]] - score_t[order[1]] if ranked_count >= 2 else None
    if ranked_count >= 2:
        clear = margin_t >= round(CLEAR_MARGIN * 10) and top_share >= CLEAR_SHARE
    else:
        clear = ranked_count == 1  # the only cluster left is the answer
    flip = None
    if flip_factor >= 0:
        code = prep.factor_codes[flip_factor]
        flip = {"factor": code, "from_weight": int(intake.needs.get(code, 0)),
                "to_weight": flip_to}
    return {
        "top_share": top_share,
        "shares": shares,
        "samples": samples,
        "seed": ROBUSTNESS_SEED,
        "concentration": DIRICHLET_CONCENTRATION,
        "margin": margin_t / 10 if margin_t is not None else None,
        "clear_winner": bool(clear),
        "runner_up": codes[order[1]] if ranked_count >= 2 else None,
        "flip": flip,
    }
