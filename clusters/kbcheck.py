"""Consistency checks of the knowledge base, used by ``manage.py kb_check`` and its tests.

Two kinds of problems are found: in the database (a missing score, a fact without source or
rationale, an unknown code, a city outside every cluster, a strength of 3 or more with no
city evidence, an undated source or event, a specialty whose keywords reach no glossary
entry) and in the fixture files themselves (a natural key written twice, which ``loaddata``
would silently merge into one row, the later one winning).

:func:`coverage` gives the figures ``kb_check`` prints and docs/DATA.md quotes;
:func:`unverified_facts` lists what still rests on general knowledge ("to verify").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db.models import F, Q

from clusters import models as kb
from clusters.citations import UNVERIFIED_KIND, has_unverified_mark
from clusters.vocabulary import CLUSTERS, CODE_PATTERN, FACTORS, SECTORS

#: A sector strength from which the cluster must show city evidence (a specialty, or a ranked
#: firm of that sector located in one of its cities): issue 12, item 2.
EVIDENCE_STRENGTH = 3

_code = re.compile(CODE_PATTERN)
_slug = re.compile(r"^[a-z][a-z0-9]*$")


def database_problems() -> list[str]:
    problems: list[str] = []
    factor_codes = list(kb.Factor.objects.values_list("code", flat=True))
    sector_codes = list(kb.Sector.objects.values_list("code", flat=True))
    cluster_codes = list(kb.Cluster.objects.values_list("code", flat=True))

    for code in sorted(set(FACTORS) - set(factor_codes)):
        problems.append(f"factor {code!r} is missing")
    for code in sorted(set(factor_codes) - set(FACTORS)):
        problems.append(f"factor code {code!r} is unknown (factors are fixed by DESIGN.md)")
    for code in sorted(set(SECTORS) - set(sector_codes)):
        problems.append(f"sector {code!r} is missing")
    for code in sector_codes:
        if not _code.match(code):
            problems.append(f"sector code {code!r} is not a lowercase code")
    for code in sorted(set(CLUSTERS) - set(cluster_codes)):
        problems.append(f"cluster {code!r} is missing")
    for code in sorted(set(cluster_codes) - set(CLUSTERS)):
        problems.append(
            f"cluster code {code!r} is unknown: add it to clusters/vocabulary.py first"
        )

    scores = set(kb.ClusterFactorScore.objects.values_list("cluster__code", "factor__code"))
    strengths = set(
        kb.ClusterSectorStrength.objects.values_list("cluster__code", "sector__code")
    )
    for cluster in cluster_codes:
        for factor in factor_codes:
            if (cluster, factor) not in scores:
                problems.append(f"cluster {cluster!r} has no score for factor {factor!r}")
        for sector in sector_codes:
            if (cluster, sector) not in strengths:
                problems.append(f"cluster {cluster!r} has no strength for sector {sector!r}")

    fact_models: Iterable[tuple[str, type, str]] = (
        ("factor score", kb.ClusterFactorScore, "factor__code"),
        ("sector strength", kb.ClusterSectorStrength, "sector__code"),
    )
    for label, model, other in fact_models:
        rows = model.objects.values_list(
            "cluster__code", other, "rationale_ko", "rationale_en", "source_id"
        )
        for cluster, code, rationale_ko, rationale_en, source_id in rows:
            where = f"{label} {cluster}/{code}"
            if not source_id:
                problems.append(f"{where} has no source")
            if not rationale_ko.strip() or not rationale_en.strip():
                problems.append(f"{where} lacks a rationale in Korean and English")

    for model, what in (
        (kb.CitySpecialty, "city specialty"),
        (kb.ClusterChallenge, "challenge"),
    ):
        for key, source_id in model.objects.values_list("key", "source_id"):
            if not source_id:
                problems.append(f"{what} {key!r} has no source")

    slugs = list(kb.City.objects.values_list("slug", flat=True))
    for slug in slugs:
        if not _slug.match(slug):
            problems.append(f"city slug {slug!r} is not a lowercase pinyin slug")
    for slug, count in Counter(s.lower() for s in slugs).items():
        if count > 1:
            problems.append(f"city slug {slug!r} is duplicated")

    for slug in kb.City.objects.filter(cluster__isnull=True).values_list("slug", flat=True):
        problems.append(f"city {slug!r} belongs to no cluster")
    for cluster, sector, strength in sorted(strength_pairs() - evidenced_pairs()):
        problems.append(
            f"cluster {cluster!r} has strength {strength} in {sector!r} but no city specialty "
            f"or located firm of that sector in its cities"
        )
    for key in kb.Source.objects.filter(published__isnull=True).values_list("key", flat=True):
        problems.append(f"source {key!r} has no date")
    undated = Q(starts__isnull=True) | Q(ends__isnull=True) | Q(ends__lt=F("starts"))
    for key, starts, ends in kb.Event.objects.filter(undated).values_list("key", "starts", "ends"):
        if starts is None or ends is None:
            problems.append(f"event {key!r} has no dates")
        else:
            problems.append(f"event {key!r} ends ({ends}) before it starts ({starts})")
    problems += specialty_keyword_problems()
    return problems


def strength_pairs() -> set[tuple[str, str, int]]:
    """(cluster, sector, strength) of every strength of at least ``EVIDENCE_STRENGTH``."""
    return set(
        kb.ClusterSectorStrength.objects.filter(strength__gte=EVIDENCE_STRENGTH).values_list(
            "cluster__code", "sector__code", "strength"
        )
    )


def evidenced_pairs() -> set[tuple[str, str, int]]:
    """The strength pairs with city evidence: a specialty of that sector in one of the
    cluster's cities, or a ranked firm of that sector located in one of them."""
    evidence = set(
        kb.CitySpecialty.objects.filter(city__cluster__isnull=False).values_list(
            "city__cluster__code", "sector__code"
        )
    ) | set(
        kb.Firm.objects.filter(city__cluster__isnull=False, sector__isnull=False).values_list(
            "city__cluster__code", "sector__code"
        )
    )
    return {pair for pair in strength_pairs() if pair[:2] in evidence}


