"""The figures import page: upload a table of city figures, see the diff, then apply it.

For knowledge-base editors (staff with the right to add and change city metrics). The
preview writes nothing; it hands the parsed rows, signed, to the apply step, which plans
them again against the database as it is then (clusters/figures.py) and writes in one
transaction. Signed rather than kept in the session so the step needs no server state,
and signed so the rows cannot be altered between preview and apply.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from advisor.web.views import staff_required
from clusters import figures

SALT = "advisor.figures-import"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview stays valid
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
PERMISSIONS = ("clusters.add_citymetric", "clusters.change_citymetric")


class FiguresUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Figures table (CSV)"),
        help_text=_("Columns: city, indicator, period, value, source (and optionally unit)."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than 2 MB."), code="too_large")
        return upload


def _editor(request: HttpRequest) -> None:
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied


@staff_required
@require_http_methods(["GET", "POST"])
def figures_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: the preview of the uploaded table (nothing written)."""
    _editor(request)
    form = FiguresUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = figures.read_rows(upload.read())
            except figures.FiguresFileError as error:
                form.add_error("file", str(error))
            else:
                context["plan"] = figures.plan_figures(rows)
                context["token"] = signing.dumps(
                    {"name": upload.name[:100], "rows": figures.rows_to_data(rows)},
                    salt=SALT, compress=True,
                )
                context["filename"] = upload.name
        if "plan" not in context:
            status = 400
    return render(request, "staff/figures_import.html", context, status=status)


@staff_required
@require_POST
def figures_apply(request: HttpRequest) -> HttpResponse:
    """Apply a previewed table: the changes, their history and one dataset-version bump."""
    _editor(request)
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=SALT,
                                max_age=PREVIEW_MAX_AGE)
        rows = figures.rows_from_data(payload["rows"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(request, gettext("The preview has expired or was altered. Upload the "
                                        "file again."))
        return redirect("staff-figures-import")
    reason = gettext("Figures import: %(file)s") % {"file": payload.get("name", "")}
    plan = figures.apply_figures(rows, user=request.user, reason=reason[:100])
    messages.success(
        request,
        gettext("%(changed)s figures written; %(problems)s rows skipped.")
        % {"changed": len(plan.changes), "problems": len(plan.problems)},
    )
    return redirect("staff-figures-import")
