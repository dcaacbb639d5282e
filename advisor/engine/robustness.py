"""How much the first place depends on the exact weights the company gave.

Shares: ROBUSTNESS_SAMPLES weightings are drawn from Dirichlet(k * w / sum(w)) around the
company's weights w (k = DIRICHLET_CONCENTRATION); the clusters are re-ranked under each
(sector_fit unchanged, needs_fit recomputed) and we count who comes first.

A Dirichlet draw is a vector of independent Gamma(alpha_f) draws divided by its sum. We draw
the Gamma column of factor f from a generator seeded by (seed, factor code, alpha_f), so the
samples of an intake depend only on its weights and the seed: the same for `rank` and for
every position in `rank_many`, and the columns can be cached. alpha_f = k * w_f / sum(w)
takes few distinct values (w_f in 1..5, sum(w) in 1..45), so after warm-up no intake draws
anything: it gathers cached columns and scores them, one NumPy pass per chunk of intakes.

Flip: the smallest change of one need (0–5 scale, as the company entered it) after which the
runner-up would rank above the first, all else equal.
"""

from __future__ import annotations

import hashlib
import threading
from fractions import Fraction

import numpy as np

from .method import (
    DIRICHLET_CONCENTRATION,
    NEED_DEFAULT,
    NEED_MAX,
    NEED_MIN,
    NEEDS_WEIGHT,
    ROBUSTNESS_SAMPLES,
    ROBUSTNESS_SEED,
    SECTOR_WEIGHT,
)
from .scoring import Scores

# Intakes scored per pass: (chunk x samples x clusters) doubles stay within a few MB.
_CHUNK = 64

_columns_lock = threading.Lock()
_columns: dict[tuple[int, int, float, str, Fraction], np.ndarray] = {}
# The same columns keyed by the unreduced (weight, total) pair: no Fraction on the hot path.
_by_pair: dict[tuple[int, int, float, str, int, int], np.ndarray] = {}


def _factor_seed(code: str) -> int:
    # A stable integer per factor code (Python's hash() is salted per process).
    return int.from_bytes(hashlib.blake2b(code.encode(), digest_size=8).digest(), "big")


def gamma_column(code: str, share: Fraction, *, seed: int, samples: int,
                 concentration: float) -> np.ndarray:
    """Gamma(concentration * share) draws for one factor, reproducible and cached."""
    key = (seed, samples, concentration, code, share)
    column = _columns.get(key)
    if column is None:
        rng = np.random.default_rng([seed, _factor_seed(code), share.numerator, share.denominator])
        column = rng.gamma(concentration * float(share), size=samples)
        column.setflags(write=False)
        with _columns_lock:
            _columns[key] = column
    return column


