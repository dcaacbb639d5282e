"""Staff pages for spreadsheet batches: upload, report, error list, template and exports.

All views are staff-only (``staff_required``: anonymous -> login, non-staff -> 403). Staff
share one workspace, so any staff member may open any batch, as with assessments.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from advisor import selectors
from advisor.batch.columns import ENGLISH_HEADERS, HEADER_HELP, KOREAN_HEADERS
from advisor.batch.exporter import (
    Kind,
    assessment_rows,
    export_filename,
    export_language,
    write_export,
)
from advisor.batch.importer import read_sheet
from advisor.batch.io import SpreadsheetError, Table, write_csv_binary, write_xlsx
from advisor.batch.tasks import import_batch
from advisor.batch.template import template_csv, template_xlsx
from advisor.jobs import reap_one
from advisor.models import Assessment, ImportBatch
from advisor.web.views import staff_required
from clusters.snapshot import get_snapshot

RECENT_BATCHES = 50
ERRORS_SHOWN = 200
CREATED_SHOWN = 500
SPOOL_BYTES = 8 * 1024 * 1024
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _too_large(size: int | None = None) -> ValidationError:
    limit = f"{settings.SPREADSHEET_MAX_BYTES / 1048576:.1f}"
    if size is None:
        message = _("The file is larger than the limit of %(limit)s MB.") % {"limit": limit}
    else:
        message = _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": f"{size / 1048576:.1f}",
            "limit": limit,
        }
    return ValidationError(message, code="too_large")


class UploadForm(forms.Form):
    # Not required at the field level so that clean_file can tell "too large, reading was
    # stopped" (no file arrives) from "no file chosen".
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    too_large = False

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if self.too_large:
            raise _too_large()
        if not upload:
            raise ValidationError(_("Choose a file to upload."), code="required")
        if upload.size > settings.SPREADSHEET_MAX_BYTES:
            raise _too_large(upload.size)
        if upload.size == 0:
            raise ValidationError(_("The file is empty."), code="empty_file")
        return upload


def _batch(pk: int) -> ImportBatch:
    try:
        return ImportBatch.objects.select_related("created_by").get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


def _link_maker(request: HttpRequest) -> Callable[[str], str]:
    """token -> absolute /r/<token>/ URL; reversed once, not once per row."""
    marker = "TOKEN-PLACEHOLDER-0000000"
    template = request.build_absolute_uri(reverse("result", args=[marker]))
    return lambda token: template.replace(marker, token)


def _attachment(build: Callable[[Any], None], kind: Kind, filename: str) -> FileResponse:
    # Spooled: small exports stay in memory, a 10,000-row workbook goes to a temporary file
    # instead of a process-sized bytes object.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    build(spool)
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[kind]
    )
    response["Cache-Control"] = "no-store"
    return response


def _template_help() -> list[dict[str, str]]:
    return [
        {
            "korean": KOREAN_HEADERS[key],
            "english": ENGLISH_HEADERS[key],
            "help": str(HEADER_HELP["needs" if key.startswith("needs.") else key]),
        }
        for key in KOREAN_HEADERS
    ]


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes SPREADSHEET_MAX_BYTES.

    Without it Django would first write a file of any size to a temporary file, and only
    then would the form refuse it; this way an oversized upload costs no disk.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.SPREADSHEET_MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@staff_required
@csrf_exempt  # only so that the upload handler can be added; CSRF is checked just below
@require_http_methods(["GET", "POST"])
def batch_list(request: HttpRequest) -> HttpResponse:
    limiter = SizeLimitHandler(request)
    request.upload_handlers.insert(0, limiter)
    return _batch_list(request, limiter)


@csrf_protect
def _batch_list(request: HttpRequest, limiter: SizeLimitHandler) -> HttpResponse:
    # Bound on every POST, even an empty one (an oversized upload arrives without fields).
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    status = 200
    if request.method == "POST":
        form.too_large = limiter.exceeded
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # The whole file's checks that are cheap (bounds, encoding, the header) here,
                # so a hostile or wrong file gets its 400 at once; the rows on the worker.
                _sheet, _vocabulary, columns = read_sheet(upload, get_snapshot())
            except SpreadsheetError as exc:
                form.add_error("file", ValidationError(exc.message, code=exc.code))
            else:
                if columns.ignored:
                    messages.warning(
                        request,
                        _("These columns were not recognised and were ignored: %(columns)s")
                        % {"columns": ", ".join(columns.ignored)},
                    )
                upload.seek(0)
                batch = _queue_import(request, upload)
                return redirect("batch-detail", pk=batch.pk)
        status = 400
    batches = list(
        ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")[
            :RECENT_BATCHES
        ]
    )
    for batch in batches:
        batch.rows_bad = batch.rows_total - batch.rows_ok  # type: ignore[attr-defined]
    return render(
        request,
        "batch/list.html",
        {
            "form": form,
            "batches": batches,
            "columns": _template_help(),
            "max_mb": f"{settings.SPREADSHEET_MAX_BYTES / 1048576:.0f}",
        },
        status=status,
    )


def _queue_import(request: HttpRequest, upload: Any) -> ImportBatch:
    """Stores the upload, records a PENDING batch and queues it once both are committed."""
    name = (upload.name or "upload")[:255]
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=request.user, filename=name, status=ImportBatch.Status.PENDING,
            heartbeat_at=timezone.now(),
        )
        batch.source.save(f"{batch.pk}-{uuid.uuid4().hex}.upload", File(upload), save=True)
        transaction.on_commit(lambda: import_batch.delay(batch.pk))
    return batch


@staff_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    reap_one(batch)  # an import whose worker stopped is shown failed, not "importing"
    errors = batch.errors or []
    running = batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING)
    created = [] if running else _created_rows(batch)
    return render(
        request,
        "batch/detail.html",
        {
            "batch": batch,
            "running": running,
            "created": created,
            "created_hidden": max(batch.rows_ok - len(created), 0) if created else 0,
            "errors": errors[:ERRORS_SHOWN],
            "errors_total": len(errors),
            "errors_hidden": max(len(errors) - ERRORS_SHOWN, 0),
            "rows_bad": batch.rows_total - batch.rows_ok,
            "languages": [("ko", "한국어"), ("en", "English")],
        },
    )


def _created_rows(batch: ImportBatch) -> list[dict[str, Any]]:
    """What the batch created, in upload order: company, first cluster and score, how robust
    the first place is, and the links to each assessment (at most CREATED_SHOWN rows)."""
    snapshot = get_snapshot()
    language = translation.get_language() or "ko"
    names = {c.code: c.name.get(language) for c in snapshot.clusters}
    rows = []
    for assessment in (
        Assessment.objects.filter(batch=batch)
        .order_by("batch_row", "pk")
        .only("pk", "token", "company_name", "top_cluster", "top_score", "result", "batch_row")
        [:CREATED_SHOWN]
    ):
        robustness = (assessment.result or {}).get("robustness") or {}
        rows.append({
            "pk": assessment.pk,
            "token": assessment.token,
            "row": assessment.batch_row,
            "company": assessment.company_name,
            "cluster": names.get(assessment.top_cluster, assessment.top_cluster),
            "score": assessment.top_score,
            "robustness": robustness.get("top_share"),
        })
    return rows


def _error_rows(errors: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    for e in errors:
        yield [e.get("row"), e.get("column", ""), e.get("value", ""), e.get("message", "")]


@staff_required
@require_GET
def batch_errors(request: HttpRequest, pk: int, kind: Kind) -> HttpResponse:
    batch = _batch(pk)
    header = [_("Row"), _("Column"), _("Value"), _("Reason")]
    rows = list(_error_rows(batch.errors or []))

    def build(out: Any) -> None:
        if kind == "xlsx":
            write_xlsx(out, [Table(_("Errors"), header, rows, widths=(8, 18, 30, 70))])
        else:
            write_csv_binary(out, header, rows)

    return _attachment(build, kind, f"batch-{batch.pk}-errors.{kind}")


def _export(
    request: HttpRequest, queryset: QuerySet[Assessment], kind: Kind, stem: str,
    *, upload_order: bool = False,
) -> FileResponse:
    language = export_language(request.GET.get("lang") or translation.get_language())
    snapshot = get_snapshot()
    rows = assessment_rows(
        queryset, snapshot=snapshot, language=language, link_for=_link_maker(request),
        upload_order=upload_order,
    )
    return _attachment(
        lambda out: write_export(out, kind, language, rows, snapshot), kind,
        export_filename(stem, kind, language),
    )


@staff_required
@require_GET
def batch_export(request: HttpRequest, pk: int, kind: Kind) -> HttpResponse:
    batch = _batch(pk)
    return _export(
        request, Assessment.objects.filter(batch=batch), kind, f"batch-{batch.pk}-results",
        upload_order=True,
    )


@staff_required
@require_GET
def dashboard_export(request: HttpRequest, kind: Kind) -> HttpResponse:
    """What the staff dashboard shows for the same query parameters, as a spreadsheet."""
    queryset = selectors.assessments_for_dashboard(request.GET)
    stem = f"assessments-{timezone.localdate():%Y%m%d}"
    return _export(request, queryset, kind, stem)


@staff_required
@require_GET
def template_download(request: HttpRequest, kind: Kind) -> HttpResponse:
    content = template_xlsx(get_snapshot()) if kind == "xlsx" else template_csv(get_snapshot())
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="intake-template.{kind}"'
    return response
