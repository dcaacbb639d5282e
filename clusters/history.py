"""Give loaded knowledge-base rows a history record, so the first edit has something to diff.

``loaddata`` saves rows "raw", and django-simple-history records no history for raw saves.
Its ``populate_history --auto`` command fills the gap only for models with no history at all,
so after an editor's first change it would skip that model on every later reload. Here each
row gets a record when it has none, or when its newest record no longer matches the row (a
reloaded fixture changed it), through the library's own ``bulk_history_create``.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

# Stored data that Korean editors read in the admin's history, hence Korean.
LOAD_REASON = "배포된 지식 베이스(fixtures)에서 불러옴"


def _tracked_models() -> list[type[models.Model]]:
    return [
        m for m in apps.get_app_config("clusters").get_models()
        if hasattr(m, "history") and hasattr(m._meta, "simple_history_manager_attribute")
    ]


def record_loaded_state(*, reason: str = LOAD_REASON) -> dict[str, int]:
    """Write one historical record (type "+" or "~", the given reason, no user) for every
    knowledge-base row that has no history or whose newest record differs from it.

    Returns {model label: records written}; two queries per model plus the inserts.
    """
    written: dict[str, int] = {}
    for model in _tracked_models():
        history_model = model.history.model  # type: ignore[attr-defined]
        fields = [f.attname for f in model._meta.concrete_fields]
        pk_name = model._meta.pk.attname
        latest: dict[Any, tuple[Any, ...]] = {}
        # Oldest first, so the last value kept per object is its newest record.
        for row in history_model.objects.order_by("history_date", "history_id").values_list(
            pk_name, *fields
        ):
            latest[row[0]] = tuple(row[1:])
        new_rows, changed_rows = [], []
        for obj in model.objects.all():
            current = tuple(getattr(obj, f) for f in fields)
            if obj.pk not in latest:
                new_rows.append(obj)
            elif latest[obj.pk] != current:
                changed_rows.append(obj)
        for objs, update in ((new_rows, False), (changed_rows, True)):
            if objs:
                model.history.bulk_history_create(  # type: ignore[attr-defined]
                    objs, update=update, default_change_reason=reason
                )
        if new_rows or changed_rows:
            written[model._meta.label] = len(new_rows) + len(changed_rows)
    return written
