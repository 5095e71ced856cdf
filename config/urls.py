from django.contrib import admin
from django.urls import include, path, re_path

from api.views.errors import unknown_api_path
from api.views.health import healthz
from frontend.views.not_found import unknown_page

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    re_path(r"^api/(?P<rest>.*)$", unknown_api_path),  # JSON 404, whatever DEBUG says
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
    re_path(r"^(?P<rest>.*)$", unknown_page),  # the friendly 404 page, whatever DEBUG says
]

# Under /api/ these answer in the API's JSON error shape; elsewhere Django's HTML pages, but
# for 404 the site's own page.
handler400 = "api.views.errors.bad_request"
handler403 = "api.views.errors.permission_denied"
handler404 = "frontend.views.not_found.page_not_found"
handler500 = "api.views.errors.server_error"
