from __future__ import annotations

from django import template
from django.core.cache import cache
from django.urls import reverse

from xinxuan.portal.lists import generation, list_seconds, lists_for
from xinxuan.portal.models import Sponsor
from xinxuan.portal.views import sponsor_token

register = template.Library()


@register.inclusion_tag("portal/includes/lists.html")
def portal_lists(channel=None, heading=""):
    return {"lists": lists_for(channel), "channel": channel, "heading": heading}


@register.inclusion_tag("portal/includes/sponsors.html")
def portal_sponsors():
    key = f"portal:sponsors:{generation()}"
    sponsors = cache.get(key)
    if sponsors is None:
        sponsors = [
            {"name": s.name, "href": reverse("portal:sponsor-click", args=[sponsor_token(s)])}
            for s in Sponsor.objects.running()
        ]
        cache.set(key, sponsors, min(list_seconds(), 60))
    return {"sponsors": sponsors}


@register.simple_tag(takes_context=True)
def canonical_url(context, page=None) -> str:
    """The page's address at the portal's public address (never localhost)."""
    from xinxuan.portal.addresses import absolute, page_url

    request = context.get("request")
    if page is not None and hasattr(page, "get_url"):
        return page_url(page, request)
    return absolute(request.path if request else "/", request)
