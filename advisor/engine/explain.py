"""Sentences a consultant can read out: which cities and why, what to watch out for.

Every function here is called under ``translation.override(intake.language)`` by
``ranking.py``; msgids are English, the Korean catalogue translates them.
"""

from __future__ import annotations

import re
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
_SLOT_LIMIT = 20_000


def names_of(names: Names) -> dict[str, str]:
    return {"ko": names.ko, "en": names.en, "zh": names.zh}


def source_label(prep: Prepared, key: str) -> str:
    source = prep.snapshot.sources.get(key)
    return source.label if source is not None else key


# How a city's "detail" ends when it has a source: " — source: <label>" (see city_rows below), in
# English or Korean. Results are stored, so older ones in either language match it too.
_SOURCE_TAIL = re.compile(
    r"\s*[—–-]+\s*(?:source|출처)\s*:\s*(?P<label>.*)$", re.DOTALL | re.IGNORECASE
)


def split_source(detail: str) -> tuple[str, str]:
    """(the reason, the source's label) of a city's stored detail, for pages that cite the
    source apart from the sentence; the label is "" when the detail names no source."""
    match = _SOURCE_TAIL.search(detail)
    if match is None:
        return detail, ""
    return detail[: match.start()], match.group("label").strip()


def stage_label(stage: str) -> str:
    """A company stage (one of ``method.STAGES``) as people read it: in the intake form,
    on the pages and in the brief. An unknown code is shown as it is."""
    labels = {
        "startup": _("Startup"),
        "sme": _("Small or medium-sized company"),
        "large": _("Large company"),
    }
    return labels.get(stage, stage)


def cluster_labels(prep: Prepared, language: str) -> list[tuple[str, dict[str, str], str]]:
    """Per cluster: (name with Chinese, names, role); callers copy ``names``."""

    def build() -> tuple[tuple[str, dict[str, str], str], ...]:
        return tuple(
            (info.name.with_zh(language), names_of(info.name),
             info.role(language) or info.role_ko)
            for info in prep.snapshot.clusters
        )

    return list(_cached(prep, ("clusters", language), build))


def _cached(prep: Prepared, key: tuple[object, ...], build: Callable[[], tuple[Any, ...]]
            ) -> tuple[Any, ...]:
    value = prep.explain_cache.get(key)
    if value is None:
        if len(prep.explain_cache) >= _CACHE_LIMIT:
            prep.explain_cache.clear()
        value = prep.explain_cache[key] = build()
    return value


def per_cluster_slots(prep: Prepared, key: tuple[object, ...]) -> list[Any]:
    """A list with one slot per cluster (None until filled) for an intake-level ``key``:
    one lookup per intake (one hash of ``key``) instead of one per cluster. Batches of
    10,000 varied intakes make as many keys, so these live in their own bounded cache."""
    slots = prep.slot_cache.get(key)
    if slots is None:
        if len(prep.slot_cache) >= _SLOT_LIMIT:
            prep.slot_cache.clear()
        slots = prep.slot_cache[key] = [None] * len(prep.cluster_codes)
    return slots