def sample_counts(
    scores: Scores, factor_codes: tuple[str, ...], *,
    seed: int = ROBUSTNESS_SEED, samples: int = ROBUSTNESS_SAMPLES,
    concentration: float = DIRICHLET_CONCENTRATION,
) -> np.ndarray:
    weights = scores.weights
    n, nf = weights.shape
    cluster_scores = scores.factor_scores  # (n, C, F): each intake's sector-conditioned scores
    nc = cluster_scores.shape[1]
    # One table of the distinct columns this batch needs; row 0 is "weight 0, always 0".
    # Weights are small integers: key each cell by (factor, w, sum w) and look up only the
    # distinct keys (a few hundred at most), not every cell.
    w = weights.astype(np.int64)
    totals = w.sum(axis=1)
    keys = (np.arange(nf)[None, :] * 1_000_000 + w * 1_000 + totals[:, None]).ravel()
    unique, inverse = np.unique(keys, return_inverse=True)
    table: list[np.ndarray] = []
    for key in unique.tolist():
        f, rest = divmod(key, 1_000_000)
        weight, total = divmod(rest, 1_000)
        if weight == 0:
            table.append(np.zeros(samples))
            continue
        pair = (seed, samples, concentration, factor_codes[f], weight, total)
        column = _by_pair.get(pair)
        if column is None:
            column = _by_pair[pair] = gamma_column(
                factor_codes[f], Fraction(weight, total), seed=seed, samples=samples,
                concentration=concentration,
            )
        table.append(column)
    column_index = inverse.reshape(n, nf)
    stacked = np.stack(table)  # (K, samples)

    # With g the gamma draws (weights before normalising), a sample's total is
    #   sum_f g_f (a * sector_fit_c + b * s_cf) / sum_f g_f,
    # and sum_f g_f > 0 is the same for every cluster: the argmax needs only the numerator,
    # one (C x F) @ (F x samples) product per intake. np.matmul runs it as one gemm per
    # intake of the same shape, so an intake's result does not depend on its batch.
    blend = (SECTOR_WEIGHT * scores.sector_fit[:, :, None]
             + NEEDS_WEIGHT * cluster_scores)  # (n, C, F)
    counts = np.zeros((n, nc), dtype=np.int64)
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        m = stop - start
        gammas = stacked[column_index[start:stop]]  # (m, F, samples)
        total = np.matmul(blend[start:stop], gammas)  # (m, C, samples)
        total[np.broadcast_to(scores.knocked[start:stop, :, None], total.shape)] = -np.inf
        first = np.argmax(total, axis=1)  # (m, samples); ties: the earlier cluster
        flat = np.bincount((first + nc * np.arange(m)[:, None]).ravel(), minlength=m * nc)
        counts[start:stop] = flat.reshape(m, nc)
    # An intake with nothing ranked has no first place in any sample.
    counts[scores.ranked == 0] = 0
    return counts


def flips(scores: Scores, needs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(factor index or -1, new need) of the smallest single change that swaps 1st and 2nd.

    Arrays are laid out (F, V, n), intakes innermost, so that NumPy works along long rows
    (an (n, F, V) layout with rows of 6 values was three times slower); every value is
    computed by the same operations as before, so the results are the same to the bit.
    """
    n, nf = needs.shape
    rows = np.arange(n)
    first = scores.order[:, 0]
    second = scores.order[:, 1] if scores.order.shape[1] > 1 else first
    s_first = scores.factor_scores[rows, first]  # (n, F)
    s_second = scores.factor_scores[rows, second]
    values = np.arange(NEED_MIN, NEED_MAX + 1, dtype=float)  # (V,)
    # Changing need f from needs[f] to v, on the raw needs (the default applies afterwards).
    delta = values[None, :, None] - needs.T[:, None, :]  # (F, V, n)
    raw_total = needs.sum(axis=1)
    num_first = (needs * s_first).sum(axis=1)
    num_second = (needs * s_second).sum(axis=1)
    den = raw_total + delta
    nf_first = num_first + delta * s_first.T[:, None, :]
    nf_second = num_second + delta * s_second.T[:, None, :]
    # If the change leaves every need at 0, the default weights apply.
    empty = den == 0
    if empty.any():
        nf_first = np.where(empty, NEED_DEFAULT * s_first.sum(axis=1), nf_first)
        nf_second = np.where(empty, NEED_DEFAULT * s_second.sum(axis=1), nf_second)
        den = np.where(empty, NEED_DEFAULT * nf, den)
    t_first = SECTOR_WEIGHT * scores.sector_fit[rows, first] + NEEDS_WEIGHT * nf_first / den
    t_second = SECTOR_WEIGHT * scores.sector_fit[rows, second] + NEEDS_WEIGHT * nf_second / den
    # The same tie rule as the ranking: on equal totals the earlier cluster ranks first.
    swaps = (t_second > t_first) | ((t_second == t_first) & (second < first))
    swaps &= delta != 0
    cost = np.where(swaps, np.abs(delta), np.inf).reshape(nf * len(values), n)
    best = np.argmin(cost, axis=0)  # ties: the first factor in snapshot order, then value
    found = np.isfinite(cost[best, rows]) & (scores.ranked >= 2)
    factor = np.where(found, best // len(values), -1)
    to = np.where(found, values[best % len(values)], 0).astype(np.int64)
    return factor, to
