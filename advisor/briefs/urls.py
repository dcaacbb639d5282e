"""Brief downloads and zip jobs; included at the site root by advisor/urls.py."""

from django.urls import path

from advisor.briefs import views

urlpatterns = [
    path("r/<str:token>/brief.pdf", views.token_brief, name="brief-token"),
    path("staff/assessments/<int:pk>/brief.pdf", views.staff_brief, name="brief-staff"),
    path("staff/briefs/zip/", views.zip_create, name="brief-zip-create"),
    path("staff/briefs/jobs/<int:pk>/", views.job_detail, name="brief-job"),
    path("staff/briefs/jobs/<int:pk>/status", views.job_status, name="brief-job-status"),
    path("staff/briefs/jobs/<int:pk>/download", views.job_download, name="brief-job-download"),
]