def specialty_keyword_problems() -> list[str]:
    """Specialties without keywords, or none of whose keywords is a glossary term.

    The matching decides with the engine's own keyword index (one normalisation for what a
    company types and what is checked here): a keyword in no glossary group is its own
    concept, so a specialty is "unreachable by synonyms" when none of its concepts is a
    glossary group. Imported here, not at module level, because ``clusters`` does not
    otherwise depend on ``advisor``; the index is plain Python over plain data."""
    from advisor.engine.keywords import KeywordIndex
    from clusters.snapshot import GlossaryGroup, SpecialtyInfo

    groups = [
        GlossaryGroup(entry.key, tuple(entry.term_list()))
        for entry in kb.GlossaryEntry.objects.all()
    ]
    specialties = [
        SpecialtyInfo(spec.key, "", "", "", "", tuple(spec.keyword_list()))
        for spec in kb.CitySpecialty.objects.all()
    ]
    index = KeywordIndex.build(groups, specialties)
    problems = []
    for spec in specialties:
        concepts = index.specialty_concepts.get(spec.key, frozenset())
        if not spec.keywords:
            problems.append(f"city specialty {spec.key!r} has no keywords")
        elif not any(concept.startswith("g:") for concept in concepts):
            problems.append(
                f"city specialty {spec.key!r}: none of its keywords is in the glossary "
                f"({', '.join(spec.keywords[:4])}...); add them to a glossary group"
            )
    return problems


@dataclass(frozen=True)
class Coverage:
    """The knowledge base's size and evidence, as ``kb_check`` prints it."""

    clusters: int
    cities: int
    cities_in_clusters: int
    specialties: int
    evidenced_pairs: int
    strength_pairs: int
    sources_by_kind: dict[str, int] = field(default_factory=dict)
    unverified_facts: int = 0

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.sources_by_kind.items()))
        return [
            f"clusters: {self.clusters}",
            f"cities: {self.cities} ({self.cities_in_clusters} in a cluster)",
            f"city specialties: {self.specialties}",
            f"(cluster, sector) pairs with strength >= {EVIDENCE_STRENGTH} and city evidence: "
            f"{self.evidenced_pairs}/{self.strength_pairs}",
            f"sources by kind: {kinds}",
            f"facts still to verify (staff only): {self.unverified_facts}",
        ]


