"""The OpenAPI description: shapes of bodies the views build as plain dicts, errors, examples.

These serializers are never used to produce a response (the ranking is returned exactly as
the engine made it and the assessment stored it); they describe it, so drf-spectacular can
publish it and schemathesis can check real responses against it. Examples come in Korean
and English, like the API's users.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from advisor.models import Assessment
from clusters.vocabulary import FACTORS

# --- the intake (request body) ------------------------------------------------------------


def _needs_fields() -> dict[str, serializers.Field]:
    return {
        code: serializers.IntegerField(min_value=0, max_value=5, required=False)
        for code in FACTORS
    }


NeedsDoc = type(
    "NeedsDoc",
    (serializers.Serializer,),
    {**_needs_fields(), "__doc__": "Importance of each factor, 0 (irrelevant) to 5 (decisive)."},
)


class IntakeDoc(serializers.Serializer):
    """The intake of DESIGN.md. The server validates it (stable error codes below); this
    description is a guide, the engine's validation is the rule."""

    company_name = serializers.CharField(max_length=200)
    sector = serializers.CharField(help_text="A sector code from GET /api/v1/sectors/ (e.g. ai).")
    secondary_sectors = serializers.ListField(child=serializers.CharField(), required=False)
    keywords = serializers.CharField(required=False, allow_blank=True,
                                     help_text="Free text in Korean, English or Chinese.")
    stage = serializers.CharField(required=False, help_text="e.g. startup, growth, enterprise")
    language = serializers.ChoiceField(choices=["ko", "en"], required=False)
    needs = NeedsDoc(required=False)
    exclude = serializers.ListField(child=serializers.CharField(), required=False,
                                    help_text="Cluster codes to leave out.")
    minimums = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=100),
                                     required=False,
                                     help_text="Factor code -> minimum cluster score (0–100).")


# --- the ranking (response) ---------------------------------------------------------------


class ContributionDoc(serializers.Serializer):
    factor = serializers.CharField()
    points = serializers.FloatField()
    weight = serializers.FloatField()
    factor_score = serializers.FloatField(allow_null=True)
    basis = serializers.ChoiceField(
        choices=["sector", "capped", "general"], required=False,
        help_text="How factor_score was judged for the company's sector: sector-specific "
                  "evidence, the general score capped by the sector's strength, or the "
                  "general score (method 2026.12-1 on).")


class TextsDoc(serializers.Serializer):
    ko = serializers.CharField()
    en = serializers.CharField()


