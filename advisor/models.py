"""Assessments and what hangs off them: leads, decision notes, cached briefs, batches.

An Assessment keeps the exact intake and the full ranking it produced (with the dataset and
method versions), so its result page and brief can be rebuilt identically after the
knowledge base changes. The token is the only key to an anonymous result: it is long,
random and never derived from the database id.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Assessment(models.Model):
    class Origin(models.TextChoices):
        PUBLIC = "public", _("Public self-assessment")
        STAFF = "staff", _("Staff")
        API = "api", _("API")
        IMPORT = "import", _("Spreadsheet import")
        CLI = "cli", _("Command line")

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    origin = models.CharField(_("created through"), max_length=10, choices=Origin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("created by"),
    )
    # Denormalised from the intake/result for search, filters and lists without JSON queries.
    company_name = models.CharField(_("company"), max_length=200, db_index=True)
    sector = models.CharField(_("sector"), max_length=40, db_index=True)
    language = models.CharField(_("language"), max_length=5, default="ko")
    top_cluster = models.CharField(_("top cluster"), max_length=40, blank=True)
    top_score = models.FloatField(_("top score"), null=True, blank=True)

    intake = models.JSONField(_("intake"))
    result = models.JSONField(_("ranking"))
    dataset_version = models.CharField(_("dataset version"), max_length=40)
    method_version = models.CharField(_("method version"), max_length=40)

    # A what-if scenario points at the assessment it was derived from; that one is unchanged.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scenarios",
        verbose_name=_("scenario of"),
    )
    # A consultant's label for a what-if scenario ("cost-first"); empty for originals. Plain
    # text so the brief zip can put it in file names as it is.
    scenario_name = models.CharField(_("scenario name"), max_length=80, blank=True)
    batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("import batch"),
    )
    # The row of the uploaded sheet (as Excel numbers it) an imported assessment came from.
    batch_row = models.PositiveIntegerField(_("row in the spreadsheet"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["origin", "created_at"])]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.created_at:%Y-%m-%d})" if self.created_at else (
            self.company_name
        )


class Lead(models.Model):
    """A request for a consultation, left on a result page."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        CLOSED = "closed", _("Closed")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="leads", verbose_name=_("assessment")
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    consent = models.BooleanField(_("consent to the collection and use of personal information"))
    consent_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation request")
        verbose_name_plural = _("consultation requests")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class DecisionNote(models.Model):
    """The consultant's final recommendation, which may differ from the engine's."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="decisions"
    )
    cluster = models.CharField(_("recommended cluster"), max_length=40)
    city = models.CharField(_("recommended city"), max_length=40, blank=True)
    note = models.TextField(_("reasoning"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision note")
        verbose_name_plural = _("decision notes")

    def __str__(self) -> str:
        return f"{self.cluster}: {self.note[:40]}"


class StaffProfile(models.Model):
    """How a consultant signs what reaches a client: full name and title in Korean and
    English. A login name is an account detail and never appears in a brief."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    name_ko = models.CharField(_("full name (Korean)"), max_length=100, blank=True)
    name_en = models.CharField(_("full name (English)"), max_length=100, blank=True)
    title_ko = models.CharField(_("job title (Korean)"), max_length=100, blank=True)
    title_en = models.CharField(_("job title (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return self.name_en or self.name_ko or str(self.pk)


class BriefFile(models.Model):
    """A rendered PDF brief, generated once per assessment/language/versions and reused."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="briefs")
    language = models.CharField(max_length=5)
    template_version = models.CharField(max_length=20)
    # The decision note shown in the brief is part of what makes it; a new note, a new file.
    # 0 means "no decision note": not NULL, so the unique constraint holds on every database
    # (SQLite cannot enforce NULLS NOT DISTINCT).
    decision_id = models.PositiveBigIntegerField(default=0)
    file = models.FileField(upload_to="briefs/%Y/%m/")
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "language", "template_version", "decision_id"],
                name="unique_brief_variant",
            )
        ]
        verbose_name = _("brief file")
        verbose_name_plural = _("brief files")

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.language}/{self.template_version}"


class ImportBatch(models.Model):
    """One uploaded spreadsheet of intakes, imported on the worker, and its per-row report.

    PENDING (queued) -> RUNNING (``heartbeat_at`` moves with every chunk) -> DONE, REJECTED
    (no good row) or FAILED (``message`` says why: an unreadable part, a worker that stopped).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected (errors found, nothing saved)")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_ok = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_estimated = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    errors = models.JSONField(_("errors"), default=list)
    # The uploaded file, kept only until the worker has read it.
    source = models.FileField(_("uploaded file"), upload_to="imports/%Y/%m/", blank=True)
    # How the file was read: the CSV's text encoding or the workbook sheet's name.
    read_as = models.CharField(_("read as"), max_length=100, blank=True)
    example_skipped = models.BooleanField(_("template example row skipped"), default=False)
    message = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows_ok}/{self.rows_total})"


class BriefJob(models.Model):
    """Many briefs zipped at once, generated on the task queue with visible progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brief_jobs"
    )
    assessments = models.ManyToManyField(Assessment, related_name="+")
    language = models.CharField(max_length=5, default="ko")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="brief-zips/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    # [{"assessment": id, "company": name, "reason": text}] for briefs that could not be made.
    failures = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"brief job {self.pk}: {self.done}/{self.total} {self.status}"
