"""The portal's public address, for every link that leaves the page: sitemap.xml,
feeds, canonical links and robots.txt.

Behind a reverse proxy the request's own host may be an internal one
(127.0.0.1:8000), and Wagtail's default site is called ``localhost``; neither may
end up in a search engine or a feed reader.  The address is, in order:
``PORTAL_BASE_URL`` (XINXUAN_PORTAL_BASE_URL), else the Wagtail site's own address
when it is a real host name, else ``WAGTAILADMIN_BASE_URL`` when it is not a local
one, else the address the request came to.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Site

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0", ""}  # noqa: S104


def _is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS


def base_url(request: HttpRequest | None = None) -> str:
    configured = getattr(settings, "PORTAL_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    site = None
    if request is not None:
        site = Site.find_for_request(request)
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is not None and site.hostname not in LOCAL_HOSTS:
        return site.root_url.rstrip("/")
    admin = getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    if admin and not _is_local(admin):
        return admin.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return admin.rstrip("/")


def absolute(url: str, request: HttpRequest | None = None) -> str:
    """``url`` (a path, or a full address on the site) at the public address."""
    if not url:
        return base_url(request) + "/"
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return base_url(request) + (path if path.startswith("/") else "/" + path)


def page_url(page, request: HttpRequest | None = None) -> str:
    return absolute(page.get_url(request=request) or page.url_path, request)
