"""``manage.py import_intakes``: same importer, exit codes, progress and the export file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from advisor.models import Assessment, ImportBatch

from .conftest import csv_bytes, row, xlsx_bytes


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_intakes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_imports_with_exit_zero(db, tmp_path: Path):
    path = tmp_path / "good.xlsx"
    path.write_bytes(xlsx_bytes([row("가"), row("나")]))
    out, _ = run(str(path))
    assert "2 rows: 2 saved" in out
    batch = ImportBatch.objects.get()
    assert batch.filename == "good.xlsx"
    assert Assessment.objects.filter(batch=batch, origin="import").count() == 2


def test_bad_rows_exit_2_after_saving_the_good_ones(db, tmp_path: Path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(csv_bytes([row("가"), row("", sector="ai"), row("다", sector="nope")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_intakes", str(path), stdout=io.StringIO(), stderr=err)
    assert info.value.returncode == 2
    report = err.getvalue()
    assert "row 3, 회사명:" in report and "[required]" in report
    assert "row 4, 주력 분야:" in report and "[unknown_sector]" in report
    assert list(Assessment.objects.values_list("company_name", flat=True)) == ["가"]


def test_an_unreadable_file_exits_2(db, tmp_path: Path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(CommandError) as info:
        run(str(path))
    assert info.value.returncode == 2
    assert "wrong_type" in str(info.value)


def test_a_missing_file_is_a_command_error(db, tmp_path: Path):
    with pytest.raises(CommandError):
        run(str(tmp_path / "nope.csv"))


def test_export_writes_the_ranked_workbook(db, tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([row("=cmd"), row("소리랩스")]))
    target = tmp_path / "out.xlsx"
    run(str(source), "--export", str(target), "--base-url", "https://advisor.example")
    sheet = load_workbook(target).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(rows) == 3
    # An XLSX string cell is never a formula: the name as typed, no visible guard.
    assert [r[:2] for r in rows[1:]] == [[2, "=cmd"], [3, "소리랩스"]]
    assert sheet.cell(2, 2).data_type == "s"
    tokens = set(Assessment.objects.values_list("token", flat=True))
    assert {r[-1].rsplit("/", 2)[-2] for r in rows[1:]} == tokens
    assert all(r[-1].startswith("https://advisor.example/r/") for r in rows[1:])
    assert all(sheet.cell(n, len(rows[0])).hyperlink is not None for n in (2, 3))


def test_dry_run_saves_nothing_and_can_export_csv(db, tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([row("가")]))
    target = tmp_path / "out.csv"
    out, _ = run(str(source), "--dry-run", "--export", str(target))
    assert "1 would save" in out
    assert not Assessment.objects.exists()
    assert not ImportBatch.objects.exists()
    assert target.read_bytes().decode("utf-8-sig").splitlines()[1].startswith("2,가,")


def test_export_needs_a_known_suffix(db, tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([row("가")]))
    with pytest.raises(CommandError):
        run(str(source), "--export", str(tmp_path / "out.pdf"))
