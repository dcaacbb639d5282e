"""needs_fit, sector_fit, total, knock-outs and the order: arrays over (intakes x clusters).

Everything here works on a batch of n intakes at once; a single intake is a batch of one.
Sums over factors are written as explicit loops over the (few) factor columns rather than as
matrix products: a BLAS product may add in a different order depending on the batch shape,
and the single and the batch path must agree to the last bit (ties and rounding depend on
it). Each step is still one NumPy operation over the whole batch.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .intake import Intake
from .method import (
    KEYWORD_BONUS_MAX,
    KEYWORD_POINTS,
    NEED_DEFAULT,
    NEEDS_WEIGHT,
    PRIMARY_SHARE,
    SECONDARY_MAX,
    SECONDARY_SHARE,
    SECTOR_WEIGHT,
)
from .prepared import Prepared


@dataclass(frozen=True)
class Inputs:
    """The intakes as arrays (n intakes, F factors, C clusters)."""

    needs: np.ndarray  # (n, F) the needs as given, 0–5
    primary: np.ndarray  # (n,) sector column of the primary sector
    secondary: np.ndarray  # (n, SECONDARY_MAX) sector columns, -1 = none
    matches: np.ndarray  # (n, C) keyword concepts matched in the cluster's specialties
    excluded: np.ndarray  # (n, C) bool: the company excluded this cluster
    minimums: np.ndarray  # (n, F) required factor score, 0 = none


@dataclass(frozen=True)
class Scores:
    weights: np.ndarray  # (n, F) needs, or NEED_DEFAULT everywhere when all needs are 0
    defaulted: np.ndarray  # (n,) bool
    numerator: np.ndarray  # (n, C) sum_f w_f * s_cf
    denominator: np.ndarray  # (n,) sum_f w_f
    needs_fit: np.ndarray  # (n, C)
    primary: np.ndarray  # (n, C) 0–100
    secondary: np.ndarray  # (n, C) mean over secondary sectors, 0–100 (0 without any)
    has_secondary: np.ndarray  # (n,) bool
    bonus: np.ndarray  # (n, C)
    sector_fit: np.ndarray  # (n, C)
    total: np.ndarray  # (n, C)
    below_minimum: np.ndarray  # (n, C, F) bool
    knocked: np.ndarray  # (n, C) bool
    order: np.ndarray  # (n, C) cluster indices, ranked first; knocked-out ones last
    ranked: np.ndarray  # (n,) how many clusters are ranked (not knocked out)


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
            rows.append(tuple(intake.needs.get(f, NEED_DEFAULT) for f in prep.factor_codes))
    needs = np.array(rows, dtype=float).reshape(n, nf)
    si = prep.sector_index
    primary = np.array([si[i.sector] for i in intakes], dtype=np.intp)
    minimums = np.zeros((n, nf))
    secondary = np.full((n, SECONDARY_MAX), -1, dtype=np.intp)
    matches = np.zeros((n, nc))
    excluded = np.zeros((n, nc), dtype=bool)
    fi, ci = prep.factor_index, prep.cluster_index
    for row, (intake, found) in enumerate(zip(intakes, concepts, strict=True)):
        if intake.minimums:
            for f, value in intake.minimums.items():
                minimums[row, fi[f]] = value
        if intake.secondary_sectors:
            for k, code in enumerate(intake.secondary_sectors[:SECONDARY_MAX]):
                secondary[row, k] = si[code]
        if intake.exclude:
            for code in intake.exclude:
                excluded[row, ci[code]] = True
        if found:
            keys = found.keys()
            matches[row] = [len(keys & cc) for cc in prep.cluster_concepts]
    return Inputs(needs, primary, secondary, matches, excluded, minimums)


def effective_weights(needs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All-zero needs say nothing about priorities: use the documented default instead."""
    defaulted = ~(needs > 0).any(axis=1)
    if not defaulted.any():
        return needs, defaulted
    weights = np.where(defaulted[:, None], float(NEED_DEFAULT), needs)
    return weights, defaulted


def weighted_sum(weights: np.ndarray, scores: np.ndarray, *, integral: bool = False
                 ) -> np.ndarray:
    """sum_f w[i, f] * s[c, f] as (n, C), the same bits whatever the batch.

    With whole weights (0–5) and whole scores (0–100, as the knowledge base stores them)
    every product and partial sum is a small integer, exact in floating point: any order of
    addition gives the same result, so one matrix product is safe. Otherwise the factors are
    added one by one in a fixed order.
    """
    if integral:
        return weights @ scores.T
    total = np.zeros((weights.shape[0], scores.shape[0]))
    for f in range(scores.shape[1]):
        total += weights[:, f, None] * scores[None, :, f]
    return total