def coverage() -> Coverage:
    kinds = Counter(kb.Source.objects.values_list("kind", flat=True))
    return Coverage(
        clusters=kb.Cluster.objects.count(),
        cities=kb.City.objects.count(),
        cities_in_clusters=kb.City.objects.filter(cluster__isnull=False).count(),
        specialties=kb.CitySpecialty.objects.count(),
        evidenced_pairs=len(evidenced_pairs()),
        strength_pairs=len(strength_pairs()),
        sources_by_kind=dict(kinds),
        unverified_facts=len(unverified_facts()),
    )


# Facts and the fields that say what they are, for the list of what is still to verify.
_FACT_MODELS: tuple[tuple[str, type, tuple[str, ...], str], ...] = (
    ("factor score", kb.ClusterFactorScore, ("cluster__code", "factor__code"), "rationale_en"),
    ("sector strength", kb.ClusterSectorStrength, ("cluster__code", "sector__code"),
     "rationale_en"),
    ("sector-specific score", kb.ClusterSectorFactor,
     ("cluster__code", "sector__code", "factor__code"), "rationale_en"),
    ("challenge", kb.ClusterChallenge, ("key",), "text_en"),
    ("zone", kb.Zone, ("key",), "description_en"),
    ("city specialty", kb.CitySpecialty, ("key",), "rationale_en"),
    ("event", kb.Event, ("key",), "name_en"),
    ("Korean network", kb.KoreaLink, ("key",), "detail_en"),
    ("national cluster", kb.PlanCluster, ("key",), "note_en"),
)


def unverified_facts() -> list[str]:
    """Every fact resting on an unverified analyst judgement, or whose explanation has a part
    marked "to verify": one line each, "<what> <key>: <text>" (staff-only material)."""
    lines = []
    for label, model, keys, text_field in _FACT_MODELS:
        marked = Q(source__kind=UNVERIFIED_KIND) | Q(**{f"{text_field}__icontains": "verify"})
        for row in model.objects.filter(marked).values_list(*keys, "source__kind", text_field):
            *key, kind, text = row
            if kind != UNVERIFIED_KIND and not has_unverified_mark(text):
                continue
            status = "unverified source" if kind == UNVERIFIED_KIND else "part to verify"
            lines.append(f"{label} {'/'.join(map(str, key))} ({status}): {' '.join(text.split())}")
    return lines


# Models whose fixture rows are identified by a single field.
_KEY_FIELDS = {
    "clusters.source": ("key",),
    "clusters.factor": ("code",),
    "clusters.sector": ("code",),
    "clusters.cluster": ("code",),
    "clusters.clusterchallenge": ("key",),
    "clusters.city": ("slug",),
    "clusters.zone": ("key",),
    "clusters.clusterfactorscore": ("cluster", "factor"),
    "clusters.clustersectorstrength": ("cluster", "sector"),
    "clusters.cityspecialty": ("key",),
    "clusters.glossaryentry": ("key",),
    "clusters.firmranking": ("key",),
    "clusters.firm": ("ranking", "rank"),
    "clusters.event": ("key",),
    "clusters.citymetric": ("city", "metric", "period"),
}


def _frozen(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def fixture_problems(paths: Iterable[Path]) -> list[str]:
    """Natural keys written twice across the fixture files (loaddata would merge them)."""
    seen: dict[tuple[object, ...], str] = {}
    problems: list[str] = []
    for path in paths:
        documents = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for index, item in enumerate(documents):
            model = item.get("model", "")
            fields = item.get("fields", {})
            key_fields = _KEY_FIELDS.get(model)
            if key_fields is None:
                continue
            key = (model, *(_frozen(fields.get(f)) for f in key_fields))
            where = f"{path.name} item {index + 1}"
            if key in seen:
                label = "city slug" if model == "clusters.city" else f"{model} key"
                problems.append(
                    f"{label} {key[1:]!r} is duplicated ({seen[key]} and {where})"
                )
            else:
                seen[key] = where
    return problems


def fixture_paths(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))
