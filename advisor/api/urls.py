"""/api/v1/: the knowledge base (public, read-only), assessments, the OpenAPI document.

Anything else under /api/v1/ answers a JSON 404 (the last route), not the site's HTML page.
"""

from csp.decorators import csp_replace
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from advisor.api import assessments, errors, health, views

DOCS_POLICY = {
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "worker-src": ["'self'", "blob:"],
}

router = SimpleRouter()
router.register("clusters", views.ClusterViewSet, basename="api-cluster")
router.register("cities", views.CityViewSet, basename="api-city")
router.register("sectors", views.SectorViewSet, basename="api-sector")
router.register("factors", views.FactorViewSet, basename="api-factor")
router.register("glossary", views.GlossaryViewSet, basename="api-glossary")

urlpatterns = [
    path("", include(router.urls)),
    path(
        "assessments/",
        assessments.AssessmentCollection.as_view(),
        name="api-assessments",
    ),
    path(
        "assessments/<str:token>/",
        assessments.AssessmentByToken.as_view(),
        name="api-assessment",
    ),
    path(
        "assessments/<str:token>/brief.pdf",
        assessments.AssessmentBriefByToken.as_view(),
        name="api-assessment-brief",
    ),
    path(
        "staff/assessments/<int:pk>/",
        assessments.StaffAssessmentDetail.as_view(),
        name="api-staff-assessment",
    ),
    path(
        "staff/assessments/<int:pk>/brief.pdf",
        assessments.StaffAssessmentBrief.as_view(),
        name="api-staff-assessment-brief",
    ),
    path("whatif/", assessments.WhatIf.as_view(), name="api-whatif"),
    path("health/", health.Health.as_view(), name="api-health"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs pages' own CSP: still no inline script (the split view serves Swagger UI's
    # start-up script as a file, Redoc starts from its tag), but the two libraries inject
    # <style> elements, draw icons from data: URLs and Redoc searches in a blob: worker.
    path(
        "docs/",
        csp_replace(DOCS_POLICY)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        csp_replace(DOCS_POLICY)(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    re_path(r"^", errors.not_found),
]
