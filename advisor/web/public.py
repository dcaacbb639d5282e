"""Public pages (no login): landing, self-assessment, the private result, cluster profiles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from advisor.access import assessment_for_token
from advisor.models import Assessment, Lead
from advisor.web import chinamap, kb, presenters
from advisor.web.forms import ConsultForm, IntakeForm, intake_initial
from advisor.web.services import lead_create, lead_notify, lead_withdraw
from advisor.web.validation import method_validation
from advisor.web.views import private, ratelimited, url_or_none
from clusters.models import Factor
from clusters.snapshot import get_snapshot
from clusters.vocabulary import SECTORS

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
        lead = assessment.leads.first() if form.contact_given() else None
        if lead is not None:
            # Contact details in the intake are a request too: the KIC inbox hears of it.
            _notify(request, lead, send_copy=False)
        return redirect("result", token=assessment.token)
    return render(request, "web/assess.html", {"form": form})


def _notify(request: HttpRequest, lead: Lead, *, send_copy: bool) -> None:
    token = lead.assessment.token
    lead_notify(
        lead,
        result_url=request.build_absolute_uri(reverse("result", args=[token])),
        withdraw_url=request.build_absolute_uri(
            reverse("lead-withdraw", args=[token, lead.withdraw_token])
        ),
        send_copy=send_copy,
        language=get_language() or settings.LANGUAGE_CODE,
    )


def assess_again(request: HttpRequest, token: str) -> HttpResponse:
    """"Change my answers": the intake form prefilled from a stored result. It posts to
    :func:`assess` like any new assessment; the earlier result stays as it was."""
    assessment = assessment_for_token(token)
    form = IntakeForm(initial=intake_initial(assessment.intake), with_contact=True)
    return private(render(request, "web/assess.html", {"form": form, "again": assessment}))


# The session key that tells the result page to show the thank-you in place of the form.
CONSULT_SENT_KEY = "consult-sent"


def _result_page(
    request: HttpRequest, assessment: Assessment, consult_form: ConsultForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The result page; ``consult_form`` is the refused request to show again, or None
    for a fresh one prefilled from the intake's contact details."""
    names = presenters.factor_names()
    leads = list(assessment.leads.order_by("created_at"))
    if consult_form is None:
        consult_form = ConsultForm.prefilled(leads)
    context = {
        "assessment": assessment,
        "consult_form": consult_form,
        # Shown once, after the redirect that follows a successful request.
        "consult_sent": request.session.pop(CONSULT_SENT_KEY, None) == assessment.token,
        "leads": leads,
        "intake_rows": presenters.intake_rows(assessment.intake),
        "result_url": request.build_absolute_uri(reverse("result", args=[assessment.token])),
        "needs": presenters.needs_rows(assessment.intake, names),
        "sector_name": presenters.sector_name(assessment.sector),
        "brief_url": url_or_none("brief-token", assessment.token),
        # The brief in either language, whatever language the assessment was made in.
        "brief_languages": [("ko", "한국어"), ("en", "English")],
        **presenters.for_client(
            presenters.result_context(assessment.result, names, presenters.cluster_roles())
        ),
    }
    return private(render(request, "web/result.html", context, status=status))


def result(request: HttpRequest, token: str) -> HttpResponse:
    """The private result: reachable only through its token, rendered from the stored
    ranking (never re-ranked, so it reads the same after the knowledge base changes)."""
    assessment = assessment_for_token(token)
    return _result_page(request, assessment)


@require_POST
@rate_limited("web-consult", "PUBLIC_CONSULT_RATE")
def consult(request: HttpRequest, token: str) -> HttpResponse:
    """Store the request, mail the KIC inbox (and the person, if asked), then show the
    thank-you where the form was (the redirect lands on ``#consult``)."""
    assessment = assessment_for_token(token)
    form = ConsultForm(request.POST)
    if not form.is_valid():
        return _result_page(request, assessment, form, status=400)
    lead = lead_create(assessment=assessment, **form.lead_fields())
    _notify(request, lead, send_copy=bool(form.cleaned_data.get("send_copy")))
    request.session[CONSULT_SENT_KEY] = assessment.token
    return private(redirect(reverse("result", args=[assessment.token]) + "#consult"))


@require_http_methods(["GET", "POST"])
def lead_withdraw_view(request: HttpRequest, token: str, lead_token: str) -> HttpResponse:
    """Withdraw consent: GET asks to confirm (a link opened by a mail scanner deletes
    nothing), POST with CSRF deletes the contact data. Both keys are needed: the result's
    token and the request's own, and the request must belong to that result, so one
    person's link cannot delete another's data."""
    assessment = assessment_for_token(token)
    lead = Lead.objects.filter(assessment=assessment, withdraw_token=lead_token).first()
    if lead is None:
        raise Http404
    if request.method == "POST":
        lead_withdraw(lead)
        messages.success(
            request,
            gettext("Your consent is withdrawn and your contact details have been deleted."),
        )
        return private(redirect("result", token=assessment.token))
    return private(render(
        request, "web/lead_withdraw.html", {"assessment": assessment, "lead": lead}
    ))


def cluster_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/cluster_list.html", {"clusters": kb.cluster_overview()})


def _sectors_param(request: HttpRequest) -> list[str]:
    """``?sector=ai&sector=robotics``: the known sector codes among them (others ignored, as a
    filter of a public page they change nothing but the selection)."""
    return [code for code in request.GET.getlist("sector") if code in SECTORS]


def cluster_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request, "web/cluster_detail.html", kb.cluster_page(code, _sectors_param(request))
    )


def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "web/city_detail.html", kb.city_page(slug, _sectors_param(request)))


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
    snapshot = get_snapshot()
    snapshot_names = {c.code: c.name.with_zh(language) for c in snapshot.clusters}
    validation = method_validation()
    for row in validation["rows"]:
        row["answer_name"] = snapshot_names.get(row["answer"])
        city = snapshot.cities.get(row["city"] or "")
        row["city_name"] = city.name.with_zh(language) if city else row["city"]
        row["accepted_names"] = [snapshot_names.get(code) or code for code in row["accepted"]]
    return render(
        request,
        "web/method.html",
        {"factors": kb.with_loc(Factor.objects.all()), "m": numbers,
         "version": m.METHOD_VERSION, "validation": validation,
         "cluster_count": len(snapshot_names)},
    )
