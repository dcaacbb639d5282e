"""Ranked results as spreadsheet rows: one row per company, read from the stored ranking.

Rows are built from ``Assessment.result`` (never re-ranked, so an old assessment exports the
same after the knowledge base changes) or, for a dry run, straight from ``rank_many``. A
batch's rows come in upload order with their source row; the intake's needs, stage and
secondary sectors, the latest decision note and lead status are columns; robustness is a
percentage, the creation time a date, the result link a hyperlink (XLSX). CSV cells pass
through :func:`advisor.batch.io.safe_cell`; XLSX cells are typed and need no guard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import IO, Any, Literal

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from advisor.batch.columns import FORM_LABELS
from advisor.batch.io import Link, Table, write_csv_binary, write_xlsx
from advisor.engine.explain import stage_label
from advisor.engine.verdict import verdict
from advisor.models import Assessment, DecisionNote, Lead
from clusters.snapshot import Snapshot
from clusters.vocabulary import FACTORS

Kind = Literal["xlsx", "csv"]
EXPORT_LANGUAGES = ("ko", "en")
TOP = 3
CHUNK = 500


def export_language(value: str | None) -> str:
    return value if value in EXPORT_LANGUAGES else "ko"


def export_filename(stem: str, kind: Kind, language: str) -> str:
    """'batch-3-results_한국어.xlsx' / 'batch-3-results_English.xlsx': the language shows."""
    return f"{stem}_{'English' if language == 'en' else '한국어'}.{kind}"


def export_header(language: str, snapshot: Snapshot) -> list[str]:
    with translation.override(language):
        factors = {f.code: f.name.get(language) for f in snapshot.factors}
        header = [_("Row"), _("Company"), _("Sector"), str(FORM_LABELS["secondary_sectors"]),
                  _("Stage"), _("Keywords")]
        header += [f"{factors.get(code, code)} (0-5)" for code in FACTORS]
        header += [_("Created")]
        for place in range(1, TOP + 1):
            header += [
                _("Cluster #%(n)d") % {"n": place},
                _("Score #%(n)d") % {"n": place},
            ]
        header += [
            _("Top city"),
            _("Robustness (share of weightings keeping #1)"),
            _("Clear winner"),
            _("Decision note"),
            _("Lead status"),
            _("Result link"),
        ]
    return header


EXPORT_WIDTHS = (6, 28, 18, 22, 12, 30, *([9] * len(FACTORS)), 17,
                 26, 9, 26, 9, 26, 9, 20, 14, 10, 40, 12, 60)
EXPORT_FORMATS: tuple[str | None, ...] = (
    *([None] * (6 + len(FACTORS))), "yyyy-mm-dd hh:mm", *([None] * (2 * TOP + 1)), "0%",
)


def _name(names: Mapping[str, str] | None, fallback: str, language: str) -> str:
    """'창장삼각주 (长三角)' in Korean, 'Yangtze River Delta (长三角)' in English."""
    if not names:
        return fallback
    name = names.get(language) or names.get("ko") or fallback
    zh = names.get("zh") or ""
    return f"{name} ({zh})" if zh and zh != name else name


class RowBuilder:
    """Turns (intake, ranking, created, link, ...) into one export row for one language."""

    def __init__(self, snapshot: Snapshot, language: str) -> None:
        self.language = export_language(language)
        self.sectors = {s.code: s.name.get(self.language) for s in snapshot.sectors}
        self.cities = {slug: c.name for slug, c in snapshot.cities.items()}
        with translation.override(self.language):
            self.yes, self.no = _("yes"), _("no")
            self.stages = {code: stage_label(code) for code in ("startup", "sme", "large")}
            self.lead_labels = {str(v): str(label) for v, label in Lead.Status.choices}

    def row(
        self,
        *,
        company: str,
        intake: Mapping[str, Any],
        created: dt.datetime | None,
        result: Mapping[str, Any],
        link: str,
        batch_row: int | None = None,
        decision: str = "",
        lead: str = "",
    ) -> list[Any]:
        ranking: Sequence[Mapping[str, Any]] = result.get("ranking") or []
        sector = intake.get("sector", "")
        secondary = intake.get("secondary_sectors") or []
        needs = intake.get("needs") or {}
        cells: list[Any] = [
            batch_row, company, self.sectors.get(sector, sector),
            ", ".join(self.sectors.get(s, s) for s in secondary),
            self.stages.get(intake.get("stage", ""), intake.get("stage", "")),
            intake.get("keywords", ""),
            *[needs.get(code) for code in FACTORS],
            created,
        ]
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
        with translation.override(self.language):
            cells += [
                city,
                robustness.get("top_share"),
                "" if clear is None else (self.yes if clear else self.no),
                decision,
                self.lead_labels.get(lead, lead),
                Link(link) if link else "",
            ]
        return cells


def assessment_rows(
    queryset: QuerySet[Assessment],
    *,
    snapshot: Snapshot,
    language: str,
    link_for: Callable[[str], str],
    upload_order: bool = False,
) -> Iterator[list[Any]]:
    """Export rows for a queryset, read in chunks of CHUNK so a large export stays small in
    memory: three queries a chunk (assessments, their latest decision notes, leads)."""
    builder = RowBuilder(snapshot, language)
    cluster_names = {c.code: c.name.get(builder.language) for c in snapshot.clusters}
    # Re-select by id: the dashboard queryset carries COUNT annotations, and grouping by the
    # JSON columns we read here would be slow (and is refused by some databases).
    ids = queryset.values("pk")
    order = ("batch_row", "id") if upload_order else ("-created_at", "-id")
    fields = ("pk", "company_name", "intake", "result", "created_at", "token", "batch_row")
    rows = (
        Assessment.objects.filter(pk__in=ids).order_by(*order).values_list(*fields)
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(islice(rows, CHUNK)):
        keys = [row[0] for row in chunk]
        notes: dict[int, str] = {}
        for assessment_id, cluster, note in (
            DecisionNote.objects.filter(assessment_id__in=keys)
            .order_by("created_at", "id").values_list("assessment_id", "cluster", "note")
        ):
            notes[assessment_id] = f"{cluster_names.get(cluster, cluster)}: {note}"
        leads = dict(
            Lead.objects.filter(assessment_id__in=keys).order_by("created_at", "id")
            .values_list("assessment_id", "status")
        )
        for pk, company, intake, result, created, token, batch_row in chunk:
            yield builder.row(
                company=company,
                intake=intake if isinstance(intake, dict) else {},
                created=created,
                result=result or {},
                link=link_for(token),
                batch_row=batch_row,
                decision=notes.get(pk, ""),
                lead=leads.get(pk, ""),
            )


def write_export(
    out: IO[bytes], kind: Kind, language: str, rows: Iterable[list[Any]], snapshot: Snapshot
) -> None:
    """The ranked workbook (one sheet) or CSV (UTF-8 with BOM, for Korean Excel)."""
    header = export_header(language, snapshot)
    if kind == "xlsx":
        with translation.override(language):
            title = _("Results")
        write_xlsx(out, [Table(title, header, rows, EXPORT_WIDTHS, EXPORT_FORMATS)])
    else:
        write_csv_binary(out, header, rows, EXPORT_FORMATS)
