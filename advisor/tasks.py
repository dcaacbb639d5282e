"""Celery discovers tasks in ``<app>.tasks``; the brief tasks live with the briefs."""

from advisor.briefs.tasks import build_brief_zip

__all__ = ["build_brief_zip"]
