"""Ranked results as spreadsheet rows: one row per company, read from the stored ranking.

Rows are built from ``Assessment.result`` (never re-ranked, so an old assessment exports the
same after the knowledge base changes) or, for a dry run, straight from ``rank_many``.
Everything written passes through :func:`advisor.batch.io.safe_cell`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Literal

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advisor.batch.io import Table, write_csv_binary, write_xlsx
from advisor.engine.verdict import verdict
from advisor.gcpause import gc_paused
from advisor.models import Assessment
from clusters.snapshot import Snapshot

Kind = Literal["xlsx", "csv"]
EXPORT_LANGUAGES = ("ko", "en")
TOP = 3


def export_language(value: str | None) -> str:
    return value if value in EXPORT_LANGUAGES else "ko"


def export_header(language: str) -> list[str]:
    with translation.override(language):
        header = [_("Company"), _("Sector"), _("Keywords"), _("Created")]
        for place in range(1, TOP + 1):
            header += [
                _("Cluster #%(n)d") % {"n": place},
                _("Score #%(n)d") % {"n": place},
            ]
        header += [
            _("Top city"),
            _("Robustness (share of weightings keeping #1)"),
            _("Clear winner"),
            _("Result link"),
        ]
    return header


EXPORT_WIDTHS = (28, 18, 30, 17, 26, 9, 26, 9, 26, 9, 20, 14, 10, 60)


def _name(names: Mapping[str, str] | None, fallback: str, language: str) -> str:
    """'창장삼각주 (长三角)' in Korean, 'Yangtze River Delta (长三角)' in English."""
    if not names:
        return fallback
    name = names.get(language) or names.get("ko") or fallback
    zh = names.get("zh") or ""
    return f"{name} ({zh})" if zh and zh != name else name


def _local(created: dt.datetime | None) -> str:
    if created is None:
        return ""
    if timezone.is_aware(created):
        created = timezone.localtime(created)
    return created.strftime("%Y-%m-%d %H:%M")


class RowBuilder:
    """Turns (intake, ranking, created, link) into one export row for one language."""

    def __init__(self, snapshot: Snapshot, language: str) -> None:
        self.language = export_language(language)
        self.sectors = {s.code: s.name.get(self.language) for s in snapshot.sectors}
        self.cities = {slug: c.name for slug, c in snapshot.cities.items()}
        with translation.override(self.language):
            self.yes, self.no = _("yes"), _("no")

    def row(
        self,
        *,
        company: str,
        sector: str,
        keywords: str,
        created: dt.datetime | None,
        result: Mapping[str, Any],
        link: str,
    ) -> list[Any]:
        ranking: Sequence[Mapping[str, Any]] = result.get("ranking") or []
        cells: list[Any] = [company, self.sectors.get(sector, sector), keywords, _local(created)]
        for place in range(TOP):
            if place < len(ranking):
                entry = ranking[place]
                cells += [
                    _name(entry.get("names"), entry.get("name", ""), self.language),
                    entry.get("score"),
                ]
            else:
                cells += ["", None]
        city = ""
        if ranking and ranking[0].get("cities"):
            first = ranking[0]["cities"][0]
            info = self.cities.get(first.get("slug", ""))
            city = info.with_zh(self.language) if info else first.get("name", "")
        robustness = result.get("robustness") or {}
        # The same verdict as the result page and the brief (advisor.engine.verdict).
        clear = verdict(result).clear if ranking else None
        cells += [
            city,
            robustness.get("top_share"),
            "" if clear is None else (self.yes if clear else self.no),
            link,
        ]
        return cells


def assessment_rows(
    queryset: QuerySet[Assessment],
    *,
    snapshot: Snapshot,
    language: str,
    link_for: Callable[[str], str],
) -> Iterator[list[Any]]:
    """Export rows for a queryset, read in chunks so a large export stays small in memory."""
    builder = RowBuilder(snapshot, language)
    # Re-select by id: the dashboard queryset carries COUNT annotations, and grouping by the
    # JSON columns we read here would be slow (and is refused by some databases).
    ids = queryset.values("pk")
    fields = ("company_name", "sector", "intake", "result", "created_at", "token")
    rows = (
        Assessment.objects.filter(pk__in=ids)
        .order_by("-created_at", "-id")
        .values_list(*fields)
        .iterator(chunk_size=500)
    )
    for company, sector, intake, result, created, token in rows:
        yield builder.row(
            company=company,
            sector=sector,
            keywords=intake.get("keywords", "") if isinstance(intake, dict) else "",
            created=created,
            result=result or {},
            link=link_for(token),
        )


def write_export(out: IO[bytes], kind: Kind, language: str, rows: Iterable[list[Any]]) -> None:
    """The ranked workbook (one sheet) or CSV (UTF-8 with BOM, for Korean Excel)."""
    header = export_header(language)
    with gc_paused():
        if kind == "xlsx":
            with translation.override(language):
                title = _("Results")
            write_xlsx(out, [Table(title, header, rows, EXPORT_WIDTHS)])
        else:
            write_csv_binary(out, header, rows)
