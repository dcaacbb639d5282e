"""Writes made by the web pages that are not assessments (those go through
``advisor.services.assessment_create``): consultation requests and decision notes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from advisor.models import Assessment, DecisionNote, Lead


@transaction.atomic
def lead_create(
    *,
    assessment: Assessment,
    name: str,
    email: str,
    phone: str = "",
    message: str = "",
    consent: bool,
) -> Lead:
    """A consultation request. Consent is recorded with its time, as PIPA practice asks;
    without it nothing is stored (the form refuses earlier, this is the last guard)."""
    if not consent:
        raise ValueError("a lead needs the person's consent")
    return Lead.objects.create(
        assessment=assessment,
        name=name,
        email=email,
        phone=phone,
        message=message,
        consent=True,
        consent_at=timezone.now(),
    )


def decision_note_create(
    *,
    assessment: Assessment,
    cluster: str,
    city: str = "",
    note: str,
    author: AbstractBaseUser | None,
) -> DecisionNote:
    return DecisionNote.objects.create(
        assessment=assessment, cluster=cluster, city=city, note=note, author=author
    )
