"""Turn a stored ranking (the engine's JSON, docs/ARCHITECTURE.md) into what a page shows.

Pages read ``Assessment.result`` and never re-rank, so everything here works on plain dicts
and tolerates keys an older method version did not write. Names are shown in the page's
language (the stored ranking keeps all three); free-text reasons and caveats stay in the
language the assessment was made in, because that is how the engine wrote them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from advisor import charts
from advisor.briefs.texts import client_text, text_in
from advisor.engine.explain import split_source
from advisor.engine.verdict import percent_of, verdict
from clusters.models import Cluster, Factor, Sector, localized


def page_language() -> str:
    return "en" if (get_language() or "ko").startswith("en") else "ko"


def factor_names() -> dict[str, str]:
    """Factor code -> name in the page's language (one query)."""
    return {f.code: f.name for f in Factor.objects.all()}


def cluster_roles() -> dict[str, str]:
    """Cluster code -> its role in the page's language (one query). The ranking JSON does
    not carry the role, and the role is descriptive text, not a result, so reading today's
    wording is fine."""
    return {c.code: localized(c, "role") for c in Cluster.objects.all()}


def sector_name(code: str) -> str:
    sector = Sector.objects.filter(code=code).first()
    return sector.name if sector else code


def cluster_name(entry: Mapping[str, Any], language: str | None = None) -> str:
    name, _zh = charts.cluster_label(entry, language or page_language())
    return name


def cluster_zh(entry: Mapping[str, Any], language: str | None = None) -> str:
    _name, zh = charts.cluster_label(entry, language or page_language())
    return zh


def percent(share: Any) -> str:
    # The verdict's rounding (half up), so the page and the brief print the same percent.
    value = percent_of(share)
    return "–" if value is None else number_format(value)


def robustness_sentence(result: Mapping[str, Any]) -> str:
    """One plain sentence on how stable the top place is, e.g. "first in 86 % of …"."""
    ranking = result.get("ranking") or []
    robustness = result.get("robustness") or {}
    if not ranking or "top_share" not in robustness:
        return ""
    top = cluster_name(ranking[0])
    sentence = gettext(
        "%(cluster)s comes first in %(share)s %% of plausible weightings of your needs."
    ) % {"cluster": top, "share": percent(robustness.get("top_share"))}
    return sentence


def robustness_details(result: Mapping[str, Any], names: Mapping[str, str]) -> list[str]:
    """Further plain sentences: the runner-up's share and what would flip the order."""
    ranking = result.get("ranking") or []
    robustness = result.get("robustness") or {}
    by_code = {e.get("cluster"): e for e in ranking}
    lines: list[str] = []
    runner_up = robustness.get("runner_up")
    shares = robustness.get("shares") or {}
    if runner_up and runner_up in by_code and not shares.get(runner_up):
        # "… is first in 0 % of them" reads like a glitch; say what it means.
        lines.append(gettext("No other cluster came first in any of them."))
    elif runner_up and runner_up in by_code:
        lines.append(
            gettext("%(cluster)s is first in %(share)s %% of them.")
            % {
                "cluster": cluster_name(by_code[runner_up]),
                "share": percent(shares.get(runner_up, 0)),
            }
        )
    flip = robustness.get("flip")
    if isinstance(flip, Mapping) and flip.get("factor"):
        lines.append(
            gettext(
                "The first place changes if the importance of %(factor)s moves from "
                "%(from)s to %(to)s."
            )
            % {
                "factor": names.get(flip["factor"], flip["factor"]),
                "from": flip.get("from_weight", "–"),
                "to": flip.get("to_weight", "–"),
            }
        )
    margin = robustness.get("margin")
    if margin is not None:
        lines.append(
            gettext("The lead over the second cluster is %(margin)s points.")
            % {"margin": number_format(margin, 1)}
        )
    return lines


