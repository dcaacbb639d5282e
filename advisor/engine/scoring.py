"""needs_fit, sector_fit, total, knock-outs and the order: arrays over (intakes x clusters).

Everything here works on a batch of n intakes at once; a single intake is a batch of one.
Sums over factors are written as explicit loops over the (few) factor columns rather than as
matrix products: a BLAS product may add in a different order depending on the batch shape,
and the single and the batch path must agree to the last bit (ties and rounding depend on
it). Each step is still one NumPy operation over the whole batch.
"""

from __future__ import annotations

import functools
import itertools
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
    # (n, SECONDARY_MAX) sector columns, left-aligned, -1 = none; an intake without
    # secondary sectors has its primary sector in column 0 (see secondary_count).
    secondary: np.ndarray
    matches: np.ndarray  # (n, C) keyword concepts matched in the cluster's specialties
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
    numerator: np.ndarray  # (n, C) sum_f w_f * s_cf
    denominator: np.ndarray  # (n,) sum_f w_f
    needs_fit: np.ndarray  # (n, C)
    primary: np.ndarray  # (n, C) 0–100
    # (n, C) mean over the secondary sectors, 0–100 (the primary's strength without any)
    secondary: np.ndarray
    has_secondary: np.ndarray  # (n,) bool
    bonus: np.ndarray  # (n, C)
    sector_fit: np.ndarray  # (n, C)
    total: np.ndarray  # (n, C)
    # (k, C, F) bool: which minimums each cluster misses, per distinct minimum setting of
    # Inputs.minimum_table; minimum_rows and minimum_ids say which intake set which.
    below: np.ndarray
    minimum_rows: np.ndarray
    minimum_ids: np.ndarray
    knocked: np.ndarray  # (n, C) bool
    order: np.ndarray  # (n, C) cluster indices, ranked first; knocked-out ones last
    ranked: np.ndarray  # (n,) how many clusters are ranked (not knocked out)

    def below_minimum(self, row: int, cluster: int) -> list[bool]:
        """Per factor: does ``cluster`` miss the minimum intake ``row`` set for it?"""
        at = int(np.searchsorted(self.minimum_rows, row))
        if at < len(self.minimum_rows) and self.minimum_rows[at] == row:
            return self.below[self.minimum_ids[at], cluster].tolist()
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
            rows.append(tuple(intake.needs.get(f, NEED_DEFAULT) for f in prep.factor_codes))
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
            # Matched concepts per cluster depend on the set of concepts only: cached.
            key = ("match-counts", frozenset(found))
            counts = counts_cache.get(key)
            if counts is None:
                counts = tuple(len(key[1] & cc) for cc in prep.cluster_concepts)
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
    """Every cluster's scores for every intake, the knock-outs and the order.

    Written for few passes over the arrays (each NumPy operation is one pass): the engine
    runs this on chunks of intakes small enough to stay in the processor's cache, where the
    number of passes is what costs.
    """
    weights, defaulted, denominator = effective_weights(inputs.needs)
    numerator = weighted_sum(weights, prep.scores, integral=prep.integral)
    needs_fit = numerator / denominator[:, None]

    # (sectors + 1, C), contiguous, the last row all zeros: index -1 ("no sector") reads 0.
    by_sector = prep.strengths_by_sector
    primary = by_sector[inputs.primary]  # (n, C)
    count = inputs.secondary_count
    secondary = by_sector[inputs.secondary[:, 0]]
    widest = int(count.max(initial=0))
    for k in range(1, widest):  # left-aligned: only the columns some intake uses
        secondary += by_sector[inputs.secondary[:, k]]
    if widest > 1:
        secondary /= np.maximum(count, 1)[:, None]
    # base = 0.70 * primary + 0.15 * mean(secondary), which is 0.85 * primary without any.
    sector_fit = np.multiply(primary, PRIMARY_SHARE)
    sector_fit += SECONDARY_SHARE * secondary
    if inputs.any_match:
        bonus = np.multiply(inputs.matches, KEYWORD_POINTS)
        np.minimum(bonus, KEYWORD_BONUS_MAX, out=bonus)
        sector_fit += bonus
    else:
        bonus = np.zeros_like(primary)
    np.minimum(sector_fit, 100.0, out=sector_fit)
    total = np.multiply(sector_fit, SECTOR_WEIGHT)
    total += NEEDS_WEIGHT * needs_fit

    # A minimum of 0 asks for nothing; a missing score cannot meet a positive minimum.
    # Worked out once per distinct setting, then handed to the intakes that chose it.
    mins = inputs.minimum_table[:, None, :]
    below = (mins > 0) & (prep.missing[None] | (prep.scores[None] < mins))  # (k, C, F)
    rows = inputs.minimum_rows
    nc = prep.scores.shape[0]
    if rows.size or inputs.any_excluded:
        knocked = inputs.excluded.copy()
        knocked[rows] |= below.any(axis=2)[inputs.minimum_ids]
        ranked = nc - knocked.sum(axis=1)
    else:
        knocked = inputs.excluded
        ranked = np.full(len(primary), nc)
    order = rank_order(total, knocked)
    return Scores(
        weights, defaulted, numerator, denominator, needs_fit, primary, secondary,
        count > 0, bonus, sector_fit, total, below, rows, inputs.minimum_ids, knocked, order,
        ranked,
    )


