"""Rules of the House's process that forms and imports check: the 45-day deadline,
signing windows, word limits, plausible dates, counts by province."""

import datetime
import re

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from petitions.models.choices import Kind, Outcome

# The House must table a response within 45 calendar days of presentation
# (Standing Order 36(8)): a response on day 45 is on time, one on day 46 late. Queries
# read the rule as "tabled on or before presented_on + RESPONSE_TIME" and "overdue when
# presented before today - RESPONSE_TIME".
RESPONSE_DAYS = 45
RESPONSE_TIME = datetime.timedelta(days=RESPONSE_DAYS)
# Signing periods became 30, 60, 90 or 120 days on this date; before it, always 120.
FLEXIBLE_WINDOWS_SINCE = datetime.date(2019, 1, 28)
WINDOW_DAYS = (30, 60, 90, 120)
FIXED_WINDOW_DAYS = 120
MAX_WORDS = 250
# The days a House record can plausibly carry, from Confederation to well ahead: outside
# them a date is a typing error (a year 9999 has no 45-day deadline to compute).
EARLIEST_DAY = datetime.date(1867, 7, 1)
LATEST_DAY = datetime.date(2099, 12, 31)
EARLIEST_MOMENT = datetime.datetime(1867, 7, 1, tzinfo=datetime.UTC)
LATEST_MOMENT = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
E_PETITION_SIGNATURES_TO_CERTIFY = 500
PAPER_PETITION_SIGNATURES = 25

E_PETITION_NUMBER = re.compile(r"^e-[1-9][0-9]*$")
# Parliament, session, then a five-digit sequence that restarts each session.
PRESENTATION_NUMBER = re.compile(r"^([0-9]{2})([0-9])-[0-9]{5}$")


def word_count(*texts):
    return sum(len(text.split()) for text in texts)


def plausible_day(name):
    """A Q that the date field `name` is empty or among the plausible days."""
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (EARLIEST_DAY, LATEST_DAY)})


def day_errors(**days):
    """Errors for the days (field name: date) that are implausible or after today, on
    Ottawa's calendar: nothing the House records has happened yet tomorrow."""
    errors = {}
    today = timezone.localdate()
    for name, day in days.items():
        if day is None:
            continue
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            errors[name] = _("Enter a date between %(first)s and %(last)s.") % {
                "first": date_format(EARLIEST_DAY),
                "last": date_format(LATEST_DAY),
            }
        elif day > today:
            errors[name] = _("This date is after today (%(today)s).") % {
                "today": date_format(today)
            }
    return errors


def window_timeline_errors(*, closes_at, kind, outcome, outcome_on, presented_on):
    """Certification, and an e-petition's presentation, come on or after the day its
    window closes, on Ottawa's calendar: a window closing at 2:23 p.m. on January 15
    allows either on January 15."""
    errors = {}
    if closes_at is None:
        return errors
    closing_day = timezone.localdate(closes_at)
    decided = outcome in (Outcome.CERTIFIED, Outcome.NOT_CERTIFIED)
    if decided and outcome_on is not None and outcome_on < closing_day:
        errors["outcome_on"] = _(
            "A petition is certified (or not) once its window has closed, on %(closes)s or later."
        ) % {"closes": date_format(closing_day)}
    if kind == Kind.ELECTRONIC and presented_on is not None and presented_on < closing_day:
        errors["presented_on"] = _(
            "An e-petition is presented once its window has closed, on %(closes)s or later."
        ) % {"closes": date_format(closing_day)}
    return errors


def province_count_errors(*, counts, total, kind):
    """What is wrong with the counts by province ({province: count}, the unknown ones
    left out) beside the signature total: a paper petition has none, and the House's
    counts add up to its total."""
    if not counts:
        return []
    if kind == Kind.PAPER:
        return [_("A paper petition has no counts by province.")]
    counted = sum(counts.values())
    if total is None or counted == total:
        return []
    return [
        _("The counts by province add up to %(counted)s, but the signature total is %(total)s.")
        % {"counted": counted, "total": total}
    ]


def response_due_on(presented_on):
    """The last day a response is on time; None before presentation, or for a day no
    House record can carry (year 9999 has no day 45 after it)."""
    if presented_on is None or not EARLIEST_DAY <= presented_on <= LATEST_DAY:
        return None
    return presented_on + RESPONSE_TIME


def response_deadline(presented_on, first_response_on, today):
    """How the deadline fared: (state, days), or None before presentation. `state` is
    "met" or "late" once answered, "overdue" or "pending" until then; `days` are the
    days late, or left."""
    due_on = response_due_on(presented_on)
    if due_on is None:
        return None
    if first_response_on is not None:
        late = (first_response_on - due_on).days
        return ("late", late) if late > 0 else ("met", 0)
    if today > due_on:
        return "overdue", (today - due_on).days
    return "pending", (due_on - today).days
