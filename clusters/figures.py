"""Refresh the knowledge base's city figures (GDP, trade...) from a table, with a diff first.

An editor uploads a CSV with the columns ``city, indicator, period, value, source`` (and
optionally ``unit``); :func:`plan_figures` matches each row to a city, an indicator and a
cited source and says what would change (old → new) and which rows it cannot match;
:func:`apply_figures` writes the changes, with their history records, and bumps the dataset
version once, all in one transaction.

* ``city``: the slug (``shenzhen``) or the Korean, English or Chinese name (선전, 深圳).
* ``indicator``: the metric code (``gdp``) or its Korean or English label (docs/DATA.md).
* ``period``: as the knowledge base writes it (``2024``, ``2024Q1-Q3``), at most 20 characters.
* ``value``: a number; thousands separators are allowed, at most two decimals are kept.
* ``source``: the key of a source already in the knowledge base (every figure cites one).
* ``unit``: optional; a new figure without it takes the unit that indicator already uses.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from charset_normalizer import from_bytes
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clusters.models import City, CityMetric, Source
from clusters.signals import bump_revision

REQUIRED_COLUMNS = ("city", "indicator", "period", "value", "source")
MAX_ROWS = 5000
LEGACY_ENCODINGS = ("cp949", "gb18030")
MAX_VALUE = Decimal("999999999999.99")  # CityMetric.value: 14 digits, 2 decimals


class FiguresFileError(ValueError):
    """The file as a whole cannot be read (encoding, missing columns, too many rows)."""


@dataclass(frozen=True)
class FigureRow:
    """One row of the table as uploaded (strings, stripped), with its 1-based line number
    counting the header as line 1."""

    line: int
    city: str
    indicator: str
    period: str
    value: str
    source: str
    unit: str = ""


@dataclass
class FigureChange:
    """A figure to add (``old_value`` None) or change, as the preview shows it."""

    line: int
    city: str  # slug
    city_name: str
    metric: str  # CityMetric.Metric code
    metric_name: str
    period: str
    old_value: Decimal | None
    new_value: Decimal
    unit: str
    old_source: str
    new_source: str  # source key

    @property
    def is_new(self) -> bool:
        return self.old_value is None


@dataclass
class FigureProblem:
    line: int
    message: str
    row: FigureRow


@dataclass
class FiguresPlan:
    changes: list[FigureChange]
    unchanged: int
    problems: list[FigureProblem]


def decode_table(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM) first, else what charset-normalizer
    finds among the encodings Excel saves CSV in here (Korean CP949, Chinese GB18030).
    Left free to choose, it reads a short Korean table as Big5. Raises FiguresFileError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
        if best is None:
            raise FiguresFileError(
                gettext("The file is not text in a known encoding. Save it as CSV (UTF-8).")
            ) from None
        return str(best)


def read_rows(data: bytes) -> list[FigureRow]:
    """The rows of a CSV table (comma, semicolon or tab separated; header names are matched
    without regard to case or spaces). Raises FiguresFileError."""
    text = decode_table(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FiguresFileError(
            gettext("Columns missing from the header row: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    index = {name: header.index(name) for name in (*REQUIRED_COLUMNS, "unit") if name in header}
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise FiguresFileError(
                gettext("The file has more than %(max)s rows.") % {"max": MAX_ROWS}
            )
        values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in index.items()}
        rows.append(FigureRow(line=line, **values))
    return rows


def _metric_lookup() -> dict[str, str]:
    lookup = {code.lower(): code for code in CityMetric.Metric.values}
    for language in ("ko", "en"):
        with translation.override(language):
            for code, label in CityMetric.Metric.choices:
                lookup[str(label).strip().lower()] = code
    return lookup


def _city_lookup(cities: list[City]) -> dict[str, City]:
    lookup: dict[str, City] = {}
    for city in cities:
        for key in (city.slug, city.name_ko, city.name_en, city.name_zh):
            if key:
                lookup.setdefault(key.strip().lower(), city)
    return lookup


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > MAX_VALUE:
        return None
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def plan_figures(rows: list[FigureRow]) -> FiguresPlan:
    """What applying ``rows`` would do, read from the database without writing: each change
    (old → new value, unit, source), the count of rows already as stated, and each row it
    cannot match with the reason. A later row for the same city, indicator and period wins
    over an earlier one. Four queries whatever the number of rows."""
    cities = _city_lookup(list(City.objects.all()))
    metrics = _metric_lookup()
    sources = {s.key: s for s in Source.objects.all()}
    existing = {
        (m.city_id, m.metric, m.period): m
        for m in CityMetric.objects.select_related("source")
    }
    usual_unit = {
        metric: Counter(m.unit for m in existing.values() if m.metric == metric).most_common(1)
        for metric in CityMetric.Metric.values
    }
    labels = dict(CityMetric.Metric.choices)
    planned: dict[tuple[int, str, str], FigureChange] = {}
    unchanged: set[tuple[int, str, str]] = set()
    problems: list[FigureProblem] = []
    for row in rows:
        city = cities.get(row.city.lower())
        metric = metrics.get(row.indicator.lower())
        value = _decimal(row.value)
        source = sources.get(row.source)
        reason = ""
        if city is None:
            reason = gettext("No city called “%(city)s” in the knowledge base.") % {
                "city": row.city}
        elif metric is None:
            reason = gettext("Unknown indicator “%(indicator)s”.") % {
                "indicator": row.indicator}
        elif not row.period or len(row.period) > 20:
            reason = gettext("The period is empty or longer than 20 characters.")
        elif value is None:
            reason = gettext("“%(value)s” is not a number the knowledge base can hold.") % {
                "value": row.value}
        elif source is None:
            reason = gettext(
                "No source with the key “%(source)s”: add the source in the admin first."
            ) % {"source": row.source}
        if reason or city is None or metric is None or value is None or source is None:
            problems.append(FigureProblem(line=row.line, message=reason, row=row))
            continue
        key = (city.pk, metric, row.period)
        current = existing.get(key)
        unit = row.unit or (current.unit if current else "")
        if not unit and usual_unit[metric]:
            unit = usual_unit[metric][0][0]
        if not unit:
            problems.append(FigureProblem(
                line=row.line, row=row,
                message=gettext("A new indicator needs its unit: add a “unit” column.")))
            continue
        if current and (current.value, current.unit, current.source_id) == (
                value, unit, source.pk):
            unchanged.add(key)
            planned.pop(key, None)
            continue
        unchanged.discard(key)
        planned[key] = FigureChange(
            line=row.line, city=city.slug, city_name=city.name, metric=metric,
            metric_name=str(labels[metric]), period=row.period,
            old_value=current.value if current else None, new_value=value, unit=unit,
            old_source=current.source.key if current else "", new_source=source.key,
        )
    return FiguresPlan(changes=list(planned.values()), unchanged=len(unchanged),
                       problems=problems)


def rows_to_data(rows: list[FigureRow]) -> list[dict[str, Any]]:
    """The rows as plain dicts (to carry them, signed, from the preview to the apply step)."""
    return [asdict(r) for r in rows]


def rows_from_data(data: list[dict[str, Any]]) -> list[FigureRow]:
    return [FigureRow(**{k: (int(v) if k == "line" else str(v)) for k, v in d.items()})
            for d in data]


def apply_figures(rows: list[FigureRow], *, user: Any, reason: str) -> FiguresPlan:
    """Plan ``rows`` again against the database as it is now and write the changes in one
    transaction: updates and new figures with their history records (``user``, ``reason``)
    and one dataset-version bump. Returns the plan that was applied."""
    with transaction.atomic():
        plan = plan_figures(rows)
        if not plan.changes:
            return plan
        cities = {c.slug: c for c in City.objects.filter(slug__in={c.city for c in plan.changes})}
        sources = {s.key: s for s in Source.objects.filter(
            key__in={c.new_source for c in plan.changes})}
        existing = {
            (m.city.slug, m.metric, m.period): m
            for m in CityMetric.objects.select_for_update().select_related("city").filter(
                city__slug__in=list(cities))
        }
        updates, creates = [], []
        for change in plan.changes:
            metric = existing.get((change.city, change.metric, change.period))
            if metric is None:
                creates.append(CityMetric(
                    city=cities[change.city], metric=change.metric, period=change.period,
                    value=change.new_value, unit=change.unit, source=sources[change.new_source],
                ))
            else:
                metric.value, metric.unit = change.new_value, change.unit
                metric.source = sources[change.new_source]
                updates.append(metric)
        # The bulk helpers write the history records but send no post_save, so the
        # revision is bumped here once rather than once per row.
        if updates:
            bulk_update_with_history(updates, CityMetric, ["value", "unit", "source"],
                                     default_user=user, default_change_reason=reason)
        if creates:
            bulk_create_with_history(creates, CityMetric, default_user=user,
                                     default_change_reason=reason)
        bump_revision()
    return plan