class RankedCityDoc(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField(help_text="In the intake's language.")
    reason_i18n = TextsDoc(required=False, help_text="The reason in Korean and English.")
    sector = serializers.CharField(allow_null=True)
    source = serializers.CharField(allow_null=True, allow_blank=True)
    specialty = serializers.CharField(allow_null=True, required=False,
                                      help_text="The specialty that is the evidence.")


class CoreCityDoc(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class NamesDoc(serializers.Serializer):
    ko = serializers.CharField()
    en = serializers.CharField()
    zh = serializers.CharField(allow_blank=True)


class RankedClusterDoc(serializers.Serializer):
    rank = serializers.IntegerField(min_value=1)
    cluster = serializers.CharField()
    name = serializers.CharField()
    names = NamesDoc()
    score = serializers.FloatField(min_value=0, max_value=100)
    sector_fit = serializers.FloatField(min_value=0, max_value=100)
    needs_fit = serializers.FloatField(min_value=0, max_value=100)
    contributions = ContributionDoc(many=True)
    cities = RankedCityDoc(
        many=True, help_text="Cities recommended on evidence: a sourced specialty in the "
                             "company's sector or one matching its keywords. May be empty.")
    core_cities = CoreCityDoc(
        many=True, required=False,
        help_text="Only when no city has evidence: the core cities, for orientation only.")
    city_note = serializers.CharField(required=False,
                                      help_text="Why no city is recommended, when none is.")
    caveats = serializers.ListField(child=serializers.CharField())
    caveats_i18n = TextsDoc(many=True, required=False,
                            help_text="The caveats in Korean and English, in the same order.")


class ExcludedDoc(serializers.Serializer):
    cluster = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.CharField()
    reason_i18n = TextsDoc(required=False)


class FlipDoc(serializers.Serializer):
    factor = serializers.CharField()
    from_weight = serializers.FloatField()
    to_weight = serializers.FloatField()


class RobustnessDoc(serializers.Serializer):
    top_share = serializers.FloatField(min_value=0, max_value=1, allow_null=True)
    shares = serializers.DictField(child=serializers.FloatField())
    samples = serializers.IntegerField()
    seed = serializers.IntegerField()
    margin = serializers.FloatField(allow_null=True)
    clear_winner = serializers.BooleanField()
    runner_up = serializers.CharField(allow_null=True)
    flip = FlipDoc(allow_null=True)


class VerdictDoc(serializers.Serializer):
    """How certain the first place is (docs/METHODOLOGY.md §7), worded as on the result
    page and in the brief, in the result's language."""

    code = serializers.ChoiceField(
        choices=["clear_winner", "no_clear_winner", "only_cluster", "no_cluster"])
    clear_winner = serializers.BooleanField()
    percent = serializers.IntegerField(allow_null=True, help_text="top_share in % (half up)")
    margin = serializers.FloatField(allow_null=True, help_text="Lead over the runner-up, points")
    label = serializers.CharField()
    sentence = serializers.CharField()


class RankingDoc(serializers.Serializer):
    """The ranking JSON of DESIGN.md: every cluster is in ``ranking`` or ``excluded``."""

    ranking = RankedClusterDoc(many=True)
    excluded = ExcludedDoc(many=True)
    robustness = RobustnessDoc()
    verdict = VerdictDoc()
    language = serializers.CharField()
    dataset_version = serializers.CharField()
    method_version = serializers.CharField()


class AssessmentLinksDoc(serializers.Serializer):
    self = serializers.URLField(help_text="This assessment in the API (keep it private).")
    result_page = serializers.URLField(help_text="The result page for people.")
    brief_pdf = serializers.URLField(help_text="The PDF entry brief (?lang=ko|en).")


class AssessmentDoc(RankingDoc):
    """An assessment as its token holder sees it: the ranking it produced, its token and links.

    The token is the only key to an anonymous assessment: keep it like a password."""

    token = serializers.CharField()
    company_name = serializers.CharField()
    sector = serializers.CharField()
    created_at = serializers.DateTimeField()
    intake = serializers.DictField(help_text="The validated intake it was made from.")
    links = AssessmentLinksDoc()


class StaffAssessmentDoc(AssessmentDoc):
    id = serializers.IntegerField()
    origin = serializers.ChoiceField(choices=Assessment.Origin.choices)
    created_by = serializers.CharField(allow_null=True, help_text="Username, or null.")


class StaffLinksDoc(AssessmentLinksDoc):
    staff = serializers.URLField(help_text="This assessment in the API, by id (staff only).")
    staff_page = serializers.URLField(help_text="The staff workspace page.")


class AssessmentSummaryDoc(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField()
    company_name = serializers.CharField()
    sector = serializers.CharField()
    origin = serializers.ChoiceField(choices=Assessment.Origin.choices)
    language = serializers.CharField()
    top_cluster = serializers.CharField(allow_blank=True)
    top_score = serializers.FloatField(allow_null=True)
    dataset_version = serializers.CharField()
    method_version = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)
    links = StaffLinksDoc()


HEALTH_STATES = [("ok", "ok"), ("degraded", "degraded"), ("error", "error")]


class HealthDoc(serializers.Serializer):
    status = serializers.ChoiceField(choices=HEALTH_STATES)
    database = serializers.ChoiceField(choices=HEALTH_STATES)
    cache = serializers.ChoiceField(choices=HEALTH_STATES)


# --- errors -------------------------------------------------------------------------------


class FieldErrorDoc(serializers.Serializer):
    code = serializers.CharField(help_text="Stable English slug, e.g. unknown_sector.")
    message = serializers.CharField(help_text="In the request's language.")


class ValidationErrorDoc(serializers.Serializer):
    code = serializers.ChoiceField(choices=["invalid"])
    errors = serializers.DictField(
        child=FieldErrorDoc(many=True),
        help_text="Field name (dotted when nested: needs.talent) -> errors; "
        "non_field_errors for the whole body.",
    )


class BadRequestDoc(serializers.Serializer):
    """A 400: field errors (code ``invalid``), or a body that is not JSON (``parse_error``)."""

    code = serializers.CharField(help_text="invalid | parse_error")
    errors = serializers.DictField(child=FieldErrorDoc(many=True), required=False,
                                   help_text="With code invalid: field -> errors.")
    detail = serializers.CharField(required=False, help_text="With code parse_error.")


class ErrorDoc(serializers.Serializer):
    code = serializers.CharField(help_text="Stable English slug, e.g. not_found, throttled.")
    detail = serializers.CharField(help_text="In the request's language.")


class ThrottledDoc(ErrorDoc):
    wait = serializers.IntegerField(allow_null=True, help_text="Seconds until a retry may pass.")


# --- examples -----------------------------------------------------------------------------

INTAKE_KO = {
    "company_name": "소리랩스",
    "sector": "ai",
    "secondary_sectors": ["robotics"],
    "keywords": "음성인식, 스마트 스피커",
    "stage": "startup",
    "language": "ko",
    "needs": {"research": 4, "manufacturing": 0, "market": 3, "capital": 2, "cost": 2,
              "talent": 5, "policy": 2, "openness": 1, "pilot": 1},
    "exclude": ["west_hub"],
    "minimums": {"cost": 40},
}
INTAKE_EN = {
    "company_name": "Sori Labs",
    "sector": "batteries",
    "keywords": "solid-state electrolyte, cathode",
    "stage": "growth",
    "language": "en",
    "needs": {"research": 3, "manufacturing": 5, "market": 2, "capital": 3, "cost": 4,
              "talent": 3, "policy": 3, "openness": 2, "pilot": 4},
}

INTAKE_EXAMPLES = [
    OpenApiExample("한국어 입력 (Korean intake)", value=INTAKE_KO, request_only=True),
    OpenApiExample("English intake", value=INTAKE_EN, request_only=True),
]


def _ranking_example(language: str) -> dict[str, Any]:
    ko = language == "ko"
    return {
        "ranking": [
            {
                "rank": 1,
                "cluster": "yrd",
                "name": "창장삼각주 (长三角)" if ko else "Yangtze River Delta (长三角)",
                "names": {"ko": "창장삼각주", "en": "Yangtze River Delta", "zh": "长三角"},
                "score": 81.4, "sector_fit": 90.0, "needs_fit": 74.2,
                "contributions": [
                    {"factor": "talent", "points": 18.1, "weight": 0.25, "factor_score": 90},
                ],
                "cities": [{
                    "slug": "hefei",
                    "name": "허페이 (合肥)" if ko else "Hefei (合肥)",
                    "reason": "음성인식 산업 기반" if ko
                    else "Home of a speech-recognition cluster",
                    "sector": "ai", "source": "kic-newsletter-403",
                }],
                "caveats": ["사무실 임대료가 높음" if ko else "Office rents are high"],
            }
        ],
        "excluded": [{
            "cluster": "west_hub",
            "name": "서부 허브" if ko else "Western hub",
            "reason": "제외 요청" if ko else "Excluded on request",
        }],
        "robustness": {"top_share": 0.86, "shares": {"yrd": 0.86, "gba": 0.14},
                       "samples": 400, "seed": 20261121, "margin": 3.2,
                       "clear_winner": True, "runner_up": "gba", "flip": None},
        "verdict": {
            "code": "clear_winner", "clear_winner": True, "percent": 86, "margin": 3.2,
            "label": "뚜렷한 1위" if ko else "Clear winner",
            "sentence": (
                "타당한 중요도 조합의 86%에서 1위이며 2위보다 3.2점 앞서는 뚜렷한 1위입니다."
                if ko else "It comes first in 86% of plausible weightings of the needs and "
                "leads the runner-up by 3.2 points: a clear winner."),
        },
        "language": language,
        "dataset_version": "kb-0123456789ab",
        "method_version": "2026.11-2",
    }


def _assessment_example(language: str) -> dict[str, Any]:
    token = "q3Jx0m8…(43 characters)"  # noqa: S105 (an illustration, not a secret)
    base = "https://advisor.example.org"
    return {
        **_ranking_example(language),
        "token": token,
        "company_name": INTAKE_KO["company_name"] if language == "ko" else "Sori Labs",
        "sector": "ai",
        "created_at": "2026-11-21T10:00:00+09:00",
        "intake": INTAKE_KO if language == "ko" else INTAKE_EN,
        "links": {
            "self": f"{base}/api/v1/assessments/{token}/",
            "result_page": f"{base}/r/{token}/",
            "brief_pdf": f"{base}/api/v1/assessments/{token}/brief.pdf?lang={language}",
        },
    }


RANKING_EXAMPLES = [
    OpenApiExample("한국어 순위 (Korean ranking)", value=_ranking_example("ko"),
                   response_only=True),
    OpenApiExample("English ranking", value=_ranking_example("en"), response_only=True),
]
ASSESSMENT_EXAMPLES = [
    OpenApiExample("한국어 평가 (Korean assessment)", value=_assessment_example("ko"),
                   response_only=True),
    OpenApiExample("English assessment", value=_assessment_example("en"), response_only=True),
]


def _error(status: int, code: str, ko: str, en: str, doc: Any = ErrorDoc,
           extra: dict[str, Any] | None = None) -> OpenApiResponse:
    return OpenApiResponse(
        response=doc,
        description=en,
        examples=[
            OpenApiExample(f"{status} 한국어", value={"code": code, "detail": ko, **(extra or {})},
                           response_only=True, status_codes=[str(status)]),
            OpenApiExample(f"{status} English", value={"code": code, "detail": en,
                                                       **(extra or {})},
                           response_only=True, status_codes=[str(status)]),
        ],
    )


INVALID_INTAKE = OpenApiResponse(
    response=BadRequestDoc,
    description="The body is not a valid intake; every field error has a stable code.",
    examples=[
        OpenApiExample("400 한국어", status_codes=["400"], response_only=True, value={
            "code": "invalid",
            "errors": {
                "sector": [{"code": "unknown_sector",
                            "message": "알 수 없는 업종입니다: spaceships"}],
                "needs.talent": [{"code": "out_of_range",
                                  "message": "0에서 5 사이의 값이어야 합니다."}],
            },
        }),
        OpenApiExample("400 English", status_codes=["400"], response_only=True, value={
            "code": "invalid",
            "errors": {
                "sector": [{"code": "unknown_sector", "message": "Unknown sector: spaceships"}],
                "needs.talent": [{"code": "out_of_range",
                                  "message": "Must be between 0 and 5."}],
            },
        }),
        OpenApiExample("400 malformed JSON", status_codes=["400"], response_only=True, value={
            "code": "parse_error", "detail": "JSON parse error - Expecting value",
        }),
    ],
)
NOT_FOUND = _error(404, "not_found", "찾을 수 없습니다.", "Not found.")
NOT_AUTHENTICATED = _error(401, "not_authenticated", "인증 정보가 제공되지 않았습니다.",
                           "Authentication credentials were not provided.")
STAFF_ONLY = _error(403, "staff_only", "KIC 직원만 사용할 수 있습니다.",
                    "Only KIC staff may use this endpoint.")
THROTTLED = _error(429, "throttled", "요청이 너무 많습니다. 60초 후에 다시 시도하세요.",
                   "Too many requests. Try again in 60 seconds.", ThrottledDoc, {"wait": 60})
TOO_LARGE = _error(413, "too_large", "요청 본문이 너무 큽니다.",
                   "The request body is too large.")
UNSUPPORTED = _error(415, "unsupported_media_type",
                     "지원하지 않는 형식입니다: 본문을 application/json으로 보내세요.",
                     "Unsupported media type: send the body as application/json.")
NOT_ACCEPTABLE = _error(406, "not_acceptable", "이 형식으로는 응답할 수 없습니다.",
                        "This response is not available in that format.")

LANG_PARAMETER = OpenApiParameter(
    "lang", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["ko", "en"], required=False,
    description="Language of messages and texts (overrides Accept-Language). 한국어: ko.",
)

BAD_TOKEN = _error(401, "authentication_failed", "잘못된 인증 정보입니다.",
                   "Incorrect authentication credentials.")
CSRF_FAILED = _error(403, "permission_denied",
                     "CSRF 검증에 실패했습니다: 로그인한 세션에는 X-CSRFToken이 필요합니다.",
                     "CSRF Failed: a logged-in session needs the X-CSRFToken header.")
BAD_FILTER = OpenApiResponse(
    response=BadRequestDoc,
    description="A query parameter has an invalid value.",
    examples=[
        OpenApiExample("400 한국어", status_codes=["400"], response_only=True, value={
            "code": "invalid",
            "errors": {"date_from": [{"code": "invalid", "message": "올바른 날짜를 입력하세요."}]},
        }),
        OpenApiExample("400 English", status_codes=["400"], response_only=True, value={
            "code": "invalid",
            "errors": {"date_from": [{"code": "invalid", "message": "Enter a valid date."}]},
        }),
    ],
)

# A wrong API token is refused everywhere (401), even on public endpoints, rather than
# silently treated as anonymous: a client with a broken key should find out.
READ_ERRORS = {401: BAD_TOKEN, 404: NOT_FOUND, 429: THROTTLED}
LIST_ERRORS = {400: BAD_FILTER, **READ_ERRORS}
WRITE_ERRORS = {
    400: INVALID_INTAKE,
    401: BAD_TOKEN,
    403: CSRF_FAILED,
    413: TOO_LARGE,
    415: UNSUPPORTED,
    429: THROTTLED,
}
STAFF_ERRORS = {400: BAD_FILTER, 401: NOT_AUTHENTICATED, 403: STAFF_ONLY, 404: NOT_FOUND,
                429: THROTTLED}
