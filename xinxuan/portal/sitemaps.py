"""sitemap.xml with every address at the portal's public address (addresses.py)."""

from __future__ import annotations

from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap

from xinxuan.portal.addresses import absolute


class PortalSitemap(Sitemap):
    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url_info in urls:
            url_info["location"] = absolute(url_info["location"], self.request)
        return urls


def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(request, {"wagtail": PortalSitemap(request)})
