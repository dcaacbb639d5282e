"""The staff workspace: dashboard, assessments for clients, what-if, compare, decisions.

Every view is behind :func:`staff_required`, and every assessment is fetched through
``advisor.access.assessment_for_staff``. Pages read the stored ranking; only the what-if
endpoint ranks again, with the same engine, and saves nothing until asked.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from advisor import selectors
from advisor.access import assessment_for_staff
from advisor.engine.explain import stage_label
from advisor.models import Assessment, BriefJob
from advisor.web import presenters
from advisor.web.forms import DecisionNoteForm, IntakeForm, ScenarioForm
from advisor.web.services import decision_note_create
from advisor.web.views import staff_required, url_or_none
from clusters.models import Cluster, Sector

PAGE_SIZE = 25
RECENT_LEADS = 10


class DashboardFilterForm(forms.Form):
    """Only renders the filters; :func:`advisor.selectors.assessments_for_dashboard`
    interprets them (and ignores malformed values) so the export can share it."""

    q = forms.CharField(label=_("Company"), required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    origin = forms.ChoiceField(
        label=_("Created through"), required=False,
        choices=[("", _("All")), *Assessment.Origin.choices],
    )
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    has_lead = forms.ChoiceField(
        label=_("Consultation request"), required=False,
        choices=[("", _("All")), ("yes", _("With request")), ("no", _("Without request"))],
    )

    def __init__(self, *args: Any, sectors: list[Sector], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("All")), *[(s.code, s.name) for s in sectors]]


def _cluster_names() -> dict[str, str]:
    return {c.code: c.name for c in Cluster.objects.all()}


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    sectors = list(Sector.objects.all())
    sector_names = {s.code: s.name for s in sectors}
    cluster_names = _cluster_names()
    filter_form = DashboardFilterForm(request.GET or None, sectors=sectors)
    page = Paginator(
        selectors.assessments_for_dashboard(request.GET), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.sector_name = sector_names.get(row.sector, row.sector)
        row.top_cluster_name = cluster_names.get(row.top_cluster, row.top_cluster)
    leads = list(selectors.leads_for_dashboard()[:RECENT_LEADS])
    export = url_or_none("batch-export")
    return render(
        request,
        "staff/dashboard.html",
        {
            "filter_form": filter_form,
            "page": page,
            "rows": rows,
            "leads": leads,
            "filtered": any(request.GET.get(p) for p in selectors.DASHBOARD_PARAMS),
            "export_url": (export + "?" + request.GET.urlencode()) if export else None,
            "batch_url": url_or_none("batch-upload") or url_or_none("batch-list"),
            "zip_url": url_or_none("brief-zip-create"),
            # One zip at a time per person: the button waits while one is being made.
            "running_zip": BriefJob.objects.filter(
                created_by=request.user,
                status__in=[BriefJob.Status.PENDING, BriefJob.Status.RUNNING],
            ).only("pk").first(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        assessment = form.save(origin=Assessment.Origin.STAFF, user=request.user)
        messages.success(request, gettext("Assessment saved."))
        return redirect("staff-assessment", pk=assessment.pk)
    return render(request, "staff/assessment_form.html", {"form": form})


def _get(request: HttpRequest, pk: int) -> Assessment:
    return assessment_for_staff(
        request.user,
        pk,
        queryset=Assessment.objects.select_related("created_by", "parent", "batch"),
    )


def _brief_links(assessment: Assessment) -> dict[str, str | None]:
    return {
        "brief_url": url_or_none("brief-staff", assessment.pk),
        "brief_url_en": url_or_none("brief-staff", assessment.pk, query="?lang=en"),
    }


def _detail_page(
    request: HttpRequest, assessment: Assessment, decision_form: DecisionNoteForm,
    status: int = 200,
) -> HttpResponse:
    names = presenters.factor_names()
    scenarios = list(assessment.scenarios.select_related("created_by").order_by("-created_at"))
    leads = list(assessment.leads.all())
    decisions = list(assessment.decisions.select_related("author"))
    cluster_names = _cluster_names()
    for decision in decisions:
        decision.cluster_name = cluster_names.get(decision.cluster, decision.cluster)
    for scenario in scenarios:
        scenario.top_cluster_name = cluster_names.get(scenario.top_cluster, scenario.top_cluster)
    # One history, newest first: the consultant reads what happened in order.
    history = sorted(
        chain(
            ({"kind": "scenario", "at": s.created_at, "obj": s} for s in scenarios),
            ({"kind": "lead", "at": lead.created_at, "obj": lead} for lead in leads),
            ({"kind": "decision", "at": d.created_at, "obj": d} for d in decisions),
            [{"kind": "created", "at": assessment.created_at, "obj": assessment}],
        ),
        key=lambda item: item["at"],
        reverse=True,
    )
    context = {
        "assessment": assessment,
        "scenarios": scenarios,
        "leads": leads,
        "decisions": decisions,
        "history": history,
        "decision_form": decision_form,
        "needs": presenters.needs_rows(assessment.intake, names),
        "result_url": request.build_absolute_uri(reverse("result", args=[assessment.token])),
        **_brief_links(assessment),
        "sector_name": presenters.sector_name(assessment.sector),
        "stage_label": stage_label(str(assessment.intake.get("stage") or "")),
        **presenters.result_context(assessment.result, names, presenters.cluster_roles()),
    }
    return render(request, "staff/assessment_detail.html", context, status=status)


@staff_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(request, pk)
    form = DecisionNoteForm(initial_cluster=assessment.top_cluster)
    return _detail_page(request, assessment, form)


@staff_required
@require_POST
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(request, pk)
    form = DecisionNoteForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, assessment, form, status=400)
    decision_note_create(
        assessment=assessment,
        cluster=form.cleaned_data["cluster"],
        city=form.cleaned_data.get("city") or "",
        note=form.cleaned_data["note"],
        author=request.user,
    )
    messages.success(request, gettext("Decision note saved."))
    return redirect(reverse("staff-assessment", args=[assessment.pk]) + "#history")


# What-if ---------------------------------------------------------------------------------


def _whatif_page(request: HttpRequest, assessment: Assessment, form: ScenarioForm,
                 status: int = 200) -> HttpResponse:
    names = presenters.factor_names()
    context = {
        "assessment": assessment,
        "form": form,
        **_whatif_result_context(assessment.result, assessment.result, names),
    }
    return render(request, "staff/whatif.html", context, status=status)


def _whatif_result_context(
    result: dict[str, Any], original: dict[str, Any], names: dict[str, str]
) -> dict[str, Any]:
    context = presenters.result_context(result, names)
    original_rank = {e.get("cluster"): e.get("rank") for e in original.get("ranking") or []}
    for entry in context["ranking"]:
        before = original_rank.get(entry.get("cluster"))
        entry["rank_before"] = before
        entry["rank_change"] = (before - entry["rank"]) if before and entry.get("rank") else None
    return context


@staff_required
def whatif(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(request, pk)
    return _whatif_page(request, assessment, ScenarioForm(base_intake=assessment.intake))


def _whatif_data(request: HttpRequest) -> QueryDict | dict[str, Any]:
    """The sliders as form fields; a JSON body in the intake's own shape is accepted too
    (``{"needs": {...}, "exclude": [...], "minimums": {...}}``) for scripts and tests."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        data: dict[str, Any] = {"exclude": body.get("exclude") or []}
        for code, value in (body.get("needs") or {}).items():
            data[f"need_{code}"] = str(value)
        for code, value in (body.get("minimums") or {}).items():
            data[f"min_{code}"] = "" if value is None else str(value)
        return data
    return request.POST


