"""The one validation of a company's intake, shared by the web form, API, CLI and importer.

``parse_intake(data, snapshot)`` accepts anything (a JSON object, a CSV row turned into a
dict, garbage) and either returns a frozen :class:`Intake` or raises :class:`IntakeError`
with every problem found, keyed by the intake's JSON field names (``needs.talent`` for
nested ones). It never raises anything else: callers show these errors to people.

Messages are translated in the *caller's* active language (the web form activates the
visitor's); codes are stable English slugs that other systems may rely on.

Text is normalised here, once, for every channel (``advisor.text``): codes (sector, stage,
language, factor and cluster codes, also as ``needs``/``minimums`` keys) are compared after
NFKC and lower-casing; the company name and keywords are stored NFC without invisible or
control characters. A NUL or a lone surrogate in any string is an error on that field
(``nul_character`` / ``invalid_character``), never a stored row.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _

from advisor import text as normalise
from clusters.snapshot import Snapshot

from .method import (
    COMPANY_NAME_MAX,
    DEFAULT_LANGUAGE,
    DEFAULT_STAGE,
    KEYWORDS_MAX,
    LANGUAGES,
    MINIMUM_MAX,
    NEED_MAX,
    NEED_MIN,
    SECONDARY_MAX,
    STAGES,
    need_default,
)

FIELDS = (
    "company_name",
    "sector",
    "secondary_sectors",
    "keywords",
    "stage",
    "language",
    "needs",
    "exclude",
    "minimums",
)

ErrorList = list[dict[str, str]]


class IntakeError(ValueError):
    """``errors``: ``{"field": [{"code": "...", "message": "..."}]}``."""

    def __init__(self, errors: Mapping[str, ErrorList]) -> None:
        self.errors: dict[str, ErrorList] = {k: list(v) for k, v in errors.items()}
        summary = "; ".join(
            f"{name}: {e['message']} [{e['code']}]" for name, errs in self.errors.items()
            for e in errs
        )
        super().__init__(summary)


@dataclass(frozen=True)
class Intake:
    company_name: str
    sector: str
    secondary_sectors: tuple[str, ...] = ()
    keywords: str = ""
    stage: str = DEFAULT_STAGE
    language: str = DEFAULT_LANGUAGE
    # Every factor of the snapshot, in snapshot order, missing ones filled with NEED_DEFAULT.
    needs: Mapping[str, int] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    minimums: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The intake JSON of DESIGN.md; ``parse_intake(i.to_dict(), s) == i``."""
        return {
            "company_name": self.company_name,
            "sector": self.sector,
            "secondary_sectors": list(self.secondary_sectors),
            "keywords": self.keywords,
            "stage": self.stage,
            "language": self.language,
            "needs": dict(self.needs),
            "exclude": list(self.exclude),
            "minimums": dict(self.minimums),
        }


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, ErrorList] = {}

    def add(self, name: str, code: str, message: str) -> None:
        self.errors.setdefault(name, []).append({"code": code, "message": message})


def _is_int(value: object) -> bool:
    # bool is an int subclass: refuse it, a ticked box is not an importance. NumPy integers
    # (a spreadsheet read by pandas) are Integral and fine; numpy.bool_ is not Integral.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _integer(
    errors: _Errors, name: str, value: object, low: int, high: int
) -> int | None:
    if _is_int(value):
        number = int(value)  # type: ignore[call-overload]
        if low <= number <= high:
            return number
        errors.add(
            name,
            "out_of_range",
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
        )
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        errors.add(
            name,
            "not_integer",
            _("Enter a whole number from %(low)d to %(high)d, not a fraction.")
            % {"low": low, "high": high},
        )
    else:
        errors.add(
            name,
            "invalid_type",
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
        )
    return None


def _unstorable(errors: _Errors, name: str, value: str) -> bool:
    """Add an error and say so when ``value`` holds a character no store keeps (NUL, a lone
    surrogate): the row would fail on PostgreSQL or in every later export."""
    kind = normalise.problem(value)
    if kind == "nul_character":
        errors.add(name, kind, _("Remove the NUL character from this text."))
    elif kind == "invalid_character":
        errors.add(
            name,
            kind,
            _("This text holds an invalid character (a lone UTF-16 surrogate). Type it again."),
        )
    return kind is not None


def _code(errors: _Errors, name: str, value: object) -> object:
    """A code string in its canonical form (``"ＡＩ"`` -> ``"ai"``); anything else as given
    (the caller's check refuses it). ``None`` for a string that cannot be stored."""
    if not isinstance(value, str):
        return value
    if _unstorable(errors, name, value):
        return None
    return normalise.clean_code(value)


