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
from advisor.models import Assessment, BriefJob, StaffProfile
from advisor.web import comparison, presenters
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


def _place_labels(snapshot: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(cluster code -> "서부 연산·그린에너지 허브 (西部算力)", city slug -> "선전 (深圳)")
    in the page's language, from the cached snapshot (no query), so staff pages never show
    a bare code."""
    lang = presenters.page_language()
    clusters = {c.code: c.name.with_zh(lang) for c in snapshot.clusters}
    cities = {slug: c.name.with_zh(lang) for slug, c in snapshot.cities.items()}
    return clusters, cities


def knockout_lines(
    intake: dict[str, Any], clusters: dict[str, str], factors: dict[str, str]
) -> dict[str, Any]:
    """The intake's knock-outs in words: ``{"exclude": [names], "minimums": [(factor name,
    minimum 0–100)]}``; unknown codes are shown as they are rather than dropped."""
    minimums = intake.get("minimums") or {}
    return {
        "exclude": [clusters.get(code, code) for code in intake.get("exclude") or []],
        "minimums": [(factors.get(code, code), value) for code, value in minimums.items()
                     if value is not None],
    }


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
            "compare_url": reverse("staff-compare-assessments"),
        },
    )


class ScenarioSaveForm(ScenarioForm):
    """The what-if form with the scenario's name, asked for only when saving it."""

    scenario_name = forms.CharField(
        label=_("Scenario name"), max_length=80,
        help_text=_("A short label you will recognise later, e.g. “cost first”."),
    )

    def clean_scenario_name(self) -> str:
        return " ".join(self.cleaned_data["scenario_name"].split())


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
    from clusters.snapshot import get_snapshot

    names = presenters.factor_names()
    scenarios = list(assessment.scenarios.select_related("created_by").order_by("-created_at"))
    leads = list(assessment.leads.all())
    decisions = list(assessment.decisions.select_related("author"))
    cluster_names, city_names = _place_labels(get_snapshot())
    for decision in decisions:
        decision.cluster_name = cluster_names.get(decision.cluster, decision.cluster)
        decision.city_name = city_names.get(decision.city, decision.city)
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
        "knockouts": knockout_lines(assessment.intake, cluster_names, names),
        "result_url": request.build_absolute_uri(reverse("result", args=[assessment.token])),
        **_brief_links(assessment),
        "sector_name": presenters.sector_name(assessment.sector),
        "stage_label": stage_label(str(assessment.intake.get("stage") or "")),
        **presenters.result_context(assessment.result, names, presenters.cluster_roles(),
                                    client=False),
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


