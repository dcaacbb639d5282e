"""Writes made by the web pages that are not assessments (those go through
``advisor.services.assessment_create``): consultation requests (with their e-mails, status
and withdrawal) and decision notes."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from advisor.models import Assessment, DecisionNote, Lead

logger = logging.getLogger(__name__)


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


def lead_notify(
    lead: Lead, *, result_url: str, withdraw_url: str, send_copy: bool, language: str
) -> int:
    """Mail a new request to the KIC inbox (``settings.CONSULT_NOTIFY_EMAIL``, in the site's
    language) and, when the person asked for it, a copy to them with their private result
    link and the withdrawal link (in the page's ``language``).

    Returns the number of mails handed to the backend. A mail server that is down must not
    lose the request, which is already stored: the failure is logged and the count is
    lower, the person still gets the thank-you and staff still see the lead on their pages.
    """
    context = {
        "lead": lead,
        "assessment": lead.assessment,
        "result_url": result_url,
        "withdraw_url": withdraw_url,
    }
    mails: list[tuple[str, str, list[str]]] = []
    recipients = list(settings.CONSULT_NOTIFY_EMAIL)
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            subject = gettext("Consultation request: %(company)s") % {
                "company": lead.assessment.company_name
            }
            body = render_to_string("email/lead_notify.txt", context)
        mails.append((subject, body, recipients))
    else:
        logger.warning("CONSULT_NOTIFY_EMAIL is empty: lead %s stored but not mailed", lead.pk)
    if send_copy:
        with translation.override(language):
            subject = gettext("Your China entry result: %(company)s") % {
                "company": lead.assessment.company_name
            }
            body = render_to_string("email/lead_copy.txt", context)
        mails.append((subject, body, [lead.email]))
    sent = 0
    for subject, body, to in mails:
        try:
            # Header injection is refused by Django (BadHeaderError) and the subject is one
            # line: the company name went through the intake's normalisation.
            sent += send_mail(" ".join(subject.split()), body, None, to)
        except (smtplib.SMTPException, OSError):
            logger.exception("could not mail lead %s to %s", lead.pk, to)
    return sent


@transaction.atomic
def lead_set_status(lead: Lead, *, status: str, user: AbstractBaseUser) -> Lead:
    """Record that staff contacted or closed a request (who and when)."""
    if status not in Lead.Status.values:
        raise ValueError(f"unknown lead status {status!r}")
    lead.status = status
    lead.status_changed_at = timezone.now()
    lead.status_changed_by = user  # type: ignore[assignment]
    lead.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return lead


@transaction.atomic
def lead_withdraw(lead: Lead) -> int:
    """Consent withdrawn: delete the person's contact data, as the consent text promises.

    Every request on the same assessment with the same e-mail address goes (the contact
    details typed in the intake and a later request are one person's data); the assessment
    itself holds no contact data and stays. Returns the number of requests deleted.
    """
    deleted, _per_model = Lead.objects.filter(
        assessment_id=lead.assessment_id, email__iexact=lead.email
    ).delete()
    return deleted


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
