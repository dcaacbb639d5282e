"""Import a spreadsheet of intakes: read, validate every row, rank and save the good ones.

Policy ("nothing is half-saved"): the good rows and their :class:`ImportBatch` are written
in ONE transaction, so either every good row of the file lands or none does (a crash or an
unreadable part further down the file rolls everything back); bad rows are never saved and
are reported with their row number, column and reason, for the consultant to fix and upload
again. A file where no row is good is recorded as a rejected batch so its report can still
be opened and downloaded.

Rows are read, validated and ranked in chunks (``CHUNK_ROWS``): memory stays bounded by the
chunk, not the file, and ranking uses the engine's vectorised ``rank_many``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advisor import services
from advisor.batch.columns import (
    Columns,
    Vocabulary,
    resolve_columns,
    row_to_intake,
    short,
)
from advisor.batch.exporter import RowBuilder
from advisor.batch.io import SpreadsheetError, open_sheet
from advisor.engine import Intake, IntakeError, parse_intake, rank_many
from advisor.gcpause import gc_paused
from advisor.models import Assessment, ImportBatch
from clusters.snapshot import Snapshot, get_snapshot

CHUNK_ROWS = 1000
DEFAULT_MAX_ROWS = 50_000
VALUE_MAX = 100

Progress = Callable[[int], None]
Rows = list[tuple[int, list[str]]]


@dataclass
class ImportReport:
    filename: str
    rows_total: int = 0
    rows_ok: int = 0
    # [{"row", "column", "field", "code", "message", "value"}], in file order.
    errors: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    batch: ImportBatch | None = None
    # Export rows of the good rows, kept only when asked for (CLI --export, bench).
    results: list[list[Any]] = field(default_factory=list)

    @property
    def rows_bad(self) -> int:
        return self.rows_total - self.rows_ok


def max_rows() -> int:
    return int(getattr(settings, "SPREADSHEET_MAX_ROWS", DEFAULT_MAX_ROWS))


def _chunks(rows: Iterator[tuple[int, list[str]]], size: int) -> Iterator[Rows]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _value(cells: list[str], columns: Columns, field_name: str) -> str:
    name = field_name
    while name and name not in columns.index:
        if "." not in name:
            return ""
        name = name.rsplit(".", 1)[0]
    text = cells[columns.index[name]] if name else ""
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def validate_chunk(
    chunk: Rows,
    *,
    columns: Columns,
    vocabulary: Vocabulary,
    snapshot: Snapshot,
    report: ImportReport,
) -> list[Intake]:
    """The chunk's good intakes; every problem of the bad rows is added to ``report``."""
    good: list[Intake] = []
    for number, cells in chunk:
        if not any(cells):
            continue  # a blank line between companies is not a row to report
        report.rows_total += 1
        row = row_to_intake(cells, columns, vocabulary)
        problems = [(p.field, p.code, p.message) for p in row.problems]
        try:
            intake = parse_intake(row.data, snapshot)
        except IntakeError as exc:
            problems += [
                (name, error["code"], error["message"])
                for name, errors in exc.errors.items()
                for error in errors
            ]
            intake = None
        if problems:
            for name, code, message in problems:
                report.errors.append(
                    {
                        "row": number,
                        "column": columns.column_for(name),
                        "field": name,
                        "code": code,
                        "message": short(message),
                        "value": _value(cells, columns, name),
                    }
                )
        elif intake is not None:
            good.append(intake)
    return good


def import_spreadsheet(
    file: IO[bytes],
    *,
    filename: str,
    user: Any = None,
    snapshot: Snapshot | None = None,
    save: bool = True,
    collect: bool = False,
    language: str = "ko",
    link_for: Callable[[str], str] | None = None,
    progress: Progress | None = None,
    on_start: Callable[[int | None], None] | None = None,
) -> ImportReport:
    """Import ``file``; raises :class:`SpreadsheetError` when the file as a whole is unusable.

    ``save=False`` is a dry run: rows are validated and ranked, nothing is written.
    ``collect=True`` keeps an export row (in ``language``) for every good row.
    """
    snapshot = snapshot or get_snapshot()
    sheet = open_sheet(file, max_bytes=settings.SPREADSHEET_MAX_BYTES, max_rows=max_rows())
    vocabulary = Vocabulary.for_snapshot(snapshot)
    columns = resolve_columns(sheet.headers, vocabulary)
    report = ImportReport(filename=filename[:255], ignored_columns=columns.ignored)
    builder = RowBuilder(snapshot, language) if collect else None
    if on_start is not None:
        on_start(sheet.estimated_rows)

    def process(batch: ImportBatch | None) -> None:
        for chunk in _chunks(sheet.rows, CHUNK_ROWS):
            good = validate_chunk(
                chunk, columns=columns, vocabulary=vocabulary, snapshot=snapshot, report=report
            )
            if good:
                _rank_and_save(good, batch=batch, user=user, snapshot=snapshot,
                               builder=builder, report=report, link_for=link_for)
            report.rows_ok += len(good)
            _forget_logged_queries()
            if progress is not None:
                progress(len(chunk))
        if report.rows_total == 0:
            raise SpreadsheetError(
                _("The file has a header row but no companies below it."), "no_rows"
            )

    if not save:
        with gc_paused():
            process(None)
        return report

    # One transaction for the batch and all its good rows: see the module docstring.
    with gc_paused(), transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=user if getattr(user, "is_authenticated", False) else None,
            filename=report.filename,
            status=ImportBatch.Status.DONE,
        )
        process(batch)
        batch.rows_total = report.rows_total
        batch.rows_ok = report.rows_ok
        batch.errors = report.errors
        batch.status = (
            ImportBatch.Status.DONE if report.rows_ok else ImportBatch.Status.REJECTED
        )
        batch.save(update_fields=["rows_total", "rows_ok", "errors", "status"])
    report.batch = batch
    return report


def _forget_logged_queries() -> None:
    """With DEBUG on, Django keeps the SQL of each query; a bulk insert of 500 rankings is
    megabytes of SQL. Drop it per chunk so a development import stays bounded in memory,
    unless someone is counting queries (tests, the debug toolbar force the debug cursor)."""
    if settings.DEBUG and not connection.force_debug_cursor:
        connection.queries_log.clear()


def _rank_and_save(
    good: list[Intake],
    *,
    batch: ImportBatch | None,
    user: Any,
    snapshot: Snapshot,
    builder: RowBuilder | None,
    report: ImportReport,
    link_for: Callable[[str], str] | None,
) -> None:
    if batch is None:
        rankings = rank_many(good, snapshot)
        if builder is not None:
            now = timezone.now()
            for intake, ranking in zip(good, rankings, strict=True):
                report.results.append(
                    builder.row(company=intake.company_name, sector=intake.sector,
                                keywords=intake.keywords, created=now, result=ranking, link="")
                )
        return
    assessments: list[Assessment] = services.assessments_create_many(
        intakes=good,
        origin=Assessment.Origin.IMPORT,
        user=user if getattr(user, "is_authenticated", False) else None,
        batch=batch,
        snapshot=snapshot,
    )
    if builder is not None:
        for assessment in assessments:
            report.results.append(
                builder.row(
                    company=assessment.company_name,
                    sector=assessment.sector,
                    keywords=assessment.intake.get("keywords", ""),
                    created=assessment.created_at,
                    result=assessment.result,
                    link=link_for(assessment.token) if link_for else "",
                )
            )
