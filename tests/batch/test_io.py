"""Reading and writing spreadsheets (advisor.batch.io): no database needed."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from advisor.batch.io import (
    SpreadsheetError,
    Table,
    csv_bytes,
    open_sheet,
    safe_cell,
    xlsx_bytes,
)

from .conftest import KOREAN_HEADER
from .conftest import csv_bytes as make_csv
from .conftest import xlsx_bytes as make_xlsx

LIMITS = {"max_bytes": 1_000_000, "max_rows": 1000}


def read(data: bytes, **limits: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    sheet = open_sheet(io.BytesIO(data), **{**LIMITS, **limits})
    return sheet.headers, list(sheet.rows)


def refused(data: bytes, **limits: int) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as info:
        read(data, **limits)
    return info.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_it_reads_korean_csv_in_every_encoding_excel_writes(encoding):
    headers, rows = read(make_csv([["소리랩스", "인공지능"]], ["회사명", "주력 분야"], encoding))
    assert headers == ["회사명", "주력 분야"]
    assert rows == [(2, ["소리랩스", "인공지능"])]


def test_it_reads_excel_unicode_text_utf16_tab_separated():
    data = "회사명\t주력 분야\r\n소리랩스\t인공지능\r\n".encode("utf-16")
    headers, rows = read(data)
    assert headers == ["회사명", "주력 분야"]
    assert rows == [(2, ["소리랩스", "인공지능"])]


def test_it_keeps_cells_as_text():
    _, rows = read(make_csv([["007", "1e3", "NA", " padded "]], ["a", "b", "c", "d"]))
    assert rows == [(2, ["007", "1e3", "NA", "padded"])]


def test_row_numbers_match_excel_with_blank_lines_and_multiline_cells():
    data = "회사명,주력 분야\r\n\"두 줄\n이름\",ai\r\n\r\n셋째,ai\r\n".encode()
    _, rows = read(data)
    assert [number for number, _ in rows] == [2, 3, 4]
    assert rows[0][1] == ["두 줄\n이름", "ai"]
    assert rows[1][1] == ["", ""]


def test_ragged_rows_are_padded_or_cut_to_the_header():
    _, rows = read(b"a,b\n1\n1,2,3,4\n")
    assert rows == [(2, ["1", ""]), (3, ["1", "2"])]


def test_semicolon_csv_from_european_excel_is_read():
    _, rows = read(b"a;b\n1;2\n")
    assert rows == [(2, ["1", "2"])]


def test_xlsx_first_sheet_only_numbers_as_typed_and_formulas_as_text():
    workbook_bytes = make_xlsx([["=1+1", 3, 4.5, "007"]], ["a", "b", "c", "d"])
    headers, rows = read(workbook_bytes)
    assert headers == ["a", "b", "c", "d"]
    # The formula is its text, never evaluated (Excel's cached value is not used either).
    assert rows == [(2, ["=1+1", "3", "4.5", "007"])]


def test_a_stray_cell_far_right_does_not_widen_rows():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["a", "b"])
    sheet.append(["1", "2"])
    sheet["XFD2"] = "far away"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, rows = read(buffer.getvalue())
    assert rows == [(2, ["1", "2"])]


def _with_sheet(sheet_xml: bytes) -> bytes:
    """A workbook whose first sheet part is replaced by ``sheet_xml``."""
    good = make_xlsx([["x", "y"]], ["a", "b"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml
            dst.writestr(item, content)
    return out.getvalue()


def test_two_cells_far_apart_are_refused_not_a_crash():
    # A reader that builds the sheet as one grid would allocate 1,048,576 x 16,384 cells
    # between them; openpyxl's read-only reader streams the blank rows and the row limit
    # stops the file.
    data = _with_sheet(
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
        b"</sheetData></worksheet>"
    )
    assert refused(data).code == "too_many_rows"


def test_a_formula_with_a_value_excel_computed_is_still_its_text():
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["a", "b"])
    sheet.write_formula(1, 0, '=HYPERLINK("http://x")', None, "x")
    sheet.write_number(1, 1, 2)
    workbook.close()
    _, rows = read(buffer.getvalue())
    assert rows == [(2, ['=HYPERLINK("http://x")', "2"])]


def test_error_cells_are_read_as_their_text():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["a", "b"])
    sheet.append(["#N/A", 1])  # openpyxl stores this as an error cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, rows = read(buffer.getvalue())
    assert rows == [(2, ["#N/A", "1"])]


def test_xlsx_dates_numbers_and_gaps_read_as_excel_shows_them():
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([None, "b", "c", "d", "e"])  # column A empty throughout
    sheet.append([None, dt.datetime(2026, 1, 31), 4.0, -2, True])
    sheet.append([])
    sheet.append([None, dt.time(9, 15), 4.5, 12345, " padded "])
    buffer = io.BytesIO()
    workbook.save(buffer)
    headers, rows = read(buffer.getvalue())
    assert headers == ["", "b", "c", "d", "e"]
    assert rows == [
        (2, ["", "2026-01-31", "4", "-2", "TRUE"]),
        (3, ["", "", "", "", ""]),
        (4, ["", "09:15:00", "4.5", "12345", "padded"]),
    ]


def test_a_sheet_whose_first_row_is_empty_has_no_header():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A2"] = "company"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refused(buffer.getvalue()).code == "no_header"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \r\n\r\n"])
def test_an_empty_file_is_refused_plainly(data):
    assert refused(data).code == "empty_file"


def test_a_png_renamed_xlsx_is_refused():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    error = refused(png)
    assert error.code == "wrong_type"
    assert "not a spreadsheet" in error.message


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert refused(buffer.getvalue()).code == "wrong_type"


def test_a_damaged_zip_is_refused():
    assert refused(b"PK\x03\x04" + b"garbage" * 10).code == "bad_xlsx"


def test_a_workbook_with_a_damaged_sheet_is_refused_not_crashed():
    good = make_xlsx([["x", "y"]], ["a", "b"])
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = b"<worksheet><sheetData><row"  # truncated XML
            dst.writestr(item, content)
    assert refused(damaged.getvalue()).code == "bad_xlsx"


def test_legacy_xls_is_refused_with_advice():
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert error.code == "wrong_type"
    assert ".xlsx" in error.message


def test_bytes_in_no_known_encoding_are_refused():
    assert refused(b"a,b\n\x80\xff\xfe,1\n").code == "bad_encoding"


def test_files_over_the_limit_are_refused_before_reading():
    assert refused(make_csv([["x"] * 3] * 500), max_bytes=1024).code == "too_large"


def test_too_many_rows_are_refused():
    assert refused(make_csv([["x"]] * 11, ["a"]), max_rows=10).code == "too_many_rows"


def test_a_header_row_that_is_empty_is_refused():
    assert refused(b",,\n1,2,3\n").code == "no_header"


def test_a_huge_cell_is_read_whole():
    _, rows = read(make_csv([["x" * 100_000, "ai"]], ["a", "b"]))
    assert len(rows[0][1][0]) == 100_000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("소리랩스", "소리랩스"),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_safe_cell_neutralises_formula_starts(value, expected):
    assert safe_cell(value) == expected


def test_written_csv_and_xlsx_hold_no_formula():
    rows = [["=1+1", "@cmd", "-2", 5]]
    text = csv_bytes(["=header", "b", "c", "d"], rows).decode("utf-8-sig")
    assert text.splitlines() == ["'=header,b,c,d", "'=1+1,'@cmd,'-2,5"]

    workbook = load_workbook(io.BytesIO(xlsx_bytes([Table("t", ["=h", "b", "c", "d"], rows)])))
    sheet = workbook.active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    # Typed cells: a string is never a formula, so it is written as typed, no guard.
    assert values == [["=h", "b", "c", "d"], ["=1+1", "@cmd", "-2", 5]]
    assert [c.data_type for c in sheet[2]] == ["s", "s", "s", "n"]


def test_text_that_looks_like_workbook_xml_stays_text():
    # XlsxWriter writes a string that starts with <r> and ends with </r> as raw rich-text
    # XML; a company name like this one would have smuggled a formula cell into the export.
    name = '<r><t>x</t></r></is></c><c r="Z2"><f>HYPERLINK("http://x")</f></c><c><is><r>y</r>'
    workbook = load_workbook(io.BytesIO(xlsx_bytes([Table("t", ["a"], [[name]])])))
    sheet = workbook.active
    assert sheet["A2"].value == name
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


def test_a_formula_behind_a_control_character_is_neutralised():
    data = xlsx_bytes([Table("t", ["a"], [["\x01=HYPERLINK(\"http://x\")"]])])
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://x\")", "s")


def test_many_rows_keep_their_order_types_and_gaps():
    rows = [[f"회사 {i}", i, i / 4, i % 2 == 0] if i % 7 else [] for i in range(1, 1201)]
    data = xlsx_bytes([Table("t", ["a", "b", "c", "d"], iter(rows))])
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert values == [r or [None] * 4 for r in rows]


def test_control_characters_do_not_break_the_workbook():
    data = xlsx_bytes([Table("t", ["a"], [["bad\x01name"]])])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "badname"


def test_korean_header_fixture_matches_the_template():
    from advisor.batch.columns import KOREAN_HEADERS

    assert list(KOREAN_HEADERS.values()) == KOREAN_HEADER


def test_links_are_hyperlinks_and_what_excel_cannot_link_stays_text():
    from advisor.batch.io import Link

    rows = [[Link("https://advisor.example/r/abc/")], [Link("abc")],
            [Link("https://x.example/" + "a" * 3000)]]
    with pytest.warns(UserWarning, match="2079"):  # XlsxWriter says why it wrote no link
        data = xlsx_bytes([Table("t", ["a"], rows)])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].hyperlink.target == "https://advisor.example/r/abc/"
    assert (sheet["A3"].value, sheet["A3"].hyperlink) == ("abc", None)
    assert sheet["A4"].value.startswith("https://x.example/aaa") and sheet["A4"].hyperlink is None


def test_spreadsheets_with_the_earlier_korean_headers_still_read(snapshot):
    from advisor.batch.columns import Vocabulary, resolve_columns

    vocabulary = Vocabulary.for_snapshot(snapshot)
    old = resolve_columns(["회사명", "주력 분야", "보조 분야", "단계", "제외 클러스터"], vocabulary)
    new = resolve_columns(["회사명", "주력 분야", "기타 분야", "기업 유형", "제외할 도시군"],
                          vocabulary)
    assert old.index == new.index
    assert {"secondary_sectors", "stage", "exclude"} <= set(new.index)
