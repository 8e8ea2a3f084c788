"""The portal's own views: search, the view beacon, sponsor clicks, robots.txt."""

from __future__ import annotations

from django.core import signing
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import F
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Site

from xinxuan.portal import counting
from xinxuan.portal import search as portal_search
from xinxuan.portal.addresses import absolute
from xinxuan.portal.models import ArticlePage, ChannelPage, Sponsor

SPONSOR_SALT = "xinxuan.portal.sponsor"
MAX_RAW_QUERY = 200
RESULTS_PER_PAGE = 10


def sponsor_token(sponsor: Sponsor) -> str:
    return signing.dumps(sponsor.pk, salt=SPONSOR_SALT, compress=False)


def _site_root(request: HttpRequest):
    site = Site.find_for_request(request)
    return site.root_page if site else None


def _bad_request(request: HttpRequest, message: str, **context) -> HttpResponse:
    return render(request, "portal/bad_request.html", {"message": message, **context}, status=400)


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """Articles matching the query's words (cut by jieba), with highlighted excerpts."""
    raw = request.GET.get("q", "")
    if len(raw) > MAX_RAW_QUERY:
        return _bad_request(request, "too_long", limit=portal_search.MAX_QUERY_LENGTH)
    query = " ".join(raw.split())[: portal_search.MAX_QUERY_LENGTH]
    terms = portal_search.query_terms(query)
    context: dict = {
        "query": query,
        "terms": terms,
        "page_obj": None,
        "channels": ChannelPage.objects.live().in_menu().order_by("path"),
    }
    if terms:
        root = _site_root(request)
        articles = ArticlePage.objects.live().public()
        if root is not None:
            articles = articles.descendant_of(root)
        results = articles.search(" ".join(terms), operator="and", order_by_relevance=True)
        paginator = Paginator(results, RESULTS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return _bad_request(request, "bad_page")
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages) if paginator.num_pages else None
        if page_obj is not None:
            context["page_obj"] = page_obj
            context["hits"] = [
                {
                    "page": article,
                    "title": portal_search.highlight(article.title, terms, width=80),
                    "excerpt": portal_search.highlight(
                        portal_search.best_passage(
                            article.body_text(), article.summary, terms=terms
                        ),
                        terms,
                    ),
                }
                for article in page_obj.object_list
            ]
            context["count"] = paginator.count
    return render(request, "portal/search.html", context)


@csrf_exempt
@require_POST
@never_cache
def view_beacon(request: HttpRequest, page_id: int) -> HttpResponse:
    """Counts a view; sent by the page itself so that cached pages are counted too."""
    counting.record_view(
        page_id=page_id,
        visitor=counting.visitor_of(request),
        address=counting.address_of(request),
    )
    return HttpResponse(status=204)


@require_GET
@never_cache
def sponsor_click(request: HttpRequest, token: str) -> HttpResponse:
    """Counts a click on a running sponsor (once per reader and day, see counting.py) and
    sends the reader on; a forged token is 404."""
    try:
        pk = signing.loads(token, salt=SPONSOR_SALT)
    except signing.BadSignature:
        return render(request, "errors/404.html", status=404)
    sponsor = Sponsor.objects.running().filter(pk=pk).first()
    if sponsor is None:
        return render(request, "errors/404.html", status=404)
    if counting.count_sponsor_click(
        sponsor_id=sponsor.pk,
        visitor=counting.visitor_of(request),
        address=counting.address_of(request),
    ):
        Sponsor.objects.filter(pk=sponsor.pk).update(clicks=F("clicks") + 1)
    return HttpResponseRedirect(sponsor.url)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page's head says."""
    return HttpResponsePermanentRedirect(static("portal/favicon.svg"))


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /go/",
        "Disallow: /hit/",
        f"Sitemap: {absolute(reverse('portal:sitemap'), request)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
