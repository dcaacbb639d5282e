"""Reading and writing spreadsheets: CSV and XLSX, as plain rows of text.

Nothing here knows what an intake is. Reading yields the header row as written and then
``(excel_row_number, cells)`` pairs, every cell a stripped NFC string, one row at a time, so
a 50,000-row upload never sits in memory as a whole:

* **CSV** is read as bytes and its encoding decided from them (a byte-order mark, strict
  UTF-8, otherwise ``charset-normalizer``'s guess among the East Asian encodings offices
  use: CP949 from Korean Excel, GB18030/GBK from Chinese Excel, UTF-16 "Unicode text"), then
  parsed by pandas in chunks. The encoding used is kept on :class:`Sheet` for the report.
* **XLSX** is first bounded (:func:`check_workbook`: entries, declared and unpacked sizes,
  compression ratios and the counts a part declares, read from ``zipfile``'s own metadata
  and the parts' first tag, before any reader allocates), then streamed by openpyxl's
  read-only reader. The active visible sheet is read, or the visible sheet whose first row
  holds the intake header; never a hidden one. Merged ranges are filled with their value,
  Excel's ``_xHHHH_`` escapes decoded, numbers read at Excel's 15 significant digits.

Writing: XLSX through XlsxWriter (constant-memory mode), every cell with an explicit type:
numbers as numbers, dates as dates, :class:`Link` as a hyperlink and every string with
``write_string``, so a string is never a formula and needs no visible ``'`` guard. CSV
through the ``csv`` module with :func:`safe_cell`, which neutralises what a spreadsheet
program would run as a formula (a CSV cell has no type).

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
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

import pandas as pd
from charset_normalizer import from_bytes
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.escape import unescape

CSV_CHUNK_ROWS = 2000
MAX_COLUMNS = 200

# What a workbook may expand to. A 50,000-row intake sheet is about 40 MB of XML and
# compresses 5-20 times; the zip bomb of the bad-input issue claims 1 GiB at 1,000 times.
MAX_ENTRIES = 1000
MAX_PART_BYTES = 128 * 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for parts over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
# A count a part declares (shared strings, merged ranges): at most this, and at most one
# item per five bytes of the part (``<si/>`` is the shortest item).
MAX_DECLARED_COUNT = 5_000_000
MAX_MERGED_RANGES = 10_000

# Encodings charset-normalizer may choose from when the bytes are not UTF-8.
CSV_GUESSES = ("cp949", "gb18030", "big5", "shift_jis", "utf_16")
# The names charset-normalizer gives, mapped to the superset we decode with.
_SUPERSETS = {"euc_kr": "cp949", "gbk": "gb18030", "gb2312": "gb18030", "hz": "gb18030"}
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp949": "CP949 (EUC-KR)",
    "gb18030": "GB18030 (GBK)",
    "big5": "Big5",
    "shift_jis": "Shift-JIS",
}

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
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


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
    # How the file was read: "CP949 (EUC-KR)", or the sheet's name for a workbook.
    source: str = ""


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


HeaderTest = Callable[[list[str]], bool]


def open_sheet(
    file: IO[bytes], *, max_bytes: int, max_rows: int, accept: HeaderTest | None = None
) -> Sheet:
    """The sheet to import from a CSV or XLSX file, streamed. Raises SpreadsheetError.

    ``accept(headers)`` tells an intake header from another; of a workbook's visible sheets
    the active one is read unless another one's first row is accepted and its is not.
    """
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
    sheet = _read_xlsx(file, accept) if kind == "xlsx" else _read_csv(file)
    sheet.rows = _limit(sheet.rows, max_rows)
    return sheet


def _limit(rows: Iterator[tuple[int, list[str]]], max_rows: int) -> Iterator[tuple[int, list[str]]]:
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise SpreadsheetError(
                _("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": f"{max_rows:,}"},
                "too_many_rows",
            )
        yield row


def _nfc(text: str) -> str:
    # Decomposed Hangul (macOS) reads as composed; is_normalized is the cheap common case.
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else (
        unicodedata.normalize("NFC", text)
    )


def _text(value: Any) -> str:
    """A cell as the text a person sees: 3.0 -> '3', 4.000000000000001 -> '4' (Excel shows
    15 significant digits), a date -> '2026-01-31', '_x000D_' decoded, NFC."""
    if value is None:
        return ""
    if isinstance(value, str):
        if "_x" in value:
            value = unescape(value)
        return _nfc(value.strip())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        value = float(f"{value:.15g}")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time.min:
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value).strip()


def _headers(values: Sequence[Any]) -> list[str]:
    headers = [_text(v) for v in values[:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _no_header() -> SpreadsheetError:
    return SpreadsheetError(
        _("The first row must hold the column headers, but it is empty."), "no_header"
    )


# --- XLSX: bounds ---------------------------------------------------------------------------


def _hostile(reason: str) -> SpreadsheetError:
    return SpreadsheetError(
        _("This workbook would unpack to more than a spreadsheet of intakes can hold "
          "(%(reason)s), so it was not opened. Save the sheet again from Excel or as CSV.")
        % {"reason": reason},
        "workbook_too_large",
    )


def _damaged(exc: BaseException | None = None) -> SpreadsheetError:
    name = type(exc).__name__ if exc is not None else "-"
    return SpreadsheetError(
        _("The workbook could not be read (%(error)s). Save it again from Excel.")
        % {"error": name},
        "bad_xlsx",
    )


def _declared_count(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The largest count the part's root element declares (``<sst count uniqueCount>``),
    read from its first tag only (the parser stops at the first start event)."""
    with archive.open(info) as part:
        for _event, element in etree.iterparse(part, events=("start",)):
            counts = [element.get("count"), element.get("uniqueCount")]
            return max((int(c) for c in counts if c and c.isdigit()), default=0)
    return 0


