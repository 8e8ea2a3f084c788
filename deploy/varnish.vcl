# Varnish in front of xinxuan (docs/portal.md, "Caching").
#
# Anonymous readers get pages from Varnish for as long as the application's
# s-maxage allows (XINXUAN_PROXY_CACHE_SECONDS); Wagtail purges a page, its channel,
# the home page and the feeds the moment an article is published, changed or
# unpublished (XINXUAN_FRONTEND_CACHE_URL=http://127.0.0.1:6081).
vcl 4.1;

backend app {
    .host = "127.0.0.1";
    .port = "8000";
}

# Only the application may purge.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The workbench, sign-in, counters and sponsor clicks are never cached.
    if (req.url ~ "^/(admin|captcha|hit|go|i18n|healthz)(/|$)") {
        return (pass);
    }
    # A signed-in user (session cookie) sees the application directly.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Uploaded files: a private one answers a signed-in user only (passed above, by
    # the session cookie) and is marked private; only a picture or document that a
    # live page shows comes back "public" and may be kept, for at most its max-age.
    # Everything else is the same for every anonymous reader.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only pages the application marked public are kept; never keep Set-Cookie.
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "public") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    set beresp.grace = 30s;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Proxy-Cache = "hit";
    } else {
        set resp.http.X-Proxy-Cache = "miss";
    }
}
