"""Exports of ranked results: content, languages, links and formula neutralisation."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from advisor.models import Assessment, ImportBatch


def ranking_json(top: str = "yrd") -> dict:
    names = {
        "yrd": {"ko": "창장삼각주", "en": "Yangtze River Delta", "zh": "长三角"},
        "gba": {"ko": "웨강아오 대만구", "en": "Greater Bay Area", "zh": "粤港澳大湾区"},
        "jjj": {"ko": "징진지", "en": "Beijing–Tianjin–Hebei", "zh": "京津冀"},
    }
    order = [top] + [c for c in names if c != top]
    return {
        "ranking": [
            {
                "rank": i + 1,
                "cluster": code,
                "name": names[code]["ko"],
                "names": names[code],
                "score": 80.0 - 5 * i,
                "sector_fit": 0,
                "needs_fit": 0,
                "contributions": [],
                "cities": [{"slug": "hefei", "name": "허페이 (合肥)", "reason": ""}]
                if i == 0
                else [],
                "caveats": [],
            }
            for i, code in enumerate(order)
        ],
        "excluded": [],
        "robustness": {"top_share": 0.86, "clear_winner": True},
        "language": "ko",
        "dataset_version": "kb-x",
        "method_version": "m",
    }


def make(company: str, *, keywords: str = "", batch: ImportBatch | None = None,
         sector: str = "ai", origin: str = "import") -> Assessment:
    result = ranking_json()
    return Assessment.objects.create(
        origin=origin,
        company_name=company,
        sector=sector,
        intake={"company_name": company, "sector": sector, "keywords": keywords},
        result=result,
        top_cluster="yrd",
        top_score=80.0,
        dataset_version="kb-x",
        method_version="m",
        batch=batch,
    )


@pytest.fixture
def batch(db):
    return ImportBatch.objects.create(filename="x.csv", status="done", rows_total=2, rows_ok=2)


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Korean Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [list(r) for r in sheet.iter_rows()]
    assert all(c.data_type != "f" for r in cells for c in r), "a formula cell was written"
    return [[c.value for c in r] for r in cells]


def test_batch_export_has_one_row_per_company(staff_client, batch):
    first = make("소리랩스", batch=batch)
    make("다른 배치 회사")  # not in the batch
    response = staff_client.get(f"/staff/batches/{batch.pk}/export.xlsx?lang=ko")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = read_xlsx(response)
    assert len(rows) == 2
    data = dict(zip(rows[0], rows[1], strict=True))
    values = rows[1]
    assert values[0] == "소리랩스"
    assert "창장삼각주 (长三角)" in values
    assert 80.0 in values and 75.0 in values and 70.0 in values
    assert "허페이 (合肥)" in values
    assert 0.86 in values
    assert values[-1] == f"http://testserver/r/{first.token}/"
    assert len(data) == 14


def test_english_export_names_clusters_in_english_with_chinese(staff_client, batch):
    make("Sori", batch=batch)
    rows = read_csv(staff_client.get(f"/staff/batches/{batch.pk}/export.csv?lang=en"))
    assert rows[0][0] == "Company"
    assert "Yangtze River Delta (长三角)" in rows[1]
    assert "Hefei (合肥)" in rows[1]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formula_injection_is_neutralised(staff_client, batch, kind):
    make("=HYPERLINK(\"http://evil\",\"click\")", keywords="@SUM(1)", batch=batch)
    make("+cmd|' /C calc'!A0", keywords="-2+3", batch=batch)
    make("\t=1+1", keywords="\r=2", batch=batch)
    response = staff_client.get(f"/staff/batches/{batch.pk}/export.{kind}")
    rows = read_csv(response) if kind == "csv" else read_xlsx(response)
    cells = [c for r in rows[1:] for c in r[:3] if isinstance(c, str) and c]
    companies_and_keywords = [c for c in cells if c not in ("인공지능", "Artificial intelligence")]
    assert companies_and_keywords
    assert all(c.startswith("'") for c in companies_and_keywords), companies_and_keywords


def test_dashboard_export_uses_the_dashboard_filter(staff_client, db):
    make("Alpha Robotics", sector="robotics", origin="staff")
    make("Beta AI", sector="ai", origin="staff")
    rows = read_csv(staff_client.get("/staff/batches/export.csv?sector=robotics"))
    assert [r[0] for r in rows[1:]] == ["Alpha Robotics"]
    rows = read_xlsx(staff_client.get("/staff/batches/export.xlsx?q=beta"))
    assert [r[0] for r in rows[1:]] == ["Beta AI"]
    rows = read_csv(staff_client.get("/staff/batches/export.csv"))
    assert sorted(r[0] for r in rows[1:]) == ["Alpha Robotics", "Beta AI"]


def test_an_empty_export_is_a_header_only(staff_client, db):
    rows = read_csv(staff_client.get("/staff/batches/export.csv?q=nothing-matches"))
    assert len(rows) == 1


def test_error_list_downloads_neutralise_cells(staff_client, db):
    batch = ImportBatch.objects.create(
        filename="x.csv",
        status="rejected",
        rows_total=1,
        rows_ok=0,
        errors=[{"row": 2, "column": "회사명", "field": "company_name", "code": "required",
                 "message": "This field is required.", "value": "=cmd"}],
    )
    rows = read_csv(staff_client.get(f"/staff/batches/{batch.pk}/errors.csv"))
    assert rows[1] == ["2", "회사명", "'=cmd", "This field is required.", "required"]
    rows = read_xlsx(staff_client.get(f"/staff/batches/{batch.pk}/errors.xlsx"))
    assert rows[1] == [2, "회사명", "'=cmd", "This field is required.", "required"]
