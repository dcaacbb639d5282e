"""Consistency checks of the knowledge base, used by ``manage.py kb_check`` and its tests.

Two kinds of problems are found: in the database (a missing score, a fact without source or
rationale, an unknown code) and in the fixture files themselves (a natural key written twice,
which ``loaddata`` would silently merge into one row, the later one winning).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import yaml

from clusters import models as kb
from clusters.vocabulary import CLUSTERS, CODE_PATTERN, FACTORS, SECTORS

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
    return problems


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
