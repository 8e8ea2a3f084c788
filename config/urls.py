from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from xinxuan.accounts import views as account_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("healthz", account_views.healthz, name="healthz"),
    path("", include("xinxuan.portal.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        # Evidence of outcomes, spreadsheets waiting for import and files made by background
        # jobs (exports) are internal records:
        # never served as public files (a deployment behind nginx denies them there too).
        re_path(r"^media/(?:evidence|imports|jobs)/", account_views.not_found),
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Wagtail's page tree answers every other path: keep it last.
urlpatterns += [path("", include(wagtail_urls))]

handler403 = "xinxuan.accounts.views.forbidden"
handler404 = "xinxuan.accounts.views.not_found"
handler500 = "xinxuan.accounts.views.server_error"
