"""Bump the dataset revision whenever any knowledge-base row changes.

Signals rather than a service function because editors change the knowledge base through
the admin, ``loaddata`` and the shell alike, and every path must invalidate the snapshot.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

KNOWLEDGE_MODELS = (
    "Source",
    "Factor",
    "Sector",
    "Cluster",
    "ClusterChallenge",
    "City",
    "Zone",
    "ClusterFactorScore",
    "ClusterSectorStrength",
    "ClusterSectorFactor",
    "KoreaLink",
    "PlanCluster",
    "CitySpecialty",
    "GlossaryEntry",
    "FirmRanking",
    "Firm",
    "Event",
    "CityMetric",
)


def bump_revision(**_: Any) -> None:
    from django.utils import timezone

    from clusters.models import DatasetVersion

    # One UPDATE, race-free under concurrent edits; the row is created on first use.
    updated = DatasetVersion.objects.filter(pk=1).update(
        revision=models.F("revision") + 1, changed_at=timezone.now()
    )
    if not updated:
        DatasetVersion.objects.get_or_create(pk=1, defaults={"revision": 1})


def connect() -> None:
    from clusters import models as kb

    for name in KNOWLEDGE_MODELS:
        model = getattr(kb, name)
        uid = f"clusters-bump-{name}"
        post_save.connect(bump_revision, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(bump_revision, sender=model, dispatch_uid=uid + "-delete")
    for through in (
        kb.Zone.sectors.through,
        kb.FirmRanking.sectors.through,
        kb.ClusterChallenge.sectors.through,
        kb.Event.sectors.through,
        kb.KoreaLink.sectors.through,
    ):
        m2m_changed.connect(bump_revision, sender=through, dispatch_uid=f"clusters-m2m-{through}")
