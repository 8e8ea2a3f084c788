from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from xinxuan.accounts import views as account_views
from xinxuan.portal import admin_views as portal_admin_views

urlpatterns = [
    # Before Wagtail's admin URLs, which hold a logout that a GET can trigger.
    path("admin/logout/", account_views.LogoutView.as_view(), name="wagtailadmin_logout"),
    # Before Wagtail's too: its sign-in page would hand any ?next= to redirect().
    path("admin/login/", account_views.LoginView.as_view(), name="wagtailadmin_login"),
    # Before Wagtail's too: its redirect import trusts the posted form to name a sheet.
    path(
        "admin/redirects/import/process/",
        portal_admin_views.process_redirect_import,
        name="process_redirect_import",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Uploaded images and documents, each served after the unit check (xinxuan/files).
    path("_files/", include("xinxuan.files.urls")),  # = MEDIA_URL
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("healthz", account_views.healthz, name="healthz"),
    # Comments: the reader's side (xinxuan/comments/urls.py).
    path("", include("xinxuan.comments.urls")),
    path("", include("xinxuan.portal.urls")),
]

# Wagtail's page tree answers every other path: keep it last.
urlpatterns += [path("", include(wagtail_urls))]

handler400 = "xinxuan.accounts.views.bad_request"
handler403 = "xinxuan.accounts.views.forbidden"
handler404 = "xinxuan.accounts.views.not_found"
handler500 = "xinxuan.accounts.views.server_error"
