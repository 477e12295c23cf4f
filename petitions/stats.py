"""Figures about a set of petitions, computed in the database, one query per figure, as
plain dicts and lists: the /stats/ page draws them and /api/stats/ returns them.

`petitions` is any Petition QuerySet, usually what PetitionFilter kept. Response times
count each response: the calendar days from its petition's presentation to its tabling."""

import datetime
import hashlib

from django.db import models
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from petitions import charts
from petitions.cache import cached_page, kept_or_last
from petitions.filters import PRESENTATION_PARAMETERS, PetitionFilter
from petitions.models import (
    RESPONSE_DAYS,
    RESPONSE_TIME,
    DaysBetween,
    Kind,
    Median,
    Petition,
    Status,
    in_language,
    ministry_response_times,
)
from responses.models import GovernmentResponse

MOST_SIGNED = 10
# Bounds of the response-time histogram, in days; the deadline is one of them.
RESPONSE_DAY_BUCKETS = [(0, 15), (16, 30), (31, RESPONSE_DAYS), (RESPONSE_DAYS + 1, 60), (61, 90)]
RESPONSE_DAY_BUCKETS += [(91, 180), (181, None)]


class Percentile(models.Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def kept_ministry_figures():
    """ministry_response_times(), kept like the figures of the whole archive."""
    return kept_or_last("ministry-response-times", ministry_response_times)


def cached_figures(petition_filter):
    """figures() for a valid PetitionFilter, kept per filter and language (see
    kept_or_last: after a change the last figures are served while new ones are
    computed)."""
    query = sorted(
        (name, value)
        for name, values in petition_filter.data.lists()
        if name not in PRESENTATION_PARAMETERS
        for value in values
    )
    digest = hashlib.sha256(repr(query).encode()).hexdigest()
    key = f"stats:{get_language()}:{digest}"
    return kept_or_last(key, lambda: figures(petition_filter.qs))


def figures(petitions, today=None):
    petitions = petitions.order_by()
    responses = _responses_of(petitions)
    return {
        "computed_at": timezone.now(),
        "totals": totals(petitions, today),
        "by_status": by_status(petitions),
        "by_session": by_session(petitions),
        "by_kind": by_kind(petitions),
        "by_ministry": by_ministry(petitions),
        "by_topic": by_topic(petitions),
        "by_month": by_month(petitions),
        "response_days": response_days(responses),
        "response_days_by_ministry": response_days_by_ministry(responses),
        "most_signed": most_signed(petitions),
    }


def _responses_of(petitions):
    """Tabled responses to `petitions` with their days from presentation."""
    responses = GovernmentResponse.objects.filter(
        tabled_on__isnull=False, petition__presented_on__isnull=False
    )
    if petitions.query.has_filters():
        # Unfiltered, the semi-join would only double the work.
        responses = responses.filter(petition__in=petitions.values("pk"))
    return responses.order_by().annotate(
        days=DaysBetween(F("tabled_on"), F("petition__presented_on"))
    )


def totals(petitions, today=None):
    """Counts, signatures, and how the 45-day deadline fared for presented petitions:
    answered in time, overdue (late or still unanswered after the due date), or not yet
    due. Separate counts, each a join the planner does well, rather than one scan
    testing every row against subqueries (four times slower at 200,000 petitions)."""
    today = today or timezone.localdate()
    # Signatures are summed over the petitions whose count is published, and that many
    # are named with it: None, not 0, when no count is known.
    result = petitions.aggregate(
        petition_count=Count("pk"),
        signature_total=Sum("signature_count"),
        signature_known_count=Count("signature_count"),
        presented_count=Count("pk", filter=Q(presented_on__isnull=False)),
    )
    result["responded_count"] = petitions.responded().count()
    result["overdue_count"] = petitions.response_overdue(today).count()
    # Presented, not overdue and not answered: presented within the last 45 days (an
    # older one would be overdue) with no response.
    recent = today - RESPONSE_TIME
    result["not_yet_due_count"] = petitions.filter(presented_on__gte=recent).unresponded().count()
    result["on_time_count"] = (
        result["presented_count"] - result["overdue_count"] - result["not_yet_due_count"]
    )
    decided = result["on_time_count"] + result["overdue_count"]
    result["on_time_share"] = result["on_time_count"] / decided if decided else None
    return result


def by_status(petitions):
    counts = dict(
        petitions.with_status().values_list("status").annotate(count=Count("pk")).order_by()
    )
    return [
        {"status": status.value, "label": str(status.label), "count": counts[status.value]}
        for status in Status
        if counts.get(status.value)
    ]


def by_session(petitions):
    rows = (
        petitions.values("session__parliament", "session__session")
        .annotate(count=Count("pk"))
        .order_by("session__parliament", "session__session")
    )
    return [
        {
            "session": f"{row['session__parliament']}{row['session__session']}",
            "parliament": row["session__parliament"],
            "number": row["session__session"],
            "count": row["count"],
        }
        for row in rows
    ]


def by_kind(petitions):
    counts = dict(petitions.values_list("kind").annotate(count=Count("pk")).order_by())
    return [
        {"kind": kind.value, "label": str(kind.label), "count": counts[kind.value]}
        for kind in Kind
        if counts.get(kind.value)
    ]


def by_ministry(petitions):
    """Petitions by the minister addressed, the most first."""
    rows = (
        petitions.filter(ministry__isnull=False)
        .values("ministry__slug", "ministry__title_en", "ministry__title_fr")
        .annotate(count=Count("pk"))
        .order_by("-count", "ministry__title_en")
    )
    return [
        {
            "ministry": row["ministry__slug"],
            "label": in_language(row["ministry__title_en"], row["ministry__title_fr"]),
            "count": row["count"],
        }
        for row in rows
    ]


def by_topic(petitions):
    rows = (
        petitions.filter(topic__isnull=False)
        .values("topic__slug", "topic__name_en", "topic__name_fr")
        .annotate(count=Count("pk"))
        .order_by("-count", "topic__name_en")
    )
    return [
        {
            "topic": row["topic__slug"],
            "label": in_language(row["topic__name_en"], row["topic__name_fr"]),
            "count": row["count"],
        }
        for row in rows
    ]


def by_month(petitions):
    """Petitions by the month they began: opened for signature, or presented for a paper
    petition. Months without a petition count 0, so a chart shows the gaps."""
    began = Coalesce(TruncDate("window__opens_at"), "presented_on")
    rows = (
        petitions.annotate(month=TruncMonth(began, output_field=models.DateField()))
        .filter(month__isnull=False)
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    counts = dict(rows)
    if not counts:
        return []
    months, month, last = [], min(counts), max(counts)
    while month <= last:
        months.append({"month": month.strftime("%Y-%m"), "count": counts.get(month, 0)})
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def response_days(responses):
    """How many responses took each span of days."""
    counts = responses.aggregate(
        **{
            _bucket_key(low, high): Count(
                "pk", filter=Q(days__gte=low) & (Q(days__lte=high) if high else Q())
            )
            for low, high in RESPONSE_DAY_BUCKETS
        }
    )
    return [
        {
            "from_days": low,
            "to_days": high,
            "within_deadline": high is not None and high <= RESPONSE_DAYS,
            "count": counts[_bucket_key(low, high)],
        }
        for low, high in RESPONSE_DAY_BUCKETS
    ]


def _bucket_key(low, high):
    return f"days_{low}_{high or 'more'}"


def response_days_by_ministry(responses):
    """The spread of response times of each responding minister, the most responses
    first: percentiles 10, 25, 50, 75 and 90, and the share within 45 days."""
    rows = (
        responses.filter(ministry__isnull=False)
        .values("ministry__slug", "ministry__title_en", "ministry__title_fr")
        .annotate(
            count=Count("pk"),
            within_deadline_count=Count("pk", filter=Q(days__lte=RESPONSE_DAYS)),
            minimum=Min("days"),
            p10=Percentile("days", 0.1),
            p25=Percentile("days", 0.25),
            median=Median("days"),
            p75=Percentile("days", 0.75),
            p90=Percentile("days", 0.9),
            maximum=Max("days"),
        )
        .order_by("-count", "ministry__title_en")
    )
    return [
        {
            "ministry": row["ministry__slug"],
            "label": in_language(row["ministry__title_en"], row["ministry__title_fr"]),
            "count": row["count"],
            "within_deadline_count": row["within_deadline_count"],
            "within_deadline_share": row["within_deadline_count"] / row["count"],
            "min": row["minimum"],
            "p10": row["p10"],
            "p25": row["p25"],
            "median": row["median"],
            "p75": row["p75"],
            "p90": row["p90"],
            "max": row["maximum"],
        }
        for row in rows
    ]


def most_signed(petitions, limit=MOST_SIGNED):
    rows = (
        petitions.filter(signature_count__isnull=False)
        .values("number", "signature_count", "topic__name_en", "topic__name_fr")
        .order_by("-signature_count", "number")[:limit]
    )
    return [
        {
            "number": row["number"],
            "signature_count": row["signature_count"],
            "topic": in_language(row["topic__name_en"], row["topic__name_fr"]) or "",
        }
        for row in rows
    ]


@cached_page
def stats_page(request):
    """/stats/: the figures as charts with tables, for the petitions the filter keeps."""
    petition_filter = PetitionFilter(request.GET, queryset=Petition.objects.all(), request=request)
    if not petition_filter.is_valid():
        context = {"filter": petition_filter}
        return render(request, "petitions/stats.html", context, status=400)
    numbers = cached_figures(petition_filter)
    context = {"filter": petition_filter, "figures": numbers, **charts.for_figures(numbers)}
    return render(request, "petitions/stats.html", context)