def check_workbook(file: IO[bytes]) -> None:
    """Refuses a workbook that would expand beyond the limits above, before any reader runs.

    Sizes come from ``zipfile``'s metadata (the central directory), which ``zipfile`` also
    enforces while reading: a part that inflates past its declared size fails its CRC check
    instead of growing. Raises SpreadsheetError (``workbook_too_large``, ``bad_xlsx``,
    ``wrong_type``).
    """
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise _hostile(_("%(n)s parts") % {"n": f"{len(infos):,}"})
            names = {info.filename for info in infos}
            if not any(name.endswith("workbook.xml") for name in names):
                raise SpreadsheetError(
                    _("The file is a zip archive but not an Excel workbook (.xlsx)."),
                    "wrong_type",
                )
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > MAX_PART_BYTES or total > MAX_UNPACKED:
                    raise _hostile(_("%(mb)s MB of XML") % {
                        "mb": f"{max(info.file_size, total) / 1048576:,.0f}"})
                if info.file_size > RATIO_FROM and (
                    info.file_size > MAX_RATIO * max(info.compress_size, 1)
                ):
                    raise _hostile(_("compressed %(ratio)s times") % {
                        "ratio": f"{info.file_size // max(info.compress_size, 1):,}"})
                if info.filename.endswith("sharedStrings.xml"):
                    count = _declared_count(archive, info)
                    if count > MAX_DECLARED_COUNT or count > info.file_size // 5 + 1:
                        raise _hostile(_("%(n)s shared strings declared in %(size)s bytes") % {
                            "n": f"{count:,}", "size": f"{info.file_size:,}"})
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError, etree.LxmlError) as exc:
        raise _damaged(exc) from exc
    finally:
        file.seek(0)


