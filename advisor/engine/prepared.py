"""What the engine derives from a snapshot once: index maps, filled matrices, keyword index.

Cached per snapshot *version* (and checked to be the same object, so two code-built
snapshots that happen to share a version string never mix).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from clusters.snapshot import CityInfo, Snapshot, SpecialtyInfo

from .keywords import KeywordIndex, normalise
from .method import (
    LQ_FULL,
    SECTOR_CAP_BASE,
    SECTOR_CAP_STEP,
    SECTOR_DEPENDENT,
    STRENGTH_MAX,
)

# How a sector-conditioned factor score was arrived at (Prepared.basis).
BASIS_GENERAL = 0  # the cluster's general score: no sector-specific evidence, no cap applied
BASIS_SECTOR = 1  # the knowledge base's score of the cluster on this factor in this sector
BASIS_CAPPED = 2  # the general score, capped by the sector's strength in the cluster
BASIS_CODES = ("general", "sector", "capped")

_CACHE_SIZE = 8


@dataclass(frozen=True)
class ClusterSpecialty:
    specialty: SpecialtyInfo
    city: CityInfo
    concepts: frozenset[str]


@dataclass(frozen=True)
class Prepared:
    snapshot: Snapshot
    factor_codes: tuple[str, ...]
    cluster_codes: tuple[str, ...]
    factor_index: Mapping[str, int]
    sector_index: Mapping[str, int]
    cluster_index: Mapping[str, int]
    # (clusters x factors) scores 0–100; a missing score is 0 ("no evidence, no credit").
    scores: np.ndarray
    missing: np.ndarray  # (clusters x factors) bool
    # Every score a whole number (the knowledge base stores integers): sums are then exact.
    integral: bool
    # (clusters x sectors) strengths mapped 0–5 -> 0–100.
    strengths: np.ndarray
    # The same transposed, (sectors + 1) x clusters, with a last row of zeros for "none".
    strengths_by_sector: np.ndarray
    # (sectors, clusters, factors): every cluster's factor scores for a company of that
    # primary sector (§3 of docs/METHODOLOGY.md), how each was arrived at (BASIS_*), and
    # which are missing (no general and no sector-specific score: "no evidence, no credit").
    sector_scores: np.ndarray
    basis: np.ndarray
    sector_missing: np.ndarray
    sector_integral: bool
    # The same as JSON values per (sector, cluster, factor): int when whole, None if missing.
    sector_score_values: tuple[tuple[tuple[float | int | None, ...], ...], ...]
    # (sectors + 1) x clusters: the specialisation part of sector_fit, 0–100 (last row 0).
    specialisation_by_sector: np.ndarray
    # (sectors + 1) x clusters: location quotients, for the explanation (last row 0).
    location_quotients: np.ndarray
    # (sectors + 1) x clusters: city specialties of that sector in the cluster (last row 0).
    evidence_by_sector: np.ndarray
    # The same scores as JSON values per (cluster, factor): int when whole, None if missing.
    score_values: tuple[tuple[float | int | None, ...], ...]
    keywords: KeywordIndex
    # Per sector (index), the concepts that merely name the sector ("AI" for an AI company):
    # they say nothing the sector field does not, so they count as no evidence (§4).
    sector_concepts: tuple[frozenset[str], ...]
    cluster_concepts: tuple[frozenset[str], ...]
    cluster_specialties: tuple[tuple[ClusterSpecialty, ...], ...]
    core_cities: tuple[tuple[CityInfo, ...], ...]
    # Explanations (cities, caveats) depend on a few intake values only: cached per key.
    explain_cache: dict[tuple[object, ...], tuple[object, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Per-intake shortcuts into explain_cache (one list of per-cluster answers per intake
    # key), kept apart so that many distinct intakes never evict the explanations above.
    slot_cache: dict[tuple[object, ...], list[object]] = field(
        default_factory=dict, compare=False, repr=False
    )


def _build(snapshot: Snapshot) -> Prepared:
    factor_codes = snapshot.factor_codes
    cluster_codes = snapshot.cluster_codes
    raw = np.asarray(snapshot.factor_matrix, dtype=float).reshape(
        len(cluster_codes), len(factor_codes)
    )
    missing = np.isnan(raw)
    scores = np.where(missing, 0.0, raw)
    strengths = np.asarray(snapshot.sector_matrix, dtype=float).reshape(
        len(cluster_codes), len(snapshot.sectors)
    ) * (100.0 / STRENGTH_MAX)
    by_sector = np.vstack([strengths.T, np.zeros((1, len(cluster_codes)))])
    conditioned = _sector_conditioned(snapshot, scores, missing)
    quotients, specialisation = _specialisation(snapshot.sector_matrix)
    for array in (scores, missing, strengths, by_sector, *conditioned, quotients,
                  specialisation):
        array.setflags(write=False)
    index = KeywordIndex.build(snapshot.glossary, snapshot.specialties)
    by_cluster: dict[str, list[ClusterSpecialty]] = {c: [] for c in cluster_codes}
    for spec in snapshot.specialties:
        city = snapshot.cities.get(spec.city)
        if city is not None and city.cluster in by_cluster:
            by_cluster[city.cluster].append(
                ClusterSpecialty(spec, city, index.specialty_concepts.get(spec.key, frozenset()))
            )
    cluster_specialties = tuple(tuple(by_cluster[c]) for c in cluster_codes)
    sector_index = {code: k for k, code in enumerate(snapshot.sector_codes)}
    evidence = np.zeros((len(snapshot.sectors) + 1, len(cluster_codes)))
    for c, specs in enumerate(cluster_specialties):
        for item in specs:
            k = sector_index.get(item.specialty.sector)
            if k is not None:
                evidence[k, c] += 1
    evidence.setflags(write=False)
    cluster_concepts = tuple(
        frozenset().union(*(s.concepts for s in specs)) for specs in cluster_specialties
    )
    core_cities = []
    for code in cluster_codes:
        cities = sorted(snapshot.cities_of(code), key=lambda c: (not c.is_core, c.slug))
        core = [c for c in cities if c.is_core] or cities
        core_cities.append(tuple(core))
    return Prepared(
        snapshot=snapshot,
        factor_codes=factor_codes,
        cluster_codes=cluster_codes,
        factor_index=MappingProxyType({f: i for i, f in enumerate(factor_codes)}),
        sector_index=MappingProxyType({s: i for i, s in enumerate(snapshot.sector_codes)}),
        cluster_index=MappingProxyType({c: i for i, c in enumerate(cluster_codes)}),
        scores=scores,
        missing=missing,
        integral=bool(np.all(scores == np.round(scores)) and np.all(np.abs(scores) < 2**20)),
        strengths=strengths,
        strengths_by_sector=by_sector,
        sector_scores=conditioned[0],
        basis=conditioned[1],
        sector_missing=conditioned[2],
        sector_integral=bool(
            np.all(conditioned[0] == np.round(conditioned[0]))
            and np.all(np.abs(conditioned[0]) < 2**20)
        ),
        sector_score_values=tuple(
            tuple(
                tuple(None if m else (int(v) if float(v).is_integer() else float(v))
                      for v, m in zip(row, mrow, strict=True))
                for row, mrow in zip(plane.tolist(), mplane.tolist(), strict=True)
            )
            for plane, mplane in zip(conditioned[0], conditioned[2], strict=True)
        ),
        specialisation_by_sector=specialisation,
        location_quotients=quotients,
        evidence_by_sector=evidence,
        score_values=tuple(
            tuple(None if m else (int(v) if float(v).is_integer() else float(v))
                  for v, m in zip(row, mrow, strict=True))
            for row, mrow in zip(raw.tolist(), missing.tolist(), strict=True)
        ),
        keywords=index,
        sector_concepts=tuple(
            frozenset().union(*(
                index.terms.get(normalise(name), frozenset())
                for name in (sector.code, sector.name.ko, sector.name.en, sector.name.zh)
                if name
            ))
            for sector in snapshot.sectors
        ),
        cluster_concepts=cluster_concepts,
        cluster_specialties=cluster_specialties,
        core_cities=tuple(core_cities),
    )


def _sector_conditioned(
    snapshot: Snapshot, scores: np.ndarray, missing: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(scores, basis, missing), each (sectors, clusters, factors): §3 of the methodology.

    For a company of sector k, cluster c's score on factor f is the knowledge base's
    sector-specific score (c, k, f) where it holds one; otherwise, for a sector-dependent
    factor, the general score capped at SECTOR_CAP_BASE + SECTOR_CAP_STEP * strength(c, k);
    otherwise the general score.
    """
    factor_codes = snapshot.factor_codes
    nk, nc, nf = len(snapshot.sectors), len(snapshot.clusters), len(factor_codes)
    strengths = np.asarray(snapshot.sector_matrix, dtype=float).reshape(nc, nk)
    caps = SECTOR_CAP_BASE + SECTOR_CAP_STEP * strengths.T  # (K, C)
    dependent = np.array([f in SECTOR_DEPENDENT for f in factor_codes])  # (F,)
    capped = dependent[None, None, :] & (scores[None, :, :] > caps[:, :, None])
    result = np.where(capped, np.minimum(scores[None], caps[:, :, None]), scores[None])
    basis = np.where(capped, BASIS_CAPPED, BASIS_GENERAL).astype(np.int8)
    absent = np.broadcast_to(missing[None], (nk, nc, nf)).copy()
    for c, cluster in enumerate(snapshot.clusters):
        for sector, by_factor in cluster.sector_factors.items():
            k = snapshot.sector_codes.index(sector) if sector in snapshot.sector_codes else -1
            for factor, fact in by_factor.items():
                if k < 0 or factor not in factor_codes:
                    continue
                f = factor_codes.index(factor)
                result[k, c, f] = fact.value
                basis[k, c, f] = BASIS_SECTOR
                absent[k, c, f] = False
    return result, basis, absent


