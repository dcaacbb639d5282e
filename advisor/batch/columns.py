"""What the columns of an intake spreadsheet mean, and how one row becomes intake JSON.

This module owns only the *cell syntax* of a spreadsheet: which header means which intake
field, that "연구 (0-5)" holds a number, that list cells are comma-separated, that a sector
may be written as its code or its Korean/English/Chinese name. Whether the values are
acceptable is decided by :func:`advisor.engine.parse_intake`, the one validation every
entry point shares; nothing here repeats its rules.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisor.batch.io import SpreadsheetError, normalise
from clusters.snapshot import Names, Snapshot
from clusters.vocabulary import FACTORS

# Short Korean labels of the needs, as they appear in the template's headers.
NEED_LABELS_KO: dict[str, str] = {
    "research": "연구",
    "manufacturing": "생산",
    "market": "시장",
    "capital": "자본",
    "cost": "비용",
    "talent": "인재",
    "policy": "정책",
    "openness": "개방성",
    "pilot": "실증",
}

# The template's Korean headers, in template order; keys are intake fields (dotted for needs).
KOREAN_HEADERS: dict[str, str] = {
    "company_name": "회사명",
    "sector": "주력 분야",
    "secondary_sectors": "기타 분야",
    "keywords": "키워드",
    "stage": "기업 유형",
    "language": "언어",
    **{f"needs.{f}": f"{label} (0-5)" for f, label in NEED_LABELS_KO.items()},
    # One term per concept, as on the form and in the brief (도시군, 기타 분야, 기업 유형);
    # the earlier headers stay readable as aliases below.
    "exclude": "제외할 도시군",
    "minimums": "최소 조건",
}

# English headers: the intake JSON keys, needs flattened as need_<factor>.
ENGLISH_HEADERS: dict[str, str] = {
    key: (f"need_{key.split('.', 1)[1]}" if key.startswith("needs.") else key)
    for key in KOREAN_HEADERS
}

REQUIRED = ("company_name", "sector")

# The public form's labels, the template's headers in the language it is downloaded in.
FORM_LABELS: dict[str, Any] = {
    "company_name": gettext_lazy("Company name"),
    "sector": gettext_lazy("Main sector"),
    "secondary_sectors": gettext_lazy("Other sectors (optional)"),
    "keywords": gettext_lazy("Keywords"),
    "stage": gettext_lazy("Stage"),
    "language": gettext_lazy("Language"),
    "exclude": gettext_lazy("Leave out these clusters"),
    "minimums": gettext_lazy("Minimum level on a factor (0–100)"),
}


def template_header(snapshot: Snapshot) -> list[str]:
    """The template's header row: the form's labels, the needs as '<factor name> (0-5)'."""
    language = translation.get_language() or "ko"
    factors = {f.code: f.name.get(language) for f in snapshot.factors}
    return [
        f"{factors.get(key[6:]) or NEED_LABELS_KO[key[6:]]} (0-5)" if key.startswith("needs.")
        else str(FORM_LABELS[key])
        for key in KOREAN_HEADERS
    ]

# Explanations for the template's notes sheet and the upload page.
HEADER_HELP: dict[str, Any] = {
    "company_name": gettext_lazy("Company name (required, at most 200 characters)."),
    "sector": gettext_lazy(
        "Main sector (required): a code such as ai, or its Korean, English or Chinese name."
    ),
    "secondary_sectors": gettext_lazy(
        "Up to five other sectors, separated by commas (codes or names)."
    ),
    "keywords": gettext_lazy(
        "What the company does, in Korean, English or Chinese (at most 500 characters)."
    ),
    "stage": gettext_lazy(
        "startup, sme or large (스타트업, 중소·중견기업, 대기업); default startup."
    ),
    "language": gettext_lazy("Language of the result: ko or en; default ko."),
    "needs": gettext_lazy("How much the company needs this, 0 (not at all) to 5; empty = 3."),
    "exclude": gettext_lazy("Clusters to leave out, separated by commas (codes or names)."),
    "minimums": gettext_lazy(
        "Knock-outs: factor:minimum score 0–100, separated by commas, e.g. cost:40, talent:50."
    ),
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "company_name": ("회사", "기업명", "기업", "company", "company name"),
    "sector": ("분야", "업종", "주력 업종", "main sector"),
    "secondary_sectors": ("보조 분야", "보조 업종", "secondary sectors", "other sectors"),
    "keywords": ("키워드", "keyword"),
    "stage": ("단계", "성장 단계", "기업 단계"),
    "exclude": ("제외 클러스터", "제외 도시군", "제외", "exclude clusters", "excluded clusters"),
    "minimums": ("최소 점수", "minimum scores"),
}

# Cell words for the two choice fields; anything else goes to parse_intake as written.
_STAGE_WORDS = {
    "스타트업": "startup",
    "창업기업": "startup",
    "중소기업": "sme",
    "중견기업": "sme",
    "중소중견기업": "sme",
    "대기업": "large",
}
_LANGUAGE_WORDS = {
    "한국어": "ko",
    "korean": "ko",
    "국문": "ko",
    "영어": "en",
    "english": "en",
    "영문": "en",
}

_PARENS = re.compile(r"\([^)]*\)|（[^）]*）")
_LIST_SPLIT = re.compile(r"[,;\n，、；]+")
_PAIR = re.compile(r"^\s*(?P<key>.+?)\s*(?:[:=：]\s*|\s+)(?P<value>[^\s:=：]+)\s*$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
MESSAGE_MAX = 300


def _header_key(text: str) -> str:
    """'연구 (0-5)' and '연구(0~5)' -> '연구'; 'Need_Research' -> 'needresearch'."""
    stripped = _PARENS.sub("", text)
    return normalise(stripped) or normalise(text)


def _name_variants(names: Names, code: str) -> Iterable[str]:
    yield code
    for name in (names.ko, names.en, names.zh):
        if name:
            yield name
            # '전기차(신에너지차)' is also found as '전기차', '청위(청두·충칭)' as '청위'.
            yield _PARENS.sub("", name)


def _lookup(items: Iterable[tuple[str, Names]]) -> dict[str, str]:
    """Normalised code/name -> code, leaving out any name two codes share (ambiguous)."""
    found: dict[str, set[str]] = {}
    for code, names in items:
        for variant in _name_variants(names, code):
            key = normalise(variant)
            if key:
                found.setdefault(key, set()).add(code)
    return {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1}


@dataclass(frozen=True)
class Vocabulary:
    """Names -> codes for one snapshot, built once per import."""

    sectors: Mapping[str, str]
    clusters: Mapping[str, str]
    factors: Mapping[str, str]
    headers: Mapping[str, str]  # normalised header -> intake field key

    @classmethod
    def for_snapshot(cls, snapshot: Snapshot) -> Vocabulary:
        factors = _lookup((f.code, f.name) for f in snapshot.factors)
        for code, label in NEED_LABELS_KO.items():
            factors.setdefault(normalise(label), code)
        headers: dict[str, str] = {}

        def add(key: str, *texts: str) -> None:
            for text in texts:
                headers.setdefault(_header_key(text), key)

        for key in KOREAN_HEADERS:
            add(key, KOREAN_HEADERS[key], ENGLISH_HEADERS[key], key, *_ALIASES.get(key, ()))
        for language in ("ko", "en"):
            with translation.override(language):
                for key, label in FORM_LABELS.items():
                    add(key, str(label))
        factor_codes = snapshot.factor_codes or FACTORS
        for info in snapshot.factors:
            add(f"needs.{info.code}", info.name.ko, info.name.en, info.name.zh)
        for code in factor_codes:
            add(f"needs.{code}", code, f"needs.{code}", f"{code} need")
        return cls(
            sectors=_lookup((s.code, s.name) for s in snapshot.sectors),
            clusters=_lookup((c.code, c.name) for c in snapshot.clusters),
            factors=factors,
            headers=headers,
        )


@dataclass(frozen=True)
class Columns:
    """Where each intake field sits in this file, and its header as the file writes it."""

    index: Mapping[str, int]
    header: Mapping[str, str]
    ignored: tuple[str, ...] = ()
    # (position, field, how to read the cell), worked out once for every row of the file.
    plan: tuple[tuple[int, str, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plan = tuple(
            (position, key.split(".", 1)[1] if key.startswith("needs.") else key,
             "need" if key.startswith("needs.") else _CELL_KINDS.get(key, "text"))
            for key, position in self.index.items()
        )
        object.__setattr__(self, "plan", plan)

    def column_for(self, field_name: str) -> str:
        """The header to name in an error about ``field_name`` ('needs.talent' -> '인재 (0-5)')."""
        name = field_name
        while name:
            if name in self.header:
                return self.header[name]
            if "." not in name:
                break
            name = name.rsplit(".", 1)[0]
        return "" if field_name == "non_field_errors" else field_name


def is_intake_header(headers: Sequence[str], vocabulary: Vocabulary) -> bool:
    """Whether a first row names the required intake columns (chooses a workbook's sheet)."""
    keys = {vocabulary.headers.get(_header_key(text)) for text in headers if text}
    return all(key in keys for key in REQUIRED)


def resolve_columns(headers: Sequence[str], vocabulary: Vocabulary) -> Columns:
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for position, text in enumerate(headers):
        key = vocabulary.headers.get(_header_key(text)) if text else None
        if key is None:
            if text:
                ignored.append(text)
            continue
        if key in index:
            raise SpreadsheetError(
                _("The columns “%(first)s” and “%(second)s” both mean %(field)s; keep one.")
                % {"first": written[key], "second": text, "field": key},
                "duplicate_column",
            )
        index[key] = position
        written[key] = text
    missing = [key for key in REQUIRED if key not in index]
    if missing:
        names = ", ".join(f"“{KOREAN_HEADERS[k]}” ({ENGLISH_HEADERS[k]})" for k in missing)
        raise SpreadsheetError(
            _("The header row has no column %(names)s. Start from the template.")
            % {"names": names},
            "missing_column",
        )
    return Columns(index=index, header=written, ignored=tuple(ignored))


@dataclass
class CellProblem:
    field: str
    code: str
    message: str


@dataclass
class RowData:
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)


