"""Assessments through the API: create, read by token, list and read by id (staff), what-if.

Two ways in, as everywhere in the project (advisor.access):

* ``/api/v1/assessments/<token>/`` — whoever holds the token (anonymous callers included);
* ``/api/v1/staff/assessments/<id>/`` — KIC staff, who share one workspace.

An id never opens the token route and a token never opens the staff route. The collection
``/api/v1/assessments/`` takes a POST from anyone (rate limited) and a GET from staff only.

Views are thin: the body goes through the engine's one ``parse_intake`` (IntakeSerializer),
then one service (``assessment_create``) or the pure ``rank`` for a what-if.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from advisor import access
from advisor.api import filters, schema
from advisor.api.base import APIMixin, request_language
from advisor.api.parsers import LimitedJSONParser
from advisor.api.permissions import IsStaff
from advisor.api.serializers import IntakeSerializer
from advisor.api.throttles import (
    AnonAssessThrottle,
    AnonThrottle,
    AnonWhatIfThrottle,
    UserThrottle,
)
from advisor.engine import rank
from advisor.engine.verdict import verdict
from advisor.models import Assessment
from advisor.services import assessment_create
from clusters.snapshot import get_snapshot

# --- bodies -------------------------------------------------------------------------------


def _links(request: Request, assessment: Assessment) -> dict[str, str]:
    token = assessment.token
    brief = reverse("api-assessment-brief", args=[token])
    return {
        "self": request.build_absolute_uri(reverse("api-assessment", args=[token])),
        "result_page": request.build_absolute_uri(reverse("result", args=[token])),
        "brief_pdf": request.build_absolute_uri(f"{brief}?lang={assessment.language}"),
    }


def _staff_links(request: Request, assessment: Assessment) -> dict[str, str]:
    return {
        **_links(request, assessment),
        "staff": request.build_absolute_uri(
            reverse("api-staff-assessment", args=[assessment.pk])
        ),
        "staff_page": request.build_absolute_uri(
            reverse("staff-assessment", args=[assessment.pk])
        ),
    }


def with_verdict(result: dict[str, Any], language: str) -> dict[str, Any]:
    """The ranking plus ``verdict`` (advisor.engine.verdict: the same words as the result
    page and the brief), worded in ``language``, the language the result was made in."""
    with translation.override(language):
        return {**result, "verdict": verdict(result).as_dict()}


def assessment_body(request: Request, assessment: Assessment) -> dict[str, Any]:
    """The stored ranking exactly as made (never re-ranked), plus the verdict, the token
    and links."""
    result = assessment.result or {}
    return {
        **with_verdict(result, str(result.get("language") or assessment.language)),
        "token": assessment.token,
        "company_name": assessment.company_name,
        "sector": assessment.sector,
        "created_at": assessment.created_at,
        "intake": assessment.intake,
        "links": _links(request, assessment),
    }


def staff_assessment_body(request: Request, assessment: Assessment) -> dict[str, Any]:
    return {
        **assessment_body(request, assessment),
        "id": assessment.pk,
        "origin": assessment.origin,
        "created_by": assessment.created_by.get_username() if assessment.created_by else None,
        "links": _staff_links(request, assessment),
    }


def assessment_summary(request: Request, assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "token": assessment.token,
        "company_name": assessment.company_name,
        "sector": assessment.sector,
        "origin": assessment.origin,
        "language": assessment.language,
        "top_cluster": assessment.top_cluster,
        "top_score": assessment.top_score,
        "dataset_version": assessment.dataset_version,
        "method_version": assessment.method_version,
        "created_at": assessment.created_at,
        "created_by": assessment.created_by.get_username() if assessment.created_by else None,
        "links": _staff_links(request, assessment),
    }


def _parse_intake(request: Request, snapshot: Any) -> Any:
    serializer = IntakeSerializer(data=request.data, snapshot=snapshot)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- views --------------------------------------------------------------------------------


class AssessmentCollection(APIMixin, generics.GenericAPIView):
    """POST: create an assessment (anyone). GET: list assessments (staff only)."""

    parser_classes = [LimitedJSONParser]
    filterset_class = filters.AssessmentFilter

    def get_permissions(self) -> list[Any]:
        return [IsStaff()] if self.request.method == "GET" else []

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST":
            return [AnonAssessThrottle(), UserThrottle()]
        return [AnonThrottle(), UserThrottle()]

    def get_queryset(self) -> QuerySet[Assessment]:
        # The list shows no intake or ranking: leave the two JSON columns in the database.
        return Assessment.objects.select_related("created_by").defer("intake", "result")

    @extend_schema(
        tags=["assessments"],
        summary="Assess a company / 기업 진출 평가 생성",
        description=(
            "Ranks every city cluster for the intake and saves the assessment. The answer is "
            "the ranking of DESIGN.md plus `token` and `links`: the token is the only key to "
            "this assessment for anyone but KIC staff, so keep it private. Anonymous calls are "
            "allowed and rate limited (API_ANON_ASSESS_RATE, per client address).\n\n"
            "순위와 함께 비공개 토큰과 링크를 돌려줍니다. 토큰은 비밀번호처럼 보관하세요."
        ),
        request=schema.IntakeDoc,
        examples=[*schema.INTAKE_EXAMPLES, *schema.ASSESSMENT_EXAMPLES],
        responses={201: schema.AssessmentDoc, **schema.WRITE_ERRORS},
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {}],
    )
    def post(self, request: Request) -> Response:
        snapshot = get_snapshot()
        intake = _parse_intake(request, snapshot)
        assessment = assessment_create(
            intake=intake,
            origin=Assessment.Origin.API,
            user=request.user if request.user.is_authenticated else None,
            snapshot=snapshot,
        )
        body = assessment_body(request, assessment)
        return Response(body, status=status.HTTP_201_CREATED,
                        headers={"Location": body["links"]["self"]})

    @extend_schema(
        tags=["staff"],
        summary="List assessments (staff) / 평가 목록 (직원 전용)",
        parameters=[schema.LANG_PARAMETER],
        responses={200: schema.AssessmentSummaryDoc(many=True), **schema.STAFF_ERRORS},
    )
    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = [assessment_summary(request, a) for a in page]  # type: ignore[union-attr]
        return self.get_paginated_response(rows)


class AssessmentByToken(APIMixin, APIView):
    @extend_schema(
        tags=["assessments"],
        summary="Read an assessment by its token / 토큰으로 평가 조회",
        description="The stored ranking, exactly as it was made (it is never re-ranked).",
        parameters=[schema.LANG_PARAMETER],
        responses={200: schema.AssessmentDoc, **schema.READ_ERRORS},
        examples=schema.ASSESSMENT_EXAMPLES,
    )
    def get(self, request: Request, token: str) -> Response:
        assessment = access.assessment_for_token(token)
        return Response(assessment_body(request, assessment))


class StaffAssessmentDetail(APIMixin, APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["staff"],
        summary="Read an assessment by id (staff) / ID로 평가 조회 (직원 전용)",
        parameters=[schema.LANG_PARAMETER],
        responses={200: schema.StaffAssessmentDoc, **schema.STAFF_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        queryset = Assessment.objects.select_related("created_by")
        assessment = access.assessment_for_staff(request.user, pk, queryset)
        return Response(staff_assessment_body(request, assessment))


class WhatIf(APIMixin, APIView):
    parser_classes = [LimitedJSONParser]
    throttle_classes = [AnonWhatIfThrottle, UserThrottle]

    @extend_schema(
        tags=["assessments"],
        summary="Re-rank an intake without saving / 저장 없이 다시 순위 매기기",
        description=(
            "The same ranking as an assessment, for trying other weights; nothing is saved and "
            "no token is made.\n\n가중치를 바꿔 보는 용도이며 저장되지 않습니다."
        ),
        request=schema.IntakeDoc,
        examples=[*schema.INTAKE_EXAMPLES, *schema.RANKING_EXAMPLES],
        responses={200: schema.RankingDoc, **schema.WRITE_ERRORS},
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {}],
    )
    def post(self, request: Request) -> Response:
        snapshot = get_snapshot()
        intake = _parse_intake(request, snapshot)
        return Response(with_verdict(rank(intake, snapshot), intake.language))


# --- the PDF brief ------------------------------------------------------------------------


class PDFRenderer(BaseRenderer):
    """Lets ``Accept: application/pdf`` through content negotiation; the PDF itself is sent as
    an HttpResponse and errors are always rendered as JSON (see ``BriefView``)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else b""


