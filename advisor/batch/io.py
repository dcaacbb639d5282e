"""Reading and writing spreadsheets: CSV (UTF-8 or CP949) and XLSX, as plain rows of text.

Nothing here knows what an intake is. Reading yields the header row as written and then
``(excel_row_number, cells)`` pairs, every cell a stripped string, one row at a time, so a
10,000-row upload never sits in memory as a whole: CSV is read by pandas in chunks; XLSX by
calamine, which holds the sheet's cells in a compact native grid (32 bytes a cell, its size
checked first by :mod:`advisor.batch.xlsx_fast`) and hands them over a row at a time, or by
openpyxl in read-only (streaming) mode when the check sends a workbook there (formulas,
error cells, sheets larger than the check allows). Writing goes through :func:`safe_cell`,
which neutralises anything a spreadsheet program would run as a formula.

The file type is decided by its first bytes, not its name: a PNG renamed ``.xlsx`` or a
Word document (also a zip) is refused with a message a consultant can act on.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

import pandas as pd
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from advisor.batch.xlsx_fast import checked_copy
from advisor.gcpause import gc_paused

CSV_CHUNK_ROWS = 2000
MAX_COLUMNS = 200
# Encodings tried in order. CP949 is a superset of EUC-KR and is what Korean Excel writes
# when a sheet is saved as "CSV (comma delimited)".
CSV_ENCODINGS = ("utf-8-sig", "cp949")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and password-protected .xlsx
_BINARY_MAGICS = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF",
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
    b"BM",
)


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; ``message`` is shown to the person who sent it."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Sheet:
    kind: Literal["csv", "xlsx"]
    headers: list[str]
    # (row number as Excel shows it, header = 1; one stripped string per header)
    rows: Iterator[tuple[int, list[str]]]
    # For a progress bar only: the sheet's stated size or the CSV's line count.
    estimated_rows: int | None = None


def file_size(file: IO[bytes]) -> int:
    position = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def sniff_kind(file: IO[bytes]) -> Literal["csv", "xlsx"]:
    """'xlsx' or 'csv' from the content; SpreadsheetError for anything else."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    if not head.strip().removeprefix(codecs.BOM_UTF8).strip():
        raise SpreadsheetError(_("The file is empty."), "empty_file")
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SpreadsheetError(
                _("The file looks like a damaged zip archive, not an Excel workbook."),
                "bad_xlsx",
            ) from exc
        finally:
            file.seek(0)
        if "xl/workbook.xml" not in names:
            raise SpreadsheetError(
                _("The file is a zip archive but not an Excel workbook (.xlsx)."), "wrong_type"
            )
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "Old Excel files (.xls) and password-protected workbooks cannot be read. "
                "Save the sheet as .xlsx or CSV without a password and upload it again."
            ),
            "wrong_type",
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"  # Excel's "Unicode text" (UTF-16, tab-separated)
    if head.startswith(_BINARY_MAGICS) or b"\x00" in head:
        raise SpreadsheetError(
            _("This is not a spreadsheet. Upload a .xlsx workbook or a CSV file."), "wrong_type"
        )
    return "csv"


def open_sheet(file: IO[bytes], *, max_bytes: int, max_rows: int) -> Sheet:
    """The first sheet of a CSV or XLSX file, streamed. Raises SpreadsheetError."""
    size = file_size(file)
    if size > max_bytes:
        raise SpreadsheetError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1048576:.1f}", "limit": f"{max_bytes / 1048576:.1f}"},
            "too_large",
        )
    if size == 0:
        raise SpreadsheetError(_("The file is empty."), "empty_file")
    kind = sniff_kind(file)
    if kind == "xlsx":
        headers, rows, estimate = _read_xlsx(file)
    else:
        headers, rows, estimate = _read_csv(file)
    return Sheet(
        kind=kind, headers=headers, rows=_limit(rows, max_rows), estimated_rows=estimate
    )


def _limit(rows: Iterator[tuple[int, list[str]]], max_rows: int) -> Iterator[tuple[int, list[str]]]:
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise SpreadsheetError(
                _("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": f"{max_rows:,}"},
                "too_many_rows",
            )
        yield row


