"""The client's address, trusting exactly as many proxies as the settings say."""

from django.conf import settings
from django.http import HttpRequest


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