class BriefView(APIMixin, APIView):
    renderer_classes = [JSONRenderer, PDFRenderer]

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON even when the client asked for a PDF only.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def brief_response(self, request: Request, assessment: Assessment) -> FileResponse:
        # Imported here: the brief app pulls in WeasyPrint, which the rest of the API (and
        # its start-up) has no need for.
        from advisor.briefs.service import brief_filename, content_disposition, open_brief

        language = request_language(request) or assessment.language
        if language not in ("ko", "en"):
            language = "ko"
        response = FileResponse(open_brief(assessment, language), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(brief_filename(assessment, language))
        # A brief names a company and its plans: never cached by proxies, never indexed.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


_BRIEF_DOC = {
    "parameters": [schema.LANG_PARAMETER],
    "description": (
        "The PDF entry brief in Korean or English (`lang`; default: the intake's language), "
        "generated once and then served from storage.\n\n"
        "진출 브리프 PDF (lang=ko|en, 기본값은 입력 언어)."
    ),
}


class AssessmentBriefByToken(BriefView):
    @extend_schema(
        tags=["assessments"],
        summary="Download the PDF brief / PDF 브리프 내려받기",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **schema.READ_ERRORS},
        **_BRIEF_DOC,
    )
    def get(self, request: Request, token: str) -> FileResponse:
        return self.brief_response(request, access.assessment_for_token(token))


class StaffAssessmentBrief(BriefView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["staff"],
        summary="Download the PDF brief (staff) / PDF 브리프 (직원 전용)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **schema.STAFF_ERRORS},
        **_BRIEF_DOC,
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return self.brief_response(request, access.assessment_for_staff(request.user, pk))
