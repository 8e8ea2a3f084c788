"""Content-Security-Policy for the portal and the workbench.

Scripts come only from our own origin.  The portal has no inline script at all; the
workbench has a few that Wagtail 8 still writes inline (date and time pickers, inline
panels), and those carry the request's nonce (``{% csp_nonce %}`` in the overridden
templates under ``xinxuan/lib/templates/wagtailadmin/``).  Nothing is fetched from
another origin: the users sit on offline intranets.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
_nonce: ContextVar[str] = ContextVar("xinxuan_csp_nonce", default="")

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-{nonce}'",
    "style-src": "'self'",
    # data: for Wagtail's inline SVG icons and image previews, blob: for the preview of
    # an image being uploaded.
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "media-src": "'self'",
    # Wagtail's live preview shows the page in a same-origin frame.
    "frame-src": "'self'",
    "frame-ancestors": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


# Wagtail's admin writes style="" attributes in its templates and sets them from its
# JavaScript (the sidebar, the rich text editor, tooltips, chooser modals), and only
# 'unsafe-inline' allows a style attribute.  So the workbench, and only the workbench,
# allows inline styles; styles cannot run code, and scripts stay strict there too.
WORKBENCH_DIRECTIVES = {**DIRECTIVES, "style-src": "'self' 'unsafe-inline'"}
WORKBENCH_PREFIX = "/admin/"


def current_nonce() -> str:
    return _nonce.get()


def policy(nonce: str, *, workbench: bool = False) -> str:
    directives = WORKBENCH_DIRECTIVES if workbench else DIRECTIVES
    return "; ".join(f"{name} {value.format(nonce=nonce)}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        token = _nonce.set(nonce)
        try:
            response = self.get_response(request)
        finally:
            _nonce.reset(token)
        if HEADER not in response:
            workbench = request.path_info.startswith(WORKBENCH_PREFIX)
            response[HEADER] = policy(nonce, workbench=workbench)
        return response


def nonce_wagtail_choosers() -> None:
    """Give the inline script of Wagtail's chooser widgets (page, snippet, image,
    document choosers) the request's nonce.

    ``BaseChooser.render`` appends ``<script>…</script>`` to the widget's HTML in Python,
    where no template can be overridden; the script it writes is the last one of the
    output.
    """
    from django.utils.safestring import mark_safe
    from wagtail.admin.widgets.chooser import BaseChooser

    original = BaseChooser.render
    if getattr(original, "with_csp_nonce", False):
        return

    def render(self, name, value, attrs=None, renderer=None):
        html = str(original(self, name, value, attrs=attrs, renderer=renderer))
        head, tag, tail = html.rpartition("<script>")
        if not tag:
            return mark_safe(html)  # noqa: S308 - Wagtail's own output, marked safe by it
        return mark_safe(f'{head}<script nonce="{current_nonce()}">{tail}')  # noqa: S308

    render.with_csp_nonce = True
    BaseChooser.render = render
