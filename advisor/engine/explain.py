"""Sentences a consultant can read out: which cities and why, what to watch out for.

Every text is written in both languages at once ({"ko": ..., "en": ...}, under
``translation.override`` of each) and cached, so that a result can be read in either
language whatever the intake's; msgids are English, the Korean catalogue translates them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from clusters.snapshot import Names, SpecialtyInfo

from .method import (
    CAVEAT_NEED,
    CAVEAT_SCORE,
    CITY_CONCEPT_POINTS,
    CITY_PRIMARY_POINTS,
    CITY_SECONDARY_POINTS,
    FALLBACK_CITIES,
    MAX_CITIES,
)
from .prepared import BASIS_CAPPED, BASIS_SECTOR, Prepared

_CACHE_LIMIT = 20_000
_SLOT_LIMIT = 20_000


def names_of(names: Names) -> dict[str, str]:
    return {"ko": names.ko, "en": names.en, "zh": names.zh}


def source_label(prep: Prepared, key: str, language: str = "ko") -> str:
    """How a reader sees a source: title (its English gloss in English, where the knowledge
    base has one), publisher, date. Never an internal reference such as a seed file name."""
    source = prep.snapshot.sources.get(key)
    if source is None:
        return ""
    title = source.title_en if language.startswith("en") and source.title_en else source.title
    return ", ".join(part for part in (title, source.publisher, source.published) if part)


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


def localise_rows(rows: tuple[dict[str, Any], ...], language: str) -> list[dict[str, Any]]:
    """Fresh copies of cached bilingual city rows, with ``name``, ``reason`` and ``detail``
    in ``language`` (the ``*_i18n`` fields keep both languages for other readers)."""
    lang = "en" if language.startswith("en") else "ko"
    out = []
    for row in rows:
        copy = {**row, "matched_keywords": list(row["matched_keywords"])}
        copy["name"] = row["name_i18n"][lang]
        copy["reason"] = row["reason_i18n"][lang]
        copy["detail"] = row["detail_i18n"][lang]
        copy["name_i18n"] = dict(row["name_i18n"])
        copy["reason_i18n"] = dict(row["reason_i18n"])
        copy["detail_i18n"] = dict(row["detail_i18n"])
        out.append(copy)
    return out


def city_rows(
    prep: Prepared,
    cluster: int,
    key: tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]],
) -> tuple[dict[str, Any], ...]:
    """The cluster's cities with evidence for this company (§6 of docs/METHODOLOGY.md):
    a sourced specialty in its sector or a secondary sector, or one that shares a keyword
    concept with the company. Shared and cached, in both languages: callers copy them
    (:func:`localise_rows`). An empty tuple means no city of the cluster has such evidence.

    ``key`` is (sector, secondary sectors, found concepts as items): everything the answer
    depends on besides the cluster.
    """
    sector, secondary, items = key
    # Cache on what this cluster's specialties can react to, not on the whole intake: a
    # sector, secondary sector or keyword concept that none of them mentions changes nothing
    # here, so batches of varied intakes mostly hit the cache.
    sectors_here = _cached(
        prep, ("cluster-sectors", cluster),
        lambda: tuple(sorted({i.specialty.sector for i in prep.cluster_specialties[cluster]})),
    )
    concepts_here = prep.cluster_concepts[cluster]
    relevant_items = tuple((c, label) for c, label in items if c in concepts_here)
    relevant_secondary = tuple(s for s in secondary if s in sectors_here)
    relevant_sector = sector if sector in sectors_here else ""
    if not (relevant_sector or relevant_secondary or relevant_items):
        return ()
    return _cached(
        prep,
        ("cities", cluster, relevant_sector, relevant_secondary, relevant_items),
        lambda: _cities(prep, cluster, relevant_sector, relevant_secondary,
                        dict(relevant_items)),
    )


def _bilingual(build: Callable[[str], str]) -> dict[str, str]:
    """{"ko": ..., "en": ...}: ``build(language)`` run under each language's translations."""
    texts = {}
    for language in ("ko", "en"):
        with translation.override(language):
            texts[language] = build(language)
    return texts


