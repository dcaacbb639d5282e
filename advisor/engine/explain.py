"""Sentences a consultant can read out: which cities and why, what to watch out for.

Every function here is called under ``translation.override(intake.language)`` by
``ranking.py``; msgids are English, the Korean catalogue translates them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from clusters.snapshot import Names, SpecialtyInfo

from .method import (
    CAVEAT_NEED,
    CAVEAT_SCORE,
    FALLBACK_CITIES,
    MAX_CITIES,
)
from .prepared import Prepared

# City specialty points: the company's sector, a secondary sector, each keyword concept.
_PRIMARY_POINTS = 2
_SECONDARY_POINTS = 1
_CONCEPT_POINTS = 3
_CACHE_LIMIT = 20_000


def names_of(names: Names) -> dict[str, str]:
    return {"ko": names.ko, "en": names.en, "zh": names.zh}


def source_label(prep: Prepared, key: str) -> str:
    source = prep.snapshot.sources.get(key)
    return source.label if source is not None else key


def cluster_labels(prep: Prepared, cluster: int, language: str
                   ) -> tuple[str, dict[str, str], str]:
    """(name with Chinese, names, role) of a cluster; the caller copies ``names``."""

    def build() -> tuple[str, dict[str, str], str]:
        info = prep.snapshot.clusters[cluster]
        return (info.name.with_zh(language), names_of(info.name),
                info.role(language) or info.role_ko)

    return _cached(prep, ("cluster", cluster, language), build)  # type: ignore[return-value]


def _cached(prep: Prepared, key: tuple[object, ...], build: Callable[[], tuple[Any, ...]]
            ) -> tuple[Any, ...]:
    value = prep.explain_cache.get(key)
    if value is None:
        if len(prep.explain_cache) >= _CACHE_LIMIT:
            prep.explain_cache.clear()
        value = prep.explain_cache[key] = build()
    return value


def cities(
    prep: Prepared,
    cluster: int,
    sector: str,
    secondary: tuple[str, ...],
    found: Mapping[str, str],
    language: str,
) -> list[dict[str, Any]]:
    """The cluster's cities that best fit the sector and keywords (core cities otherwise)."""
    key = ("cities", cluster, sector, secondary, tuple(found.items()), language)
    rows = _cached(prep, key, lambda: _cities(prep, cluster, sector, secondary, found, language))
    # Fresh dicts each time: results are stored and may be changed by their owners.
    result = []
    for row in rows:
        entry = dict(row)
        entry["matched_keywords"] = list(entry["matched_keywords"])
        result.append(entry)
    return result


def _cities(
    prep: Prepared,
    cluster: int,
    sector: str,
    secondary: tuple[str, ...],
    found: Mapping[str, str],
    language: str,
) -> tuple[tuple[tuple[str, Any], ...], ...]:
    best: dict[str, tuple[int, SpecialtyInfo, list[str]]] = {}
    for item in prep.cluster_specialties[cluster]:
        spec = item.specialty
        matched = sorted(item.concepts & found.keys())
        points = (
            _PRIMARY_POINTS * (spec.sector == sector)
            + _SECONDARY_POINTS * (spec.sector in secondary)
            + _CONCEPT_POINTS * len(matched)
        )
        if points and (item.city.slug not in best or points > best[item.city.slug][0]):
            labels = list(dict.fromkeys(found[c] for c in matched))
            best[item.city.slug] = (points, spec, labels)
    snapshot = prep.snapshot
    ranked = sorted(
        best.items(),
        key=lambda kv: (-kv[1][0], not snapshot.cities[kv[0]].is_core, kv[0]),
    )[:MAX_CITIES]
    rows = []
    for slug, (_points, spec, labels) in ranked:
        city = snapshot.cities[slug]
        name = city.name.with_zh(language)
        values = {
            "city": name,
            "specialty": spec.title(language) or spec.title_ko,
            "source": source_label(prep, spec.source),
            "keywords": ", ".join(labels),
        }
        if labels:
            reason = _("%(city)s: %(specialty)s (matches “%(keywords)s”) — source: %(source)s")
        else:
            reason = _("%(city)s: %(specialty)s — source: %(source)s")
        rows.append(tuple({
            "slug": slug,
            "name": name,
            "reason": reason % values,
            "sector": spec.sector,
            "source": spec.source,
            "specialty": spec.key,
            "matched_keywords": tuple(labels),
        }.items()))
    if rows:
        return tuple(rows)
    cluster_info = snapshot.clusters[cluster]
    sector_info = snapshot.sectors[prep.sector_index[sector]]
    for city in prep.core_cities[cluster][:FALLBACK_CITIES]:
        name = city.name.with_zh(language)
        reason = _(
            "%(city)s: a core city of %(cluster)s; the knowledge base records no specialty "
            "in %(sector)s here yet."
        ) % {
            "city": name,
            "cluster": cluster_info.name.get(language),
            "sector": sector_info.name.get(language),
        }
        rows.append(tuple({
            "slug": city.slug,
            "name": name,
            "reason": reason,
            "sector": None,
            "source": "",
            "specialty": None,
            "matched_keywords": (),
        }.items()))
    return tuple(rows)