# --- XLSX: reading --------------------------------------------------------------------------


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package (``xl/worksheets/sheet1.xml``), from the
    workbook's relationships, as ECMA-376 Part 2 (Open Packaging Conventions) lays them out."""
    def rels(path: str) -> dict[str, str]:
        folder, _sep, name = path.rpartition("/")
        rels_path = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
        root = etree.fromstring(archive.read(rels_path))
        base = folder + "/" if folder else ""
        found = {}
        for rel in root.iter(f"{{{_PKG_REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            found[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") else (
                base + target
            )
        return found

    office = next(
        (t for t in rels("").values() if t.endswith(".xml")), "xl/workbook.xml"
    ) if "_rels/.rels" in archive.namelist() else "xl/workbook.xml"
    targets = rels(office)
    workbook = etree.fromstring(archive.read(office))
    parts = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id", ""))
        if target:
            parts[sheet.get("name", "")] = target
    return parts


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range of the sheet part."""
    ranges = []
    with archive.open(part) as stream:
        for _event, element in etree.iterparse(
            stream, events=("end",), tag=f"{{{_MAIN_NS}}}mergeCell"
        ):
            bounds = range_boundaries(element.get("ref", ""))
            if None not in bounds:
                ranges.append(bounds)
            if len(ranges) > MAX_MERGED_RANGES:
                raise _hostile(_("more than %(n)s merged ranges") % {
                    "n": f"{MAX_MERGED_RANGES:,}"})
            element.clear()
    return ranges


class _MergeFill:
    """Fills every cell of a merged range with the value of its top-left cell, row by row."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        self.starting: dict[int, list[tuple[int, int, int, int]]] = {}
        for bounds in ranges:
            if bounds[2] > bounds[0] or bounds[3] > bounds[1]:
                self.starting.setdefault(bounds[1], []).append(bounds)
        self.active: list[tuple[tuple[int, int, int, int], Any]] = []

    def __call__(self, number: int, values: list[Any]) -> list[Any]:
        for bounds in self.starting.pop(number, ()):
            top_left = values[bounds[0] - 1] if bounds[0] - 1 < len(values) else None
            self.active.append((bounds, top_left))
        if not self.active:
            return values
        self.active = [(b, v) for b, v in self.active if b[3] >= number]
        for (min_col, _min_row, max_col, _max_row), value in self.active:
            for col in range(min_col - 1, min(max_col, len(values))):
                values[col] = value
        return values


def _read_xlsx(file: IO[bytes], accept: HeaderTest | None) -> Sheet:
    check_workbook(file)
    workbook = None
    try:
        with zipfile.ZipFile(file) as archive:
            parts = _sheet_parts(archive)
            # openpyxl directly rather than pandas.read_excel: pandas opens workbooks with
            # data_only=True, which turns a formula into the value Excel last computed (or
            # nothing). We want the formula's text, validated like any other text, never run.
            workbook = load_workbook(file, read_only=True, data_only=False, keep_links=False)
            visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
            if not visible:
                raise SpreadsheetError(_("The workbook has no visible sheet."), "no_header")
            active = workbook.active
            order = ([active] if active in visible else []) + [
                ws for ws in visible if ws is not active
            ]
            chosen, headers = order[0], None
            for sheet in order:
                first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
                found = _headers(first)
                if headers is None:
                    headers = found
                if accept is None or accept(found):
                    chosen, headers = sheet, found
                    break
            part = parts.get(chosen.title)
            merges = _MergeFill(_merged_ranges(archive, part) if part else [])
    except BaseException as exc:
        if workbook is not None:
            workbook.close()
        if isinstance(exc, SpreadsheetError) or not isinstance(exc, Exception):
            raise
        raise _damaged(exc) from exc  # any parser failure on an untrusted file
    if not headers:
        workbook.close()
        raise _no_header()
    width = len(headers)
    estimate = chosen.max_row - 1 if isinstance(chosen.max_row, int) else None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            # max_col keeps a stray cell far to the right from widening every row.
            for number, values in enumerate(
                chosen.iter_rows(min_row=2, max_col=width, values_only=True), start=2
            ):
                cells = [_text(v) for v in merges(number, list(values))]
                cells.extend([""] * (width - len(cells)))
                yield number, cells
        except SpreadsheetError:
            raise
        except Exception as exc:  # a damaged sheet part further down
            raise _damaged(exc) from exc
        finally:
            workbook.close()

    return Sheet("xlsx", headers, rows(), estimate, source=chosen.title)


# --- CSV ------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """The codec to decode ``data`` with: a byte-order mark, then strict UTF-8, then
    charset-normalizer's best guess among CSV_GUESSES. SpreadsheetError when none fits."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    guess = from_bytes(data, cp_isolation=list(CSV_GUESSES)).best()
    if guess is None:
        raise SpreadsheetError(
            _("The CSV file's text encoding could not be recognised (it is not UTF-8, "
              "Korean Excel's CP949 or Chinese Excel's GB18030). Save it as "
              "“CSV UTF-8” in Excel and upload it again."),
            "bad_encoding",
        )
    encoding = _SUPERSETS.get(guess.encoding, guess.encoding)
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _("The CSV file mixes text encodings (%(encoding)s fails at byte %(at)s). "
              "Save it as “CSV UTF-8” in Excel and upload it again.")
            % {"encoding": ENCODING_LABELS.get(encoding, encoding), "at": exc.start},
            "bad_encoding",
        ) from exc
    return encoding


