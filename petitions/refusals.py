"""How a bad query string or too many requests is answered, the same on every face: 400
(or 429) with the message in the page's language, each field named by its label. A
program gets JSON (the API, the exports) or text (a feed reader); a person who clicked
a download or feed link gets a page of the site: browsers ask for text/html first."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def wants_html(request):
    """Whether a browser asks: its Accept names text/html (a program's "*/*" does not)."""
    return "text/html" in request.headers.get("Accept", "")


def list_address(request, names=()):
    """The petition list with the request's filter, less the parameters `names`: where a
    person goes back to fix what was refused (the list shows the same messages)."""
    pairs = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in names
        for value in values
    ]
    query = urlencode(pairs)
    return reverse("petitions:petition_list") + (f"?{query}" if query else "")


def bad_parameters_page(request, errors):
    """400: a page of the site listing `errors` (filters.filter_errors), with a link back
    to the list with the filter as given."""
    context = {"errors": errors, "back_url": list_address(request)}
    return render(request, "petitions/refused.html", context, status=400)


def too_many_page(request, seconds):
    """429 for a person: how long to wait, and the list to go back to."""
    context = {"seconds": seconds, "back_url": list_address(request), "too_many": True}
    response = render(request, "petitions/refused.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def bad_parameters_json(errors, key="errors"):
    """400 for a program: {"errors": {parameter: [messages]}}."""
    by_name = {}
    for error in errors:
        by_name.setdefault(error["name"], []).append(str(error["message"]))
    return JsonResponse({key: by_name}, status=400)


def bad_parameters_text(errors):
    return "\n".join(
        _("%(label)s: %(message)s") % {"label": error["label"], "message": error["message"]}
        for error in errors
    )