def top_needs(needs: Mapping[str, float]) -> tuple[tuple[str, int], ...]:
    """The needs this company weighs most: rated CAVEAT_NEED or more, else the highest."""
    chosen = {f: int(v) for f, v in needs.items() if v >= CAVEAT_NEED}
    if not chosen:
        highest = max(needs.values(), default=0)
        chosen = {f: int(v) for f, v in needs.items() if highest > 0 and v == highest}
    return tuple(chosen.items())


def caveats(prep: Prepared, cluster: int, top: tuple[tuple[str, int], ...], language: str
            ) -> list[str]:
    """Weak factors among ``top`` (most important first, then weakest), then the cluster's
    structural challenges that concern one of ``top`` or every company."""
    weak = []
    info = prep.snapshot.clusters[cluster]
    for code, need in top:
        value = prep.score_values[cluster][prep.factor_index[code]]
        if value is not None and value < CAVEAT_SCORE:
            weak.append((-need, value, code))
    texts = [_weak_text(prep, cluster, code, -minus, language)
             for minus, _value, code in sorted(weak)]
    wanted = {code for code, _need in top}
    texts.extend(
        _challenge_text(prep, cluster, index, language)
        for index, challenge in enumerate(info.challenges)
        if challenge.factor is None or challenge.factor in wanted
    )
    return texts


def _weak_text(prep: Prepared, cluster: int, code: str, need: int, language: str) -> str:
    def build() -> tuple[str]:
        fact = prep.snapshot.clusters[cluster].factor_scores[code]
        factor = prep.snapshot.factors[prep.factor_index[code]]
        values = {"factor": factor.name.get(language), "score": round(fact.value),
                  "need": need}
        rationale = fact.rationale(language) or fact.rationale_ko
        if rationale:
            values["rationale"] = rationale
            text = _("Weak on %(factor)s (%(score)d/100), which you rated %(need)d of 5: "
                     "%(rationale)s")
        else:
            text = _("Weak on %(factor)s (%(score)d/100), which you rated %(need)d of 5.")
        return (text % values,)

    return _cached(prep, ("weak", cluster, code, need, language), build)[0]


def _challenge_text(prep: Prepared, cluster: int, index: int, language: str) -> str:
    def build() -> tuple[str]:
        challenge = prep.snapshot.clusters[cluster].challenges[index]
        return (_("%(text)s — source: %(source)s") % {
            "text": challenge.text(language) or challenge.text_ko,
            "source": source_label(prep, challenge.source),
        },)

    return _cached(prep, ("challenge", cluster, index, language), build)[0]


def excluded_reason(
    prep: Prepared,
    cluster: int,
    requested: bool,
    below: list[tuple[str, float | None, int]],
    language: str,
) -> tuple[str, str]:
    """(code, reason) for a knocked-out cluster; ``below``: (factor, score|None, minimum)."""
    factor_names = {f.code: f.name.get(language) for f in prep.snapshot.factors}
    parts = []
    if requested:
        parts.append(_("Excluded at the company's request."))
    for code, value, minimum in below:
        name = factor_names.get(code, code)
        if value is None:
            parts.append(_("%(factor)s has no score, so the minimum of %(minimum)d cannot be "
                           "met.") % {"factor": name, "minimum": minimum})
        else:
            parts.append(_("%(factor)s scores %(score)d, below the required minimum of "
                           "%(minimum)d.") % {"factor": name, "score": round(value),
                                              "minimum": minimum})
    return ("excluded" if requested else "below_minimum"), " ".join(parts)