def _delimiter(text_head: str) -> str:
    """Comma unless the header line plainly uses tabs or semicolons (some Excel locales)."""
    line = text_head.split("\n", 1)[0]
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(file: IO[bytes]) -> Sheet:
    file.seek(0)
    data = file.read()
    encoding = detect_encoding(data)
    source = io.BytesIO(data)
    sep = _delimiter(data[:65536].decode(encoding, errors="replace").lstrip("\ufeff"))
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
        first = pd.read_csv(source, nrows=1, **common)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise SpreadsheetError(
            _("The CSV file could not be read: %(error)s") % {"error": str(exc)[:200]},
            "bad_csv",
        ) from exc
    finally:
        source.seek(0)
    headers = _headers(first.iloc[0].tolist() if len(first) else [])
    if not headers:
        raise _no_header()
    width = len(headers)

    def rows() -> Iterator[tuple[int, list[str]]]:
        # Fixed names + usecols make the parser drop surplus cells on a ragged row instead
        # of failing the whole file; short rows are padded with "".
        reader = pd.read_csv(
            source, names=range(width), usecols=range(width), chunksize=CSV_CHUNK_ROWS,
            **common,
        )
        number = 0
        try:
            for chunk in reader:
                for values in chunk.itertuples(index=False, name=None):
                    number += 1
                    if number == 1:
                        continue  # the header row
                    yield number, [_nfc(v.strip()) if isinstance(v, str) else ""
                                   for v in values]
        except (pd.errors.ParserError, ValueError) as exc:
            raise SpreadsheetError(
                _("The CSV file could not be read after row %(row)s: %(error)s")
                % {"row": number, "error": str(exc)[:200]},
                "bad_csv",
            ) from exc
        finally:
            reader.close()

    return Sheet("csv", headers, rows(), max(data.count(b"\n") - 1, 0),
                 source=ENCODING_LABELS.get(encoding, encoding))


# --- Writing --------------------------------------------------------------------------------

# What a spreadsheet program runs as a formula when a CSV cell starts with it, full-width
# forms included (Excel folds ＝ to = when it parses a typed or imported cell).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """CSV only: text that a spreadsheet would run as a formula gets a leading quote.

    Applied to every string written to a CSV, whatever its origin (company names and
    keywords come from the public), so an exported file never runs '=HYPERLINK(...)' on a
    consultant's PC. XLSX cells carry their type and need no guard.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Link:
    """A hyperlink cell: ``url`` shown as ``text`` (the url itself when empty)."""

    url: str
    text: str = ""

    def __str__(self) -> str:
        return self.url


@dataclass(frozen=True)
class Validation:
    """An Excel data validation on one column's data rows (XlsxWriter's ``data_validation``
    options: ``{"validate": "list", "source": [...]}`` or a whole-number range)."""

    column: int
    options: dict[str, Any]


@dataclass
class Table:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    # Excel number formats by column ("0%", "yyyy-mm-dd hh:mm"); CSV writes them as text.
    formats: Sequence[str | None] = ()
    validations: Sequence[Validation] = ()
    validation_rows: int = 1000
    # The first n data rows are an example, drawn grey and italic.
    example_rows: int = 0
    # A sheet of lists for other sheets' drop-downs, out of the way (and never imported).
    hidden: bool = False


# Excel's limit of hyperlinks in a sheet (XlsxWriter writes no more); later links are text.
_MAX_LINKS = 65530


def _local(value: dt.datetime) -> dt.datetime:
    """XlsxWriter writes naive datetimes: an aware one is shown in the site's time zone."""
    if timezone.is_aware(value):
        value = timezone.make_naive(value, timezone.get_current_timezone())
    return value


