"""URLconf of bench/load.py's server: the whole app, plus the floor's minimal views.

Each minimal view does the database reads and writes of the real endpoint it stands beside,
with Django used plainly and nothing of the app around them (no form, no engine, no
template, no serializer): what the same request costs when the app adds nothing. Both sides
go through the same middleware stack (sessions, CSRF, locale, security headers) and the
same gunicorn workers. The floor's assessment rows are copies of a template row, so they
write the same JSON columns the real create writes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from advisor.models import Assessment, BriefFile

# The columns an assessment create writes (the token and dates take their defaults).
_COPIED = ("origin", "company_name", "sector", "language", "top_cluster", "top_score",
           "intake", "result", "dataset_version", "method_version")


def _copy_template(origin: str) -> Assessment:
    # The template row is the first assessment (bench/load.py makes it before the server
    # starts); reading it is the floor's stand-in for the engine's read of the snapshot.
    template = Assessment.objects.only(*_COPIED).order_by("pk").first()
    if template is None:
        raise Http404
    fields: dict[str, Any] = {name: getattr(template, name) for name in _COPIED}
    fields["origin"] = origin
    with transaction.atomic():
        return Assessment.objects.create(**fields)


@require_POST
def floor_form(request: HttpRequest) -> HttpResponse:
    """The public form's POST: the rate-limit counter, the insert, the redirect."""
    if is_ratelimited(request, group="web-assess", key="ip",
                      rate=settings.PUBLIC_ASSESS_RATE, method="POST", increment=True):
        return HttpResponse(status=429)
    assessment = _copy_template(Assessment.Origin.PUBLIC)
    return redirect(f"/r/{assessment.token}/")


@csrf_exempt  # as DRF's APIView.as_view() makes the real endpoint
@require_POST
def floor_api_create(request: HttpRequest) -> JsonResponse:
    """The API create: a throttle history read and written in the cache (as DRF's
    SimpleRateThrottle does), the insert, the stored result as JSON with status 201."""
    key = f"bench-throttle-{request.META.get('REMOTE_ADDR')}"
    history = cache.get(key, [])
    cache.set(key, [*history[-50:], 1], 3600)
    assessment = _copy_template(Assessment.Origin.API)
    return JsonResponse({"token": assessment.token, **assessment.result}, status=201)


@require_GET
def floor_result(request: HttpRequest, token: str) -> HttpResponse:
    """The result page: the assessment by its token, its stored result returned as is."""
    assessment = Assessment.objects.filter(token=token).only("result").first()
    if assessment is None:
        raise Http404
    return JsonResponse(assessment.result)


@require_GET
def floor_brief(request: HttpRequest, token: str) -> FileResponse:
    """A stored brief's download: its storage name by the token, the file sent as is."""
    name = (BriefFile.objects.filter(assessment__token=token)
            .values_list("file", flat=True).first())
    if not name:
        raise Http404
    return FileResponse(default_storage.open(name, "rb"), content_type="application/pdf")


urlpatterns = [
    path("bench/floor/assess/", floor_form),
    path("bench/floor/api/assessments/", floor_api_create),
    path("bench/floor/r/<str:token>/", floor_result),
    path("bench/floor/r/<str:token>/brief.pdf", floor_brief),
    path("", include("advisor.urls")),
]
