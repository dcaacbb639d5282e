"""Writes that turn validated intakes into stored assessments (one transaction each).

The ranking is computed once, here, and stored exactly as the engine returned it: result
pages, briefs and exports read ``Assessment.result`` and never re-rank, so an assessment
reads the same after the knowledge base changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from advisor.engine import Intake, rank, rank_many
from advisor.models import Assessment, ImportBatch
from clusters.snapshot import Snapshot, get_snapshot


def ranking_for(intake: Intake, snapshot: Snapshot | None = None) -> dict[str, Any]:
    """The ranking of ``intake`` without saving anything (what-if previews)."""
    return rank(intake, snapshot if snapshot is not None else get_snapshot())


def assessment_preview(
    *, intake: Intake, origin: str, snapshot: Snapshot | None = None
) -> Assessment:
    """An unsaved Assessment with its ranking (``assess --pdf`` without ``--save``)."""
    snapshot = snapshot if snapshot is not None else get_snapshot()
    return _assessment(intake=intake, result=rank(intake, snapshot), origin=origin)


def _assessment(
    *,
    intake: Intake,
    result: dict[str, Any],
    origin: str,
    user: Any = None,
    parent: Assessment | None = None,
    batch: ImportBatch | None = None,
    scenario_name: str = "",
) -> Assessment:
    top = result["ranking"][0] if result["ranking"] else None
    return Assessment(
        origin=origin,
        created_by=user if user is not None and user.is_authenticated else None,
        company_name=intake.company_name,
        sector=intake.sector,
        language=intake.language,
        top_cluster=top["cluster"] if top else "",
        top_score=top["score"] if top else None,
        intake=intake.to_dict(),
        result=result,
        dataset_version=result["dataset_version"],
        method_version=result["method_version"],
        parent=parent,
        batch=batch,
        scenario_name=scenario_name,
    )


def assessment_create(
    *,
    intake: Intake,
    origin: str,
    user: Any = None,
    parent: Assessment | None = None,
    batch: ImportBatch | None = None,
    snapshot: Snapshot | None = None,
    scenario_name: str = "",
) -> Assessment:
    """Rank ``intake`` and store it with its result; ``parent`` marks a what-if scenario,
    ``scenario_name`` (at most 80 characters) is the consultant's label for it."""
    if origin not in Assessment.Origin.values:
        raise ValueError(f"unknown origin {origin!r}")
    snapshot = snapshot if snapshot is not None else get_snapshot()
    result = rank(intake, snapshot)
    with transaction.atomic():
        assessment = _assessment(
            intake=intake, result=result, origin=origin, user=user, parent=parent, batch=batch,
            scenario_name=scenario_name,
        )
        assessment.save()
    return assessment


def assessments_create_many(
    *,
    intakes: Sequence[Intake],
    origin: str,
    user: Any = None,
    batch: ImportBatch | None = None,
    snapshot: Snapshot | None = None,
    batch_rows: Sequence[int] | None = None,
) -> list[Assessment]:
    """Rank many intakes at once (vectorised) and store them all, or none, in input order.

    ``batch_rows``: the spreadsheet row of each intake (imports), kept for the export.
    """
    if origin not in Assessment.Origin.values:
        raise ValueError(f"unknown origin {origin!r}")
    snapshot = snapshot if snapshot is not None else get_snapshot()
    results = rank_many(intakes, snapshot)
    assessments = [
        _assessment(intake=intake, result=result, origin=origin, user=user, batch=batch)
        for intake, result in zip(intakes, results, strict=True)
    ]
    if batch_rows is not None:
        for assessment, number in zip(assessments, batch_rows, strict=True):
            assessment.batch_row = number
    with transaction.atomic():
        # bulk_create sets primary keys on PostgreSQL and SQLite (RETURNING), so callers can
        # link to the rows it made.
        return Assessment.objects.bulk_create(assessments, batch_size=500)
