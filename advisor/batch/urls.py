"""Spreadsheet batches, mounted at /staff/batches/ (see advisor/urls.py)."""

from django.urls import path, register_converter

from advisor.batch import views


class SheetKindConverter:
    """'xlsx' or 'csv': the two formats every download comes in."""

    regex = "xlsx|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SheetKindConverter, "sheetkind")

urlpatterns = [
    path("", views.batch_list, name="batch-list"),
    path("template.<sheetkind:kind>", views.template_download, name="batch-template"),
    # The dashboard links "batch-export" with its own filter parameters appended.
    path("export.xlsx", views.dashboard_export, {"kind": "xlsx"}, name="batch-export"),
    path("export.csv", views.dashboard_export, {"kind": "csv"}, name="batch-export-csv"),
    path("<int:pk>/", views.batch_detail, name="batch-detail"),
    path("<int:pk>/errors.<sheetkind:kind>", views.batch_errors, name="batch-errors"),
    path("<int:pk>/export.<sheetkind:kind>", views.batch_export, name="batch-results"),
]
