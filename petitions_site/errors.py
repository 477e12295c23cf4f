"""What a visitor sees when something fails on our side."""

import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error as django_server_error

DATABASE_DOWN = (OperationalError, InterfaceError)


def database_is_down():
    """Whether a fresh connection to the database fails (fast: a server that is gone
    refuses at once, and connect_timeout bounds one that does not answer)."""
    try:
        if connection.connection is not None and connection.is_usable():
            return False
        connection.close()
        connection.ensure_connection()
    except Exception:  # any failure to connect means the same to the visitor
        return True
    return False


def server_error(request):
    """A database that cannot be reached is a temporary outage: 503 with Retry-After and
    a page that needs no database, in the visitor's language. Whatever the error that
    surfaced (a dropped connection can show up as many kinds), the database is checked
    before calling it a 500."""
    error = sys.exc_info()[1]
    api = request.path.startswith("/api/")
    if isinstance(error, DATABASE_DOWN) or database_is_down():
        if api:
            response = JsonResponse(
                {"detail": "The database cannot be reached. Try again in a minute."}, status=503
            )
        else:
            # In the page's language even when the failure came before LocaleMiddleware
            # (the rate limit counts in the database without Redis).
            language = translation.get_language_from_path(request.path_info)
            with translation.override(language or translation.get_language()):
                page = render_to_string("503.html", request=None)
            response = HttpResponse(page, status=503)
        response["Retry-After"] = "30"
        return response
    if api:
        return JsonResponse({"detail": "Server error."}, status=500)
    return django_server_error(request)


def page_not_found(request, exception):
    """The API answers in JSON even for an address no route matches; pages in HTML."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return django_page_not_found(request, exception)
