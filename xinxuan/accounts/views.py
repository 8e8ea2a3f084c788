from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.admin.views.account import LoginView as WagtailLoginView
from wagtail.admin.views.account import LogoutView as WagtailLogoutView

from xinxuan.lib.net import same_site_path


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make demo`: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("The request was damaged or incomplete. Go back, reload the page and try again.")
    return render(request, "errors/400.html", {"message": message}, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (a page kept open for long, cookies off):
    say so in the user's language, instead of Django's English page."""
    message = _(
        "The form could not be accepted: its security check has expired or cookies are "
        "turned off. Reload the page, allow cookies for this site, and send it again."
    )
    return render(request, "errors/403.html", {"message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database or the settings may be what failed.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


class LogoutView(WagtailLogoutView):
    """Wagtail's logout (the session is flushed on the server), for POST only.

    Wagtail's own view deletes the session cookie even while it answers a GET with 405,
    so a link or an image on any page could sign the user out; here a GET changes nothing.
    """

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class LoginView(WagtailLoginView):
    """Wagtail's sign-in page, following ``next`` only to a path on this site.

    Wagtail hands a signed-in user's ``?next=`` to ``redirect()``, which reads a value
    without a slash as a URL name and fails; an address with a host is never followed.
    """

    def get_redirect_url(self) -> str:
        return same_site_path(super().get_redirect_url() or "") or ""
