"""Requests refused before any view runs, so that none costs more than its answer is
worth: a query string too long or naming one parameter too often (a filter repeated
hundreds of times took seconds of SQL), a NUL byte in the path (no record can match
it), and methods the site does not serve (OPTIONS is answered here without the view)."""

from http import HTTPStatus
from urllib.parse import parse_qsl

from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html

MAX_QUERY_STRING = 2048
# More than any filter offers: eight statuses is the most values one name takes.
MAX_VALUES_PER_NAME = 10
METHODS = {"GET", "HEAD", "POST", "OPTIONS"}


def _refuse(request, status, detail):
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        return JsonResponse({"detail": detail}, status=status)
    page = format_html(
        '<!doctype html><html lang="en"><title>{}</title><h1>{}</h1><p>{}</p></html>',
        HTTPStatus(status).phrase,
        HTTPStatus(status).phrase,
        detail,
    )
    return HttpResponse(page, status=status)


def problem(request):
    """What is wrong with the request as a whole, or None."""
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_STRING:
        return f"The query string is longer than {MAX_QUERY_STRING} characters."
    counts = {}
    for name, _value in parse_qsl(query, keep_blank_values=True):
        counts[name] = counts.get(name, 0) + 1
        if counts[name] > MAX_VALUES_PER_NAME:
            return f"'{name[:40]}' is given more than {MAX_VALUES_PER_NAME} times."
    if "\x00" in request.path:
        return "The path holds a NUL character."
    return None


def request_guard(get_response):
    def middleware(request):
        if request.method not in METHODS:
            response = _refuse(request, 405, f"{request.method} is not served here.")
            response["Allow"] = ", ".join(sorted(METHODS))
            return response
        if (detail := problem(request)) is not None:
            return _refuse(request, 400, detail)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(sorted(METHODS))
            return response
        return get_response(request)

    return middleware