def write_xlsx(out: IO[bytes], tables: Sequence[Table]) -> None:
    """A workbook with one sheet per table, written by XlsxWriter in constant-memory mode.

    Every cell is written with its type: ``write_number`` (finite numbers; NaN/inf raise
    TypeError), ``write_boolean``, ``write_datetime`` (the column's format, or a date/time
    format), ``write_url`` for :class:`Link` and ``write_string`` for everything else, so
    no string becomes a formula, a number or a link. None and "" are left empty.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_numbers": False,
              "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    example = workbook.add_format({"italic": True, "font_color": "#808080"})
    formats: dict[str, Any] = {}

    def column_format(spec: str | None, is_example: bool) -> Any:
        if spec is None:
            return example if is_example else None
        key = f"{spec}|{is_example}"
        if key not in formats:
            options: dict[str, Any] = {"num_format": spec}
            if is_example:
                options.update(italic=True, font_color="#808080")
            formats[key] = workbook.add_format(options)
        return formats[key]

    for table in tables:
        sheet = workbook.add_worksheet(_sheet_title(table.title))
        for index, width in enumerate(table.widths):
            sheet.set_column(index, index, width)
        for col, title in enumerate(table.header):
            _write_text(sheet, 0, col, str(title), bold)
        sheet.freeze_panes(1, 0)
        if table.hidden:
            sheet.hide()
        for validation in table.validations:
            sheet.data_validation(1, validation.column, table.validation_rows,
                                  validation.column, validation.options)
        specs = list(table.formats)
        links = 0
        for number, row in enumerate(table.rows, start=1):
            is_example = number <= table.example_rows
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                fmt = column_format(specs[col] if col < len(specs) else None, is_example)
                if isinstance(value, str):
                    if not value.isprintable():
                        # XML 1.0 cannot hold most control characters; Excel would show
                        # XlsxWriter's _xHHHH_ escape of one as nothing, so it goes.
                        value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    _write_text(sheet, number, col, value, fmt)
                elif isinstance(value, bool):
                    sheet.write_boolean(number, col, value, fmt)
                elif isinstance(value, int | float):
                    if not math.isfinite(value):
                        raise TypeError(f"NAN/INF cannot be written to a workbook: {value!r}")
                    sheet.write_number(number, col, value, fmt)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(number, col, _local(value), fmt or datetime_format)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(number, col, value, fmt or date_format)
                elif isinstance(value, Link):
                    written = -1
                    if links < _MAX_LINKS:
                        try:
                            written = sheet.write_url(number, col, value.url, fmt,
                                                      value.text or value.url)
                        except ValueError:  # not a URL Excel knows (no scheme)
                            written = -1
                    if written == 0:
                        links += 1
                    else:  # past Excel's limits (links per sheet, URL length): as text
                        _write_text(sheet, number, col, value.text or value.url, fmt)
                else:
                    sheet.write_string(number, col, str(value), fmt)
    workbook.close()


def _write_text(sheet: Any, row: int, col: int, text: str, fmt: Any) -> None:
    """``write_string``, except for text that starts with ``<r>`` and ends with ``</r>``:
    XlsxWriter takes such a string for rich-text XML it made itself and writes it unescaped,
    so a company name shaped like it could add cells (a formula) to the sheet. It goes in as
    a rich string of two plain fragments instead, each escaped, read back as one text."""
    if text.startswith("<r>") and text.endswith("</r>"):
        sheet.write_rich_string(row, col, text[:1], text[1:2], text[2:], *([fmt] if fmt else []))
    else:
        sheet.write_string(row, col, text, fmt)


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in sheet names and names longer than 31 characters.
    return re.sub(r"[\\/?*\[\]:]", " ", title)[:31] or "Sheet1"


def _csv_value(value: Any, spec: str | None) -> Any:
    if value is None:
        return ""
    if isinstance(value, Link):
        return value.url
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if spec == "0%" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.0%}"
    return safe_cell(value)


def write_csv(
    out: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None] = (),
) -> None:
    """CSV for Excel: the caller opens ``out`` with a UTF-8 BOM so Korean shows correctly."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(v) for v in header])
    specs = list(formats)
    for row in rows:
        writer.writerow([
            _csv_value(v, specs[i] if i < len(specs) else None) for i, v in enumerate(row)
        ])


def write_csv_binary(
    out: IO[bytes],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None] = (),
) -> None:
    """CSV into a binary stream, UTF-8 with a BOM so that Korean Excel reads it as UTF-8."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        write_csv(text, header, rows, formats)
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
    """A matching key for headers, codes and names: NFKC (full-width ＡＩ is ai, decomposed
    Hangul composed), case, spaces, dashes and brackets ignored."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub("", text.casefold())
