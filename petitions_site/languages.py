"""The language a person reads in: the home page follows the browser's language once,
and the language switch remembers a choice.

A browser that prefers French and arrives at `/` is sent to `/fr/`; one that chose a
language with the switch keeps it (Django's language cookie, the one set_language sets).
The decision is made here, before any view and so before the page cache: a kept English
home page is never served to a French browser, nor a French one to an English reader.
Every other address says its language in its path and is served as asked."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_request

HOME = "/"


def home_language_redirect(get_response):
    def middleware(request):
        if request.path_info != HOME or request.method not in ("GET", "HEAD"):
            return get_response(request)
        # The cookie first, then Accept-Language (check_path=False: "/" names no language).
        language = get_language_from_request(request, check_path=False)
        if language != settings.LANGUAGE_CODE:
            query = request.META.get("QUERY_STRING", "")
            response = HttpResponseRedirect(f"/{language}/" + (f"?{query}" if query else ""))
        else:
            response = get_response(request)
        # A shared cache in front of the site keeps one answer per language asked.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return middleware


def choose_language(request, code):
    """The language switch: remember `code` in the language cookie and go to `next`,
    the same page in that language. A GET, so that the switch stays a plain link on
    pages kept whole for everyone (a form would need a CSRF token per reader)."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", HOME)
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = HOME
    response = HttpResponseRedirect(translate_url(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
