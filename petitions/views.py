import csv
import functools
from concurrent.futures import ThreadPoolExecutor

from django.core.paginator import Paginator
from django.db import OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from psycopg.errors import QueryCanceled

from petitions.cache import cached_page, kept_key, kept_or_last, kept_seconds
from petitions.filter_forms import PageForm, form_errors
from petitions.filters import PetitionFilter
from petitions.history import (
    CHANGES_PAGE_SIZE,
    shown_change,
    signature_history,
    signature_rows,
)
from petitions.models import (
    Member,
    Ministry,
    Petition,
    search_has_terms,
    search_passages,
    time_limit,
    with_response_times,
)
from petitions.pagination import COUNT_LIMIT
from petitions.stats import kept_ministry_figures

HOME_LIST_LENGTH = 8
# A list page whose queries take longer is refused with a message (a search or a
# combination of filters no index serves), well before the site-wide 15 s timeout.
LIST_QUERY_MS = 5000
MEMBER_PAGE_SIZE = 50
RELATED_LIST_LENGTH = 20
HEALTH_CHECK_SECONDS = 1.0


def _database_answers():
    try:
        connection.close_if_unusable_or_obsolete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means the same to a load balancer
        connection.close()
        return False
    return True


# One thread checks the database for each web process: a check stuck on a database
# that does not answer is not repeated, and no request waits for it.
_health_checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
_health_check = None


def healthz(request):
    """Liveness with a database check, for load balancers and monitors: an answer
    within about a second whatever the database does, and no error text (it could name
    hosts and users)."""
    global _health_check
    if _health_check is None or _health_check.done():
        _health_check = _health_checker.submit(_database_answers)
    try:
        answers = _health_check.result(timeout=HEALTH_CHECK_SECONDS)
    except TimeoutError:
        answers = False
    if not answers:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@cached_page
def home(request):
    petitions = Petition.objects.for_listing()
    context = {
        "closing_soon": petitions.closing_soon(HOME_LIST_LENGTH),
        "recently_answered": petitions.recently_answered(HOME_LIST_LENGTH),
        "counts": kept_or_last("headline-counts", Petition.objects.headline_counts),
    }
    return render(request, "petitions/home.html", context)


@cached_page
def petition_list(request):
    # A petition number typed in the search box goes straight to that petition.
    if (petition := Petition.objects.by_number(request.GET.get("q", ""))) is not None:
        return redirect(petition)
    petition_filter = PetitionFilter(request.GET, queryset=Petition.objects.all(), request=request)
    page, too_slow = None, False
    if petition_filter.is_valid():
        try:
            with time_limit(LIST_QUERY_MS):
                page = petition_filter.get_page(
                    request.GET.get("page"), Petition.objects.for_listing().with_first_response_on()
                )
        except OperationalError as error:
            if not isinstance(error.__cause__, QueryCanceled):
                raise
            too_slow = True
    text = request.GET.get("q", "")
    if page is not None and petition_filter.form.cleaned_data.get("q"):
        search_passages(page.object_list, text, "fr" if get_language() == "fr" else "en")
    context = {"filter": petition_filter, "page": page, "count_limit": COUNT_LIMIT}
    context["too_slow"] = too_slow
    # Only operators or quotes: say so, not "check the spelling".
    context["nothing_to_search"] = bool(
        page is not None
        and not page.paginator.count
        and text.strip()
        and not search_has_terms(text)
    )
    status = 200 if page is not None else 400
    return render(request, "petitions/petition_list.html", context, status=status)


@cached_page
def petition_detail(request, number):
    try:
        petition = Petition.objects.detail(number=number)
    except Petition.DoesNotExist:
        # A presentation number, or a number typed another way, finds its petition.
        if (other := Petition.objects.by_number(number)) is not None:
            return redirect(other, permanent=True)
        raise Http404 from None
    context = {
        "petition": petition,
        # Read only when the kept fragment is missing (its key follows the data version).
        "signature_history": functools.partial(signature_history, petition),
        "history_key": kept_key(f"signature-history:{petition.pk}:{get_language()}"),
        "kept_seconds": kept_seconds(),
    }
    return render(request, "petitions/petition_detail.html", context)


def _petition_or_moved(number, view_name):
    """(petition, None) for the petition numbered `number`, or (None, a permanent
    redirect) to the same page of the petition a number typed otherwise means; 404."""
    petition = Petition.objects.filter(number=number).first()
    if petition is not None:
        return petition, None
    if (other := Petition.objects.by_number(number)) is not None:
        return None, redirect(view_name, number=other.number, permanent=True)
    raise Http404


@cached_page
def petition_changes(request, number):
    petition, moved = _petition_or_moved(number, "petitions:petition_changes")
    if moved:
        return moved
    paging = PageForm(request.GET)
    if not paging.is_valid():
        context = {"petition": petition, "errors": form_errors(paging)}
        return render(request, "petitions/petition_changes.html", context, status=400)
    page = Paginator(petition.changes.all(), CHANGES_PAGE_SIZE).get_page(
        paging.cleaned_data["page"]
    )
    context = {
        "petition": petition,
        "page": page,
        "changes": [shown_change(change, petition) for change in page.object_list],
    }
    return render(request, "petitions/petition_changes.html", context)


@cached_page
def petition_signatures_csv(request, number):
    petition, moved = _petition_or_moved(number, "petitions:petition_signatures_csv")
    if moved:
        return moved
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{petition.number}-signatures.csv"'
    csv.writer(response).writerows(signature_rows(petition))
    return response


@cached_page
def member_list(request):
    text = request.GET.get("q", "").strip()[:200]
    paging = PageForm(request.GET)
    if not paging.is_valid():
        context = {"errors": form_errors(paging), "q": text}
        return render(request, "petitions/member_list.html", context, status=400)
    members = Member.objects.with_petition_counts()
    if text:
        members = members.matching(text)
    page = Paginator(members, MEMBER_PAGE_SIZE).get_page(paging.cleaned_data["page"])
    return render(request, "petitions/member_list.html", {"page": page, "q": text})


@cached_page
def member_detail(request, slug):
    member = get_object_or_404(Member.objects.with_petition_counts(), slug=slug)
    petitions = Petition.objects.for_listing()
    context = {
        "member": member,
        "sponsored": petitions.sponsored_by(member).newest(RELATED_LIST_LENGTH),
        "presented": petitions.presented_by(member).newest(RELATED_LIST_LENGTH),
    }
    return render(request, "petitions/member_detail.html", context)


@cached_page
def ministry_list(request):
    ministries = with_response_times(Ministry.objects.all(), kept_ministry_figures())
    return render(request, "petitions/ministry_list.html", {"ministries": ministries})


@cached_page
def ministry_detail(request, slug):
    ministry = get_object_or_404(Ministry, slug=slug)
    with_response_times([ministry], kept_ministry_figures())
    petitions = Petition.objects.for_listing()
    addressed = petitions.with_first_response_on().addressed_to(ministry)
    context = {
        "ministry": ministry,
        "addressed": addressed.newest(RELATED_LIST_LENGTH),
        "answered": petitions.recently_answered(RELATED_LIST_LENGTH, ministry=ministry),
    }
    return render(request, "petitions/ministry_detail.html", context)