def rank_order(total: np.ndarray, knocked: np.ndarray) -> np.ndarray:
    """Highest total first; ties keep the snapshot's cluster order; knocked-out ones last."""
    key = np.negative(total)
    key[knocked] = np.inf
    return np.argsort(key, axis=1, kind="stable")


def tenths(values: np.ndarray) -> np.ndarray:
    """Round to one decimal, as integer tenths (half up), the one rounding of every score."""
    shifted = np.asarray(values) * 10.0 + 0.5
    # Truncation is floor for the non-negative values every score has (and several times
    # faster than np.floor); anything negative takes the general way.
    if shifted.size and shifted.min() < 0:
        return np.floor(shifted).astype(np.int64)
    return shifted.astype(np.int64)


def contribution_tenths(
    weights: np.ndarray, denominator: np.ndarray, scores: np.ndarray, needs_fit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-factor points (n, C, F) and needs_fit (n, C), in tenths, adding up exactly.

    Points are w_f * s_cf / sum(w); each is floored to a tenth and the tenths still missing to
    reach the rounded needs_fit go to the largest remainders (ties: factor order), so the
    rounded contributions sum to the rounded needs_fit that is displayed.
    """
    # The exact path needs whole, non-negative numbers whose products stay small (< 2^20,
    # well inside float32's exact range): the knowledge base and the intake scale give that.
    whole = (
        weights.size > 0 and scores.size > 0
        and _is_whole(weights) and _is_whole(scores)
        and float(weights.min()) >= 0 and float(scores.min()) >= 0
        and float(weights.max()) * float(scores.max()) * 10 < 2**20
    )
    if whole:
        return _contribution_tenths_whole(weights, denominator, scores, needs_fit)
    return _contribution_tenths_float(weights, denominator, scores, needs_fit)


def _is_whole(values: np.ndarray) -> bool:
    # Compared with a truncated copy (np.floor is several times slower on this NumPy).
    return bool(np.all(values == values.astype(np.int64)))


# Intakes per pass of the whole-number contributions: (F x C x chunk) int32 planes of a few
# hundred KB stay in cache and are reused by the allocator, where planes for all 10,000
# intakes at once (3 MB each) cost more in fresh pages than in arithmetic.
_CHUNK = 2048
_INT16_MAX = int(np.iinfo(np.int16).max)
_INT32_MAX = int(np.iinfo(np.int32).max)


def _contribution_tenths_whole(
    weights: np.ndarray, denominator: np.ndarray, scores: np.ndarray, needs_fit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The same for whole weights and scores (the knowledge base stores whole scores), in
    exact integer arithmetic.

    10 * w_f * s_cf = q * sum(w) + r: q tenths are certain, r / sum(w) is the remainder.
    Remainders are ranked with a vectorised sorting network over the F factor planes (a
    per-row argsort of 90,000 rows of 9 cost 15 ms; the network about 1 ms), on the key
    r * 2^k + (F - 1 - f), unique within a row, which puts equal remainders in factor order.
    (The float version ranked some exactly equal remainders by rounding noise instead.)

    Planes are laid out (F, C, n), intakes innermost, so every operation runs over long
    rows; ``points`` is returned as an (n, C, F) view of that layout.
    """
    n, nf = weights.shape
    nc = scores.shape[0]
    tens = (scores.T * 10).astype(np.int32)[:, :, None]  # (F, C, 1)
    w_t = weights.T.astype(np.int32)  # (F, n)
    den = denominator.astype(np.int32)
    target = tenths(needs_fit).T  # (C, n)
    shift = max(1, (nf - 1).bit_length())
    tie = np.arange(nf - 1, -1, -1, dtype=np.int32)[:, None, None]
    small = (int(den.max(initial=1)) << shift) < _INT16_MAX
    points = np.empty((nf, nc, n), dtype=np.int32)
    for start in range(0, n, _CHUNK):
        part = slice(start, min(n, start + _CHUNK))
        d = den[part]
        # order="C": left to itself NumPy may lay a broadcast product out in an order that
        # makes every later operation on it several times slower.
        product = np.multiply(tens, w_t[:, None, part], order="C")  # (F, C, m)
        # Exact: product < 2^24 (checked by the caller), so the float32 quotient is within
        # a rounding error far below 1 / sum(w) of the true one and truncates to floor(a/b).
        floors = (product.astype(np.float32) / d.astype(np.float32)).astype(np.int32)
        keys = product - floors * d  # the remainders, 0 <= r < sum(w)
        keys <<= shift
        keys += tie
        missing = target[:, part] - floors.sum(axis=0, dtype=np.int64)
        missing = np.clip(missing, 0, nf)  # in [0, F] by construction; clipped for safety
        if small:
            keys = keys.astype(np.int16)
        ascending = sort_first_axis(keys)
        # The missing-th largest key is the threshold; none missing -> above every key.
        at = np.minimum(nf - missing, nf - 1)[None]
        threshold = np.take_along_axis(ascending, at, axis=0)
        threshold[missing[None] == 0] = _INT16_MAX if small else _INT32_MAX
        np.add(floors, keys >= threshold, out=points[:, :, part])
    return points.transpose(2, 1, 0), points.sum(axis=0, dtype=np.int64).T


def contribution_order(points: np.ndarray, listed: np.ndarray) -> np.ndarray:
    """(n, C, F) factor indices by points, largest first (ties: factor order), for the
    factors ``listed`` (n, F bool); a row's entries after its listed count are -1. A
    sorting network over the factor planes, as in :func:`_contribution_tenths_whole`."""
    n, nc, nf = points.shape
    shift = max(1, (nf - 1).bit_length())
    mask = (1 << shift) - 1
    planes = points.transpose(2, 1, 0)  # (F, C, n): contiguous when from the whole path
    listed_t = listed.T[:, None, :]  # (F, 1, n)
    tie = np.arange(nf - 1, -1, -1, dtype=np.int64)[:, None, None]
    order = np.empty((nf, nc, n), dtype=np.int64)
    for start in range(0, n, _CHUNK):
        part = slice(start, min(n, start + _CHUNK))
        keys = planes[:, :, part].astype(np.int64)
        keys <<= shift
        keys += tie
        keys = np.where(listed_t[:, :, part], keys, -1)
        if int(keys.max(initial=0)) < _INT32_MAX:
            keys = keys.astype(np.int32)
        descending = sort_first_axis(keys)[::-1]
        order[:, :, part] = np.where(descending >= 0, nf - 1 - (descending & mask), -1)
    return order.transpose(2, 1, 0)


def _contribution_tenths_float(
    weights: np.ndarray, denominator: np.ndarray, scores: np.ndarray, needs_fit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
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


# Below this many positions per plane a plain sort along the planes is faster than the
# network's few dozen whole-array operations (each has a fixed cost of a microsecond or so).
_NETWORK_FROM = 2048


@functools.cache
def sorting_network(size: int) -> tuple[tuple[int, int], ...]:
    """Comparators (i, j), i < j, of Batcher's odd-even merge sort for ``size`` inputs."""
    pairs = []
    p = 1
    while p < size:
        k = p
        while k >= 1:
            for j in range(k % p, size - k, 2 * k):
                for i in range(min(k, size - j - k)):
                    if (i + j) // (2 * p) == (i + j + k) // (2 * p):
                        pairs.append((i + j, i + j + k))
            k //= 2
        p *= 2
    return tuple(pairs)


def sort_first_axis(values: np.ndarray) -> np.ndarray:
    """``np.sort(values, axis=0)``: for many positions by the sorting network over the
    planes ``values[0], values[1], ...`` (see :func:`sort_planes`), for few by np.sort."""
    if values.shape[0] == 0 or values[0].size < _NETWORK_FROM:
        # Few positions (a single intake, say): one sort call beats dozens of tiny ones.
        return np.sort(values, axis=0)
    return np.stack(sort_planes(list(values)))


def sort_planes(planes: list[np.ndarray]) -> list[np.ndarray]:
    """Sort across same-shaped arrays, element by element: afterwards planes[0] <= planes[1]
    <= ... at every position. A few dozen whole-array min/max operations instead of one
    small sort per position."""
    planes = list(planes)
    for i, j in sorting_network(len(planes)):
        low = np.minimum(planes[i], planes[j])
        planes[j] = np.maximum(planes[i], planes[j])
        planes[i] = low
    return planes
