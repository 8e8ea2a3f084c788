"""The client's address, trusting exactly as many proxies as the settings say."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent the request.

    With ``TRUSTED_PROXIES = n`` the n-th address from the right of X-Forwarded-For is
    the client (each trusted proxy appends the address it saw); anything further left
    was written by the client and is ignored.  With no trusted proxy the header is
    ignored altogether, so a client cannot choose its own address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    return address


def same_site_path(value: str) -> str | None:
    """``value`` if it is a path on this site (``/admin/…``), else None.

    For ``next`` parameters: only a relative path starting with one slash is followed,
    never an address with a host (``https://evil.example/``, ``//evil.example``,
    ``/\\evil.example``, ``javascript:…``), so a link cannot send the user elsewhere.
    """
    if not value.startswith("/") or value.startswith(("//", "/\\")) or "\x00" in value:
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return None
    return value
