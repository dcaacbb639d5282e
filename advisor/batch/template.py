"""The downloadable intake template: Korean headers, one example row, and a notes sheet.

The notes go on a second sheet (XLSX) rather than a help row under the header, because the
importer reads only the first sheet and every row of it is a company. The CSV template
cannot carry notes; the upload page shows the same help.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from advisor.batch.columns import ENGLISH_HEADERS, HEADER_HELP, KOREAN_HEADERS
from advisor.batch.io import Table, csv_bytes, xlsx_bytes
from clusters.snapshot import Snapshot

EXAMPLE: dict[str, str] = {
    "company_name": "소리랩스 (예시)",
    "sector": "ai",
    "secondary_sectors": "robotics",
    "keywords": "speech recognition, 음성인식",
    "stage": "startup",
    "language": "ko",
    "needs.research": "4",
    "needs.manufacturing": "0",
    "needs.market": "3",
    "needs.capital": "2",
    "needs.cost": "2",
    "needs.talent": "5",
    "needs.policy": "2",
    "needs.openness": "1",
    "needs.pilot": "1",
    "exclude": "west_hub",
    "minimums": "cost:40",
}


def _example_row() -> list[Any]:
    # Numbers as numbers in the workbook, so Excel does not flag "number stored as text".
    return [int(v) if v.isdigit() else v for v in (EXAMPLE[k] for k in KOREAN_HEADERS)]


def _help(key: str) -> str:
    return str(HEADER_HELP["needs" if key.startswith("needs.") else key])


def template_tables(snapshot: Snapshot) -> list[Table]:
    header = list(KOREAN_HEADERS.values())
    intakes = Table(
        _("Companies"),
        header,
        [_example_row()],
        widths=[22, 14, 16, 30, 10, 8, *([10] * 9), 18, 18],
    )
    notes: list[list[Any]] = [
        [KOREAN_HEADERS[k], ENGLISH_HEADERS[k], _help(k)] for k in KOREAN_HEADERS
    ]
    notes += [
        ["", "", ""],
        [_("Replace the example row with your companies, one per row. Only the first sheet "
           "is read. Columns may be in any order; English headers are accepted too."), "", ""],
    ]
    notes += [["", "", ""], [_("Sector code"), _("Name"), ""]]
    notes += [[s.code, s.name.ko, f"{s.name.en} / {s.name.zh}"] for s in snapshot.sectors]
    notes += [["", "", ""], [_("Cluster code"), _("Name"), ""]]
    notes += [[c.code, c.name.ko, f"{c.name.en} / {c.name.zh}"] for c in snapshot.clusters]
    notes += [["", "", ""], [_("Factor code"), _("Name"), ""]]
    notes += [[f.code, f.name.ko, f.name.en] for f in snapshot.factors]
    return [intakes, Table(
        _("Notes"), [_("Column"), _("English header"), _("What to enter")], notes,
        widths=[24, 28, 80],
    )]


def template_xlsx(snapshot: Snapshot) -> bytes:
    return xlsx_bytes(template_tables(snapshot))


def template_csv() -> bytes:
    return csv_bytes(list(KOREAN_HEADERS.values()), [[EXAMPLE[k] for k in KOREAN_HEADERS]])