def _text(value: Any) -> str:
    """A cell as the text a person typed: 3.0 -> '3', a date -> '2026-01-31'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time.min:
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value).strip()


def _headers(values: Sequence[Any]) -> list[str]:
    headers = [_text(v) for v in values[:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise SpreadsheetError(
            _("The first row must hold the column headers, but it is empty."), "no_header"
        )
    return headers


# --- XLSX -----------------------------------------------------------------------------------


def _unreadable_workbook(exc: BaseException) -> SpreadsheetError:
    return SpreadsheetError(
        _("The workbook could not be read (%(error)s). Save it again from Excel.")
        % {"error": type(exc).__name__},
        "bad_xlsx",
    )


def _parser_failure(exc: BaseException) -> bool:
    """Any failure of a parser on an untrusted file. A panic inside calamine reaches Python
    as pyo3's PanicException, a BaseException rather than an Exception."""
    if isinstance(exc, SpreadsheetError):
        return False
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _read_xlsx(file: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]], int | None]:
    """calamine when :mod:`advisor.batch.xlsx_fast` finds the workbook safe for it (no formula,
    a grid of bounded size), openpyxl's streaming reader otherwise. Both give the same rows."""
    try:
        # The check makes a few hundred thousand small objects (cell addresses) and keeps
        # none: without the pause, the collections they trigger walk the whole heap of a
        # running site (0.3 s of CPU in the importer for 10,000 rows).
        with gc_paused():
            copy = checked_copy(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError) as exc:  # damaged, encrypted, odd compression
        raise _unreadable_workbook(exc) from exc
    if copy is None:
        return _read_xlsx_streaming(file)
    return _read_xlsx_calamine(copy)


def _read_xlsx_calamine(
    copy: IO[bytes],
) -> tuple[list[str], Iterator[tuple[int, list[str]]], int | None]:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(copy)
        # openpyxl's worksheets[0]: the first sheet of cells (a chart sheet is not one).
        index = next(
            number for number, meta in enumerate(workbook.sheets_metadata)
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        )
        sheet = workbook.get_sheet_by_index(index)
        workbook.close()
        # calamine's grid starts at the first cell that holds something; Excel's at A1.
        top, left = sheet.start or (0, 0)
        bottom = sheet.end[0] if sheet.end else 0
        values = sheet.iter_rows()
        first = next(values, []) if top == 0 else []
    except BaseException as exc:
        if _parser_failure(exc):
            raise _unreadable_workbook(exc) from exc
        raise
    headers = _headers([""] * left + list(first))
    width = len(headers)
    padding = [""] * left
    limit = width - left  # cells of a row that fall under a header

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, row in enumerate(values, start=top + (2 if top == 0 else 1)):
                # _text, with its two common cases inline (a third of the read's time).
                cells = [
                    v.strip() if type(v) is str
                    else str(int(v)) if type(v) is float and v.is_integer()
                    else _text(v)
                    for v in row[:limit]  # not a stray cell far to the right
                ]
                if left:
                    cells = padding + cells
                cells.extend([""] * (width - len(cells)))
                yield number, cells
        except BaseException as exc:
            if _parser_failure(exc):
                raise _unreadable_workbook(exc) from exc
            raise

    return headers, rows(), bottom


def _read_xlsx_streaming(
    file: IO[bytes],
) -> tuple[list[str], Iterator[tuple[int, list[str]]], int | None]:
    # openpyxl directly rather than pandas.read_excel: pandas opens workbooks with
    # data_only=True, which turns a formula into the value Excel last computed (or nothing).
    # We want the formula's text, validated like any other text, and never evaluated.
    try:
        workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
        sheet = workbook.worksheets[0]
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    except SpreadsheetError:
        raise
    except Exception as exc:  # any parser failure on an untrusted file
        raise _unreadable_workbook(exc) from exc
    headers = _headers(first)
    width = len(headers)
    estimate = sheet.max_row - 1 if isinstance(sheet.max_row, int) else None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            # max_col keeps a stray cell far to the right from widening every row.
            for number, values in enumerate(
                sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
            ):
                cells = [_text(v) for v in values]
                cells.extend([""] * (width - len(cells)))
                yield number, cells
        except SpreadsheetError:
            raise
        except Exception as exc:  # a damaged sheet part further down
            raise _unreadable_workbook(exc) from exc
        finally:
            workbook.close()

    return headers, rows(), estimate


