"""The files that broke the product (shared inputs, copied into data/), as users send them:
uploads through the real view with SimpleUploadedFile, the others through import_intakes.
Each test asserts the right value of the inputs README's row."""

from __future__ import annotations

import contextlib
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from advisor.models import Assessment, ImportBatch

DATA = Path(__file__).parent / "data"


def upload(client, name: str, capture):
    with capture(execute=True):
        return client.post(
            "/staff/batches/",
            {"file": SimpleUploadedFile(name, (DATA / name).read_bytes())},
            HTTP_ACCEPT_LANGUAGE="en",
        )


def command(name: str) -> ImportBatch:
    out, err = io.StringIO(), io.StringIO()
    # Exit status 2 (CommandError) when a row is bad; the batch tells what happened.
    with contextlib.suppress(CommandError):
        call_command("import_intakes", str(DATA / name), stdout=out, stderr=err)
    return ImportBatch.objects.order_by("-pk").first()


def companies() -> dict[str, Assessment]:
    return {a.company_name: a for a in Assessment.objects.all()}


def test_cp949_csv_upload_is_read_as_cp949(staff_client, django_capture_on_commit_callbacks):
    response = upload(staff_client, "cp949.csv", django_capture_on_commit_callbacks)
    assert response.status_code == 302  # not refused: "'utf-8' codec can't decode"
    batch = ImportBatch.objects.get()
    assert batch.read_as == "CP949 (EUC-KR)"
    # The shared file writes "음성인식, 반도체" without quotes, so its one row has a cell
    # too many; the Korean is read right and the shifted cells are reported by column.
    assert {e["value"] for e in batch.errors} >= {"반도체", "startup"}


def test_a_korean_excel_csv_imports_every_row(staff_client, django_capture_on_commit_callbacks):
    from tests.batch.conftest import csv_bytes, row

    data = csv_bytes([row("한국기업주식회사", keywords="음성인식, 반도체"), row("둘째회사")],
                     encoding="cp949")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/staff/batches/", {"file": SimpleUploadedFile("목록.csv", data)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_ok, batch.read_as) == ("done", 2, "CP949 (EUC-KR)")
    assert companies()["한국기업주식회사"].intake["keywords"] == "음성인식, 반도체"


def test_an_excel_unicode_text_upload_imports(staff_client, django_capture_on_commit_callbacks):
    from tests.batch.conftest import KOREAN_HEADER, row

    text = "\r\n".join("\t".join(r) for r in [KOREAN_HEADER, row("유니코드회사")])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/staff/batches/", {
            "file": SimpleUploadedFile("목록.txt", text.encode("utf-16"))})
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_ok, batch.read_as) == ("done", 1, "UTF-16")


