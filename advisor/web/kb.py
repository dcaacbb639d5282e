"""Knowledge-base reads for the public cluster and city pages (a fixed number of queries).

Templates read bilingual fields through ``obj.t.<field>`` (see :class:`Loc`), which picks
``<field>_en`` or ``<field>_ko`` for the page's language, so templates stay free of
language branches and no custom template library is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from clusters.models import (
    City,
    CityMetric,
    CitySpecialty,
    Cluster,
    ClusterChallenge,
    ClusterFactorScore,
    ClusterSectorStrength,
    Event,
    Firm,
    KoreaLink,
    Sector,
    Source,
    Zone,
    localized,
)
from clusters.vocabulary import KOREA_LINK_KINDS

T = TypeVar("T")


class Loc:
    """``Loc(obj)["role"]`` is ``localized(obj, "role")``: a template-friendly accessor."""

    def __init__(self, obj: object) -> None:
        self._obj = obj

    def __getitem__(self, field: str) -> str:
        return localized(self._obj, field)


def with_loc(objects: Iterable[T]) -> list[T]:
    rows = list(objects)
    for obj in rows:
        obj.t = Loc(obj)  # type: ignore[attr-defined]
    return rows


def name_zh(obj: Any) -> str:
    """'허페이 (合肥)': the page-language name with the Chinese one beside it."""
    return f"{obj.name} ({obj.name_zh})" if getattr(obj, "name_zh", "") else obj.name


class SourceList:
    """Sources in the order a page first cites them, numbered for footnote links."""

    def __init__(self) -> None:
        self._by_key: dict[str, Source] = {}

    def cite(self, source: Source | None) -> int | None:
        if source is None:
            return None
        if source.key not in self._by_key:
            self._by_key[source.key] = source
        return list(self._by_key).index(source.key) + 1

    def add_all(self, rows: Iterable[Any], attr: str = "source") -> None:
        for row in rows:
            row.source_number = self.cite(getattr(row, attr))

    @property
    def items(self) -> list[Source]:
        return list(self._by_key.values())


def korea_network(links: Iterable[KoreaLink]) -> list[dict[str, Any]]:
    """The links grouped by kind, in ``KOREA_LINK_KINDS`` order:
    ``[{"kind": "kotra", "label": "KOTRA trade office", "links": [KoreaLink, ...]}, ...]``;
    kinds without a link are left out, links keep their query order within a kind."""
    by_kind: dict[str, list[KoreaLink]] = {}
    for link in links:
        by_kind.setdefault(link.kind, []).append(link)
    labels = dict(KoreaLink.Kind.choices)
    return [
        {"kind": kind, "label": labels[kind], "links": by_kind[kind]}
        for kind in KOREA_LINK_KINDS
        if kind in by_kind
    ]


def _korea_links(**filters: Any) -> list[KoreaLink]:
    """Korean-network rows with their city, source and sectors: two queries (the rows, then
    one prefetch of their sectors), whatever their number."""
    return with_loc(
        KoreaLink.objects.filter(**filters)
        .select_related("city", "source")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("order")))
        .order_by("city__slug", "key")
    )


def _metrics_by_city(metrics: Iterable[CityMetric]) -> list[dict[str, Any]]:
    grouped: dict[int, dict[str, Any]] = {}
    for metric in metrics:
        entry = grouped.setdefault(metric.city_id, {"city": metric.city, "metrics": []})
        entry["metrics"].append(metric)
    return list(grouped.values())


def cluster_page(code: str) -> dict[str, Any]:
    cluster = get_object_or_404(Cluster, code=code)
    sources = SourceList()

    scores = with_loc(
        ClusterFactorScore.objects.filter(cluster=cluster).select_related("factor", "source")
    )
    for row in scores:
        row.factor.t = Loc(row.factor)
    sources.add_all(scores)
    strengths = with_loc(
        ClusterSectorStrength.objects.filter(cluster=cluster, strength__gt=0)
        .select_related("sector", "source")
        .order_by("-strength", "sector__order")
    )
    sources.add_all(strengths)
    challenges = with_loc(
        ClusterChallenge.objects.filter(cluster=cluster).select_related("factor", "source")
    )
    sources.add_all(challenges)
    cities = with_loc(cluster.cities.order_by("-is_core", "slug"))
    zones = with_loc(
        Zone.objects.filter(city__cluster=cluster)
        .select_related("city", "source")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("order")))
    )
    sources.add_all(zones)
    metrics = list(
        CityMetric.objects.filter(city__cluster=cluster)
        .select_related("city", "source")
        .order_by("city__slug", "metric", "period")
    )
    sources.add_all(metrics)
    firms = list(
        Firm.objects.filter(city__cluster=cluster)
        .select_related("ranking__source", "city", "sector")
        .order_by("ranking__key", "rank")
    )
    for firm in firms:
        firm.source_number = sources.cite(firm.ranking.source)
    events = with_loc(
        Event.objects.filter(city__cluster=cluster)
        .select_related("city", "source")
        .prefetch_related("sectors")
    )
    sources.add_all(events)
    links = _korea_links(city__cluster=cluster)
    sources.add_all(links)
    cluster.t = Loc(cluster)  # type: ignore[attr-defined]
    return {
        "cluster": cluster,
        "scores": scores,
        "strengths": strengths,
        "challenges": challenges,
        "cities": cities,
        "zones": zones,
        "metrics_by_city": _metrics_by_city(metrics),
        "firms": firms,
        "events": events,
        "korea_network": korea_network(links),
        "sources": sources.items,
    }


def city_page(slug: str) -> dict[str, Any]:
    city = get_object_or_404(City.objects.select_related("cluster"), slug=slug)
    sources = SourceList()
    specialties = with_loc(
        CitySpecialty.objects.filter(city=city).select_related("sector", "source")
    )
    sources.add_all(specialties)
    zones = with_loc(
        Zone.objects.filter(city=city)
        .select_related("source")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("order")))
    )
    sources.add_all(zones)
    metrics = list(city.metrics.select_related("source").order_by("metric", "period"))
    sources.add_all(metrics)
    firms = list(
        city.firms.select_related("ranking__source", "sector").order_by("ranking__key", "rank")
    )
    for firm in firms:
        firm.source_number = sources.cite(firm.ranking.source)
    events = with_loc(city.events.select_related("source").prefetch_related("sectors"))
    sources.add_all(events)
    links = _korea_links(city=city)
    sources.add_all(links)
    city.t = Loc(city)  # type: ignore[attr-defined]
    if city.cluster:
        city.cluster.t = Loc(city.cluster)  # type: ignore[attr-defined]
    return {
        "city": city,
        "specialties": specialties,
        "zones": zones,
        "metrics": metrics,
        "firms": firms,
        "events": events,
        "korea_network": korea_network(links),
        "sources": sources.items,
    }


def cluster_overview() -> list[Cluster]:
    """All clusters with their core cities, for the landing page and the cluster index."""
    clusters = with_loc(
        Cluster.objects.prefetch_related(
            Prefetch("cities", queryset=City.objects.filter(is_core=True).order_by("slug"))
        )
    )
    return clusters