def _whatif_page(request: HttpRequest, assessment: Assessment, form: ScenarioSaveForm,
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
    """The ranking of ``result`` with, per entry, ``rank_before``/``score_before`` in
    ``original`` and ``rank_change`` (places gained, positive = up) and ``score_change``
    (points, ``result`` minus ``original``, one decimal); None where the cluster was not
    ranked in ``original``."""
    context = presenters.result_context(result, names)
    before_by_code = {e.get("cluster"): e for e in original.get("ranking") or []}
    for entry in context["ranking"]:
        before = before_by_code.get(entry.get("cluster")) or {}
        rank_before, score_before = before.get("rank"), before.get("score")
        entry["rank_before"] = rank_before
        entry["score_before"] = score_before
        entry["rank_change"] = (
            (rank_before - entry["rank"]) if rank_before and entry.get("rank") else None
        )
        entry["score_change"] = (
            round(float(entry["score"]) - float(score_before), 1)
            if score_before is not None and entry.get("score") is not None else None
        )
    return context


@staff_required
def whatif(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get(request, pk)
    return _whatif_page(request, assessment, ScenarioSaveForm(base_intake=assessment.intake))


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
    context = _whatif_result_context(result, assessment.result, names)
    html = render_to_string("staff/_whatif_result.html", context, request=request)
    return JsonResponse(
        {
            "ok": True,
            "html": html,
            "top": result["ranking"][0]["cluster"] if result.get("ranking") else None,
            "ranking": [
                {"cluster": e["cluster"], "rank": e["rank"], "score": e["score"],
                 "score_change": e["score_change"], "rank_change": e["rank_change"]}
                for e in context["ranking"]
            ],
            "excluded": [e["cluster"] for e in result.get("excluded") or []],
        }
    )


@staff_required
@require_POST
def whatif_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the what-if, under the name the consultant gave it, as a new assessment linked
    to the original (which stays as it was)."""
    from advisor.services import assessment_create

    assessment = _get(request, pk)
    form = ScenarioSaveForm(request.POST, base_intake=assessment.intake)
    if not form.is_valid():
        return _whatif_page(request, assessment, form, status=400)
    scenario = assessment_create(
        intake=form.intake,
        origin=Assessment.Origin.STAFF,
        user=request.user,
        parent=assessment,
        snapshot=form.snapshot,
        scenario_name=form.cleaned_data["scenario_name"],
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


# The consultant's signature -------------------------------------------------------------


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["name_ko", "name_en", "title_ko", "title_en"]


@staff_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in consultant's name and title as briefs print them under a decision
    note (their own profile only: there is no other user's profile to reach)."""
    instance, _created = StaffProfile.objects.get_or_create(user=request.user)
    form = StaffProfileForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, gettext("Your signature is saved."))
            return redirect("staff-profile")
        return render(request, "staff/profile.html", {"form": form}, status=400)
    return render(request, "staff/profile.html", {"form": form})


# Compare two assessments -------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def compare_assessments(request: HttpRequest) -> HttpResponse:
    """Two assessments side by side (``?a=<id>&b=<id>``): a scenario beside its original,
    or one client beside another. The dashboard posts the two ticked rows here (a POST
    because they share the bulk-zip form, whose CSRF token must stay out of addresses) and
    is sent on to the GET address, which can be bookmarked and reloaded. Both are fetched
    through the staff ownership helper: anyone else gets a 404."""
    if request.method == "POST":
        chosen = list(dict.fromkeys(request.POST.getlist("assessment")))
        if len(chosen) != 2 or not all(c.isdigit() for c in chosen):
            messages.error(request, gettext("Select exactly two assessments to compare."))
            return redirect("staff-dashboard")
        return redirect(reverse("staff-compare-assessments") + f"?a={chosen[0]}&b={chosen[1]}")
    from clusters.snapshot import get_snapshot

    first, second = _get(request, request.GET.get("a", "")), _get(request, request.GET.get("b", ""))
    # A scenario is read against its original whichever order the boxes were ticked in.
    if first.parent_id == second.pk:
        first, second = second, first
    snapshot = get_snapshot()
    lang = presenters.page_language()
    factor_names = {f.code: f.name.get(lang) for f in snapshot.factors}
    sector_names = {s.code: s.name.get(lang) for s in snapshot.sectors}
    cluster_names, _cities = _place_labels(snapshot)

    def sectors_text(intake: dict[str, Any]) -> str:
        return ", ".join(sector_names.get(c, c) for c in intake.get("secondary_sectors") or [])

    a_in, b_in = first.intake, second.intake
    a_knock = comparison.knockout_text(a_in, cluster_names, factor_names)
    b_knock = comparison.knockout_text(b_in, cluster_names, factor_names)
    profile = [
        (gettext("Sector"), sector_names.get(first.sector, first.sector),
         sector_names.get(second.sector, second.sector)),
        (gettext("Secondary sectors"), sectors_text(a_in), sectors_text(b_in)),
        (gettext("Keywords"), str(a_in.get("keywords") or ""), str(b_in.get("keywords") or "")),
        (gettext("Stage"), stage_label(str(a_in.get("stage") or "")),
         stage_label(str(b_in.get("stage") or ""))),
        (gettext("Left out"), a_knock[0], b_knock[0]),
        (gettext("Minimums"), a_knock[1], b_knock[1]),
    ]
    return render(
        request,
        "staff/compare_assessments.html",
        {
            "a": first,
            "b": second,
            "is_scenario_pair": second.parent_id == first.pk,
            "rows": comparison.ranking_rows(first.result, second.result),
            "needs": comparison.need_rows(a_in, b_in, factor_names),
            "profile": [
                {"label": label, "a": va or "–", "b": vb or "–", "differs": va != vb}
                for label, va, vb in profile
            ],
        },
    )
