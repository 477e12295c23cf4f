"""What a visitor sees when something fails on our side."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error as django_server_error

DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request):
    """A database that cannot be reached is a temporary outage: 503 with Retry-After and
    a page that needs no database, in the visitor's language. Anything else is a 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN) or (
        isinstance(error, DatabaseError) and "connection" in str(error).lower()
    ):
        response = HttpResponse(render_to_string("503.html", request=None), status=503)
        response["Retry-After"] = "30"
        return response
    return django_server_error(request)


def page_not_found(request, exception):
    """The API answers in JSON even for an address no route matches; pages in HTML."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return django_page_not_found(request, exception)