def city_rows_copy(rows: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    # Fresh dicts each time: results are stored and may be changed by their owners.
    return [{**row, "matched_keywords": list(row["matched_keywords"])} for row in rows]


def city_rows(
    prep: Prepared,
    cluster: int,
    key: tuple[str, tuple[str, ...], tuple[tuple[str, str], ...], str],
) -> tuple[dict[str, Any], ...]:
    """The cluster's cities that best fit the sector and keywords (core cities otherwise),
    shared and cached: callers copy them (:func:`city_rows_copy`).

    ``key`` is (sector, secondary sectors, found concepts as items, language): everything
    the answer depends on besides the cluster.
    """
    sector, secondary, items, language = key
    # Cache on what this cluster's specialties can react to, not on the whole intake: a
    # sector, secondary sector or keyword concept that none of them mentions changes nothing
    # here. Batches of varied intakes then mostly hit the cache (it was ~1 s per 3,000 rows).
    sectors_here = _cached(
        prep, ("cluster-sectors", cluster),
        lambda: tuple(sorted({i.specialty.sector for i in prep.cluster_specialties[cluster]})),
    )
    concepts_here = prep.cluster_concepts[cluster]
    relevant_items = tuple((c, label) for c, label in items if c in concepts_here)
    relevant_secondary = tuple(s for s in secondary if s in sectors_here)
    if sector in sectors_here or relevant_secondary or relevant_items:
        relevant_sector = sector if sector in sectors_here else ""
        relevant_found = dict(relevant_items)
    else:
        # No specialty matches: the fallback sentence names the primary sector itself.
        relevant_sector, relevant_found = sector, {}
    return _cached(
        prep,
        ("cities", cluster, relevant_sector, relevant_secondary, relevant_items, language),
        lambda: _cities(prep, cluster, relevant_sector or sector, relevant_secondary,
                        relevant_found, language),
    )


def _cities(
    prep: Prepared,
    cluster: int,
    sector: str,
    secondary: tuple[str, ...],
    found: Mapping[str, str],
    language: str,
) -> tuple[dict[str, Any], ...]:
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
            detail = _("%(specialty)s (matches “%(keywords)s”) — source: %(source)s") % values
        else:
            detail = _("%(specialty)s — source: %(source)s") % values
        rows.append({
            "slug": slug,
            "name": name,
            # "reason" is the sentence a consultant reads out (it starts with the city);
            # "detail" is the same without the name, for pages that show the name beside it.
            "reason": _("%(city)s: %(detail)s") % {"city": name, "detail": detail},
            "detail": detail,
            "sector": spec.sector,
            "source": spec.source,
            "specialty": spec.key,
            "matched_keywords": tuple(labels),
        })
    if rows:
        return tuple(rows)
    cluster_info = snapshot.clusters[cluster]
    sector_info = snapshot.sectors[prep.sector_index[sector]]
    for city in prep.core_cities[cluster][:FALLBACK_CITIES]:
        name = city.name.with_zh(language)
        detail = _(
            "a core city of %(cluster)s; the knowledge base records no specialty "
            "in %(sector)s here yet."
        ) % {
            "cluster": cluster_info.name.get(language),
            "sector": sector_info.name.get(language),
        }
        rows.append({
            "slug": city.slug,
            "name": name,
            "reason": _("%(city)s: %(detail)s") % {"city": name, "detail": detail},
            "detail": detail,
            "sector": None,
            "source": "",
            "specialty": None,
            "matched_keywords": (),
        })
    return tuple(rows)


def top_needs(needs: Mapping[str, float]) -> tuple[tuple[str, int], ...]:
    """The needs this company weighs most: rated CAVEAT_NEED or more, else the highest."""
    chosen = {f: int(v) for f, v in needs.items() if v >= CAVEAT_NEED}
    if not chosen:
        highest = max(needs.values(), default=0)
        chosen = {f: int(v) for f, v in needs.items() if highest > 0 and v == highest}
    return tuple(chosen.items())


def caveat_texts(prep: Prepared, cluster: int, top: tuple[tuple[str, int], ...],
                 language: str) -> tuple[str, ...]:
    """Weak factors among ``top`` (most important first, then weakest), then the cluster's
    structural challenges that concern one of ``top`` or every company; a shared, cached
    tuple (callers copy it)."""
    return _cached(prep, ("caveats", cluster, top, language),
                   lambda: tuple(_caveats(prep, cluster, top, language)))


def _caveats(prep: Prepared, cluster: int, top: tuple[tuple[str, int], ...], language: str
             ) -> list[str]:
    weak_scores, challenges = _cached(prep, ("weak", cluster), lambda: _weak_parts(prep, cluster))
    texts = []
    if weak_scores:
        weak = sorted((-need, weak_scores[code], code) for code, need in top
                      if code in weak_scores)
        texts = [_weak_text(prep, cluster, code, -minus, language) for minus, _v, code in weak]
    if challenges:
        wanted = dict(top)
        texts.extend(_challenge_text(prep, cluster, index, language)
                     for factor, index in challenges if factor is None or factor in wanted)
    return texts


def _weak_parts(prep: Prepared, cluster: int
                ) -> tuple[dict[str, float], tuple[tuple[str | None, int], ...]]:
    """({factor: score} below CAVEAT_SCORE, ((challenge factor, index), ...)) of a cluster."""
    values = prep.score_values[cluster]
    weak = {code: values[f] for f, code in enumerate(prep.factor_codes)
            if values[f] is not None and values[f] < CAVEAT_SCORE}
    challenges = tuple((ch.factor, i)
                       for i, ch in enumerate(prep.snapshot.clusters[cluster].challenges))
    return weak, challenges


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

    return _cached(prep, ("weak-text", cluster, code, need, language), build)[0]


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
    below: tuple[tuple[str, float | int | None, int], ...],
    language: str,
) -> tuple[str, str]:
    """(code, reason) for a knocked-out cluster; ``below``: (factor, score|None, minimum)."""
    key = ("excluded", cluster, requested, below, language)
    return _cached(prep, key, lambda: _excluded_reason(prep, requested, below, language))


def _excluded_reason(
    prep: Prepared,
    requested: bool,
    below: tuple[tuple[str, float | int | None, int], ...],
    language: str,
) -> tuple[str, str]:
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
