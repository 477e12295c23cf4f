"""Requests per minute per client address for what a single client can otherwise use to
keep the database busy: the API, the exports, searches and filtered lists, statistics,
feeds and sitemaps. Over the limit: 429 with Retry-After. The counts are shared by every
web process (limits/counters.py). Limits come from RATE_LIMIT_* (0 turns one off)."""

import ipaddress
import logging
import re

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation

from limits import counters
from petitions.refusals import too_many_page, wants_html

logger = logging.getLogger(__name__)

# (bucket, path, whether a request without a query string counts): the first that matches.
BUCKETS = [
    ("exports", re.compile(r"^(/fr)?/petitions/export\."), True),
    # The API documentation is a page of the site, not the API.
    ("api", re.compile(r"^/api/(?!docs/)"), True),
    ("feeds", re.compile(r"^(/fr)?/feeds/"), True),
    ("sitemaps", re.compile(r"^/sitemap"), True),
    ("stats", re.compile(r"^(/fr)?/stats/"), True),
    # The plain list is one cached page; a search or a filter is work of its own.
    ("search", re.compile(r"^(/fr)?/petitions/$"), False),
]


def client_address(request):
    """The address that sent the request: REMOTE_ADDR, or with TRUSTED_PROXIES = n, the
    entry of X-Forwarded-For that the outermost of our n proxies appended (each proxy
    appends the address it saw, so entries further left are the client's say)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "")


def address_key(request):
    """The client address as a limit counts it: an IPv6 client holds a whole /64."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def too_many(detail, retry_after):
    response = JsonResponse({"detail": detail}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def too_many_page_in_language(request, seconds):
    # Refused before LocaleMiddleware has run: the language is the address's.
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        return too_many_page(request, seconds)


def rate_limit(get_response):
    def middleware(request):
        for bucket, pattern, bare in BUCKETS:
            if pattern.match(request.path):
                limit = settings.RATE_LIMITS.get(bucket, 0)
                if limit and (bare or request.META.get("QUERY_STRING")):
                    try:
                        count, left = counters.hit(f"rate:{bucket}:{address_key(request)}", 60)
                    except counters.StoreError:
                        # Redis is down: serve rather than refuse everyone. (Without
                        # Redis the counts are in the database, and a database that
                        # fails here answers 503 at once, as the page would.)
                        logger.exception("rate limit not counted")
                        break
                    if count > limit:
                        if bucket != "api" and wants_html(request):
                            # A person (a download link, a search): a page, not JSON.
                            return too_many_page_in_language(request, left)
                        return too_many(
                            f"Too many requests: at most {limit} a minute for {bucket}. "
                            f"Try again in {left} seconds.",
                            left,
                        )
                break
        return get_response(request)

    return middleware
