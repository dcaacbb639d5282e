"""Knowledge-base reads for the public cluster and city pages (a fixed number of queries).

Templates read bilingual fields through ``obj.t.<field>`` (see :class:`Loc`), which picks
``<field>_en`` or ``<field>_ko`` for the page's language, so templates stay free of
language branches and no custom template library is needed.

These pages are public: what they show passes :mod:`clusters.citations` (no seed citation
codes, no clause marked "to verify"), facts resting on an unverified analyst judgement are
left out (a score keeps its number, without the rationale), and trade fairs are split into
upcoming and past ones by today's date. Editors see the verification status in the admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clusters.citations import client_text, is_unverified
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
    """``Loc(obj)["role"]`` is ``localized(obj, "role")`` as a client may read it (without
    internal citation codes or parts to verify): a template-friendly accessor."""

    def __init__(self, obj: object) -> None:
        self._obj = obj

    def __getitem__(self, field: str) -> str:
        return client_text(localized(self._obj, field))


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
        """The source's footnote number; None (not listed) for an unverified judgement."""
        if source is None or is_unverified(source.kind):
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


def verified(rows: Iterable[T]) -> list[T]:
    """The rows whose source is not an unverified analyst judgement (those stay staff-only)."""
    return [row for row in rows if not is_unverified(row.source.kind)]  # type: ignore[attr-defined]


def mark_unverified(rows: Iterable[T]) -> list[T]:
    """Flag rows resting on an unverified judgement: the page shows their figure only."""
    rows = list(rows)
    for row in rows:
        row.unverified = is_unverified(row.source.kind)  # type: ignore[attr-defined]
    return rows


def latest_full_year(metrics: Iterable[CityMetric]) -> CityMetric | None:
    """The full-year GDP row of the latest period ("2025" after "2023"), or None."""
    rows = [m for m in metrics if m.metric == CityMetric.Metric.GDP_FULL_YEAR]
    return max(rows, key=lambda m: m.period, default=None)


def split_events(events: Iterable[Event], today: dt.date | None = None) -> dict[str, list[Event]]:
    """{"upcoming": events not yet over (soonest first), "past": the others (latest first)}.

    An event is upcoming until its last day has passed, relative to ``today`` (the site's
    local date by default), so a fair of December 2024 is never listed as upcoming later."""
    today = today or timezone.localdate()
    rows = list(events)
    return {
        "upcoming": sorted((e for e in rows if e.ends >= today), key=lambda e: (e.starts, e.key)),
        "past": sorted((e for e in rows if e.ends < today), key=lambda e: (e.starts, e.key),
                       reverse=True),
    }


def relevant_to(sectors: Sequence[str]) -> Q:
    """Zones or events that concern one of ``sectors`` or every sector (no sector recorded)."""
    return Q(sectors__code__in=list(sectors)) | Q(sectors__isnull=True)


def _metrics_by_city(metrics: Iterable[CityMetric]) -> list[dict[str, Any]]:
    grouped: dict[int, dict[str, Any]] = {}
    for metric in metrics:
        entry = grouped.setdefault(metric.city_id, {"city": metric.city, "metrics": []})
        entry["metrics"].append(metric)
    for entry in grouped.values():
        entry["latest_gdp"] = latest_full_year(entry["metrics"])
    return list(grouped.values())


def cluster_page(code: str, sectors: Sequence[str] = ()) -> dict[str, Any]:
    """The cluster page's context; ``sectors`` (optional) keeps only the zones and events that
    concern one of them or every sector (the result page links here with the company's)."""
    cluster = get_object_or_404(Cluster, code=code)
    sources = SourceList()

    scores = mark_unverified(with_loc(
        ClusterFactorScore.objects.filter(cluster=cluster).select_related("factor", "source")
    ))
    for row in scores:
        row.factor.t = Loc(row.factor)
    sources.add_all(scores)
    strengths = mark_unverified(with_loc(
        ClusterSectorStrength.objects.filter(cluster=cluster, strength__gt=0)
        .select_related("sector", "source")
        .order_by("-strength", "sector__order")
    ))
    sources.add_all(strengths)
    challenges = verified(with_loc(
        ClusterChallenge.objects.filter(cluster=cluster).select_related("factor", "source")
    ))
    sources.add_all(challenges)
    cities = with_loc(cluster.cities.order_by("-is_core", "slug"))
    zone_rows = Zone.objects.filter(city__cluster=cluster)
    event_rows = Event.objects.filter(city__cluster=cluster)
    if sectors:
        zone_rows = zone_rows.filter(relevant_to(sectors)).distinct()
        event_rows = event_rows.filter(relevant_to(sectors)).distinct()
    zones = verified(with_loc(
        zone_rows.select_related("city", "source")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("order")))
    ))
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
    events = split_events(verified(with_loc(
        event_rows.select_related("city", "source").prefetch_related("sectors")
    )))
    sources.add_all(events["upcoming"] + events["past"])
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
        "events": events["upcoming"],
        "past_events": events["past"],
        "korea_network": korea_network(links),
        "sources": sources.items,
    }


def city_page(slug: str, sectors: Sequence[str] = ()) -> dict[str, Any]:
    """The city page's context; ``sectors`` as for :func:`cluster_page`."""
    city = get_object_or_404(City.objects.select_related("cluster"), slug=slug)
    sources = SourceList()
    specialties = verified(with_loc(
        CitySpecialty.objects.filter(city=city).select_related("sector", "source")
    ))
    sources.add_all(specialties)
    zone_rows = Zone.objects.filter(city=city)
    event_rows = city.events.all()
    if sectors:
        zone_rows = zone_rows.filter(relevant_to(sectors)).distinct()
        event_rows = event_rows.filter(relevant_to(sectors)).distinct()
    zones = verified(with_loc(
        zone_rows.select_related("source")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("order")))
    ))
    sources.add_all(zones)
    metrics = list(city.metrics.select_related("source").order_by("metric", "period"))
    sources.add_all(metrics)
    firms = list(
        city.firms.select_related("ranking__source", "sector").order_by("ranking__key", "rank")
    )
    for firm in firms:
        firm.source_number = sources.cite(firm.ranking.source)
    events = split_events(verified(with_loc(
        event_rows.select_related("source").prefetch_related("sectors")
    )))
    sources.add_all(events["upcoming"] + events["past"])
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
        "latest_gdp": latest_full_year(metrics),
        "firms": firms,
        "events": events["upcoming"],
        "past_events": events["past"],
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
