"""A queryset compiled to SQL once and run many times with a few changing values.

Django compiles a queryset to SQL on every evaluation. For a hot, fixed-shape lookup (a
brief download by token: one row, correlated subqueries) compiling costs more than running
the query: about 1 ms of a 1.5 ms request in bench/brief.py. ``CompiledLookup`` compiles the
queryset on first use per database, then only executes it, applies the backend's converters
the way Django's own iterator does, and returns the row as a dict of field attribute names
and annotations. No model instance is built (its pre/post-init signals were a seventh of
the download view's time): callers wrap the dict in a small value type.

Only the named placeholder values change between runs; everything else in the queryset
(constants such as the brief template version) is fixed when it is first compiled, so build
it from module-level constants only. Queries still go through Django's cursor, so query
logging and ``assertNumQueries`` see them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position among params, placeholder name)
    names: tuple[str, ...]  # per selected column: the field's attname or annotation name
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class CompiledLookup(Generic[M]):
    """``lookup(**values)``: the first row of ``build(**placeholders)`` as a dict of the
    selected fields (by attname) and annotations, or None; compiled once per database.

    ``build`` receives one placeholder string per name in ``names`` and returns a queryset
    that uses each as a plain value (``filter(token=token)``, ``Value(language)``). The
    placeholders are found among the compiled query's parameters and replaced by the real
    values on each run, so values are always passed as parameters, never spliced into SQL.
    """

    def __init__(
        self, build: Callable[..., QuerySet[M]], names: tuple[str, ...], *,
        using: str = "default",
    ) -> None:
        self._build = build
        self._names = names
        self._using = using
        self._plans: dict[tuple[str, str, str], _Plan] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _placeholder(name: str) -> str:
        return f"\x00compiled-lookup:{name}\x00"

    def _plan(self) -> _Plan:
        connection = connections[self._using]
        # Keyed by the backend and database too: tests switch to a test database, and a
        # suite may run against SQLite and PostgreSQL in turn.
        key = (self._using, connection.vendor, str(connection.settings_dict.get("NAME")))
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        by_placeholder = {self._placeholder(n): n for n in self._names}
        queryset = self._build(**{n: self._placeholder(n) for n in self._names})[:1]
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        slots = tuple((i, by_placeholder[p]) for i, p in enumerate(params)
                      if isinstance(p, str) and p in by_placeholder)
        if {name for _i, name in slots} != set(self._names):
            raise ValueError("the queryset must use every placeholder as a parameter")
        klass_info = compiler.klass_info or {}
        if klass_info.get("related_klass_infos"):
            raise ValueError("select_related is not supported by CompiledLookup")
        names: list[str | None] = [None] * len(compiler.select)
        for position in klass_info["select_fields"]:
            names[position] = compiler.select[position][0].target.attname
        for name, position in compiler.annotation_col_map.items():
            names[position] = name
        if None in names:
            raise ValueError("every selected column must be a model field or an annotation")
        converters = compiler.get_converters([s[0] for s in compiler.select])
        plan = _Plan(
            sql=sql,
            params=tuple(params),
            slots=slots,
            names=tuple(n for n in names if n is not None),
            converters=tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in converters.items()
            ),
        )
        with self._lock:
            self._plans[key] = plan
        return plan

    def __call__(self, **values: Any) -> dict[str, Any] | None:
        plan = self._plan()
        params = list(plan.params)
        for position, name in plan.slots:
            params[position] = values[name]
        connection = connections[self._using]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if plan.converters:
            row = list(row)
            for position, functions, expression in plan.converters:
                value = row[position]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[position] = value
        return dict(zip(plan.names, row, strict=True))
