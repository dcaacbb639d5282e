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

from .keywords import KeywordIndex
from .method import STRENGTH_MAX

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
    # The same scores as JSON values per (cluster, factor): int when whole, None if missing.
    score_values: tuple[tuple[float | int | None, ...], ...]
    keywords: KeywordIndex
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
    for array in (scores, missing, strengths, by_sector):
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
        score_values=tuple(
            tuple(None if m else (int(v) if float(v).is_integer() else float(v))
                  for v, m in zip(row, mrow, strict=True))
            for row, mrow in zip(raw.tolist(), missing.tolist(), strict=True)
        ),
        keywords=index,
        cluster_concepts=cluster_concepts,
        cluster_specialties=cluster_specialties,
        core_cities=tuple(core_cities),
    )


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