# Cells read otherwise than as plain text (the rest: company_name, keywords).
_CELL_KINDS = {
    "sector": "sector",
    "secondary_sectors": "sectors",
    "exclude": "clusters",
    "stage": "stage",
    "language": "language",
    "minimums": "minimums",
}
# The needs cells are nearly always one of these; _number gives the same for them.
_SMALL_NUMBERS = {str(n): n for n in range(101)}


def _number(text: str) -> int | float | str:
    """'4' -> 4, '4.0' -> 4, '4.5' -> 4.5, full-width '４' -> 4 (NFKC, as a number typed with
    an East Asian input method); anything else stays text for parse_intake to refuse."""
    small = _SMALL_NUMBERS.get(text)
    if small is not None:
        return small
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
        small = _SMALL_NUMBERS.get(text)
        if small is not None:
            return small
    if not _NUMBER.match(text):
        return text
    # At Excel's 15 significant digits: 4.000000000000001 is the 4 the sheet shows.
    value = float(f"{float(text):.15g}")
    if not math.isfinite(value):
        return text
    return int(value) if value.is_integer() else value


@functools.lru_cache(maxsize=4096)
def _short_key(text: str) -> str:
    return normalise(text)


def _key(text: str) -> str:
    """normalise(), remembered for the short cells that repeat down a sheet (sector, stage)."""
    return _short_key(text) if len(text) <= 64 else normalise(text)


