"""An immutable, in-memory view of the knowledge base: everything the engine reads.

The engine (``advisor/engine``) never touches the ORM; it receives a :class:`Snapshot`.
Snapshots are plain frozen dataclasses plus read-only NumPy matrices, so tests can build one
from code (:meth:`Snapshot.from_parts`) without a database.

``get_snapshot()`` builds one from the database with a constant number of queries and keeps
it per process until :class:`~clusters.models.DatasetVersion` moves on. Checking the revision
is one indexed query per call; rebuilding happens only after an edit.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

import numpy as np


@dataclass(frozen=True)
class Names:
    ko: str
    en: str
    zh: str = ""

    def get(self, language: str) -> str:
        return self.en if language.startswith("en") else self.ko

    def with_zh(self, language: str) -> str:
        """'허페이 (合肥)' — the Chinese name shown beside the Korean or English one."""
        name = self.get(language)
        return f"{name} ({self.zh})" if self.zh and self.zh != name else name


@dataclass(frozen=True)
class SourceRef:
    key: str
    kind: str
    title: str
    publisher: str = ""
    published: str = ""  # ISO date or ""
    reference: str = ""  # internal (seed file name): staff only
    url: str = ""
    title_en: str = ""  # English gloss of a title that exists only in Korean or Chinese

    @property
    def label(self) -> str:
        parts = [self.title]
        if self.publisher:
            parts.append(self.publisher)
        if self.published:
            parts.append(self.published)
        return ", ".join(parts)


@dataclass(frozen=True)
class FactorInfo:
    code: str
    name: Names
    description_ko: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class SectorInfo:
    code: str
    name: Names
    group: str = ""
    description_ko: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Fact:
    """A score or strength with the words and the source it rests on."""

    value: float
    rationale_ko: str = ""
    rationale_en: str = ""
    source: str = ""  # SourceRef.key

    def rationale(self, language: str) -> str:
        return self.rationale_en if language.startswith("en") else self.rationale_ko


@dataclass(frozen=True)
class ChallengeInfo:
    key: str
    factor: str | None
    text_ko: str
    text_en: str
    source: str
    sectors: tuple[str, ...] = ()  # the sectors it concerns; empty = every sector

    def text(self, language: str) -> str:
        return self.text_en if language.startswith("en") else self.text_ko


@dataclass(frozen=True)
class ClusterInfo:
    code: str
    name: Names
    role_ko: str = ""
    role_en: str = ""
    summary_ko: str = ""
    summary_en: str = ""
    factor_scores: Mapping[str, Fact] = field(default_factory=dict)
    sector_strengths: Mapping[str, Fact] = field(default_factory=dict)
    challenges: tuple[ChallengeInfo, ...] = ()
    # sector code -> factor code -> the cluster's score on that factor for that sector
    sector_factors: Mapping[str, Mapping[str, Fact]] = field(default_factory=dict)

    def role(self, language: str) -> str:
        return self.role_en if language.startswith("en") else self.role_ko


@dataclass(frozen=True)
class KoreaLinkInfo:
    """A piece of the Korean network in a city (KOTRA office, park, flight, firm...)."""

    key: str
    kind: str
    name: Names
    detail_ko: str = ""
    detail_en: str = ""
    sectors: tuple[str, ...] = ()  # empty = serves every sector
    source: str = ""

    def detail(self, language: str) -> str:
        return self.detail_en if language.startswith("en") else self.detail_ko


@dataclass(frozen=True)
class CityInfo:
    slug: str
    name: Names
    cluster: str | None
    province: Names = Names("", "")
    is_core: bool = False
    korea_links: tuple[KoreaLinkInfo, ...] = ()


@dataclass(frozen=True)
class SpecialtyInfo:
    key: str
    city: str  # CityInfo.slug
    sector: str  # SectorInfo.code
    title_ko: str
    title_en: str
    keywords: tuple[str, ...]  # raw terms in ko/en/zh, as entered
    rationale_ko: str = ""
    rationale_en: str = ""
    source: str = ""

    def title(self, language: str) -> str:
        return self.title_en if language.startswith("en") else self.title_ko


@dataclass(frozen=True)
class GlossaryGroup:
    key: str
    terms: tuple[str, ...]  # raw synonyms in ko/en/zh
    sector: str | None = None


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class Snapshot:
    version: str
    factors: tuple[FactorInfo, ...]
    sectors: tuple[SectorInfo, ...]
    clusters: tuple[ClusterInfo, ...]
    cities: Mapping[str, CityInfo]
    specialties: tuple[SpecialtyInfo, ...]
    glossary: tuple[GlossaryGroup, ...]
    sources: Mapping[str, SourceRef]
    # Derived, read-only matrices (rows: clusters in order; columns: factors / sectors).
    factor_matrix: np.ndarray = field(repr=False, compare=False, default=None)  # type: ignore[assignment]
    sector_matrix: np.ndarray = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    @classmethod
    def from_parts(
        cls,
        *,
        factors: Iterable[FactorInfo],
        sectors: Iterable[SectorInfo],
        clusters: Iterable[ClusterInfo],
        cities: Iterable[CityInfo] = (),
        specialties: Iterable[SpecialtyInfo] = (),
        glossary: Iterable[GlossaryGroup] = (),
        sources: Iterable[SourceRef] = (),
        version: str | None = None,
    ) -> Snapshot:
        """Build a snapshot from plain values; the version defaults to a content hash."""
        factors = tuple(factors)
        sectors = tuple(sectors)
        clusters = tuple(clusters)
        cities_map = MappingProxyType({c.slug: c for c in cities})
        specialties = tuple(specialties)
        glossary = tuple(glossary)
        sources_map = MappingProxyType({s.key: s for s in sources})
        factor_codes = [f.code for f in factors]
        sector_codes = [s.code for s in sectors]
        fm = np.array(
            [[c.factor_scores[f].value if f in c.factor_scores else np.nan for f in factor_codes]
             for c in clusters],
            dtype=float,
        ).reshape(len(clusters), len(factor_codes))
        sm = np.array(
            [[c.sector_strengths[s].value if s in c.sector_strengths else 0.0
              for s in sector_codes] for c in clusters],
            dtype=float,
        ).reshape(len(clusters), len(sector_codes))
        if version is None:
            version = content_version(factors, sectors, clusters, cities_map, specialties, glossary)
        return cls(
            version=version,
            factors=factors,
            sectors=sectors,
            clusters=clusters,
            cities=cities_map,
            specialties=specialties,
            glossary=glossary,
            sources=sources_map,
            factor_matrix=_readonly(fm),
            sector_matrix=_readonly(sm),
        )

    @functools.cached_property
    def factor_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.factors)

    @functools.cached_property
    def sector_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.sectors)

    @functools.cached_property
    def cluster_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.clusters)

    def cluster(self, code: str) -> ClusterInfo:
        for c in self.clusters:
            if c.code == code:
                return c
        raise KeyError(code)

    def cities_of(self, cluster: str) -> tuple[CityInfo, ...]:
        return tuple(c for c in self.cities.values() if c.cluster == cluster)


def content_version(*parts: object) -> str:
    """A short, stable hash of the content: the same data gives the same version anywhere."""

    def default(obj: object) -> object:
        if isinstance(obj, MappingProxyType | dict):
            return dict(obj)
        if hasattr(obj, "__dataclass_fields__"):
            # Shallow: json.dumps calls default() again for nested dataclasses and mapping
            # proxies (asdict() would deep-copy them, and a mappingproxy cannot be copied).
            return {f.name: getattr(obj, f.name) for f in fields(obj)}  # type: ignore[arg-type]
        raise TypeError(type(obj))

    payload = json.dumps(parts, default=default, sort_keys=True, ensure_ascii=False)
    return "kb-" + hashlib.sha256(payload.encode()).hexdigest()[:12]


def _split(*texts: str) -> tuple[str, ...]:
    return tuple(t.strip() for text in texts for t in text.split(",") if t.strip())


def build_snapshot() -> Snapshot:
    """Read the whole knowledge base in a fixed number of queries (one per table)."""
    from clusters import models as kb

    def names(obj: kb.Names) -> Names:
        return Names(obj.name_ko, obj.name_en, obj.name_zh)

    sources = [
        SourceRef(
            key=s.key,
            kind=s.kind,
            title=s.title,
            publisher=s.publisher,
            published=s.published.isoformat() if s.published else "",
            reference=s.reference,
            url=s.url,
            title_en=s.title_en,
        )
        for s in kb.Source.objects.all()
    ]
    factors = [
        FactorInfo(f.code, names(f), f.description_ko, f.description_en)
        for f in kb.Factor.objects.all()
    ]
    sectors = [
        SectorInfo(s.code, names(s), s.group, s.description_ko, s.description_en)
        for s in kb.Sector.objects.all()
    ]
    scores: dict[str, dict[str, Fact]] = {}
    for row in kb.ClusterFactorScore.objects.values_list(
        "cluster__code", "factor__code", "score", "rationale_ko", "rationale_en", "source__key"
    ):
        scores.setdefault(row[0], {})[row[1]] = Fact(float(row[2]), row[3], row[4], row[5])
    strengths: dict[str, dict[str, Fact]] = {}
    for row in kb.ClusterSectorStrength.objects.values_list(
        "cluster__code", "sector__code", "strength", "rationale_ko", "rationale_en", "source__key"
    ):
        strengths.setdefault(row[0], {})[row[1]] = Fact(float(row[2]), row[3], row[4], row[5])
    sector_factors: dict[str, dict[str, dict[str, Fact]]] = {}
    for row in kb.ClusterSectorFactor.objects.values_list(
        "cluster__code", "sector__code", "factor__code", "score", "rationale_ko",
        "rationale_en", "source__key",
    ):
        sector_factors.setdefault(row[0], {}).setdefault(row[1], {})[row[2]] = Fact(
            float(row[3]), row[4], row[5], row[6]
        )
    challenge_sectors: dict[str, list[str]] = {}
    for key, code in kb.ClusterChallenge.sectors.through.objects.values_list(
        "clusterchallenge__key", "sector__code"
    ).order_by("sector__order"):
        challenge_sectors.setdefault(key, []).append(code)
    challenges: dict[str, list[ChallengeInfo]] = {}
    for ch in kb.ClusterChallenge.objects.values_list(
        "cluster__code", "key", "factor__code", "text_ko", "text_en", "source__key"
    ):
        challenges.setdefault(ch[0], []).append(
            ChallengeInfo(*ch[1:], sectors=tuple(challenge_sectors.get(ch[1], ())))
        )
    link_sectors: dict[str, list[str]] = {}
    for key, code in kb.KoreaLink.sectors.through.objects.values_list(
        "korealink__key", "sector__code"
    ).order_by("sector__order"):
        link_sectors.setdefault(key, []).append(code)
    links: dict[str, list[KoreaLinkInfo]] = {}
    for link in kb.KoreaLink.objects.select_related("city", "source"):
        links.setdefault(link.city.slug, []).append(
            KoreaLinkInfo(
                key=link.key,
                kind=link.kind,
                name=names(link),
                detail_ko=link.detail_ko,
                detail_en=link.detail_en,
                sectors=tuple(link_sectors.get(link.key, ())),
                source=link.source.key,
            )
        )
    clusters = [
        ClusterInfo(
            code=c.code,
            name=names(c),
            role_ko=c.role_ko,
            role_en=c.role_en,
            summary_ko=c.summary_ko,
            summary_en=c.summary_en,
            factor_scores=MappingProxyType(scores.get(c.code, {})),
            sector_strengths=MappingProxyType(strengths.get(c.code, {})),
            challenges=tuple(challenges.get(c.code, ())),
            sector_factors=MappingProxyType({
                sector: MappingProxyType(by_factor)
                for sector, by_factor in sector_factors.get(c.code, {}).items()
            }),
        )
        for c in kb.Cluster.objects.all()
    ]
    cities = [
        CityInfo(
            slug=c.slug,
            name=names(c),
            cluster=c.cluster.code if c.cluster_id else None,
            province=Names(c.province_ko, c.province_en, c.province_zh),
            is_core=c.is_core,
            korea_links=tuple(links.get(c.slug, ())),
        )
        for c in kb.City.objects.select_related("cluster")
    ]
    specialties = [
        SpecialtyInfo(
            key=s.key,
            city=s.city.slug,
            sector=s.sector.code,
            title_ko=s.title_ko,
            title_en=s.title_en,
            keywords=_split(s.keywords_ko, s.keywords_en, s.keywords_zh),
            rationale_ko=s.rationale_ko,
            rationale_en=s.rationale_en,
            source=s.source.key,
        )
        for s in kb.CitySpecialty.objects.select_related("city", "sector", "source")
    ]
    glossary = [
        GlossaryGroup(
            key=g.key,
            terms=_split(g.terms_ko, g.terms_en, g.terms_zh),
            sector=g.sector.code if g.sector_id else None,
        )
        for g in kb.GlossaryEntry.objects.select_related("sector")
    ]
    return Snapshot.from_parts(
        factors=factors,
        sectors=sectors,
        clusters=clusters,
        cities=cities,
        specialties=specialties,
        glossary=glossary,
        sources=sources,
    )


_lock = threading.Lock()
_cached: tuple[tuple[object, ...], Snapshot] | None = None


def current_revision() -> tuple[object, ...]:
    """(revision, changed_at): the time stamp tells apart two edits that reached the same
    counter after a rollback (as happens between tests)."""
    from clusters.models import DatasetVersion

    row = DatasetVersion.objects.filter(pk=1).values_list("revision", "changed_at").first()
    return tuple(row) if row else (0, None)


def get_snapshot() -> Snapshot:
    """The snapshot of the current dataset revision, rebuilt only after an edit."""
    global _cached
    revision = current_revision()
    cached = _cached
    if cached is not None and cached[0] == revision:
        return cached[1]
    with _lock:
        snapshot = build_snapshot()
        _cached = (revision, snapshot)
    return snapshot


def clear_cache() -> None:
    global _cached
    _cached = None
