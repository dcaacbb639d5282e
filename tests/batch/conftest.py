"""Helpers for the spreadsheet tests: small CSV/XLSX files built in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook

KOREAN_HEADER = [
    "회사명", "주력 분야", "기타 분야", "키워드", "기업 유형", "언어",
    "연구 (0-5)", "생산 (0-5)", "시장 (0-5)", "자본 (0-5)", "비용 (0-5)", "인재 (0-5)",
    "정책 (0-5)", "개방성 (0-5)", "실증 (0-5)", "제외할 도시군", "최소 조건",
]
ENGLISH_HEADER = [
    "company_name", "sector", "secondary_sectors", "keywords", "stage", "language",
    "need_research", "need_manufacturing", "need_market", "need_capital", "need_cost",
    "need_talent", "need_policy", "need_openness", "need_pilot", "exclude", "minimums",
]


def row(name: str = "소리랩스", sector: str = "ai", **cells: str) -> list[str]:
    """A full row in KOREAN_HEADER order; keyword arguments by English header name."""
    values = dict.fromkeys(ENGLISH_HEADER, "")
    values.update(company_name=name, sector=sector, need_talent="5", need_research="4")
    values.update(cells)
    return [values[h] for h in ENGLISH_HEADER]


def csv_bytes(
    rows: Sequence[Sequence[Any]], header: Sequence[str] = KOREAN_HEADER, encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]], header: Sequence[str] = KOREAN_HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _english():
    """Messages in English so assertions read plainly (codes are what other code relies on)."""
    with translation.override("en"):
        yield