def _code(text: str) -> str:
    """A code as typed, compared after NFKC: full-width 'ｓｍｅ' is 'sme'."""
    return (text if text.isascii() else unicodedata.normalize("NFKC", text)).lower()


def _codes(text: str, lookup: Mapping[str, str]) -> list[str]:
    items = [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]
    return [lookup.get(_key(item), item) for item in items]


def row_to_intake(cells: Sequence[str], columns: Columns, vocabulary: Vocabulary) -> RowData:
    """The intake JSON for one row. Empty cells are left out, so defaults apply."""
    row = RowData()
    data = row.data
    needs: dict[str, Any] = {}
    for position, key, kind in columns.plan:
        text = cells[position]
        if not text:
            continue
        if kind == "need":
            needs[key] = _number(text)
        elif kind == "text":
            data[key] = text
        elif kind == "sector":
            data[key] = vocabulary.sectors.get(_key(text), text)
        elif kind == "sectors":
            data[key] = _codes(text, vocabulary.sectors)
        elif kind == "clusters":
            data[key] = _codes(text, vocabulary.clusters)
        elif kind == "stage":
            data[key] = _STAGE_WORDS.get(_key(text), _code(text))
        elif kind == "language":
            data[key] = _LANGUAGE_WORDS.get(_key(text), _code(text))
        else:  # minimums
            minimums = _minimums(text, vocabulary)
            if minimums is None:
                row.problems.append(
                    CellProblem(
                        key,
                        "invalid_format",
                        _("Write minimums as factor:score pairs, e.g. cost:40, talent:50."),
                    )
                )
            else:
                data[key] = minimums
    if needs:
        data["needs"] = needs
    return row


def _minimums(text: str, vocabulary: Vocabulary) -> dict[str, Any] | None:
    result: dict[str, Any] = {}
    for item in _LIST_SPLIT.split(text):
        if not item.strip():
            continue
        match = _PAIR.match(item)
        if match is None:
            return None
        key = match["key"]
        result[vocabulary.factors.get(_key(key), key)] = _number(match["value"])
    return result


def short(message: str) -> str:
    """Messages may quote a cell; a 100,000-character cell must not make a 100 kB report."""
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"
