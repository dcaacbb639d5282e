"""needs_fit, sector_fit, total, knock-outs and the order: arrays over (intakes x clusters).

Everything here works on a batch of n intakes at once; a single intake is a batch of one.
Sums over factors are written as explicit loops over the (few) factor columns rather than as
matrix products: a BLAS product may add in a different order depending on the batch shape,
and the single and the batch path must agree to the last bit (ties and rounding depend on
it). Each step is still one NumPy operation over the whole batch.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .intake import Intake
from .method import (
    EVIDENCE_SHARE,
    KEYWORD_SHARE,
    NEED_DEFAULT,
    NEEDS_WEIGHT,
    PRIMARY_SHARE,
    SECONDARY_MAX,
    SECONDARY_SHARE,
    SECTOR_WEIGHT,
    SPECIALISATION_SHARE,
    STRENGTH_SHARE,
    need_default,
)
from .prepared import Prepared


@dataclass(frozen=True)
class Inputs:
    """The intakes as arrays (n intakes, F factors, C clusters)."""

    needs: np.ndarray  # (n, F) the needs as given, 0–5
    primary: np.ndarray  # (n,) sector column of the primary sector
    # (n, SECONDARY_MAX) sector columns, left-aligned, -1 = none; an intake without
    # secondary sectors has its primary sector in column 0 (see secondary_count).
    secondary: np.ndarray
    # (n, C) share of the company's keyword concepts held by the cluster's best-matching
    # specialty (0–1)
    matches: np.ndarray
    excluded: np.ndarray  # (n, C) bool: the company excluded this cluster
    # Minimum factor scores: few intakes set any, and those that do share a few settings
    # (e.g. cost >= 50), so they are kept as a table of the distinct settings (k, F; 0 =
    # none) and, for each intake that sets one, its row and its entry in the table.
    minimum_table: np.ndarray
    minimum_rows: np.ndarray  # (m,) ascending
    minimum_ids: np.ndarray  # (m,) index into minimum_table
    # Worked out while the arrays are filled, so scoring need not search for them:
    secondary_count: np.ndarray  # (n,) secondary sectors given (left-aligned in secondary)
    any_match: bool  # some intake's keywords matched some cluster's specialties
    any_excluded: bool  # some intake excluded some cluster


@dataclass(frozen=True)
class Scores:
    weights: np.ndarray  # (n, F) needs, or NEED_DEFAULT everywhere when all needs are 0
    defaulted: np.ndarray  # (n,) bool
    factor_scores: np.ndarray  # (n, C, F) sector-conditioned factor scores (§3)
    numerator: np.ndarray  # (n, C) sum_f w_f * s_cf
    denominator: np.ndarray  # (n,) sum_f w_f
    needs_fit: np.ndarray  # (n, C)
    primary: np.ndarray  # (n, C) 0–100: the primary sector's strength
    # (n, C) mean over the secondary sectors, 0–100 (the primary's strength without any)
    secondary: np.ndarray
    has_secondary: np.ndarray  # (n,) bool
    strength: np.ndarray  # (n, C) the strength part of sector_fit, 0–100
    specialisation: np.ndarray  # (n, C) the specialisation part, 0–100
    evidence: np.ndarray  # (n, C) the city-evidence part, 0–100
    keyword: np.ndarray  # (n, C) the keyword part, 0–100
    sector_fit: np.ndarray  # (n, C)
    total: np.ndarray  # (n, C)
    # (m, C, F) bool for the m intakes that set minimums (minimum_rows, ascending): which
    # minimums each cluster misses.
    below: np.ndarray
    minimum_rows: np.ndarray
    knocked: np.ndarray  # (n, C) bool
    order: np.ndarray  # (n, C) cluster indices, ranked first; knocked-out ones last
    ranked: np.ndarray  # (n,) how many clusters are ranked (not knocked out)

    def below_minimum(self, row: int, cluster: int) -> list[bool]:
        """Per factor: does ``cluster`` miss the minimum intake ``row`` set for it?"""
        at = int(np.searchsorted(self.minimum_rows, row))
        if at < len(self.minimum_rows) and self.minimum_rows[at] == row:
            return self.below[at, cluster].tolist()
        return [False] * self.below.shape[2]


def inputs_for(
    intakes: Sequence[Intake], prep: Prepared, concepts: Sequence[Mapping[str, str]]
) -> Inputs:
    n, nf, nc = len(intakes), len(prep.factor_codes), len(prep.cluster_codes)
    # Parsed intakes hold every factor; one C-level itemgetter per intake reads them in the
    # snapshot's order (a hand-built Intake may leave some out: those get the default).
    pick = operator.itemgetter(*prep.factor_codes)
    rows = []
    for intake in intakes:
        try:
            rows.append(pick(intake.needs))
        except KeyError:
            rows.append(tuple(intake.needs.get(f, need_default(f)) for f in prep.factor_codes))
    needs = np.fromiter(itertools.chain.from_iterable(rows), dtype=float, count=n * nf)
    needs = needs.reshape(n, nf)
    si = prep.sector_index
    primary = np.array([si[i.sector] for i in intakes], dtype=np.intp)
    # The rarer parts are gathered as (row, column, value) lists and written into the arrays
    # in one indexed assignment each: setting NumPy elements one by one cost more than the
    # rest of this function.
    fi, ci = prep.factor_index, prep.cluster_index
    min_rows: list[int] = []
    min_ids: list[int] = []
    min_settings: dict[tuple[tuple[int, float], ...], int] = {}
    sec_at: tuple[list[int], list[int], list[int]] = ([], [], [])
    excl_at: tuple[list[int], list[int]] = ([], [])
    match_rows: list[int] = []
    match_counts: list[tuple[int, ...]] = []
    counts_cache = prep.explain_cache
    for row, (intake, found) in enumerate(zip(intakes, concepts, strict=True)):
        if intake.minimums:
            setting = tuple(sorted((fi[f], v) for f, v in intake.minimums.items() if v > 0))
            if setting:
                min_rows.append(row)
                min_ids.append(min_settings.setdefault(setting, len(min_settings)))
        if intake.secondary_sectors:
            for k, code in enumerate(intake.secondary_sectors[:SECONDARY_MAX]):
                sec_at[0].append(row)
                sec_at[1].append(k)
                sec_at[2].append(si[code])
        if intake.exclude:
            for code in intake.exclude:
                excl_at[0].append(row)
                excl_at[1].append(ci[code])
        if found:
            # The share of the company's concepts that the cluster's best-matching specialty
            # holds depends on the set of concepts only: cached.
            key = ("match-counts", frozenset(found))
            counts = counts_cache.get(key)
            if counts is None:
                counts = tuple(len(best_match(prep, c, key[1])) / len(key[1])
                               for c in range(len(prep.cluster_codes)))
                counts_cache[key] = counts
            match_rows.append(row)
            match_counts.append(counts)
    minimum_table = np.zeros((len(min_settings), nf))
    for setting, k in min_settings.items():
        for f, value in setting:
            minimum_table[k, f] = value
    secondary = np.full((n, SECONDARY_MAX), -1, dtype=np.intp)
    secondary[sec_at[0], sec_at[1]] = sec_at[2]
    secondary_count = np.bincount(np.asarray(sec_at[0], dtype=np.intp), minlength=n)
    # Without secondary sectors the primary counts for them too (base = 0.85 * primary):
    # every row then has the same formula, and scoring needs no branch per row.
    alone = secondary_count == 0
    secondary[alone, 0] = primary[alone]
    excluded = np.zeros((n, nc), dtype=bool)
    excluded[excl_at[0], excl_at[1]] = True
    matches = np.zeros((n, nc))
    if match_rows:
        matches[match_rows] = match_counts
    return Inputs(
        needs, primary, secondary, matches, excluded, minimum_table,
        np.asarray(min_rows, dtype=np.intp), np.asarray(min_ids, dtype=np.intp),
        secondary_count, any_match=any(any(c) for c in match_counts),
        any_excluded=bool(excl_at[0]),
    )


def best_match(prep: Prepared, cluster: int, found: frozenset[str]) -> frozenset[str]:
    """The company's concepts found in the cluster's best-matching city specialty (the one
    sharing most of them; ties: the first in the knowledge base's order).

    Keyword evidence counts one specialty, not the union over the cluster's cities: a large
    cluster whose many specialties each echo a generic word would otherwise collect more
    matches for its size alone (§4 of docs/METHODOLOGY.md)."""
    key = ("best-match", cluster, found)
    best = prep.explain_cache.get(key)
    if best is None:
        best = frozenset()
        if found & prep.cluster_concepts[cluster]:
            for item in prep.cluster_specialties[cluster]:
                shared = found & item.concepts
                if len(shared) > len(best):
                    best = shared
        prep.explain_cache[key] = best
    return best  # type: ignore[return-value]


def effective_weights(needs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(weights, defaulted, sum of weights): all-zero needs say nothing about priorities,
    so the documented default applies to them instead."""
    total = needs.sum(axis=1)  # whole numbers: exact in any order
    # Needs are 0-5, so only all-zero needs sum to 0 (the general test is kept for others).
    if needs.size and needs.min() >= 0:
        defaulted = total == 0
    else:
        defaulted = needs.max(axis=1, initial=0.0) <= 0
    if not defaulted.any():
        return needs, defaulted, total
    weights = np.where(defaulted[:, None], float(NEED_DEFAULT), needs)
    return weights, defaulted, weights.sum(axis=1)


def weighted_sum(weights: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """sum_f w[i, f] * s[i, c, f] as (n, C), the same bits whatever the batch.

    The factors are added one by one in a fixed order (not as a BLAS product, whose order of
    addition may depend on the batch shape), so a row's result never depends on its batch.
    """
    total = np.zeros(scores.shape[:2])
    for f in range(scores.shape[2]):
        total += weights[:, f, None] * scores[:, :, f]
    return total


def keyword_part(coverage: np.ndarray) -> np.ndarray:
    """The keyword part of sector_fit, 0–100: the share of the company's concepts that the
    cluster's best-matching specialty holds (§4), as a percentage."""
    return 100.0 * coverage


def score(inputs: Inputs, prep: Prepared) -> Scores:
    """Every cluster's scores for every intake, the knock-outs and the order (§3–§5)."""
    weights, defaulted, denominator = effective_weights(inputs.needs)
    # Each intake judges the factors for its own primary sector: (n, C, F).
    factor_scores = prep.sector_scores[inputs.primary]
    numerator = weighted_sum(weights, factor_scores)
    needs_fit = numerator / denominator[:, None]

    # (sectors + 1, C) tables, the last row all zeros: index -1 ("no sector") reads 0.
    by_sector = prep.strengths_by_sector
    primary = by_sector[inputs.primary]  # (n, C)
    count = inputs.secondary_count
    secondary = by_sector[inputs.secondary[:, 0]]
    widest = int(count.max(initial=0))
    for k in range(1, widest):  # left-aligned: only the columns some intake uses
        secondary = secondary + by_sector[inputs.secondary[:, k]]
    if widest > 1:
        secondary = secondary / np.maximum(count, 1)[:, None]
    # Without secondary sectors the primary counts for them too (see inputs_for).
    strength = PRIMARY_SHARE * primary + SECONDARY_SHARE * secondary
    specialisation = prep.specialisation_by_sector[inputs.primary]
    evidence = np.where(prep.evidence_by_sector[inputs.primary] > 0, 100.0, 0.0)
    keyword = keyword_part(inputs.matches)
    sector_fit = (STRENGTH_SHARE * strength + SPECIALISATION_SHARE * specialisation
                  + EVIDENCE_SHARE * evidence + KEYWORD_SHARE * keyword)
    np.minimum(sector_fit, 100.0, out=sector_fit)
    total = SECTOR_WEIGHT * sector_fit + NEEDS_WEIGHT * needs_fit

    # A minimum of 0 asks for nothing; a missing score cannot meet a positive minimum.
    rows = inputs.minimum_rows
    nc = factor_scores.shape[1]
    mins = inputs.minimum_table[inputs.minimum_ids][:, None, :]  # (m, 1, F)
    missing = prep.sector_missing[inputs.primary[rows]]  # (m, C, F)
    below = (mins > 0) & (missing | (factor_scores[rows] < mins))
    if rows.size or inputs.any_excluded:
        knocked = inputs.excluded.copy()
        knocked[rows] |= below.any(axis=2)
        ranked = nc - knocked.sum(axis=1)
    else:
        knocked = inputs.excluded
        ranked = np.full(len(primary), nc)
    order = rank_order(total, knocked)
    return Scores(
        weights, defaulted, factor_scores, numerator, denominator, needs_fit, primary,
        secondary, count > 0, strength, specialisation, evidence, keyword, sector_fit, total,
        below, rows, knocked, order, ranked,
    )


def rank_order(total: np.ndarray, knocked: np.ndarray) -> np.ndarray:
    """Highest total first; ties keep the snapshot's cluster order; knocked-out ones last."""
    key = np.negative(total)
    key[knocked] = np.inf
    return np.argsort(key, axis=1, kind="stable")


def tenths(values: np.ndarray) -> np.ndarray:
    """Round to one decimal, as integer tenths (half up), the one rounding of every score."""
    return np.floor(np.asarray(values) * 10.0 + 0.5).astype(np.int64)


def contribution_tenths(
    weights: np.ndarray, denominator: np.ndarray, scores: np.ndarray, needs_fit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-factor points (n, C, F) and needs_fit (n, C), in tenths, adding up exactly.

    ``scores`` is (n, C, F). Points are w_f * s_cf / sum(w); each is floored to a tenth and
    the tenths still missing to reach the rounded needs_fit go to the largest remainders
    (ties: factor order) — the largest-remainder (Hamilton) method — so the rounded
    contributions sum to the rounded needs_fit that is displayed.

    With whole weights and whole scores (the knowledge base stores integers) the remainders
    are compared exactly: 10 * w_f * s_cf = q * sum(w) + r in integers, and r decides, so two
    equal remainders tie exactly and go by factor order (in floating point they could differ
    in the last bit).
    """
    target = tenths(needs_fit)
    den = denominator[:, None, None]
    if _is_whole(weights) and _is_whole(scores):
        product = (scores * 10).astype(np.int64) * weights.astype(np.int64)[:, None, :]
        den_i = den.astype(np.int64)
        floors, remainders = np.divmod(product, den_i)
    else:
        exact = weights[:, None, :] * scores * 10.0 / den
        floors = np.floor(exact).astype(np.int64)
        remainders = exact - floors
    missing = target - floors.sum(axis=2)
    # In [0, F] by construction; clipped so a rounding surprise can never add a whole point.
    missing = np.clip(missing, 0, scores.shape[2])
    # Largest remainder first; a stable sort keeps factor order among equal remainders.
    order = np.argsort(-remainders, axis=2, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(scores.shape[2])[None, None, :], axis=2)
    points = floors + (position < missing[:, :, None])
    return points, points.sum(axis=2)


def _is_whole(values: np.ndarray) -> bool:
    return bool(values.size == 0 or np.all(values == np.round(values)))


def contribution_order(points: np.ndarray, listed: np.ndarray) -> np.ndarray:
    """(n, C, F) factor indices by points, largest first (ties: factor order), for the
    factors ``listed`` (n, F bool); a row's entries after its listed count are -1."""
    nf = points.shape[2]
    # Points are never negative, so an unlisted factor's key of -1 sorts after every listed
    # one; a stable sort keeps factor order among equal points.
    keys = np.where(listed[:, None, :], points, -1)
    order = np.argsort(-keys, axis=2, kind="stable")
    counts = listed.sum(axis=1)
    return np.where(np.arange(nf)[None, None, :] < counts[:, None, None], order, -1)