def _cities(
    prep: Prepared,
    cluster: int,
    sector: str,
    secondary: tuple[str, ...],
    found: Mapping[str, str],
) -> tuple[dict[str, Any], ...]:
    best: dict[str, tuple[int, SpecialtyInfo, list[str]]] = {}
    # Specialties per city in the company's sectors: on equal points, the city with the
    # deeper evidence comes first.
    depth: dict[str, int] = {}
    for item in prep.cluster_specialties[cluster]:
        if item.specialty.sector == sector or item.specialty.sector in secondary:
            depth[item.city.slug] = depth.get(item.city.slug, 0) + 1
    for item in prep.cluster_specialties[cluster]:
        spec = item.specialty
        matched = sorted(item.concepts & found.keys())
        points = (
            CITY_PRIMARY_POINTS * (bool(sector) and spec.sector == sector)
            + CITY_SECONDARY_POINTS * (spec.sector in secondary)
            + CITY_CONCEPT_POINTS * len(matched)
        )
        if points and (item.city.slug not in best or points > best[item.city.slug][0]):
            labels = list(dict.fromkeys(found[c] for c in matched))
            best[item.city.slug] = (points, spec, labels)
    snapshot = prep.snapshot
    ranked = sorted(
        best.items(),
        key=lambda kv: (-kv[1][0], -depth.get(kv[0], 0), not snapshot.cities[kv[0]].is_core,
                        kv[0]),
    )[:MAX_CITIES]
    rows = []
    for slug, (points, spec, labels) in ranked:
        city = snapshot.cities[slug]

        def detail(language: str, spec: SpecialtyInfo = spec, labels: list[str] = labels
                   ) -> str:
            values = {
                "specialty": spec.title(language) or spec.title_ko,
                "source": source_label(prep, spec.source, language),
                "keywords": ", ".join(labels),
            }
            if labels:
                return _("%(specialty)s (matches “%(keywords)s”) — source: %(source)s") % values
            return _("%(specialty)s — source: %(source)s") % values

        details = _bilingual(detail)
        names = {lang: city.name.with_zh(lang) for lang in ("ko", "en")}
        reasons = _bilingual(
            lambda language, names=names, details=details: _("%(city)s: %(detail)s")
            % {"city": names[language], "detail": details[language]}
        )
        rows.append({
            "slug": slug,
            "name": names["ko"],
            "name_i18n": names,
            # "reason" is the sentence a consultant reads out (it starts with the city);
            # "detail" is the same without the name, for pages that show the name beside it.
            "reason": reasons["ko"],
            "reason_i18n": reasons,
            "detail": details["ko"],
            "detail_i18n": details,
            "sector": spec.sector,
            "source": spec.source,
            "specialty": spec.key,
            "matched_keywords": tuple(labels),
            "points": points,
        })
    return tuple(rows)


def core_cities(prep: Prepared, cluster: int) -> tuple[tuple[str, dict[str, str]], ...]:
    """(slug, {"ko": name, "en": name}) of the cluster's core cities (at most
    FALLBACK_CITIES), for orientation only: listed apart from the recommended cities, never
    as a recommendation. Shared and cached: callers copy the names."""
    return _cached(prep, ("core-cities", cluster), lambda: tuple(
        (city.slug, {lang: city.name.with_zh(lang) for lang in ("ko", "en")})
        for city in prep.core_cities[cluster][:FALLBACK_CITIES]
    ))


def no_evidence_note(prep: Prepared, cluster: int, sector: str) -> dict[str, str]:
    """Why a cluster names no city: no sourced specialty of the sector in its cities
    ({"ko": ..., "en": ...}, shared and cached: callers copy it)."""

    def build() -> tuple[dict[str, str]]:
        cluster_info = prep.snapshot.clusters[cluster]
        sector_info = prep.snapshot.sectors[prep.sector_index[sector]]
        return (_bilingual(lambda language: _(
            "The knowledge base holds no sourced city specialty in %(sector)s in "
            "%(cluster)s, so no city is recommended there; its core cities are listed "
            "for orientation only."
        ) % {"sector": sector_info.name.get(language),
             "cluster": cluster_info.name.get(language)}),)

    return _cached(prep, ("no-evidence", cluster, sector), build)[0]


def top_needs(needs: Mapping[str, float]) -> tuple[tuple[str, int], ...]:
    """The needs this company weighs most: rated CAVEAT_NEED or more, else the highest."""
    chosen = {f: int(v) for f, v in needs.items() if v >= CAVEAT_NEED}
    if not chosen:
        highest = max(needs.values(), default=0)
        chosen = {f: int(v) for f, v in needs.items() if highest > 0 and v == highest}
    return tuple(chosen.items())


