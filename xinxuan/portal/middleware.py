"""The application's own full-page cache for anonymous readers.

It sits near the top of the middleware stack so that a hit costs one cache look-up
and nothing else: no session, no routing, no database.  Responses are stored only
when a portal page marked itself cacheable (``PortalPage.serve``) and the reader is
anonymous; keys carry the publication generation (``lists.generation``), so
publishing, changing or unpublishing any page makes every stored page miss.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from xinxuan.portal.lists import generation

SKIP_PREFIXES = (
    "/admin/",
    "/static/",
    "/_files/",
    "/documents/",
    "/captcha/",
    "/hit/",
    "/go/",
    "/search/",
)


def page_cache_seconds() -> int:
    return int(getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 300))


def proxy_cache_seconds() -> int:
    return int(getattr(settings, "PORTAL_PROXY_CACHE_SECONDS", 300))


def _anonymous(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _key(request: HttpRequest, token: str) -> str:
    address = f"{request.get_host()}{request.get_full_path()}".encode()
    return f"portal:page:{token}:{hashlib.blake2b(address, digest_size=16).hexdigest()}"


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in ("GET", "HEAD")
            or not _anonymous(request)
            or request.path.startswith(SKIP_PREFIXES)
            or page_cache_seconds() <= 0
        ):
            return self.get_response(request)
        token = generation()
        key = _key(request, token)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            self._public(response)
            return response
        response = self.get_response(request)
        if self._stores(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), page_cache_seconds())
            response["X-Page-Cache"] = "miss"
            self._public(response)
        return response

    @staticmethod
    def _stores(request: HttpRequest, response: HttpResponse) -> bool:
        user = getattr(request, "user", None)
        return (
            getattr(response, "portal_cacheable", False)
            and response.status_code == 200
            and not response.cookies
            and not (user is not None and user.is_authenticated)
        )

    @staticmethod
    def _public(response: HttpResponse) -> None:
        # Browsers revalidate; the reverse proxy keeps the page until purged.
        patch_cache_control(response, public=True, max_age=0, s_maxage=proxy_cache_seconds())