def _specialisation(sector_matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(location quotients, specialisation 0–100), each (sectors + 1, clusters).

    LQ(c, k) = strength(c, k) / mean_k' strength(c, k'): the sector's strength in the cluster
    against the cluster's own average over all sectors (a location quotient whose national
    reference is the fixed 0–5 scale, so that no cluster's value depends on which other
    clusters the knowledge base holds). Specialisation = 100 * min(1, LQ / LQ_FULL).
    """
    strengths = np.asarray(sector_matrix, dtype=float)
    nc = strengths.shape[0]
    mean = strengths.mean(axis=1, keepdims=True) if strengths.size else np.zeros((nc, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        quotients = np.where(mean > 0, strengths / np.where(mean > 0, mean, 1), 0.0)
    special = 100.0 * np.minimum(1.0, quotients / LQ_FULL)
    pad = np.zeros((1, nc))
    return np.vstack([quotients.T, pad]), np.vstack([special.T, pad])


_lock = threading.Lock()
_cache: dict[str, Prepared] = {}


def prepare(snapshot: Snapshot) -> Prepared:
    """The prepared form of ``snapshot``, built on first use of its version."""
    prepared = _cache.get(snapshot.version)
    if prepared is not None and prepared.snapshot is snapshot:
        return prepared
    prepared = _build(snapshot)
    with _lock:
        # A few versions at most live at once (old and new around an edit; tests).
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)), None)
        _cache[snapshot.version] = prepared
    return prepared