# --- CSV ------------------------------------------------------------------------------------


def _detect_encoding(file: IO[bytes]) -> str:
    """The first of CSV_ENCODINGS that decodes the whole file, read in 1 MiB blocks."""
    file.seek(0)
    if file.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        file.seek(0)
        return "utf-16"
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        file.seek(0)
        try:
            while block := file.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            file.seek(0)
        return encoding
    raise SpreadsheetError(
        _("The CSV file is neither UTF-8 nor Korean Excel's encoding (CP949/EUC-KR)."),
        "bad_encoding",
    )


def _delimiter(file: IO[bytes], encoding: str) -> str:
    """Comma unless the header line plainly uses tabs or semicolons (some Excel locales)."""
    file.seek(0)
    line = file.read(65536).decode(encoding, errors="replace").split("\n", 1)[0]
    file.seek(0)
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _line_count(file: IO[bytes]) -> int:
    count = 0
    file.seek(0)
    while block := file.read(1 << 20):
        count += block.count(b"\n")
    file.seek(0)
    return count


def _read_csv(file: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]], int | None]:
    encoding = _detect_encoding(file)
    sep = _delimiter(file, encoding)
    common: dict[str, Any] = {
        "header": None,
        "sep": sep,
        "encoding": encoding,
        "dtype": str,
        # Text in, text out: no "NA" -> NaN, no "007" -> 7, no "1e3" -> 1000.0.
        "keep_default_na": False,
        "na_filter": False,
        # Blank lines stay rows so that row numbers match what Excel shows.
        "skip_blank_lines": False,
        "index_col": False,
        "engine": "c",
    }
    try:
        first = pd.read_csv(file, nrows=1, **common)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise SpreadsheetError(
            _("The CSV file could not be read: %(error)s") % {"error": str(exc)[:200]},
            "bad_csv",
        ) from exc
    finally:
        file.seek(0)
    headers = _headers(first.iloc[0].tolist() if len(first) else [])
    width = len(headers)

    def rows() -> Iterator[tuple[int, list[str]]]:
        # Fixed names + usecols make the parser drop surplus cells on a ragged row instead
        # of failing the whole file; short rows are padded with "".
        reader = pd.read_csv(
            file, names=range(width), usecols=range(width), chunksize=CSV_CHUNK_ROWS, **common
        )
        number = 0
        try:
            for chunk in reader:
                for values in chunk.itertuples(index=False, name=None):
                    number += 1
                    if number == 1:
                        continue  # the header row
                    yield number, [v.strip() if isinstance(v, str) else "" for v in values]
        except (pd.errors.ParserError, ValueError) as exc:
            raise SpreadsheetError(
                _("The CSV file could not be read after row %(row)s: %(error)s")
                % {"row": number, "error": str(exc)[:200]},
                "bad_csv",
            ) from exc
        finally:
            reader.close()

    return headers, rows(), max(_line_count(file) - 1, 0)


# --- Writing --------------------------------------------------------------------------------

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading quote; the rest is kept.

    Applied to every string we write, whatever its origin (company names and keywords come
    from the public), so an exported file never runs '=HYPERLINK(...)' on a consultant's PC.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str) and not value.isprintable():
        # XML cannot hold most control characters; drop them, and do it before safe_cell:
        # "\x01=HYPERLINK(...)" must not lose its \x01 only after the check for a leading "=".
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value)