def entry_view(entry: Mapping[str, Any], names: Mapping[str, str], *,
               result_language: str | None = None, client: bool = True) -> dict[str, Any]:
    """A ranking entry with display names and sorted contributions added; its caveats and
    city reasons in the page's language (:func:`advisor.briefs.texts.text_in`) and, for
    a client (``client``), without internal citation codes or unverified clauses."""
    contributions = sorted(
        (
            {
                "factor": c.get("factor"),
                "name": names.get(str(c.get("factor")), str(c.get("factor"))),
                "points": c.get("points") or 0,
                "weight_percent": percent(c.get("weight")) if c.get("weight") is not None else "–",
                "factor_score": c.get("factor_score"),
                # How the score was judged for the company's sector (method 2026.12-1 on):
                # "sector" (sector-specific evidence), "capped" (the general score capped
                # by the sector's strength) or "general"; absent in older results.
                "basis": c.get("basis"),
            }
            for c in entry.get("contributions") or []
            if isinstance(c, Mapping)
        ),
        key=lambda c: -float(c["points"]),
    )
    language = page_language()
    cities, city_sources = cited_cities(entry, result_language=result_language)
    caveats = [str(c) for c in text_in(entry, "caveats", language,
                                        stored_language=result_language) or []]
    if client:
        caveats = [text for text in (client_text(split_source(c)[0]) for c in caveats) if text]
        for city in cities:
            city["text"] = client_text(city["text"])
    return {
        **entry,
        "display_name": cluster_name(entry),
        "display_zh": cluster_zh(entry),
        "contribution_rows": contributions,
        "cities": cities,
        "city_sources": city_sources,
        "caveats": caveats,
    }


def cited_cities(entry: Mapping[str, Any], *, result_language: str | None = None
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """(the entry's cities, each with its reason as ``text`` and its ``source_no``; the
    sources they cite, each once). Recommended cities often share one source, which the
    stored reasons repeat in full; the page cites it once under the list instead."""
    cities: list[dict[str, Any]] = []
    sources: list[str] = []
    for city in entry.get("cities") or []:
        if not isinstance(city, Mapping):
            continue
        detail = text_in(city, "detail", page_language(), stored_language=result_language)
        text, label = split_source(str(detail or city.get("reason") or ""))
        number = None
        if label:
            if label not in sources:
                sources.append(label)
            number = sources.index(label) + 1
        name = text_in(city, "name", page_language(), stored_language=result_language)
        cities.append({**city, "name": name or city.get("name", ""), "text": text,
                       "source_no": number})
    return cities, sources


def ranking_chart(result: Mapping[str, Any], chart_id: str = "ranking-chart") -> SafeString:
    """The inline SVG bar chart. charts.py escapes every text it draws (see its _text)."""
    ranking = result.get("ranking") or []
    if not ranking:
        return mark_safe("")
    return mark_safe(
        charts.ranking_bar_chart(ranking, language=page_language(), chart_id=chart_id)
    )


def contributions_svg(entry: Mapping[str, Any], names: Mapping[str, str]) -> SafeString:
    return mark_safe(
        charts.contributions_chart(entry, names, language=page_language())
    )


def profile_svg(
    entries: Sequence[Mapping[str, Any]], names: Mapping[str, str], needs: Mapping[str, Any]
) -> SafeString:
    return mark_safe(
        charts.factor_profile_chart(entries, names, needs, language=page_language())
    )


def result_context(
    result: Mapping[str, Any],
    names: Mapping[str, str],
    roles: Mapping[str, str] | None = None,
    *,
    client: bool = True,
) -> dict[str, Any]:
    """Everything the ranking part of a page needs (result page, what-if, staff detail).
    ``client=False`` (staff pages) keeps the knowledge base's citation codes and
    verification marks in the texts."""
    stored_language = result.get("language")
    ranking = [entry_view(e, names, result_language=stored_language, client=client)
               for e in result.get("ranking") or [] if isinstance(e, Mapping)]
    for entry in ranking:
        role = (roles or {}).get(str(entry.get("cluster")), "")
        entry["role"] = client_text(role) if client else role
    robustness = result.get("robustness") or {}
    decided = verdict(result)
    excluded = [
        {**e, "display_name": cluster_name(e), "display_zh": cluster_zh(e),
         "reason": text_in(e, "reason", page_language(), stored_language=stored_language)}
        for e in result.get("excluded") or []
        if isinstance(e, Mapping)
    ]
    return {
        "ranking": ranking,
        "top": ranking[0] if ranking else None,
        "alternatives": ranking[1:3],
        "excluded": excluded,
        "robustness": robustness,
        # One verdict for the page, the brief, the API and the export (METHODOLOGY §7).
        "verdict": decided,
        "clear_winner": decided.clear,
        "robustness_sentence": robustness_sentence(result),
        "robustness_details": robustness_details(result, names),
        "chart": ranking_chart(result),
        "dataset_version": result.get("dataset_version", ""),
        "method_version": result.get("method_version", ""),
        "result_language": result.get("language", ""),
    }


def needs_rows(intake: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The company's stated needs (importance 0–5), in factor order, for summaries."""
    needs = intake.get("needs") or {}
    return [
        {"factor": code, "name": name, "value": needs.get(code, "–")}
        for code, name in names.items()
    ]

