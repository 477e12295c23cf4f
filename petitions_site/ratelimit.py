"""Requests per minute per client address for the API and the exports, which a single
client can otherwise use to keep the database busy. Over the limit: 429 with
Retry-After. Limits come from RATE_LIMIT_API and RATE_LIMIT_EXPORTS (0 turns one off)."""

import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse

BUCKETS = [
    ("exports", re.compile(r"^(/fr)?/petitions/export\.")),
    ("api", re.compile(r"^/api/")),
]


def client_address(request):
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The proxy appends the address it saw last; earlier entries are the client's say.
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_limit(get_response):
    def middleware(request):
        for bucket, pattern in BUCKETS:
            if pattern.match(request.path):
                limit = settings.RATE_LIMITS.get(bucket, 0)
                if limit:
                    window = int(time.time() // 60)
                    key = f"ratelimit:{bucket}:{client_address(request)}:{window}"
                    cache.add(key, 0, timeout=120)
                    if cache.incr(key) > limit:
                        retry_after = 60 - int(time.time() % 60)
                        response = JsonResponse(
                            {
                                "detail": f"Too many requests: at most {limit} a minute "
                                f"for {bucket}. Try again in {retry_after} seconds."
                            },
                            status=429,
                        )
                        response["Retry-After"] = str(retry_after)
                        return response
                break
        return get_response(request)

    return middleware
