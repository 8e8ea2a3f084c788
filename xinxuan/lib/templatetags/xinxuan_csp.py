from django import template

from xinxuan.lib.csp import current_nonce

register = template.Library()


@register.simple_tag
def csp_nonce() -> str:
    """The nonce of this request's Content-Security-Policy, for an inline script."""
    return current_nonce()