class _JsonData(dict):
    """A dict that answers ``getlist`` like a QueryDict, for the checkbox widgets."""

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        value = self.get(key, default if default is not None else [])
        return value if isinstance(value, list) else [value]


@staff_required
@require_POST
def whatif_rank(request: HttpRequest, pk: int) -> JsonResponse:
    """Rank the changed intake with the same engine and return the redrawn part of the page.

    Nothing is saved: the original assessment is only read.
    """
    from advisor.engine import rank

    assessment = _get(request, pk)
    data = _whatif_data(request)
    if not isinstance(data, QueryDict):  # (a QueryDict is a dict too)
        data = _JsonData(data)
    form = ScenarioForm(data, base_intake=assessment.intake)
    if not form.is_valid():
        errors = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    result = rank(form.intake, form.snapshot)
    names = presenters.factor_names()
    html = render_to_string(
        "staff/_whatif_result.html",
        _whatif_result_context(result, assessment.result, names),
        request=request,
    )
    return JsonResponse(
        {
            "ok": True,
            "html": html,
            "top": result["ranking"][0]["cluster"] if result.get("ranking") else None,
            "ranking": [
                {"cluster": e["cluster"], "rank": e["rank"], "score": e["score"]}
                for e in result.get("ranking") or []
            ],
            "excluded": [e["cluster"] for e in result.get("excluded") or []],
        }
    )


@staff_required
@require_POST
def whatif_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the what-if as a new assessment linked to the original (which stays as it was)."""
    from advisor.services import assessment_create

    assessment = _get(request, pk)
    form = ScenarioForm(request.POST, base_intake=assessment.intake)
    if not form.is_valid():
        return _whatif_page(request, assessment, form, status=400)
    scenario = assessment_create(
        intake=form.intake,
        origin=Assessment.Origin.STAFF,
        user=request.user,
        parent=assessment,
        snapshot=form.snapshot,
    )
    messages.success(request, gettext("Scenario saved. The original assessment is unchanged."))
    return redirect("staff-assessment", pk=scenario.pk)


# Compare ---------------------------------------------------------------------------------

COMPARE_MIN, COMPARE_MAX = 2, 3


@staff_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two or three clusters side by side, from the stored ranking."""
    assessment = _get(request, pk)
    names = presenters.factor_names()
    context = presenters.result_context(assessment.result, names)
    ranked = {e.get("cluster"): e for e in context["ranking"]}
    requested = list(dict.fromkeys(c for c in request.GET.getlist("c") if c in ranked))
    problem = ""
    if not request.GET.getlist("c"):
        chosen = [e.get("cluster") for e in context["ranking"][:COMPARE_MAX]]
    elif COMPARE_MIN <= len(requested) <= COMPARE_MAX:
        chosen = requested
    else:
        problem = gettext("Choose two or three of the ranked clusters.")
        chosen = requested[:COMPARE_MAX] or [e.get("cluster") for e in context["ranking"][:2]]
    entries = [ranked[c] for c in chosen]
    needs = assessment.intake.get("needs") or {}
    rows = []
    for code, name in names.items():
        cells = []
        for entry in entries:
            match = next((c for c in entry["contribution_rows"] if c["factor"] == code), None)
            cells.append(match)
        weight = next((c["weight_percent"] for c in cells if c), "–")
        rows.append({"factor": code, "name": name, "need": needs.get(code, "–"),
                     "weight_percent": weight, "cells": cells})
    return render(
        request,
        "staff/compare.html",
        {
            "assessment": assessment,
            "entries": entries,
            "rows": rows,
            "all_ranked": context["ranking"],
            "chosen": chosen,
            "problem": problem,
            "profile_chart": presenters.profile_svg(entries, names, needs),
        },
        status=400 if problem else 200,
    )