def caveat_texts(prep: Prepared, cluster: int, top: tuple[tuple[str, int], ...],
                 sectors: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """Weak factors among ``top`` (most important first, then weakest) judged for the
    company's primary sector ``sectors[0]``, then the cluster's structural challenges that
    concern one of ``top`` or every company, and one of ``sectors`` or every sector; each as
    {"ko": ..., "en": ...}. A shared, cached tuple (callers copy it)."""
    return _cached(prep, ("caveats", cluster, top, sectors),
                   lambda: tuple(_caveats(prep, cluster, top, sectors)))


def _caveats(prep: Prepared, cluster: int, top: tuple[tuple[str, int], ...],
             sectors: tuple[str, ...]) -> list[dict[str, str]]:
    k = prep.sector_index[sectors[0]]
    weak_scores = _cached(prep, ("weak", cluster, k), lambda: _weak_scores(prep, cluster, k))[0]
    texts = []
    if weak_scores:
        weak = sorted((-need, weak_scores[code], code) for code, need in top
                      if code in weak_scores)
        texts = [_weak_text(prep, cluster, k, code, -minus) for minus, _v, code in weak]
    challenges = _cached(prep, ("challenges", cluster, sectors),
                         lambda: _relevant_challenges(prep, cluster, sectors))
    if challenges:
        wanted = dict(top)
        texts.extend(_challenge_text(prep, cluster, index) for factor, index in challenges
                     if factor is None or factor in wanted)
    return texts


def _weak_scores(prep: Prepared, cluster: int, k: int) -> tuple[dict[str, float]]:
    """({factor: score} below CAVEAT_SCORE for a company of sector k,)."""
    values = prep.sector_score_values[k][cluster]
    return ({code: values[f] for f, code in enumerate(prep.factor_codes)
             if values[f] is not None and values[f] < CAVEAT_SCORE},)


def _relevant_challenges(prep: Prepared, cluster: int, sectors: tuple[str, ...]
                         ) -> tuple[tuple[str | None, int], ...]:
    """(factor, index) of the cluster's challenges that concern one of ``sectors`` or every
    sector."""
    concerned = set(sectors)
    return tuple(
        (challenge.factor, index)
        for index, challenge in enumerate(prep.snapshot.clusters[cluster].challenges)
        if not challenge.sectors or concerned.intersection(challenge.sectors)
    )


def _weak_text(prep: Prepared, cluster: int, k: int, code: str, need: int) -> dict[str, str]:
    # Looked up before any closure is made: this runs once per weak factor of every result.
    cached = prep.explain_cache.get(("weak-text", cluster, k, code, need))
    if cached is not None:
        return dict(cached[0])

    def build() -> tuple[dict[str, str]]:
        info = prep.snapshot.clusters[cluster]
        f = prep.factor_index[code]
        factor = prep.snapshot.factors[f]
        sector = prep.snapshot.sectors[k]
        basis = int(prep.basis[k, cluster, f])
        value = prep.sector_scores[k, cluster, f]

        def text(language: str) -> str:
            values = {"factor": factor.name.get(language), "score": round(value), "need": need,
                      "sector": sector.name.get(language)}
            if basis == BASIS_SECTOR:
                fact = info.sector_factors[sector.code][code]
                values["rationale"] = fact.rationale(language) or fact.rationale_ko
                return _("Weak on %(factor)s for %(sector)s (%(score)d/100), which you rated "
                         "%(need)d of 5: %(rationale)s") % values
            if basis == BASIS_CAPPED:
                values["general"] = round(info.factor_scores[code].value)
                values["strength"] = round(prep.snapshot.sector_matrix[cluster, k])
                return _("Weak on %(factor)s for %(sector)s (%(score)d/100), which you rated "
                         "%(need)d of 5: the cluster's general score of %(general)d counts "
                         "only up to %(score)d, as %(sector)s is of strength %(strength)d "
                         "of 5 here.") % values
            fact = info.factor_scores.get(code)
            rationale = (fact.rationale(language) or fact.rationale_ko) if fact else ""
            if rationale:
                values["rationale"] = rationale
                return _("Weak on %(factor)s (%(score)d/100), which you rated %(need)d of 5: "
                         "%(rationale)s") % values
            return _("Weak on %(factor)s (%(score)d/100), which you rated %(need)d of 5.") % (
                values)

        return (_bilingual(text),)

    return dict(_cached(prep, ("weak-text", cluster, k, code, need), build)[0])


def _challenge_text(prep: Prepared, cluster: int, index: int) -> dict[str, str]:
    def build() -> tuple[dict[str, str]]:
        challenge = prep.snapshot.clusters[cluster].challenges[index]
        return (_bilingual(lambda language: _("%(text)s — source: %(source)s") % {
            "text": challenge.text(language) or challenge.text_ko,
            "source": source_label(prep, challenge.source, language),
        }),)

    return dict(_cached(prep, ("challenge", cluster, index), build)[0])


def excluded_reason(
    prep: Prepared,
    cluster: int,
    requested: bool,
    below: tuple[tuple[str, float | int | None, int], ...],
) -> tuple[str, dict[str, str]]:
    """(code, {"ko": reason, "en": reason}) for a knocked-out cluster; ``below``: (factor,
    score|None, minimum)."""
    key = ("excluded", cluster, requested, below)
    code, reasons = _cached(prep, key, lambda: _excluded_reason(prep, requested, below))
    return code, dict(reasons)


def _excluded_reason(
    prep: Prepared,
    requested: bool,
    below: tuple[tuple[str, float | int | None, int], ...],
) -> tuple[str, dict[str, str]]:
    def text(language: str) -> str:
        factor_names = {f.code: f.name.get(language) for f in prep.snapshot.factors}
        parts = []
        if requested:
            parts.append(_("Excluded at the company's request."))
        for code, value, minimum in below:
            name = factor_names.get(code, code)
            if value is None:
                parts.append(_("%(factor)s has no score, so the minimum of %(minimum)d cannot "
                               "be met.") % {"factor": name, "minimum": minimum})
            else:
                parts.append(_("%(factor)s scores %(score)d, below the required minimum of "
                               "%(minimum)d.") % {"factor": name, "score": round(value),
                                                  "minimum": minimum})
        return " ".join(parts)

    return ("excluded" if requested else "below_minimum"), _bilingual(text)
