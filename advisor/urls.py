from django.contrib import admin
from django.urls import include, path, re_path

from advisor.api.errors import not_found as api_not_found

# A database outage raised outside a view answers 503, anything else the site's 500 page.
handler500 = "advisor.outage.server_error"

# Generated briefs and uploads are never served as public media: only through views that
# check the token or the staff login.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("advisor.api.urls")),
    # Other API versions or typos under /api/ get a JSON 404 too, never the HTML page.
    re_path(r"^api/", api_not_found),
    path("staff/batches/", include("advisor.batch.urls")),
    path("", include("advisor.briefs.urls")),
    path("", include("advisor.web.urls")),
]
