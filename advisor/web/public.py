"""Public pages (no login): landing, self-assessment, the private result, cluster profiles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from advisor.access import assessment_for_token
from advisor.models import Assessment
from advisor.web import chinamap, kb, presenters
from advisor.web.forms import ConsultForm, IntakeForm
from advisor.web.services import lead_create
from advisor.web.validation import method_validation
from advisor.web.views import private, ratelimited, url_or_none
from clusters.models import Factor
from clusters.snapshot import get_snapshot

ViewFunc = Callable[..., HttpResponse]


def rate_limited(group: str, rate_setting: str) -> Callable[[ViewFunc], ViewFunc]:
    """Limit POSTs per client address to ``settings.<rate_setting>``, read per request
    (so tests and deployments can change it), answering with the polite 429 page."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and is_ratelimited(
                request,
                group=group,
                key="ip",
                rate=getattr(settings, rate_setting),
                method="POST",
                increment=True,
            ):
                return ratelimited(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def home(request: HttpRequest) -> HttpResponse:
    clusters = kb.cluster_overview()
    return render(
        request,
        "web/home.html",
        {
            "clusters": clusters,
            "map_points": chinamap.map_points(clusters),
            "map_paths": chinamap.OUTLINE_PATHS,
            "map_view_box": chinamap.VIEW_BOX,
        },
    )


@require_http_methods(["GET", "POST"])
@rate_limited("web-assess", "PUBLIC_ASSESS_RATE")
def assess(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST if request.method == "POST" else None, with_contact=True)
    if request.method == "POST" and form.is_valid():
        assessment = form.save(origin=Assessment.Origin.PUBLIC, user=None)
        return redirect("result", token=assessment.token)
    return render(request, "web/assess.html", {"form": form})


def _result_page(
    request: HttpRequest, assessment: Assessment, consult_form: ConsultForm, status: int = 200
) -> HttpResponse:
    names = presenters.factor_names()
    context = {
        "assessment": assessment,
        "consult_form": consult_form,
        "needs": presenters.needs_rows(assessment.intake, names),
        "sector_name": presenters.sector_name(assessment.sector),
        "brief_url": url_or_none("brief-token", assessment.token),
        # The brief in either language, whatever language the assessment was made in.
        "brief_languages": [("ko", "한국어"), ("en", "English")],
        **presenters.result_context(assessment.result, names, presenters.cluster_roles()),
    }
    return private(render(request, "web/result.html", context, status=status))


def result(request: HttpRequest, token: str) -> HttpResponse:
    """The private result: reachable only through its token, rendered from the stored
    ranking (never re-ranked, so it reads the same after the knowledge base changes)."""
    assessment = assessment_for_token(token)
    return _result_page(request, assessment, ConsultForm())


@require_POST
@rate_limited("web-consult", "PUBLIC_CONSULT_RATE")
def consult(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    form = ConsultForm(request.POST)
    if not form.is_valid():
        return _result_page(request, assessment, form, status=400)
    lead_create(assessment=assessment, **form.lead_fields())
    messages.success(
        request, gettext("Thank you. KIC China will contact you about a consultation.")
    )
    return private(redirect(reverse("result", args=[assessment.token]) + "#consult"))


def cluster_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/cluster_list.html", {"clusters": kb.cluster_overview()})


def cluster_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "web/cluster_detail.html", kb.cluster_page(code))


def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "web/city_detail.html", kb.city_page(slug))


def method(request: HttpRequest) -> HttpResponse:
    from advisor.engine import method as m

    # The page quotes the method's own parameters, so it cannot drift from the engine.
    numbers = {
        "primary": round(m.PRIMARY_SHARE * 100),
        "secondary": round(m.SECONDARY_SHARE * 100),
        "strength": round(m.STRENGTH_SHARE * 100),
        "specialisation": round(m.SPECIALISATION_SHARE * 100),
        "evidence": round(m.EVIDENCE_SHARE * 100),
        "keyword": round(m.KEYWORD_SHARE * 100),
        "lq_full": f"{m.LQ_FULL:g}",
        "need_default": m.NEED_DEFAULT,
        "sector_weight": round(m.SECTOR_WEIGHT * 100),
        "needs_weight": round(m.NEEDS_WEIGHT * 100),
        "samples": m.ROBUSTNESS_SAMPLES,
        "clear_margin": f"{m.CLEAR_MARGIN:g}",
        "clear_share": round(m.CLEAR_SHARE * 100),
        "caveat_need": m.CAVEAT_NEED,
        "caveat_score": m.CAVEAT_SCORE,
    }
    language = get_language() or "ko"
    snapshot_names = {c.code: c.name.with_zh(language) for c in get_snapshot().clusters}
    validation = method_validation()
    for row in validation["rows"]:
        row["answer_name"] = snapshot_names.get(row["answer"])
        row["accepted_names"] = [snapshot_names.get(code) or code for code in row["accepted"]]
    return render(
        request,
        "web/method.html",
        {"factors": kb.with_loc(Factor.objects.all()), "m": numbers,
         "version": m.METHOD_VERSION, "validation": validation,
         "cluster_count": len(snapshot_names)},
    )
