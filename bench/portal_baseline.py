"""Baselines for bench/bench_portal.py, served by the same gunicorn as the application.

* ``/__bench/render/<pk>/`` — a bare Django view that loads the page with one ORM query
  and renders the same template (the context pieces that are not the page itself —
  channel list, related articles, tags — are computed once per worker, so the view
  costs one query plus the template, like a hand-written news site);
* ``/__bench/cached/<pk>/`` — a bare Django view that returns the same HTML from the
  cache (one cache read).
"""

from functools import cache as memoize

from django.core.cache import cache
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from wagtail.models import Page

from config.urls import urlpatterns as project_urlpatterns


@memoize
def _fixed_context(pk: int) -> tuple[type, dict]:
    page = Page.objects.get(pk=pk).specific
    context = page.get_context(_FakeRequest())
    for name in ("page", "self", "request"):
        context.pop(name, None)
    return type(page), context


class _FakeRequest:
    GET: dict = {}
    META: dict = {}
    path = "/"

    def get_host(self):
        return "127.0.0.1"


def render_view(request, pk: int):
    model, fixed = _fixed_context(pk)
    page = model.objects.get(pk=pk)  # the one query
    context = {**fixed, "page": page, "self": page}
    return TemplateResponse(request, page.get_template(request), context)


def cached_view(request, pk: int):
    key = f"bench:html:{pk}"
    html = cache.get(key)
    if html is None:
        response = render_view(request, pk)
        response.render()
        html = response.content
        cache.set(key, html, 3600)
    return HttpResponse(html)


urlpatterns = [
    path("__bench/render/<int:pk>/", render_view),
    path("__bench/cached/<int:pk>/", cached_view),
    *project_urlpatterns,
]
