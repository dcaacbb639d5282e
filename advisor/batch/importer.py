"""Import a spreadsheet of intakes: read, validate every row, rank and save the good ones.

Policy ("all or nothing, in short transactions"): the good rows are saved ``SAVE_ROWS`` at
a time, each part with the batch's progress in one short transaction, so a 50,000-row
import never holds SQLite's write lock for more than one part (other writers wait for one
part's inserts, not for the whole import). If the file turns out unreadable further down,
or the import fails, the rows already saved for the batch are deleted and the batch is
marked FAILED with the reason, so a batch is either wholly imported or not at all. Bad
rows are never saved and are reported with their row number, column and reason, for the
consultant to fix and upload again. A file where no row is good is recorded as a REJECTED
batch so its report can still be opened and downloaded. The template's example row is
recognised by its company name and skipped.

Rows are read, validated and ranked in chunks: memory stays bounded by the chunk, not the
file, and ranking uses the engine's vectorised ``rank_many``.
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
    is_intake_header,
    resolve_columns,
    row_to_intake,
    short,
)
from advisor.batch.exporter import RowBuilder
from advisor.batch.io import Sheet, SpreadsheetError, open_sheet
from advisor.batch.template import is_example
from advisor.engine import Intake, IntakeError, parse_intake, rank_many
from advisor.models import Assessment, ImportBatch
from clusters.snapshot import Snapshot, get_snapshot

CHUNK_ROWS = 1000
# Rows saved per transaction: SQLite holds its one write lock while they are inserted.
SAVE_ROWS = 250
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
    read_as: str = ""
    example_skipped: bool = False
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
    # NUL cannot be stored in PostgreSQL's JSON; the report shows it as a visible symbol.
    text = text.replace("\x00", "\u2400")
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def _nul_problems(cells: list[str], columns: Columns) -> list[tuple[str, str, str]]:
    """A NUL byte (a damaged export) in a cell: reported on its field, the row not saved,
    because no database stores it as text."""
    return [
        (key, "nul_character",
         _("This cell holds a NUL character (a damaged file?). Type the value again."))
        for key, position in columns.index.items()
        if "\x00" in cells[position]
    ]


def validate_chunk(
    chunk: Rows,
    *,
    columns: Columns,
    vocabulary: Vocabulary,
    snapshot: Snapshot,
    report: ImportReport,
) -> list[tuple[int, Intake]]:
    """The chunk's good intakes with their row numbers; every problem of the bad rows is
    added to ``report``."""
    good: list[tuple[int, Intake]] = []
    name_at = columns.index["company_name"]
    for number, cells in chunk:
        if not any(cells):
            continue  # a blank line between companies is not a row to report
        if is_example(cells[name_at]):
            report.example_skipped = True
            continue
        report.rows_total += 1
        problems = _nul_problems(cells, columns)
        intake = None
        if not problems:
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
            good.append((number, intake))
    return good


def read_sheet(file: IO[bytes], snapshot: Snapshot) -> tuple[Sheet, Vocabulary, Columns]:
    """The sheet to import and where its columns are; SpreadsheetError when the file as a
    whole is unusable. Cheap (the bounds, the encoding, the header row): the upload page
    runs it before it queues the import, so such a file gets its 400 at once."""
    vocabulary = Vocabulary.for_snapshot(snapshot)
    sheet = open_sheet(
        file, max_bytes=settings.SPREADSHEET_MAX_BYTES, max_rows=max_rows(),
        accept=lambda headers: is_intake_header(headers, vocabulary),
    )
    return sheet, vocabulary, resolve_columns(sheet.headers, vocabulary)


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
    batch: ImportBatch | None = None,
) -> ImportReport:
    """Import ``file``; raises :class:`SpreadsheetError` when the file as a whole is unusable
    (the batch, if one was made or given, is then FAILED with the message, nothing kept).

    ``save=False`` is a dry run: rows are validated and ranked, nothing is written.
    ``collect=True`` keeps an export row (in ``language``) for every good row.
    ``batch``: a queued batch (the upload page's) to fill; otherwise one is created.
    """
    snapshot = snapshot or get_snapshot()
    report = ImportReport(filename=filename[:255])
    if save and batch is None:
        batch = ImportBatch.objects.create(
            created_by=user if getattr(user, "is_authenticated", False) else None,
            filename=report.filename,
            status=ImportBatch.Status.RUNNING,
            heartbeat_at=timezone.now(),
        )
    try:
        sheet, vocabulary, columns = read_sheet(file, snapshot)
        report.ignored_columns = columns.ignored
        report.read_as = sheet.source
        builder = RowBuilder(snapshot, language) if collect else None
        if on_start is not None:
            on_start(sheet.estimated_rows)
        if batch is not None:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.RUNNING, read_as=sheet.source[:100],
                rows_estimated=sheet.estimated_rows, heartbeat_at=timezone.now(),
            )
        for chunk in _chunks(sheet.rows, CHUNK_ROWS):
            good = validate_chunk(
                chunk, columns=columns, vocabulary=vocabulary, snapshot=snapshot, report=report
            )
            # Short transactions: SAVE_ROWS rows and the batch's progress in each. The rows
            # are ranked before the first write, and SQLite takes its write lock only then.
            step = SAVE_ROWS if batch is not None else max(len(good), 1)
            for start in range(0, max(len(good), 1), step):
                part = good[start:start + step]
                with transaction.atomic():
                    if part:
                        _rank_and_save(part, batch=batch, user=user, snapshot=snapshot,
                                       builder=builder, report=report, link_for=link_for)
                    report.rows_ok += len(part)
                    if batch is not None:
                        ImportBatch.objects.filter(pk=batch.pk).update(
                            rows_total=report.rows_total, rows_ok=report.rows_ok,
                            heartbeat_at=timezone.now(),
                        )
            _forget_logged_queries()
            if progress is not None:
                progress(len(chunk))
        if report.rows_total == 0:
            raise SpreadsheetError(
                _("The file has a header row but no companies below it."), "no_rows"
            )
    except BaseException as exc:
        if batch is not None:
            reason = exc.message if isinstance(exc, SpreadsheetError) else _(
                "The import stopped: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:500]}
            fail_batch(batch, reason, errors=report.errors)
        raise
    if batch is not None:
        batch.rows_total = report.rows_total
        batch.rows_ok = report.rows_ok
        batch.errors = report.errors
        batch.read_as = report.read_as[:100]
        batch.example_skipped = report.example_skipped
        batch.status = ImportBatch.Status.DONE if report.rows_ok else ImportBatch.Status.REJECTED
        batch.finished_at = batch.heartbeat_at = timezone.now()
        batch.save(update_fields=["rows_total", "rows_ok", "errors", "read_as", "status",
                                  "example_skipped", "finished_at", "heartbeat_at"])
    report.batch = batch
    return report


DELETE_CHUNK = 1000


def delete_rows(batch_id: int) -> None:
    """Deletes the assessments a batch saved, a chunk per transaction (short write locks)."""
    while ids := list(
        Assessment.objects.filter(batch_id=batch_id).values_list("pk", flat=True)[:DELETE_CHUNK]
    ):
        Assessment.objects.filter(pk__in=ids).delete()


def fail_batch(batch: ImportBatch, reason: str, errors: list[dict[str, Any]] | None = None) -> None:
    """Marks ``batch`` FAILED with ``reason`` and deletes the rows it had saved (the
    all-or-nothing policy above)."""
    delete_rows(batch.pk)
    update: dict[str, Any] = {"status": ImportBatch.Status.FAILED, "message": reason[:2000],
                              "rows_ok": 0, "finished_at": timezone.now()}
    if errors is not None:
        update["errors"] = errors
    ImportBatch.objects.filter(pk=batch.pk).update(**update)
    batch.refresh_from_db()


def _forget_logged_queries() -> None:
    """With DEBUG on, Django keeps the SQL of each query; a bulk insert of 500 rankings is
    megabytes of SQL. Drop it per chunk so a development import stays bounded in memory,
    unless someone is counting queries (tests, the debug toolbar force the debug cursor)."""
    if settings.DEBUG and not connection.force_debug_cursor:
        connection.queries_log.clear()


def _rank_and_save(
    numbered: list[tuple[int, Intake]],
    *,
    batch: ImportBatch | None,
    user: Any,
    snapshot: Snapshot,
    builder: RowBuilder | None,
    report: ImportReport,
    link_for: Callable[[str], str] | None,
) -> None:
    good = [intake for _number, intake in numbered]
    if batch is None:
        rankings = rank_many(good, snapshot)
        if builder is not None:
            now = timezone.now()
            for (number, intake), ranking in zip(numbered, rankings, strict=True):
                report.results.append(
                    builder.row(company=intake.company_name, intake=intake.to_dict(),
                                created=now, result=ranking, link="", batch_row=number)
                )
        return
    assessments: list[Assessment] = services.assessments_create_many(
        intakes=good,
        origin=Assessment.Origin.IMPORT,
        user=user if getattr(user, "is_authenticated", False) else None,
        batch=batch,
        snapshot=snapshot,
        batch_rows=[number for number, _intake in numbered],
    )
    if builder is not None:
        for assessment in assessments:
            report.results.append(
                builder.row(
                    company=assessment.company_name,
                    intake=assessment.intake,
                    created=assessment.created_at,
                    result=assessment.result,
                    link=link_for(assessment.token) if link_for else "",
                    batch_row=assessment.batch_row,
                )
            )