def score(inputs: Inputs, prep: Prepared) -> Scores:
    weights, defaulted = effective_weights(inputs.needs)
    numerator = weighted_sum(weights, prep.scores, integral=prep.integral)
    denominator = weights.sum(axis=1)  # whole numbers: exact in any order
    needs_fit = numerator / denominator[:, None]

    # (sectors + 1, C), contiguous, the last row all zeros: index -1 ("no sector") reads 0.
    by_sector = prep.strengths_by_sector
    primary = by_sector[inputs.primary]  # (n, C)
    secondary_sum = np.zeros_like(primary)
    # Secondary sectors are stored left-aligned: only the columns some intake uses.
    present = inputs.secondary >= 0
    count = present.sum(axis=1)
    for k in range(int(count.max(initial=0))):
        secondary_sum += by_sector[inputs.secondary[:, k]]
    has_secondary = count > 0
    secondary = secondary_sum / np.maximum(count, 1)[:, None]
    base = np.where(
        has_secondary[:, None],
        PRIMARY_SHARE * primary + SECONDARY_SHARE * secondary,
        (PRIMARY_SHARE + SECONDARY_SHARE) * primary,
    )
    bonus = np.minimum(KEYWORD_BONUS_MAX, KEYWORD_POINTS * inputs.matches)
    sector_fit = np.minimum(100.0, base + bonus)
    total = SECTOR_WEIGHT * sector_fit + NEEDS_WEIGHT * needs_fit

    # A minimum of 0 asks for nothing; a missing score cannot meet a positive minimum.
    n, nc, nf = primary.shape[0], prep.scores.shape[0], prep.scores.shape[1]
    below_minimum = np.zeros((n, nc, nf), dtype=bool)
    knocked = inputs.excluded.copy()
    rows = np.flatnonzero(inputs.minimums.any(axis=1))  # only intakes that set a minimum
    if rows.size:
        # Reduce over factors only where a minimum was set: most intakes set none.
        mins = inputs.minimums[rows, None, :]
        below = (mins > 0) & (prep.missing[None] | (prep.scores[None] < mins))
        below_minimum[rows] = below
        knocked[rows] |= below.any(axis=2)
    order = rank_order(total, knocked)
    ranked = (~knocked).sum(axis=1)
    return Scores(
        weights, defaulted, numerator, denominator, needs_fit, primary, secondary,
        has_secondary, bonus, sector_fit, total, below_minimum, knocked, order, ranked,
    )


def rank_order(total: np.ndarray, knocked: np.ndarray) -> np.ndarray:
    """Highest total first; ties keep the snapshot's cluster order; knocked-out ones last."""
    key = np.where(knocked, np.inf, -total)
    return np.argsort(key, axis=1, kind="stable")


def tenths(values: np.ndarray) -> np.ndarray:
    """Round to one decimal, as integer tenths (half up), the one rounding of every score."""
    return np.floor(np.asarray(values) * 10.0 + 0.5).astype(np.int64)


def contribution_tenths(
    weights: np.ndarray, denominator: np.ndarray, scores: np.ndarray, needs_fit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-factor points (n, C, F) and needs_fit (n, C), in tenths, adding up exactly.

    Points are w_f * s_cf / sum(w); each is floored to a tenth and the tenths still missing to
    reach the rounded needs_fit go to the largest remainders (ties: factor order), so the
    rounded contributions sum to the rounded needs_fit that is displayed.
    """
    exact = weights[:, None, :] * scores[None, :, :] / denominator[:, None, None] * 10.0
    floors = np.floor(exact)
    remainders = exact - floors
    target = tenths(needs_fit)
    missing = target - floors.sum(axis=2).astype(np.int64)
    # Bounded by the count of factors (it is in [0, F] by construction, clipped for safety).
    missing = np.clip(missing, 0, exact.shape[2])
    order = np.argsort(-remainders, axis=2, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(exact.shape[2])[None, None, :], axis=2)
    points = floors.astype(np.int64) + (position < missing[:, :, None])
    return points, points.sum(axis=2)