@dataclass
class Table:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def write_xlsx(out: IO[bytes], tables: Sequence[Table]) -> None:
    """A workbook with one sheet per table, its rows streamed into the zip one chunk at a time.

    XlsxWriter makes the workbook with the header rows only (styles, widths, frozen header:
    the parts that are easy to get subtly wrong for Excel); the data rows are then written
    as the XML XlsxWriter's constant-memory mode writes, byte for byte, straight into the
    sheet parts (:func:`_rows_xml`). The same cells; the 10,000-row export takes 0.33 s of
    CPU instead of 0.83 s, XlsxWriter's per-cell bookkeeping being most of the difference.

    Every cell is written with an explicit type and every string is escaped as text, so no
    string ever becomes a formula (XlsxWriter would have written a string that starts with
    <r> and ends with </r> as raw XML); every string passes through ``safe_cell``.
    """
    import xlsxwriter

    skeleton = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        skeleton, {"constant_memory": True, "strings_to_numbers": False,
                   "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True})
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_title(table.title))
        for index, width in enumerate(table.widths):
            sheet.set_column(index, index, width)
        for col, title in enumerate(table.header):
            sheet.write_string(0, col, str(_xlsx_value(title)), bold)
        sheet.freeze_panes(1, 0)
    workbook.close()

    sheet_parts = {f"xl/worksheets/sheet{n}.xml": t for n, t in enumerate(tables, start=1)}
    skeleton.seek(0)
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            table = sheet_parts.get(info.filename)
            if table is None:
                target.writestr(info, data, zipfile.ZIP_DEFLATED)
                continue
            # The dimension (A1:N1, the header) would be wrong once the rows are in; it is
            # optional, so it goes rather than being computed before the rows are written.
            head, tail = _DIMENSION.sub(b"", data).split(b"</sheetData>", 1)
            with target.open(info.filename, "w") as part:
                part.write(head)
                for chunk in _rows_xml(table.rows, first=2):
                    part.write(chunk.encode("utf-8"))
                part.write(b"</sheetData>" + tail)


_DIMENSION = re.compile(rb"<dimension [^>]*/>")
_XLSX_STRING_MAX = 32767  # Excel's limit, in UTF-16 units
_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


def _column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inline_string(text: str) -> str:
    """The <is> of an inline string cell as XlsxWriter writes it (constant-memory mode)."""
    if len(text) > _XLSX_STRING_MAX // 2:
        length = 0
        for index, char in enumerate(text):
            length += 2 if ord(char) > 0xFFFF else 1
            if length > _XLSX_STRING_MAX:
                text = text[:index]
                break
    if "_x" in text or not text.isprintable():
        # Excel's _xHHHH_ escape for control characters, and for a literal "_xHHHH_".
        text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = text[:1].isspace() or text[-1:].isspace()
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if preserve:
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _rows_xml(rows: Iterable[Sequence[Any]], *, first: int) -> Iterator[str]:
    """<row> elements from row number ``first`` on, joined a few hundred rows at a time."""
    letters: list[str] = []
    parts: list[str] = []
    for number, row in enumerate(rows, start=first):
        cells = []
        for col, raw in enumerate(row):
            if type(raw) is str and raw.isprintable():  # _xlsx_value's common case, inline
                value = "'" + raw if raw.startswith(_FORMULA_PREFIXES) else raw
            else:
                value = _xlsx_value(raw)
            if value is None or value == "":
                continue
            if col >= len(letters):
                if col >= 16384:
                    continue  # beyond Excel's last column; XlsxWriter ignores it too
                letters.extend(_column_letters(c) for c in range(len(letters), col + 1))
            ref = f"{letters[col]}{number}"
            if value is True or value is False:
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                if not math.isfinite(value):
                    raise TypeError(f"NAN/INF cannot be written to a workbook: {value!r}")
                cells.append(f'<c r="{ref}"><v>{value:.16G}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr">{_inline_string(str(value))}</c>')
        if cells:
            parts.append(f'<row r="{number}">{"".join(cells)}</row>')
            if len(parts) >= 500:
                yield "".join(parts)
                parts.clear()
    if parts:
        yield "".join(parts)


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in sheet names and names longer than 31 characters.
    return re.sub(r"[\\/?*\[\]:]", " ", title)[:31] or "Sheet1"


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV for Excel: the caller opens ``out`` with a UTF-8 BOM so Korean shows correctly."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])


def write_csv_binary(out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV into a binary stream, UTF-8 with a BOM so that Korean Excel reads it as UTF-8."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        write_csv(text, header, rows)
    finally:
        text.flush()
        text.detach()  # leave ``out`` open for the caller


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    write_csv(buffer, header, rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, tables)
    return buffer.getvalue()




_SPACE = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """A matching key for headers and names: case, spaces, dashes and brackets ignored."""
    return _SPACE.sub("", text.casefold())
