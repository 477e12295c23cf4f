"""A public page's absolute links name the site's own address, SITE_URL."""

import functools
from urllib.parse import urlsplit

from django.conf import settings

site_address = functools.lru_cache(maxsize=4)(urlsplit)


def site_url_middleware(get_response):
    """GET and HEAD requests are answered as if asked at SITE_URL: every absolute link
    built from the request (the API's records and `next` links, feeds, sitemaps) names
    SITE_URL's scheme and host. Pages are kept and served to everyone (petitions/cache.py):
    a crafted Host header must not reach the links of a page others read. A Host that is
    not allowed is still refused first (400)."""

    def middleware(request):
        if request.method in ("GET", "HEAD"):
            site = site_address(settings.SITE_URL)
            request.get_host()  # raises DisallowedHost (400) for a Host not allowed
            request.META["HTTP_HOST"] = site.netloc
            request.META.pop("HTTP_X_FORWARDED_HOST", None)
            request.META["wsgi.url_scheme"] = site.scheme
            if settings.SECURE_PROXY_SSL_HEADER:
                header, secure = settings.SECURE_PROXY_SSL_HEADER
                request.META[header] = secure if site.scheme == "https" else site.scheme
        return get_response(request)

    return middleware
