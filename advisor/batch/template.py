"""The downloadable intake template: the form's labels as headers, drop-down lists, one
example row (grey, italic, skipped by the importer) and a notes sheet.

The notes go on a second sheet (XLSX) rather than a help row under the header, because the
importer reads one sheet and every row of it is a company; the drop-down lists' values sit
on a hidden third sheet (Excel's list source may be at most 255 characters written inline).
The CSV template cannot carry notes or lists; the upload page shows the same help.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from advisor.batch.columns import ENGLISH_HEADERS, HEADER_HELP, KOREAN_HEADERS, template_header
from advisor.batch.io import Table, Validation, csv_bytes, normalise, xlsx_bytes
from clusters.snapshot import Snapshot

EXAMPLE: dict[str, str] = {
    "company_name": "(예시) 소리랩스",
    "sector": "인공지능",
    "secondary_sectors": "로봇",
    "keywords": "speech recognition, 음성인식",
    "stage": "스타트업",
    "language": "한국어",
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
# The example's company names, this template's and earlier ones': a row with one of them is
# the example left in place, never a client.
EXAMPLE_NAMES = frozenset(
    normalise(name) for name in ("(예시) 소리랩스", "소리랩스 (예시)", "(Example) Sori Labs")
)
TEMPLATE_ROWS = 1000  # rows under the header that get the drop-down lists


def is_example(company_name: str) -> bool:
    return normalise(company_name) in EXAMPLE_NAMES


def _example_row() -> list[Any]:
    # Numbers as numbers in the workbook, so Excel does not flag "number stored as text".
    return [int(v) if v.isdigit() else v for v in (EXAMPLE[k] for k in KOREAN_HEADERS)]


def _help(key: str) -> str:
    return str(HEADER_HELP["needs" if key.startswith("needs.") else key])


def _validations(snapshot: Snapshot, lists_title: str) -> list[Validation]:
    keys = list(KOREAN_HEADERS)
    sectors = len(snapshot.sectors)
    source = f"='{lists_title}'!$A$2:$A${sectors + 1}"
    choose = {"input_title": _("Choose from the list"), "error_type": "information"}
    needs = {
        "validate": "integer", "criteria": "between", "minimum": 0, "maximum": 5,
        "error_title": _("0 to 5"),
        "error_message": _("Enter a whole number from 0 (not at all) to 5."),
    }
    found = [
        Validation(keys.index("sector"), {"validate": "list", "source": source, **choose}),
        # A list of several sectors is typed with commas: the drop-down helps, never refuses.
        Validation(keys.index("secondary_sectors"),
                   {"validate": "list", "source": source, "show_error": False}),
        Validation(keys.index("stage"), {"validate": "list",
                                         "source": ["스타트업", "중소기업", "대기업"], **choose}),
        Validation(keys.index("language"), {"validate": "list", "source": ["한국어", "영어"],
                                            **choose}),
    ]
    found += [Validation(i, needs) for i, key in enumerate(keys) if key.startswith("needs.")]
    return found


def template_tables(snapshot: Snapshot) -> list[Table]:
    header = template_header(snapshot)
    lists_title = _("Lists")
    intakes = Table(
        _("Companies"),
        header,
        [_example_row()],
        widths=[22, 16, 18, 30, 12, 10, *([12] * 9), 18, 18],
        validations=_validations(snapshot, lists_title),
        validation_rows=TEMPLATE_ROWS,
        example_rows=1,
    )
    notes: list[list[Any]] = [
        [title, ENGLISH_HEADERS[k], _help(k)] for k, title in zip(KOREAN_HEADERS, header,
                                                                   strict=True)
    ]
    notes += [
        ["", "", ""],
        [_("The grey example row is never imported: overwrite it or leave it. One company "
           "per row; columns may be in any order; English headers are accepted too."), "", ""],
    ]
    notes += [["", "", ""], [_("Sector code"), _("Name"), ""]]
    notes += [[s.code, s.name.ko, f"{s.name.en} / {s.name.zh}"] for s in snapshot.sectors]
    notes += [["", "", ""], [_("Cluster code"), _("Name"), ""]]
    notes += [[c.code, c.name.ko, f"{c.name.en} / {c.name.zh}"] for c in snapshot.clusters]
    notes += [["", "", ""], [_("Factor code"), _("Name"), ""]]
    notes += [[f.code, f.name.ko, f.name.en] for f in snapshot.factors]
    return [
        intakes,
        Table(_("Notes"), [_("Column"), _("English header"), _("What to enter")], notes,
              widths=[24, 28, 80]),
        Table(lists_title, [_("Main sector")], [[s.name.ko] for s in snapshot.sectors],
              hidden=True),
    ]


def template_xlsx(snapshot: Snapshot) -> bytes:
    return xlsx_bytes(template_tables(snapshot))


def template_csv(snapshot: Snapshot) -> bytes:
    return csv_bytes(template_header(snapshot), [[EXAMPLE[k] for k in KOREAN_HEADERS]])