def _text(
    errors: _Errors, name: str, value: object, limit: int, *, required: bool, one_line: bool
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(name, "invalid_type", _("Enter text."))
        return ""
    if _unstorable(errors, name, value):
        return ""
    text = normalise.clean_name(value) if one_line else normalise.clean_text(value)
    if required and not text:
        errors.add(name, "required", _("This field is required."))
    elif len(text) > limit:
        errors.add(
            name,
            "too_long",
            _("Use at most %(limit)d characters (it has %(count)d).")
            % {"limit": limit, "count": len(text)},
        )
    return text


def _code_list(
    errors: _Errors, name: str, value: object, known: Sequence[str], unknown_code: str
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        errors.add(name, "invalid_type", _("Enter a list of codes."))
        return ()
    seen: list[str] = []
    for raw in value:
        item = _code(errors, name, raw)
        if item is None:
            continue
        if not isinstance(item, str):
            errors.add(name, "invalid_type", _("Enter a list of codes."))
        elif item not in known:
            errors.add(name, unknown_code, _("Unknown code “%(code)s”.") % {"code": item})
        elif item in seen:
            errors.add(name, "duplicate", _("“%(code)s” is listed twice.") % {"code": item})
        else:
            seen.append(item)
    return tuple(seen)


def _choice(errors: _Errors, name: str, value: object, choices: Sequence[str], default: str) -> str:
    if value is None:
        return default
    code = _code(errors, name, value)
    if code is None:
        return default
    if isinstance(code, str) and code in choices:
        return code
    errors.add(
        name,
        "invalid_choice",
        _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)},
    )
    return default


def _factor_mapping(
    errors: _Errors, name: str, value: object, factors: Sequence[str], high: int
) -> dict[str, int] | None:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors.add(name, "invalid_type", _("Enter an object of factor codes and numbers."))
        return None
    result: dict[str, int] = {}
    for given, raw in value.items():
        label = f"{name}.{normalise.printable(str(given))}"
        key = _code(errors, label, given)
        if key is None:
            continue
        if not isinstance(key, str) or key not in factors:
            errors.add(
                label, "unknown_factor", _("Unknown factor “%(code)s”.") % {"code": given}
            )
            continue
        if key in result:  # "talent" and "ｔａｌｅｎｔ": one factor given twice
            errors.add(label, "duplicate", _("“%(code)s” is listed twice.") % {"code": key})
            continue
        number = _integer(errors, f"{name}.{key}", raw, NEED_MIN, high)
        if number is not None:
            result[key] = number
    return result


def parse_intake(data: object, snapshot: Snapshot) -> Intake:
    """Validate ``data`` against the codes of ``snapshot``; raise IntakeError on any problem."""
    errors = _Errors()
    if not isinstance(data, Mapping):
        errors.add(
            "non_field_errors", "invalid_type", _("The intake must be an object of fields.")
        )
        raise IntakeError(errors.errors)
    for key in data:
        if key not in FIELDS:
            errors.add(normalise.printable(str(key)), "unknown_field", _("Unknown field."))
    sectors = snapshot.sector_codes
    factors = snapshot.factor_codes

    company_name = _text(
        errors,
        "company_name",
        data.get("company_name"),
        COMPANY_NAME_MAX,
        required=True,
        one_line=True,
    )
    sector = _code(errors, "sector", data.get("sector"))
    if "sector" in errors.errors:
        sector = ""
    elif sector is None or sector == "":
        errors.add("sector", "required", _("This field is required."))
        sector = ""
    elif not isinstance(sector, str) or sector not in sectors:
        errors.add(
            "sector", "unknown_sector", _("Unknown sector “%(code)s”.") % {"code": sector}
        )
        sector = ""
    secondary = _code_list(
        errors, "secondary_sectors", data.get("secondary_sectors"), sectors, "unknown_sector"
    )
    if sector and sector in secondary:
        errors.add(
            "secondary_sectors",
            "same_as_primary",
            _("The main sector “%(code)s” cannot also be a secondary sector.")
            % {"code": sector},
        )
    if len(secondary) > SECONDARY_MAX:
        errors.add(
            "secondary_sectors",
            "too_many",
            _("Choose at most %(limit)d secondary sectors.") % {"limit": SECONDARY_MAX},
        )
    keywords = _text(
        errors, "keywords", data.get("keywords"), KEYWORDS_MAX, required=False, one_line=False
    )
    stage = _choice(errors, "stage", data.get("stage"), STAGES, DEFAULT_STAGE)
    language = _choice(errors, "language", data.get("language"), LANGUAGES, DEFAULT_LANGUAGE)
    given = _factor_mapping(errors, "needs", data.get("needs"), factors, NEED_MAX)
    exclude = _code_list(
        errors, "exclude", data.get("exclude"), snapshot.cluster_codes, "unknown_cluster"
    )
    minimums = _factor_mapping(errors, "minimums", data.get("minimums"), factors, MINIMUM_MAX)

    if errors.errors:
        raise IntakeError(errors.errors)
    given = given or {}
    minimums = minimums or {}
    return Intake(
        company_name=company_name,
        sector=sector,
        secondary_sectors=secondary,
        keywords=keywords,
        stage=stage,
        language=language,
        needs=MappingProxyType({f: given.get(f, need_default(f)) for f in factors}),
        exclude=exclude,
        # Snapshot order, so that equal intakes compare and serialise equal.
        minimums=MappingProxyType({f: minimums[f] for f in factors if f in minimums}),
    )