def test_gbk_csv_is_read_as_gb18030_never_mojibake(
    staff_client, django_capture_on_commit_callbacks
):
    upload(staff_client, "gbk.csv", django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert batch.read_as == "GB18030 (GBK)"
    assert batch.status == "done", (batch.message, batch.errors)
    assessment = Assessment.objects.get()
    assert assessment.company_name == "北京语音科技"
    assert assessment.sector == "ai"  # 人工智能, the sector's Chinese name


@pytest.mark.parametrize("name", ["nfd_values.csv", "nfd_header.csv"])
def test_decomposed_hangul_reads_as_composed(db, name):
    batch = command(name)
    assert batch.status == "done", (batch.message, batch.errors)
    assert batch.errors == []
    assert "소리랩스" in companies()  # NFC, four syllables


def test_fullwidth_codes_and_numbers_read_after_nfkc(db):
    batch = command("fullwidth.csv")
    assert batch.errors == [], batch.errors
    intake = Assessment.objects.get().intake
    assert intake["sector"] == "ai"
    assert intake["secondary_sectors"] == ["robotics"]
    assert intake["stage"] == "sme"
    assert intake["needs"]["talent"] == 4


def test_hidden_first_sheet_is_not_read(db):
    batch = command("hidden_first_sheet.xlsx")
    assert batch.status == "done" and batch.read_as == "기업목록"
    assert list(companies()) == ["소리랩스"]


def test_merged_ranges_are_filled(db):
    batch = command("merged_cells.xlsx")
    assert batch.errors == [], batch.errors
    rows = {name: a.intake for name, a in companies().items()}
    assert rows["비전웍스"]["sector"] == "ai"  # B2:B3
    assert rows["비전웍스"]["stage"] == rows["로보픽"]["stage"] == "sme"  # C2:C4


def test_excel_escapes_are_decoded(db):
    command("cr_in_cell.xlsx")
    (name,) = companies()
    assert "_x000D_" not in name
    assert name.replace("\r", "").replace("\n", " ").split() == ["소리랩스", "(Sori", "Labs)"]


def test_numbers_read_at_fifteen_significant_digits_and_as_text(db):
    batch = command("numbers_as_text.xlsx")
    assert batch.errors == [], batch.errors
    rows = {name: a.intake["needs"] for name, a in companies().items()}
    assert (rows["소리랩스"]["talent"], rows["소리랩스"]["research"],
            rows["소리랩스"]["market"], rows["소리랩스"]["cost"]) == (4, 4, 4, 3)
    assert rows["비전웍스"]["talent"] == 4  # 4.000000000000001 as Excel shows it


def test_formula_prefix_names_export_as_typed_in_xlsx_and_guarded_in_csv(staff_client, db):
    batch = command("formula_prefix.csv")
    assert batch.rows_ok == 3
    response = staff_client.get(f"/staff/batches/{batch.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [sheet.cell(row, 2) for row in range(2, 5)]
    assert [c.value for c in names] == ["-Minus Labs", "+Plus Bio", "@Home Robotics"]
    assert all(c.data_type == "s" for c in names)
    text = b"".join(staff_client.get(
        f"/staff/batches/{batch.pk}/export.csv").streaming_content).decode("utf-8-sig")
    assert "'-Minus Labs" in text and "'+Plus Bio" in text and "'@Home Robotics" in text


@pytest.mark.parametrize("name", ["sst_huge_count.xlsx", "zipbomb_1GiB_cell.xlsx"])
def test_hostile_workbooks_get_a_clear_400_quickly_and_bounded(
    staff_client, django_capture_on_commit_callbacks, name
):
    tracemalloc.start()
    response = upload(staff_client, name, django_capture_on_commit_callbacks)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 400
    assert "would unpack to more than" in response.content.decode()
    assert peak < 64 * 1024 * 1024  # nothing inflated the 1 GiB cell
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("name", ["sst_huge_count.xlsx", "zipbomb_1GiB_cell.xlsx"])
def test_hostile_workbooks_are_a_clear_command_error(db, name):
    with pytest.raises(CommandError, match="workbook_too_large"):
        call_command("import_intakes", str(DATA / name), stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_nul_row_is_reported_and_the_others_imported(
    staff_client, django_capture_on_commit_callbacks
):
    # Also run on PostgreSQL, where a NUL in text is refused by the database.
    response = upload(staff_client, "nul_late.csv", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "done", batch.message
    bad = {e["row"] for e in batch.errors}
    assert len(bad) == 1
    assert {e["code"] for e in batch.errors} == {"nul_character"}
    assert batch.rows_ok == batch.rows_total - 1 == 300
    page = staff_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "NUL character" in page.content.decode()


def test_zip_entries_are_distinct_after_nfc_and_case_folding(
    staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    from advisor.briefs import tasks
    from tests.batch.test_export import make

    names = json.loads((DATA / "zip_names.json").read_text(encoding="utf-8"))
    made = [make(name) for name in names]

    class Stored:
        def __init__(self, assessment):
            from django.core.files.base import ContentFile
            from django.utils import timezone

            self.file = ContentFile(b"%PDF-1.7 " + assessment.company_name.encode())
            self.created_at = timezone.now()

    monkeypatch.setattr(tasks, "brief_file", lambda a, lang: Stored(a))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("brief-zip-create"),
                                     {"assessment": [a.pk for a in made]})
    job = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    download = staff_client.get(reverse("brief-job-download", args=[job]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    entries = archive.namelist()
    import unicodedata

    folded = [unicodedata.normalize("NFC", e).casefold() for e in entries]
    assert len(set(folded)) == len(entries) == 4
    assert any(e.endswith(" (2).pdf") for e in entries)
    assert all(info.date_time[0] >= 2025 for info in archive.infolist())  # the real date
