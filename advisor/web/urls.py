"""Server-rendered pages: public ones (no login) and the staff workspace."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from advisor.web import figures, public, staff

urlpatterns = [
    # Public
    path("", public.home, name="home"),
    path("assess/", public.assess, name="assess"),
    path("r/<str:token>/", public.result, name="result"),
    path("r/<str:token>/consult/", public.consult, name="result-consult"),
    path("clusters/", public.cluster_list, name="cluster-list"),
    path("clusters/<slug:code>/", public.cluster_detail, name="cluster-detail"),
    path("cities/<slug:slug>/", public.city_detail, name="city-detail"),
    path("method/", public.method, name="method"),
    # Staff login (django-axes counts failures and locks a username+address pair out)
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True,
            extra_context={"axes_limit": settings.AXES_FAILURE_LIMIT},
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Staff workspace
    path("staff/", staff.dashboard, name="staff-dashboard"),
    path("staff/profile/", staff.profile, name="staff-profile"),
    path("staff/assessments/new/", staff.assessment_new, name="staff-assessment-new"),
    path("staff/assessments/<int:pk>/", staff.assessment_detail, name="staff-assessment"),
    path("staff/assessments/<int:pk>/whatif/", staff.whatif, name="staff-whatif"),
    path(
        "staff/assessments/<int:pk>/whatif/rank/", staff.whatif_rank, name="staff-whatif-rank"
    ),
    path(
        "staff/assessments/<int:pk>/whatif/save/", staff.whatif_save, name="staff-whatif-save"
    ),
    path("staff/assessments/<int:pk>/compare/", staff.compare, name="staff-compare"),
    path("staff/compare/", staff.compare_assessments, name="staff-compare-assessments"),
    path("staff/figures/", figures.figures_import, name="staff-figures-import"),
    path("staff/figures/apply/", figures.figures_apply, name="staff-figures-apply"),
    path(
        "staff/assessments/<int:pk>/decision/", staff.decision_create, name="staff-decision"
    ),
]
