"""Exports of ranked results: content, languages, links and formula neutralisation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from advisor.models import Assessment, DecisionNote, ImportBatch, Lead


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
         sector: str = "ai", origin: str = "import", row: int | None = None) -> Assessment:
    result = ranking_json()
    return Assessment.objects.create(
        origin=origin,
        company_name=company,
        sector=sector,
        batch_row=row,
        intake={"company_name": company, "sector": sector, "keywords": keywords,
                "stage": "sme", "secondary_sectors": ["robotics"],
                "needs": {"talent": 5, "research": 4}},
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
    later = make("나중 행", batch=batch, row=9)
    first = make("소리랩스", batch=batch, row=3)
    make("다른 배치 회사")  # not in the batch
    DecisionNote.objects.create(assessment=first, cluster="gba", note="광저우 파트너")
    Lead.objects.create(assessment=first, name="김", email="k@example.com", consent=True,
                        consent_at=timezone.now(), status="contacted")
    response = staff_client.get(f"/staff/batches/{batch.pk}/export.xlsx?lang=ko")
    assert response.status_code == 200
    assert "%ED%95%9C%EA%B5%AD%EC%96%B4.xlsx" in response["Content-Disposition"]  # 한국어
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(rows) == 3
    assert [r[:2] for r in rows[1:]] == [[3, "소리랩스"], [9, "나중 행"]]  # upload order
    data = dict(zip(rows[0], rows[1], strict=True))
    values = rows[1]
    assert "창장삼각주 (长三角)" in values
    assert 80.0 in values and 75.0 in values and 70.0 in values
    assert "허페이 (合肥)" in values
    assert data["기업 유형"] == "중소·중견기업" and data["기타 분야(선택)"] == "로봇"
    assert data["인재 (0-5)"] == 5 and data["연구개발 역량 (0-5)"] == 4
    assert data["결정 메모"].endswith(": 광저우 파트너") and data["상담 진행 상태"] == "연락 완료"
    robustness = next(c for c in sheet[2] if c.value == 0.86)
    assert robustness.number_format == "0%"
    created = [c for c in sheet[2] if isinstance(c.value, dt.datetime)]
    assert created and created[0].number_format == "yyyy-mm-dd hh:mm"
    assert values[-1] == f"http://testserver/r/{first.token}/"
    assert sheet.cell(2, len(values)).hyperlink.target == values[-1]
    assert later.batch_row == 9


def test_english_export_names_clusters_in_english_with_chinese(staff_client, batch):
    make("Sori", batch=batch)
    rows = read_csv(staff_client.get(f"/staff/batches/{batch.pk}/export.csv?lang=en"))
    assert rows[0][:2] == ["Row", "Company"]
    assert "Yangtze River Delta (长三角)" in rows[1]
    assert "Hefei (合肥)" in rows[1]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formula_injection_is_neutralised(staff_client, batch, kind):
    make("=HYPERLINK(\"http://evil\",\"click\")", keywords="@SUM(1)", batch=batch)
    make("+cmd|' /C calc'!A0", keywords="-2+3", batch=batch)
    make("\t=1+1", keywords="\r=2", batch=batch)
    response = staff_client.get(f"/staff/batches/{batch.pk}/export.{kind}")
    rows = read_csv(response) if kind == "csv" else read_xlsx(response)
    typed = ['=HYPERLINK("http://evil","click")', "+cmd|' /C calc'!A0", "\t=1+1"]
    companies = [r[1] for r in rows[1:]]
    keywords = [r[5] for r in rows[1:]]
    if kind == "csv":  # a CSV cell has no type: the guard stays
        assert sorted(companies) == sorted("'" + c for c in typed)
        assert all(k.startswith("'") for k in keywords)
    else:  # an XLSX string cell is never a formula (read_xlsx checks): no visible guard
        assert sorted(companies) == sorted(typed)


def test_dashboard_export_uses_the_dashboard_filter(staff_client, db):
    make("Alpha Robotics", sector="robotics", origin="staff")
    make("Beta AI", sector="ai", origin="staff")
    rows = read_csv(staff_client.get("/staff/batches/export.csv?sector=robotics"))
    assert [r[1] for r in rows[1:]] == ["Alpha Robotics"]
    rows = read_xlsx(staff_client.get("/staff/batches/export.xlsx?q=beta"))
    assert [r[1] for r in rows[1:]] == ["Beta AI"]
    rows = read_csv(staff_client.get("/staff/batches/export.csv"))
    assert sorted(r[1] for r in rows[1:]) == ["Alpha Robotics", "Beta AI"]


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
    assert rows[1] == ["2", "회사명", "'=cmd", "This field is required."]  # no raw code
    rows = read_xlsx(staff_client.get(f"/staff/batches/{batch.pk}/errors.xlsx"))
    assert rows[1] == [2, "회사명", "=cmd", "This field is required."]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_korean_and_english_workbooks_read_back_cleanly(staff_client, batch, lang):
    make("소리랩스", batch=batch, row=2)
    response = staff_client.get(f"/staff/batches/{batch.pk}/export.xlsx?lang={lang}")
    assert ("English.xlsx" if lang == "en" else "%ED%95%9C%EA%B5%AD%EC%96%B4.xlsx") in (
        response["Content-Disposition"])
    rows = read_xlsx(response)
    header = rows[0]
    assert header[:2] == (["Row", "Company"] if lang == "en" else ["행", "회사"])
    assert len(set(header)) == len(header)  # every column named, once
    assert ("Yangtze River Delta (长三角)" if lang == "en" else "창장삼각주 (长三角)") in rows[1]


def test_the_template_has_drop_downs_and_a_marked_example(staff_client):
    response = staff_client.get("/staff/batches/template.xlsx", HTTP_ACCEPT_LANGUAGE="ko")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["회사명", "주력 분야", "기타 분야(선택)", "키워드", "기업 유형"]
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    column = {name: chr(ord("A") + i) for i, name in enumerate(header)}
    assert validations[column["주력 분야"] + "2"].type == "list"
    assert validations[column["기업 유형"] + "2"].formula1 == '"스타트업,중소기업,대기업"'
    assert validations[column["인재 (0-5)"] + "2"].type == "whole"
    assert (validations[column["인재 (0-5)"] + "2"].formula1,
            validations[column["인재 (0-5)"] + "2"].formula2) == ("0", "5")
    example = sheet["A2"]
    assert example.value.startswith("(예시)") and example.font.i
    lists = workbook.worksheets[2]
    assert lists.sheet_state == "hidden" and lists["A2"].value == "인공지능"
