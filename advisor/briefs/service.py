"""The brief as a service: rendered once per variant, then served from storage.

A variant is (assessment, language, template version, latest decision note). The dataset
and method versions belong to the assessment itself (its stored result), so they need no
place in the key. Views, the API, the zip task and the CLI all come through here.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from advisor.briefs.content import brief_date
from advisor.briefs.render import BRIEF_TEMPLATE_VERSION, normalize_language, render_brief_pdf
from advisor.models import Assessment, BriefFile, DecisionNote

logger = logging.getLogger(__name__)


def latest_decision(assessment: Assessment) -> DecisionNote | None:
    if assessment.pk is None:
        return None
    return assessment.decisions.order_by("-created_at", "-id").first()


def _variant(assessment: Assessment, language: str, decision: DecisionNote | None
             ) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "language": language,
        "template_version": BRIEF_TEMPLATE_VERSION,
        "decision_id": decision.pk if decision else 0,
    }


def brief_file(assessment: Assessment, language: str = "ko") -> BriefFile:
    """The stored brief of a saved assessment, rendering and storing it the first time."""
    if assessment.pk is None:
        raise ValueError("only a saved assessment has a stored brief; use render_brief_pdf")
    language = normalize_language(language)
    decision = latest_decision(assessment)
    variant = _variant(assessment, language, decision)
    existing = BriefFile.objects.filter(**variant).first()
    if existing is not None:
        if existing.file and existing.file.storage.exists(existing.file.name):
            return existing
        # The row outlived its file (storage wiped or moved): render again, same row key.
        existing.delete()

    pdf = render_brief_pdf(assessment, language, decision=decision)
    decision_part = variant["decision_id"]
    name = f"brief-{assessment.pk}-{language}-{BRIEF_TEMPLATE_VERSION}-{decision_part}.pdf"
    brief = BriefFile(**variant, size=len(pdf))
    brief.file.save(name, ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            brief.save()
    except IntegrityError:
        # Another process rendered the same variant meanwhile: keep theirs, drop our copy.
        brief.file.delete(save=False)
        return BriefFile.objects.get(**variant)
    return brief


def brief_pdf(assessment: Assessment, language: str = "ko") -> bytes:
    """The PDF bytes: from storage when this variant was rendered before; an unsaved
    assessment (``assess --pdf`` without saving) is rendered directly, never stored."""
    if assessment.pk is None:
        return render_brief_pdf(assessment, language)
    with brief_file(assessment, language).file.open("rb") as handle:
        return handle.read()


def open_brief(assessment: Assessment, language: str = "ko") -> IO[bytes]:
    """A binary file handle on the stored brief, for streaming responses."""
    return brief_file(assessment, language).file.open("rb")


def with_stored_briefs(queryset: QuerySet[Assessment] | None = None) -> QuerySet[Assessment]:
    """Assessments annotated with the storage names of their current stored briefs
    (``brief_ko``, ``brief_en``; None when not rendered yet), in the same query.

    The download views fetch the assessment through the access helper with this queryset,
    so a cached download costs one query and one file open. The heavy JSON columns are
    deferred: a cache hit needs only the name and date for the file name; a miss goes
    through :func:`open_brief`, which loads them.
    """
    qs = queryset if queryset is not None else Assessment.objects.all()
    return qs.defer("intake", "result").annotate(
        brief_ko=_stored_brief("ko"), brief_en=_stored_brief("en")
    )


def _stored_brief(language: Any) -> Subquery:
    """The storage name of the outer assessment's current brief in ``language`` (a value
    or an expression), None when it has not been rendered."""
    latest_decision_id = (
        DecisionNote.objects.filter(assessment=OuterRef("assessment"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    return Subquery(
        BriefFile.objects.filter(
            assessment=OuterRef("pk"), language=language,
            template_version=BRIEF_TEMPLATE_VERSION,
        )
        .filter(decision_id=Coalesce(Subquery(latest_decision_id), Value(0)))
        .values("file")[:1]
    )


@functools.cache
def _stored_briefs_base() -> QuerySet[Assessment]:
    # Building the annotated queryset costs more than running it; querysets clone on every
    # filter, so one built instance serves every request.
    return with_stored_briefs()


def assessments_with_stored_briefs() -> QuerySet[Assessment]:
    return _stored_briefs_base().all()


@dataclass(frozen=True, slots=True)
class StoredBriefRef:
    """What a cached download needs of an assessment (see :func:`stored_brief_by_token`):
    ``brief_name`` is the stored brief in ``brief_language``, None when not rendered."""

    pk: int
    token: str
    company_name: str
    language: str
    created_at: dt.datetime
    brief_language: str
    brief_name: str | None

    @property
    def brief_ko(self) -> str | None:
        return self.brief_name if self.brief_language == "ko" else None

    @property
    def brief_en(self) -> str | None:
        return self.brief_name if self.brief_language == "en" else None


def _by_token(token: str, language: str) -> QuerySet[Assessment]:
    # ``language`` "" means the assessment's own language.
    chosen = Coalesce(NullIf(Value(language), Value("")), F("language"))
    chosen_outer = Coalesce(NullIf(Value(language), Value("")), OuterRef("language"))
    return (
        Assessment.objects.only("id", "token", "company_name", "language", "created_at")
        .annotate(brief_language=chosen, brief_name=_stored_brief(chosen_outer))
        .filter(token=token)
        .order_by()  # one row by a unique key: no sort
    )


def stored_brief_by_token(token: str, language: str | None = None) -> StoredBriefRef | None:
    """The assessment with ``token`` and its stored brief in ``language`` (default: the
    assessment's own), in one query that reads only the columns a cached download needs (a
    miss reloads the assessment in full through open_brief); None when no assessment has
    the token."""
    row = (
        _by_token(token, normalize_language(language) if language else "")
        .values("id", "token", "company_name", "language", "created_at", "brief_language",
                "brief_name")
        .first()
    )
    if row is None:
        return None
    return StoredBriefRef(
        pk=row["id"], token=row["token"], company_name=row["company_name"],
        language=row["language"], created_at=row["created_at"],
        brief_language=normalize_language(row["brief_language"]),
        brief_name=row["brief_name"],
    )


def open_cached_or_render(assessment: Assessment | StoredBriefRef, language: str
                          ) -> IO[bytes]:
    """The brief's file handle: straight from storage when the annotated name (see
    :func:`with_stored_briefs`) is there, otherwise through :func:`open_brief`."""
    language = normalize_language(language)
    name = getattr(assessment, f"brief_{language}", None)
    if name:
        try:
            return _open_stored(name)
        except FileNotFoundError:
            pass  # the row outlived its file: brief_file() renders it again
    return open_brief(Assessment.objects.get(pk=assessment.pk), language)


def _open_stored(name: str) -> IO[bytes]:
    # On the local file system, open the file itself: the storage's File wrapper adds
    # nothing a download needs (the name comes from our own BriefFile row, and path()
    # still refuses anything outside the storage's folder). Other storages (S3) as usual.
    if isinstance(default_storage, FileSystemStorage):
        return open(default_storage.path(name), "rb")  # the response closes it
    return default_storage.open(name, "rb")


@functools.lru_cache(maxsize=1024)
def _name_part(company: str) -> str:
    # Letters and digits of any script, joined: "Sori Labs" -> "SoriLabs", "소리 랩" -> "소리랩".
    cleaned = re.sub(r"[^\w-]+", "", company or "", flags=re.UNICODE).strip("_-.")
    return cleaned[:60]


def brief_filename(assessment: Assessment, language: str = "ko") -> str:
    """'진출브리프_SoriLabs_2026-11-21.pdf' (Korean) or 'EntryBrief_SoriLabs_2026-11-21.pdf'."""
    prefix = "EntryBrief" if normalize_language(language) == "en" else "진출브리프"
    parts = [prefix, _name_part(assessment.company_name), brief_date(assessment).isoformat()]
    return "_".join(p for p in parts if p) + ".pdf"


def ascii_filename(filename: str) -> str:
    """An ASCII stand-in for old clients that ignore ``filename*``."""
    ascii_name = filename.replace("진출브리프", "EntryBrief")
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "", ascii_name)
    ascii_name = re.sub(r"__+", "_", ascii_name).strip("_") or "brief.pdf"
    return ascii_name


@functools.lru_cache(maxsize=1024)
def content_disposition(filename: str, *, attachment: bool = True) -> str:
    kind = "attachment" if attachment else "inline"
    return (
        f'{kind}; filename="{ascii_filename(filename)}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )
