"""The importer: one validation per row, good rows saved together, bad rows reported."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from advisor.batch import importer
from advisor.batch.importer import import_spreadsheet
from advisor.batch.io import SpreadsheetError
from advisor.batch.template import template_csv, template_xlsx
from advisor.models import Assessment, ImportBatch

from .conftest import ENGLISH_HEADER, csv_bytes, row, xlsx_bytes


def run(data: bytes, name: str = "intakes.csv", **kwargs):
    return import_spreadsheet(io.BytesIO(data), filename=name, **kwargs)


def errors_by_row(report) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for error in report.errors:
        found.setdefault(error["row"], []).append((error["column"], error["code"]))
    return found


MIXED = [
    row("소리랩스"),  # row 2: good
    row("없는분야", sector="space_mining"),  # row 3: unknown sector
    row("", sector="ai"),  # row 4: no name
    row("점수오류", need_talent="7", need_cost="네"),  # row 5: two bad needs
    row("보라바이오", sector="바이오·제약", secondary_sectors="의료기기, robotics"),  # row 6: good
]


@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_good_rows_are_saved_and_bad_rows_reported(db, staff_user, maker):
    report = run(maker(MIXED), user=staff_user)

    assert (report.rows_total, report.rows_ok, report.rows_bad) == (5, 2, 3)
    assert errors_by_row(report) == {
        3: [("주력 분야", "unknown_sector")],
        4: [("회사명", "required")],
        5: [("비용 (0-5)", "invalid_type"), ("인재 (0-5)", "out_of_range")],
    }
    assert all(e["message"] for e in report.errors)
    assert report.errors[0]["value"] == "space_mining"

    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.rows_total, batch.rows_ok) == (5, 2)
    assert batch.errors == report.errors
    assert batch.created_by == staff_user
    saved = Assessment.objects.filter(batch=batch).order_by("id")
    assert [a.company_name for a in saved] == ["소리랩스", "보라바이오"]
    assert {a.origin for a in saved} == {Assessment.Origin.IMPORT}
    # Names in cells became codes before validation.
    assert saved[1].sector == "biopharma"
    assert saved[1].intake["secondary_sectors"] == ["medical_devices", "robotics"]
    assert saved[0].result["ranking"][0]["cluster"]


def test_english_headers_are_accepted(db):
    report = run(csv_bytes([row("Sori Labs", stage="sme", language="en")], ENGLISH_HEADER))
    assert report.errors == []
    intake = Assessment.objects.get().intake
    assert (intake["stage"], intake["language"]) == ("sme", "en")
    assert intake["needs"]["talent"] == 5


def test_cp949_csv_from_korean_excel(db):
    data = csv_bytes([row("한글회사", sector="인공지능", stage="중소기업")], encoding="cp949")
    report = run(data)
    assert report.errors == []
    assessment = Assessment.objects.get()
    assert (assessment.company_name, assessment.sector) == ("한글회사", "ai")
    assert assessment.intake["stage"] == "sme"


def test_clusters_and_minimums_by_name_or_code(db, snapshot):
    report = run(
        csv_bytes([row("X", exclude="징진지; west_hub", minimums="비용 경쟁력:40, talent=50")]),
        save=False,
    )
    assert report.errors == []
    assert report.rows_ok == 1


def test_a_minimums_cell_that_is_not_pairs_is_reported(db):
    report = run(csv_bytes([row("X", minimums="cost")]), save=False)
    assert errors_by_row(report) == {2: [("최소 조건", "invalid_format")]}


def test_an_empty_needs_cell_takes_the_default(db, snapshot):
    from advisor.engine import NEED_DEFAULT

    run(csv_bytes([row("X", need_market="")]))
    assert Assessment.objects.get().intake["needs"]["market"] == NEED_DEFAULT


def test_a_huge_cell_is_that_rows_error_not_a_crash(db):
    report = run(csv_bytes([row("x" * 100_000), row("정상회사")]))
    assert errors_by_row(report) == {2: [("회사명", "too_long")]}
    assert report.rows_ok == 1
    # The report quotes the cell, but not all 100,000 characters of it.
    assert len(report.errors[0]["value"]) <= importer.VALUE_MAX
    assert len(report.errors[0]["message"]) < 400


def test_formula_cells_are_text_validated_like_any_other(db):
    data = xlsx_bytes([row("=1+1"), row("수식회사", need_talent="=2+3")])
    report = run(data, name="formulas.xlsx")
    assert errors_by_row(report) == {3: [("인재 (0-5)", "invalid_type")]}
    assert report.errors[0]["value"] == "=2+3"
    # The formula was stored as the text typed, not its value.
    assert Assessment.objects.get().company_name == "=1+1"


def test_blank_rows_are_skipped_and_numbering_kept(db):
    report = run(csv_bytes([row("A"), [""] * len(ENGLISH_HEADER), row("", sector="ai")]))
    assert report.rows_total == 2
    assert errors_by_row(report) == {4: [("회사명", "required")]}


def test_a_header_without_a_required_column_names_it(db):
    with pytest.raises(SpreadsheetError) as info:
        run(csv_bytes([["소리랩스", "5"]], ["회사명", "인재 (0-5)"]))
    assert info.value.code == "missing_column"
    assert "주력 분야" in info.value.message
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_two_columns_for_one_field_are_refused(db):
    with pytest.raises(SpreadsheetError) as info:
        run(csv_bytes([["a", "ai", "b"]], ["회사명", "주력 분야", "company_name"]))
    assert info.value.code == "duplicate_column"


def test_unknown_columns_are_listed_not_fatal(db):
    report = run(csv_bytes([["a", "ai", "memo"]], ["회사명", "주력 분야", "담당자 메모"]))
    assert report.ignored_columns == ("담당자 메모",)
    assert report.rows_ok == 1


def test_a_header_with_no_rows_below_is_refused_and_saves_nothing(db):
    with pytest.raises(SpreadsheetError) as info:
        run(csv_bytes([]))
    assert info.value.code == "no_rows"
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_a_file_with_only_bad_rows_is_a_rejected_batch(db):
    report = run(csv_bytes([row("", sector="ai")]))
    assert report.batch.status == ImportBatch.Status.REJECTED
    assert report.batch.rows_ok == 0
    assert not Assessment.objects.exists()


def test_nothing_is_half_saved_when_the_run_fails_midway(db, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    calls = {"n": 0}
    from advisor import services

    real = services.assessments_create_many

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "assessments_create_many", failing)
    with pytest.raises(RuntimeError):
        run(csv_bytes([row(f"회사{i}") for i in range(5)]))
    # The first chunk was committed, then deleted with the failure: nothing half-saved.
    assert not Assessment.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert "database went away" in batch.message


def test_a_row_limit_hit_late_in_the_file_saves_nothing(db, settings, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    settings.SPREADSHEET_MAX_ROWS = 3
    with pytest.raises(SpreadsheetError) as info:
        run(csv_bytes([row(f"회사{i}") for i in range(5)]))
    assert info.value.code == "too_many_rows"
    assert not Assessment.objects.exists()
    assert ImportBatch.objects.get().message == info.value.message


def test_dry_run_saves_nothing_and_still_ranks(db):
    report = run(csv_bytes([row("A"), row("B", sector="nope")]), save=False, collect=True)
    assert (report.rows_ok, report.rows_bad) == (1, 1)
    assert len(report.results) == 1
    assert report.results[0][:2] == [2, "A"]  # the source row, then the company
    assert not Assessment.objects.exists()
    assert not ImportBatch.objects.exists()


def test_the_templates_import_with_zero_errors_and_never_their_example(db, snapshot):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template_xlsx(snapshot)))
    sheet = workbook.worksheets[0]
    example = [c.value for c in sheet[2]]
    sheet.append(["진짜회사", *example[1:]])
    filled = io.BytesIO()
    workbook.save(filled)
    with translation.override("ko"):
        assert template_csv(snapshot).decode("utf-8-sig").startswith(
            "회사명,주력 분야,기타 분야(선택),키워드,기업 유형"
        )
    csv_template = template_csv(snapshot).decode("utf-8-sig")
    csv_filled = (csv_template + "진짜회사," + csv_template.split("\r\n")[1].split(",", 1)[1]
                  + "\r\n").encode("utf-8")
    for data, name in ((filled.getvalue(), "t.xlsx"), (csv_filled, "t.csv")):
        report = run(data, name=name, save=False)
        assert report.errors == [], name
        assert report.ignored_columns == ()
        assert (report.rows_total, report.rows_ok, report.example_skipped) == (1, 1, True)
    with pytest.raises(SpreadsheetError) as info:  # the example alone is no company
        run(template_xlsx(snapshot), name="t.xlsx", save=False)
    assert info.value.code == "no_rows"


def test_the_template_notes_sheet_is_not_read(db, snapshot):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template_xlsx(snapshot)))
    assert len(workbook.sheetnames) == 3
    assert workbook.worksheets[2].sheet_state == "hidden"  # the drop-down lists
    assert workbook.worksheets[1].max_row > 30  # fields + sector/cluster/factor lists
