"""What the brief says: a plain dict built from an assessment, for ``brief/brief.html``.

The recommendation (order, scores, fits, contributions, cities and their reasons, caveats,
robustness, versions) comes only from ``assessment.result``: the brief never re-ranks, so an
old brief regenerates with the same recommendation after the knowledge base changed.

Background facts that the ranking JSON does not carry (a cluster's role, zones, city
metrics, leading firms, upcoming events, source dates) are read from the current knowledge
base. The snapshot has no zones, firms, events or metrics, so those few read-only queries go
to ``clusters.models`` directly; they are descriptive and never change the recommendation.
Events are those after the brief's own date (the assessment's date), so regenerating an old
brief lists the same events as long as the knowledge base still holds them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from advisor.briefs.fonts import css_family
from advisor.briefs.texts import client_text, text_in
from advisor.charts import cluster_label, contributions_chart, ranking_bar_chart, shown
from advisor.engine.explain import split_source, stage_label
from advisor.engine.verdict import Verdict, verdict
from clusters import models as kb
from clusters.snapshot import Snapshot, SourceRef
from clusters.vocabulary import KOREA_LINK_KINDS

# Metrics shown for each recommended city, in this order (the latest period of each).
# The latest full-year GDP comes first, then the latest partial-year figures, each with its
# period.
CITY_METRICS = (
    "gdp_full_year", "gdp", "gdp_real_growth", "gdp_nominal_growth", "trade", "trade_growth",
)
MAX_CITIES_IN_DEPTH = 4
MAX_ZONES = 6
MAX_FIRMS = 8
MAX_EVENTS = 8
MAX_KOREA_LINKS_PER_CITY = 8
# The charts are drawn at the text width (174 mm = 658 CSS px), so they print 1:1, unscaled.
CHART_WIDTH = 656


# Sources of this kind hold facts that are not yet checked: nothing of theirs reaches a client.
UNVERIFIED_KIND = kb.Source.Kind.TO_VERIFY.value
_HANGUL_ASIDE = re.compile(r"\s*[(（][^()（）]*[\uac00-\ud7a3][^()（）]*[)）]")


@dataclass(frozen=True)
class SourceLine:
    """A source as a client reads it: title (its English gloss in English where the
    knowledge base has one), publisher, date and URL. The internal reference (a seed file
    name) is never part of it."""

    key: str
    kind: str
    title: str
    title_en: str
    publisher: str
    published: str  # ISO date or ""
    url: str

    @classmethod
    def from_ref(cls, ref: SourceRef) -> SourceLine:
        return cls(ref.key, ref.kind, ref.title, ref.title_en, ref.publisher, ref.published,
                   ref.url)

    @classmethod
    def from_model(cls, source: kb.Source) -> SourceLine:
        published = source.published.isoformat() if source.published else ""
        return cls(source.key, source.kind, source.title, source.title_en, source.publisher,
                   published, source.url)

    def shown(self, language: str) -> dict[str, str]:
        """{"title", "publisher", "published", "url"} in ``language``: an English brief
        gives the English gloss of a Korean-only title and drops a Korean aside in the
        publisher ("KIC China (글로벌혁신센터)" -> "KIC China")."""
        en = _lang(language) == "en"
        publisher = self.publisher
        title = self.title
        halves = [part.strip() for part in title.split(" / ")]
        if len(halves) == 2:
            # A title kept in both languages, "Korean / English": the reader's half.
            title = halves[1] if en else halves[0]
        if en:
            publisher = _HANGUL_ASIDE.sub("", publisher).strip()
            title = self.title_en or title
        return {"title": title,
                "publisher": publisher, "published": self.published, "url": self.url}


class Sources:
    """Every source the brief cites, each once, numbered in order of first use. Sources
    whose facts are not yet verified are refused (``cite`` returns None): the brief leaves
    out what rests on them."""

    def __init__(self, snapshot: Snapshot | None) -> None:
        self._snapshot = snapshot
        self._lines: dict[str, SourceLine] = {}

    def line(self, source: kb.Source | str | None) -> SourceLine | None:
        if not source:
            return None
        if isinstance(source, kb.Source):
            return SourceLine.from_model(source)
        ref = self._snapshot.sources.get(source) if self._snapshot else None
        return SourceLine.from_ref(ref) if ref is not None else None

    def cite(self, source: kb.Source | str | None) -> int | None:
        """The source's number in the list (added if new); None when unknown or
        unverified."""
        line = self.line(source)
        if line is None or line.kind == UNVERIFIED_KIND:
            return None
        if line.key not in self._lines:
            self._lines[line.key] = line
        return list(self._lines).index(line.key) + 1

    def is_unverified(self, source: kb.Source | str | None) -> bool:
        line = self.line(source)
        return line is not None and line.kind == UNVERIFIED_KIND

    def by_label(self, label: str) -> str | None:
        """The key of the source an engine sentence names by its label ("title, publisher,
        date", in either language), or None."""
        if not label or self._snapshot is None:
            return None
        for key, ref in self._snapshot.sources.items():
            for title in filter(None, (ref.title, ref.title_en)):
                full = ", ".join(p for p in (title, ref.publisher, ref.published) if p)
                if label.strip() in (full, title):
                    return key
            if label.strip() == ref.label:
                return key
        return None

    def lines(self, language: str) -> list[dict[str, str]]:
        return [line.shown(language) for line in self._lines.values()]


def _lang(language: str) -> str:
    return "en" if language.startswith("en") else "ko"


def format_period(period: str) -> str:
    """'2024Q1-Q3' -> '2024 Q1–Q3'; '2023' stays."""
    return re.sub(r"^(\d{4})\s*Q(\d)\s*-\s*Q(\d)$", r"\1 Q\2–Q\3", period.strip())


# Units of 100 million yuan, as the knowledge base stores them (in English or Korean).
_HUNDRED_MILLION_YUAN = ("CNY 100m", "억 위안", "억위안")


def format_value(value: Decimal | float, unit: str, language: str = "ko") -> str:
    """A metric as each language writes it: Korean "9,422억 위안", "3위", "5.4%";
    English "CNY 942.2 bn", "No. 3", "5.4%". Unknown units follow the number."""
    number = float(value)
    unit = unit.strip()
    en = _lang(language) == "en"

    def plain(n: float) -> str:
        text = f"{n:,.1f}" if abs(n) < 1000 else f"{n:,.0f}"
        return text.removesuffix(".0")

    if unit in ("%", "％"):
        return f"{plain(number)}%"
    if unit in _HUNDRED_MILLION_YUAN:
        if en:
            return f"CNY {plain(number / 10)} bn"
        return f"{plain(number)}억 위안"
    if unit.lower() == "rank":
        return f"No. {number:.0f}" if en else f"{number:.0f}위"
    return f"{plain(number)} {unit}".strip()


def brief_date(assessment: Any) -> dt.date:
    """The assessment's date in the site's time zone (today for an unsaved one)."""
    created = getattr(assessment, "created_at", None)
    if created is None:
        return timezone.localdate()
    return timezone.localtime(created).date() if timezone.is_aware(created) else created.date()


def flip_sentence(
    robustness: Mapping[str, Any], runner_up_name: str, factor_names: Mapping[str, str]
) -> str:
    flip = robustness.get("flip")
    if not runner_up_name:
        return ""
    if not isinstance(flip, Mapping) or not flip.get("factor"):
        return gettext(
            "No single change in how much one need matters would put %(runner_up)s first."
        ) % {"runner_up": runner_up_name}
    language = translation.get_language() or "ko"
    return gettext(
        "%(runner_up)s would come first if %(factor)s mattered %(to)s out of 5 "
        "instead of %(from)s."
    ) % {
        "runner_up": runner_up_name,
        "factor": _in_sentence(factor_names.get(flip["factor"], flip["factor"]), language),
        "to": flip.get("to_weight", "?"),
        "from": flip.get("from_weight", "?"),
    }


def _city_name(city: Mapping[str, Any], language: str, snapshot: Snapshot | None) -> str:
    """The city's name in the brief's language: the stored result names it in the intake's
    language, so an English brief of a Korean assessment looks the name up (the slug is
    stable); the stored name is the fallback."""
    slug = city.get("slug", "")
    if snapshot is not None and slug in snapshot.cities:
        return snapshot.cities[slug].name.with_zh(language)
    return city.get("name") or slug


def _excluded_reason(entry: Mapping[str, Any], result_language: Any, language: str,
                     intake: Mapping[str, Any], factor_names: Mapping[str, str]) -> str:
    """Why a cluster was not ranked, in the brief's language. The stored reason is in the
    assessment's language; a brief in the other one says it again from the stored intake
    (the cluster's own scores then are not repeated: the stored result has them only in
    the sentence)."""
    stored = str(entry.get("reason") or "")
    return str(text_in(entry, "reason", language, stored_language=result_language,
                       rebuild=lambda: _rebuilt_exclusion(entry, intake, factor_names))
               or stored)


def _rebuilt_exclusion(entry: Mapping[str, Any], intake: Mapping[str, Any],
                       factor_names: Mapping[str, str]) -> str:
    """An exclusion reason said again from the stored intake, for results older than the
    engine's bilingual ``reason_i18n`` (call under the brief's language)."""
    requested = entry.get("cluster") in (intake.get("exclude") or ())
    if entry.get("code") == "excluded" or (not entry.get("code") and requested):
        return gettext("Excluded at the company's request.")
    minimums = intake.get("minimums") or {}
    if not entry.get("code") or not isinstance(minimums, Mapping) or not minimums:
        return ""
    parts = ", ".join(
        f"{factor_names.get(str(code), str(code))} ≥ {value}" for code, value in minimums.items()
    )
    return gettext("Below a minimum the company set (%(minimums)s).") % {"minimums": parts}


def _cluster_name(code: str, stored: str, language: str, snapshot: Snapshot | None) -> str:
    if snapshot is not None:
        try:
            return snapshot.cluster(code).name.with_zh(language)
        except KeyError:
            pass
    return stored or code


def _in_sentence(name: str, language: str) -> str:
    """'Cost' -> 'cost' inside an English sentence; Korean has no case."""
    if _lang(language) == "en" and name[:1].isupper() and not name[1:2].isupper():
        return name[:1].lower() + name[1:]
    return name


def _entry_context(
    entry: Mapping[str, Any],
    language: str,
    snapshot: Snapshot | None,
    sources: Sources,
    factor_names: Mapping[str, str],
    result_language: str | None = None,
) -> dict[str, Any]:
    name, zh = cluster_label(entry, language)
    code = entry.get("cluster", "")
    info = None
    if snapshot is not None:
        try:
            info = snapshot.cluster(code)
        except KeyError:
            info = None
    cities = []
    for city in entry.get("cities") or []:
        cities.append({
            "slug": city.get("slug", ""),
            "name": _city_name(city, language, snapshot),
            # The reason without the city's name (printed beside it) and without its source
            # (cited as a numbered note).
            "detail": city_detail(city, language, snapshot, result_language),
            "source_no": sources.cite(city.get("source")),
        })
    # Method 2026.12: a cluster without sourced city evidence names its core cities for
    # orientation only, with a note saying so.
    core_cities = [_city_name(c, language, snapshot) for c in entry.get("core_cities") or []
                   if isinstance(c, Mapping)]
    contributions = sorted(
        entry.get("contributions") or [], key=lambda c: -float(c.get("points") or 0)
    )
    strongest = [_in_sentence(factor_names.get(c["factor"], c["factor"]), language)
                 for c in contributions[:3] if float(c.get("points") or 0) > 0]
    caveats = text_in(entry, "caveats", language, stored_language=result_language,
                      strict=True) or []
    return {
        "rank": entry.get("rank"),
        "code": code,
        "name": name,
        "zh": zh,
        "score": entry.get("score"),
        "sector_fit": entry.get("sector_fit"),
        "needs_fit": entry.get("needs_fit"),
        "cities": cities,
        "core_cities": core_cities,
        "city_note": client_text(str(text_in(entry, "city_note", language,
                                             stored_language=result_language,
                                             strict=True) or "")),
        "city_names": ", ".join(c["name"] for c in cities[:2]) or ", ".join(core_cities),
        "caveats": caveat_lines(caveats, sources),
        # Caveats stored in the other language only (results before method 2026.12).
        "caveats_elsewhere": bool(entry.get("caveats")) and not caveats,
        "strongest": strongest,
        "role": client_text(info.role(language)) if info else "",
        "summary": client_text(info.summary_en if _lang(language) == "en" else info.summary_ko)
        if info else "",
    }


def caveat_lines(texts: Iterable[Any], sources: Sources) -> list[dict[str, Any]]:
    """Caveats as a client reads them: [{"text", "source_no"}]. The engine ends a challenge
    with " — source: <label>"; the brief cites that source as a numbered note instead. A
    caveat resting on an unverified source, or with nothing verified left once its marked
    clauses are dropped (:func:`client_text`), is left out."""
    lines = []
    for raw in texts:
        body, label = split_source(str(raw or ""))
        key = sources.by_label(label) if label else None
        if key is not None and sources.is_unverified(key):
            continue
        text = client_text(body)
        if not text or (label and key is None and client_text(label) == ""):
            continue
        lines.append({"text": text, "source_no": sources.cite(key) if key else None})
    return lines


def city_detail(city: Mapping[str, Any], language: str, snapshot: Snapshot | None,
                result_language: str | None = None) -> str:
    """Why a city is recommended, in the brief's language, without the city's name and
    without the inline source: the brief cites the source as a numbered note instead.

    Results of method 2026.12 on carry ``detail_i18n``; older ones store the specialty's
    key and the matched keywords, so the sentence is rebuilt from the knowledge base's
    specialty title (an English brief of a Korean assessment reads English); when the
    specialty is unknown, the stored detail is used with its source tail cut off.
    """
    def rebuilt() -> str:
        specialty = _specialties(snapshot).get(city.get("specialty") or "")
        if specialty is None:
            return ""
        title = specialty.title(language) or specialty.title_ko
        keywords = ", ".join(city.get("matched_keywords") or ())
        if keywords:
            return gettext("%(specialty)s (matches “%(keywords)s”)") % {
                "specialty": title, "keywords": keywords,
            }
        return title

    if isinstance(city.get("detail_i18n"), Mapping):
        detail = str(text_in(city, "detail", language, stored_language=result_language))
    elif result_language and _lang(str(result_language)) != _lang(language):
        # Another language's stored sentence would break the brief's language: rebuilt or
        # left out (the city's name still stands).
        detail = rebuilt()
    else:
        detail = rebuilt() or str(city.get("detail") or city.get("reason", ""))
    return client_text(split_source(detail)[0])


def _specialties(snapshot: Snapshot | None) -> Mapping[str, Any]:
    if snapshot is None:
        return {}
    return {s.key: s for s in snapshot.specialties}


def _zones(cluster: str, city_slugs: list[str], sectors: list[str], language: str,
           sources: Sources) -> list[dict[str, Any]]:
    """The top cluster's zones that concern the company: those focused on its main sector
    anywhere in the cluster, and, in the recommended cities, those focused on a secondary
    sector or on no sector in particular (a general high-tech zone). A zone of another
    sector, or of a secondary sector in another city (a battery recycler is not shown a
    petrochemical park elsewhere), is left out; so is one resting on an unverified judgement."""
    zones = (
        kb.Zone.objects.filter(city__cluster__code=cluster)
        .select_related("city", "source")
        .prefetch_related("sectors")
    )
    main = set(sectors[:1])

    def relevance(zone: kb.Zone) -> tuple[int, int, str] | None:
        codes = {s.code for s in zone.sectors.all()}
        in_city = zone.city.slug in city_slugs
        if codes & main:
            return (0, 0 if in_city else 1, zone.key)
        if in_city and (codes & set(sectors) or not codes):
            return (1 if codes else 2, 0, zone.key)
        return None

    ranked = [(rank, z) for z in zones
              if (rank := relevance(z)) is not None and not sources.is_unverified(z.source)]
    chosen = [z for _, z in sorted(ranked, key=lambda pair: pair[0])][:MAX_ZONES]
    en = _lang(language) == "en"
    return [{
        "name": z.name_en if en else z.name_ko,
        "zh": z.name_zh,
        "city": (z.city.name_en if en else z.city.name_ko),
        "kind": z.get_kind_display(),
        "description": client_text(z.description_en if en else z.description_ko),
        "source_no": sources.cite(z.source),
    } for z in chosen]


def _metrics(city_slugs: list[str], language: str, sources: Sources) -> dict[str, Any]:
    """Key figures as a compact grid: one row per (indicator, period), one column per city.
    Three cities times five indicators as a long list took most of a page. A row cites its
    sources once, beside the indicator (a row's figures usually share one source), rather
    than a note on every figure."""
    rows = (
        kb.CityMetric.objects.filter(city__slug__in=city_slugs, metric__in=CITY_METRICS)
        .select_related("city", "source")
        .order_by("city__slug", "metric", "-period")
    )
    latest: dict[tuple[str, str], kb.CityMetric] = {}
    for row in rows:
        latest.setdefault((row.city.slug, row.metric), row)
    en = _lang(language) == "en"
    metric_labels = dict(kb.CityMetric._meta.get_field("metric").flatchoices)
    cities = [slug for slug in city_slugs if any((slug, m) in latest for m in CITY_METRICS)]
    names = {}
    grid: dict[tuple[str, str], dict[str, str]] = {}
    cited: dict[tuple[str, str], list[int]] = {}
    for slug in cities:
        for metric in CITY_METRICS:
            row = latest.get((slug, metric))
            if row is None:
                continue
            names[slug] = row.city.name_en if en else row.city.name_ko
            key = (metric, format_period(row.period))
            grid.setdefault(key, {})[slug] = format_value(row.value, row.unit, language)
            number = sources.cite(row.source)
            numbers = cited.setdefault(key, [])
            if number is not None and number not in numbers:
                numbers.append(number)
    order = {m: i for i, m in enumerate(CITY_METRICS)}
    keys = sorted(grid, key=lambda k: (order[k[0]], k[1]))
    return {
        "cities": [names[slug] for slug in cities],
        "rows": [
            {"metric": str(metric_labels.get(k[0], k[0])), "period": k[1],
             "source_nos": ", ".join(str(n) for n in sorted(cited[k])),
             "cells": [grid[k].get(slug) for slug in cities]}
            for k in keys
        ],
    }


def _firms(cluster: str, sectors: list[str], language: str,
           sources: Sources) -> tuple[list[dict[str, Any]], bool]:
    """Leading firms of the company's sectors: those located in the cluster, or, when the
    rankings place none there, the national leaders (flagged so the brief says so)."""
    in_sector = Q(sector__code__in=sectors) | Q(
        sector__isnull=True, ranking__sectors__code__in=sectors
    )
    base = (
        kb.Firm.objects.filter(in_sector)
        .select_related("ranking", "ranking__source", "city")
        .order_by("rank", "ranking__key")
        .distinct()
    )
    local = list(base.filter(city__cluster__code=cluster)[:MAX_FIRMS])
    firms, national = (local, False) if local else (list(base[:MAX_FIRMS]), True)
    en = _lang(language) == "en"
    return [{
        "name": f.name_en if en else f.name_ko,
        "zh": f.name_zh,
        "rank": f.rank,
        "ranking": f.ranking.name_en if en else f.ranking.name_ko,
        "city": (f.city.name_en if en else f.city.name_ko) if f.city else "",
        "source_no": sources.cite(f.ranking.source),
    } for f in firms], national


def _events(after: dt.date, sectors: list[str], city_slugs: list[str], language: str,
            sources: Sources) -> list[dict[str, Any]]:
    """Events not yet over on the brief's date (``after``) that concern the company: in one of
    its sectors, or concerning every sector and held in a recommended city. An event whose
    dates rest on an unverified judgement is not listed."""
    events = (
        kb.Event.objects.filter(ends__gte=after)
        .exclude(source__kind=kb.Source.Kind.TO_VERIFY)
        .filter(
            Q(sectors__code__in=sectors)
            | Q(sectors__isnull=True, city__slug__in=city_slugs)
        )
        .distinct()
        .select_related("city", "source")
        .order_by("starts", "key")[:MAX_EVENTS]
    )
    en = _lang(language) == "en"
    return [{
        "name": e.name_en if en else e.name_ko,
        "zh": e.name_zh,
        "starts": e.starts,
        "ends": e.ends,
        "location": e.location_en if en else e.location_ko,
        "field": e.field_en if en else e.field_ko,
        "source_no": sources.cite(e.source),
    } for e in events]


def korea_network(city_slugs: Iterable[str], sectors: Iterable[str], language: str,
                  snapshot: Snapshot | None, sources: Sources) -> list[dict[str, Any]]:
    """The Korean network of the given cities, for the brief: per city, in the given order,
    ``{"city": "옌청 (盐城)", "links": [{"kind": "KOTRA trade office", "name", "zh",
    "detail", "source_no"}, ...]}``.

    A link is kept when it serves every sector (an office, a park, a flight: no sectors) or
    concerns one of the company's ``sectors`` (a battery maker is not shown a chip fab).
    Links are listed in ``KOREA_LINK_KINDS`` order, at most ``MAX_KOREA_LINKS_PER_CITY`` per
    city so that the section stays readable. A city with no kept link is still listed, with
    no links: the brief then says the knowledge base records none there. Read from the
    snapshot, so it costs no query; an unknown city is skipped.
    """
    if snapshot is None:
        return []
    wanted = set(sectors)
    rank = {kind: i for i, kind in enumerate(KOREA_LINK_KINDS)}
    labels = dict(kb.KoreaLink.Kind.choices)
    network = []
    for slug in city_slugs:
        city = snapshot.cities.get(slug)
        if city is None:
            continue
        kept = sorted(
            (link for link in city.korea_links
             if not link.sectors or wanted.intersection(link.sectors)),
            key=lambda link: (rank.get(link.kind, len(rank)), link.key),
        )[:MAX_KOREA_LINKS_PER_CITY]
        network.append({
            "city": city.name.with_zh(language),
            "links": [{
                "kind": str(labels.get(link.kind, link.kind)),
                "name": link.name.get(language),
                "zh": link.name.zh,
                "detail": link.detail(language),
                "source_no": sources.cite(link.source),
            } for link in kept],
        })
    return network


def _fact_sources(entries: Iterable[Mapping[str, Any]], snapshot: Snapshot | None,
                  sectors: list[str], sources: Sources) -> None:
    """Cite what the scores rest on: the factor scores and sector strengths of the clusters
    the brief discusses (as the knowledge base documents them today)."""
    if snapshot is None:
        return
    for entry in entries:
        try:
            info = snapshot.cluster(entry.get("cluster", ""))
        except KeyError:
            continue
        for sector in sectors:
            fact = info.sector_strengths.get(sector)
            if fact:
                sources.cite(fact.source)
        for contribution in entry.get("contributions") or []:
            fact = info.factor_scores.get(contribution.get("factor", ""))
            if fact:
                sources.cite(fact.source)


def _cited(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with a citable source: ``Sources.cite`` refuses unverified sources, and
    nothing unverified reaches a client (every knowledge-base fact has a source)."""
    return [row for row in rows if row.get("source_no") is not None]


def build_context(
    assessment: Any,
    language: str,
    *,
    snapshot: Snapshot | None,
    decision: Any = None,
) -> dict[str, Any]:
    """Everything the template shows. Call inside ``translation.override(language)``."""
    result: Mapping[str, Any] = assessment.result or {}
    intake: Mapping[str, Any] = assessment.intake or {}
    lang = _lang(language)
    sources = Sources(snapshot)

    factor_names = {f.code: f.name.get(lang) for f in snapshot.factors} if snapshot else {}
    sector_names = {s.code: s.name.get(lang) for s in snapshot.sectors} if snapshot else {}
    sector = intake.get("sector") or getattr(assessment, "sector", "")
    sectors = [sector, *(intake.get("secondary_sectors") or [])]

    ranking = list(result.get("ranking") or [])
    result_language = result.get("language") or getattr(assessment, "language", None)
    entries = [_entry_context(e, language, snapshot, sources, factor_names, result_language)
               for e in ranking]
    top = entries[0] if entries else None
    alternatives = entries[1:3]
    robustness = result.get("robustness") or {}
    runner_code = robustness.get("runner_up") or (entries[1]["code"] if len(entries) > 1 else "")
    runner = next((e for e in entries if e["code"] == runner_code), None)
    date = brief_date(assessment)

    in_depth: dict[str, Any] = {}
    if top:
        slugs = [c["slug"] for c in top["cities"]][:MAX_CITIES_IN_DEPTH]
        firms, firms_national = _firms(top["code"], sectors, language, sources)
        in_depth = {
            "zones": _cited(_zones(top["code"], slugs, sectors, language, sources)),
            "metrics": _metrics(slugs, language, sources),
            "firms": _cited(firms),
            "firms_national": firms_national,
            "korea_network": korea_network(slugs, sectors, language, snapshot, sources),
        }
        event_cities = slugs + [c["slug"] for alt in alternatives for c in alt["cities"][:1]]
    else:
        event_cities = []
    events = _cited(_events(date, sectors, event_cities, language, sources))
    _fact_sources(ranking[:3], snapshot, sectors, sources)

    needs = intake.get("needs") or {}
    needs_rows = sorted(
        ({"factor": factor_names.get(code, code), "value": value} for code, value in needs.items()),
        key=lambda row: -float(row["value"] or 0),
    )
    excluded = [
        {"name": _cluster_name(e.get("cluster", ""), e.get("name", ""), language, snapshot),
         "reason": _excluded_reason(e, result.get("language"), language, intake, factor_names)}
        for e in result.get("excluded") or []
    ]
    top_city = top["cities"][0] if top and top["cities"] else None
    company = intake.get("company_name") or getattr(assessment, "company_name", "")
    decided_by_consultant = _decision_context(decision, language, snapshot, entries)
    # The one verdict of every output (advisor.engine.verdict), naming the runner-up.
    decided = verdict(result, runner["name"] if runner else "")
    flip = flip_sentence(robustness, runner["name"] if runner else "", factor_names)
    stage = intake.get("stage", "")

    return {
        "language": lang,
        "company": company,
        "date": date,
        "sector": sector_names.get(sector, sector),
        "secondary_sectors": [sector_names.get(s, s) for s in sectors[1:]],
        "keywords": intake.get("keywords", ""),
        "stage": stage,
        "stage_label": stage_label(stage),
        "needs": needs_rows,
        # One text run, not a span per need: "인재 5 · 연구개발 역량 4 · …".
        "needs_text": " · ".join(f"{row['factor']}\u00a0{row['value']}" for row in needs_rows),
        "dataset_version": result.get("dataset_version") or assessment.dataset_version,
        "method_version": result.get("method_version") or assessment.method_version,
        "entries": entries,
        "top": top,
        "top_city": top_city,
        "runner_up": runner,
        "alternatives": alternatives,
        "excluded": excluded,
        "verdict": decided,
        "summary_sentences": summary_sentences(
            company=company, top=top, top_city=top_city, decided=decided, flip=flip,
            consultant=decided_by_consultant,
        ),
        "method_paragraphs": method_paragraphs(robustness),
        # SVG documents (every text escaped by advisor.charts) that render.py serves to
        # WeasyPrint as the images charts/<name>.svg; the template only names them.
        "charts": {
            "ranking": ranking_bar_chart(
                ranking, language=language, width=CHART_WIDTH, chart_id="brief-ranking",
                font_family=css_family(),
            ) if ranking else "",
            "contributions": contributions_chart(
                ranking[0], factor_names, language=language, width=CHART_WIDTH,
                chart_id="brief-contributions", font_family=css_family(),
            ) if top else "",
        },
        "in_depth": in_depth,
        "events": events,
        "decision": decided_by_consultant,
        "sources": sources.lines(language),
        "cluster_count": ngettext("%(count)s cluster", "%(count)s clusters", len(entries))
        % {"count": len(entries)},
    }


def consultant_signature(user: Any, language: str) -> str:
    """How a decision note is signed for a client: "Name, Title" from the consultant's
    staff profile in ``language`` (the other language's name, then the account's first and
    last name as fallbacks), else "KIC China consultant". Never the login name."""
    lang = _lang(language)
    with translation.override(lang):
        fallback = gettext("KIC China consultant")
    if user is None:
        return fallback
    profile = getattr(user, "staff_profile", None) if _has_profile(user) else None
    other = "ko" if lang == "en" else "en"
    name = ""
    title = ""
    if profile is not None:
        name = getattr(profile, f"name_{lang}") or getattr(profile, f"name_{other}")
        title = getattr(profile, f"title_{lang}")
    name = name or user.get_full_name().strip()
    if not name:
        return fallback
    return f"{name}, {title}" if title else name


def _has_profile(user: Any) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        user.staff_profile  # noqa: B018 (the reverse one-to-one raises when absent)
    except (ObjectDoesNotExist, AttributeError):
        return False
    return True


def _decision_context(decision: Any, language: str, snapshot: Snapshot | None,
                      entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The consultant's recommendation. ``leads`` is true when it differs from the engine's
    first cluster or first city: the cover and the summary then lead with it, and the
    ranking becomes the supporting analysis."""
    if decision is None:
        return None
    cluster_name = _cluster_name(decision.cluster, "", language, snapshot)
    zh = ""
    if snapshot is not None:
        try:
            info = snapshot.cluster(decision.cluster)
            cluster_name, zh = info.name.get(_lang(language)), info.name.zh
        except KeyError:
            pass
    city_name = decision.city
    if snapshot is not None and decision.city in snapshot.cities:
        city_name = snapshot.cities[decision.city].name.with_zh(language)
    top = entries[0] if entries else None
    top_city = top["cities"][0]["slug"] if top and top["cities"] else ""
    leads = top is None or decision.cluster != top["code"] or bool(
        decision.city and decision.city != top_city)
    return {
        "cluster": cluster_name,
        "zh": zh if zh != cluster_name else "",
        "city": city_name,
        "note": decision.note,
        "leads": leads,
        "author": consultant_signature(decision.author, language),
        "date": timezone.localtime(decision.created_at).date() if decision.created_at else None,
    }


def summary_sentences(
    *,
    company: str,
    top: Mapping[str, Any] | None,
    top_city: Mapping[str, Any] | None,
    decided: Verdict,
    flip: str,
    consultant: Mapping[str, Any] | None = None,
) -> list[str]:
    """Two to four plain sentences; built here (not in the template) so that each is one
    translatable string and the template escapes it once, as text. How certain the first
    place is comes from the shared verdict, word for word as on the result page."""
    if not top:
        return []
    values = {"company": company, "cluster": top["name"], "score": shown(top["score"], 1)}
    if consultant and consultant.get("leads"):
        # The consultant's decision leads; the engine's ranking is the supporting analysis.
        lead = {"company": company, "cluster": consultant["cluster"],
                "city": consultant.get("city") or ""}
        first = (gettext("For %(company)s, KIC China recommends %(cluster)s, with %(city)s "
                         "as the first city to look at.") if lead["city"] else
                 gettext("For %(company)s, KIC China recommends %(cluster)s.")) % lead
        analysis = gettext(
            "The analysis in this brief, which scores the company's stated needs only, "
            "ranks %(cluster)s first (score %(score)s out of 100); the consultant's "
            "reasoning is under Next steps.") % values
        return [s for s in (first, analysis, decided.sentence) if s]
    if top_city:
        first = gettext(
            "For %(company)s the best fit is %(cluster)s (score %(score)s out of 100), "
            "with %(city)s as the first city to look at."
        ) % {**values, "city": top_city["name"]}
    else:
        first = gettext(
            "For %(company)s the best fit is %(cluster)s (score %(score)s out of 100)."
        ) % values
    sentences = [first]
    if top.get("strongest"):
        sentences.append(
            gettext("What weighs most in its favour: %(factors)s.")
            % {"factors": ", ".join(top["strongest"])}
        )
    if decided.sentence:
        sentences.append(decided.sentence)
    if flip:
        sentences.append(flip)
    return sentences


def method_paragraphs(robustness: Mapping[str, Any]) -> list[str]:
    paragraphs = [
        gettext(
            "Each cluster's score (0–100) combines two parts. Sector fit says how strong the "
            "cluster is in the company's sector, secondary sectors and keywords, from the "
            "knowledge base's sector strengths and city specialties. Needs fit weighs the "
            "cluster's documented 0–100 score on each of nine factors (research, "
            "manufacturing, market, capital, cost, talent, policy, openness, pilot production) "
            "by the importance the company gave it; the contributions shown add up to it."
        ),
        gettext(
            "Clusters the company excluded, or that fall below a minimum it set, are removed "
            "before scoring. Caveats name a cluster's known weaknesses on what the company "
            "weighs most."
        ),
    ]
    samples = robustness.get("samples")
    if samples:
        paragraphs.append(gettext(
            "Robustness: the importances were varied at random %(samples)s times within "
            "plausible bounds; the share of variations in which the recommended cluster stays "
            "first is the figure quoted in the summary."
        ) % {"samples": samples})
    paragraphs.append(gettext(
        "The full method, its formulas and defaults are published on the method page of "
        "KIC China's China Entry Advisor, under the method version printed on the cover."
    ))
    return paragraphs
