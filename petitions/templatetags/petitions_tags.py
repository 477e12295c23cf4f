"""Template filters and tags for the public pages: House dates, text in the page's
language, the prayer's numbered requests, query strings and the language switch.
None of them runs a query."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django import template
from django.conf import settings
from django.db import DatabaseError
from django.urls import translate_url
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext

from petitions import models
from petitions.cache import data_updated_at
from petitions.filters import session_label
from petitions.house.dates import format_house_date, format_house_datetime

register = template.Library()

# "1. Direct the RCMP…", "1- End pandemic mandates…", "2) Protect…"
NUMBERED_REQUEST = re.compile(r"^\s*(\d{1,2})\s*[.)\-–]\s*(.+)$")


def _language():
    return "fr" if (get_language() or "").startswith("fr") else "en"


@register.filter
def house_date(value):
    """ "March 20, 2023" / "20 mars 2023"."""
    return format_house_date(value, _language())


@register.filter
def house_datetime(value):
    """ "November 16, 2022, at 2:23 p.m. (EST)" / "16 novembre 2022 à 14 h 23 (HNE)":
    Ottawa's time, labelled with the zone in force then."""
    return format_house_datetime(value, _language(), zone_as_the_house=False)


@dataclass
class LocalizedText:
    text: str
    language: str
    # True when the page's language has no text and the other language's is shown.
    is_fallback: bool

    def __str__(self):
        return self.text

    @property
    def lines(self):
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@register.simple_tag
def localized(obj, field):
    """`obj.<field>_en` or `_fr` in the page's language, else the other one, saying which."""
    language = _language()
    other = "en" if language == "fr" else "fr"
    text = getattr(obj, f"{field}_{language}", "") or ""
    if text.strip():
        return LocalizedText(text, language, False)
    text = getattr(obj, f"{field}_{other}", "") or ""
    return LocalizedText(text, other, bool(text.strip()))


@register.filter
def prayer_parts(text):
    """The prayer as the House prints it: an opening line, numbered requests, and any
    closing text."""
    opening, requests, closing = [], [], []
    for line in str(text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = NUMBERED_REQUEST.match(line)
        if match:
            requests.append(match[2])
        elif requests:
            closing.append(line)
        else:
            opening.append(line)
    return {"opening": opening, "requests": requests, "closing": closing}


@register.filter
def summary(text, words=36):
    """A petition's gist for a list: its first request, else its prayer, shortened."""
    parts = prayer_parts(text)
    gist = parts["requests"][0] if parts["requests"] else " ".join(parts["opening"])
    tokens = gist.split()
    if len(tokens) > int(words):
        return " ".join(tokens[: int(words)]) + "…"
    return gist


# The opening every petition shares, up to where it says what it asks: "We, the
# undersigned, … call upon the Government of Canada to" and "Nous, soussignés, …
# demandons au gouvernement du Canada de". The addressee ends at the first "to" (the
# House's pages sometimes glue it on: "Government of Canadato"), or at the first "de"
# before a verb ("au ministre de la Sécurité publique de prendre").
ENGLISH_OPENING = re.compile(
    r"^\W*(?:therefore,?\s+)?(?:we|your\s+petitioners)\b[^:]*?"
    r"\b(?:call\s+(?:up)?on|request|ask)\b[^:]{0,160}?(?:\s+to|(?<=Canada)to|(?<=Commons)to)\b"
    r"\s*:?\s*",
    re.IGNORECASE,
)
FRENCH_OPENING = re.compile(
    r"^\W*(?:par\s+conséquent,?\s+)?(?:nous|vos\s+pétitionnaires)\b[^:]*?"
    r"\b(?:demandons|prions|demandent|prient)\b[^:]{0,160}?"
    r"\s(?:de|d['’])\s*(?=(?:ne\s+|n['’])?(?!la\b|les\b|leur|l['’]|des\b|du\b)"
    r"[a-zàâçéèêëîïôûùüÿœ]+(?:er|ir|re|oir)\b)",
    re.IGNORECASE,
)
ROW_TEXT_LENGTH = 180


def petition_ask(prayer):
    """What a prayer asks, its shared opening left out: the rest of the opening line,
    else its first numbered request; "" when it says nothing more."""
    parts = prayer_parts(prayer)
    opening = " ".join(parts["opening"])
    rest = ENGLISH_OPENING.sub("", opening, count=1)
    rest = FRENCH_OPENING.sub("", rest, count=1) if rest == opening else rest
    ask = rest if rest.strip(" :;,.") else ""
    if not ask.strip(" :;,.") and parts["requests"]:
        ask = parts["requests"][0]
    return ask.strip()


def shortened(text, length=ROW_TEXT_LENGTH):
    """`text` on one line, cut at a word before `length` characters with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


@register.simple_tag
def row_text(petition):
    """What a list's row says of a petition: the passage a search matched (see
    search_passages), else what it asks, else its first grievance, else its topic, else
    that no text is published; in the page's language where there is text in it."""
    language = _language()
    passage = getattr(petition, "passage", None)
    if passage is not None:
        return LocalizedText(passage.html, passage.language, passage.language != language)
    prayer = localized(petition, "prayer")
    ask = petition_ask(prayer.text)
    if ask:
        return LocalizedText(capfirst(shortened(ask)), prayer.language, prayer.is_fallback)
    whereas = localized(petition, "whereas")
    if whereas.lines:
        return LocalizedText(shortened(whereas.lines[0]), whereas.language, whereas.is_fallback)
    if petition.topic_id and petition.topic:
        return LocalizedText(petition.topic.name, language, False)
    return LocalizedText(gettext("No text published"), language, False)


@register.filter
def bar_width(count, largest):
    """A bar's length in percent of the largest, at least 1 so that a count shows."""
    if not count or not largest:
        return 0
    return max(1, round(100 * count / largest))


@register.filter
def percent(share):
    """A share as a percentage: "75%" / "75 %" (French puts a space before the sign)."""
    if share is None:
        return ""
    value = round(100 * share)
    return f"{value}\u00a0%" if _language() == "fr" else f"{value}%"


@register.filter
def days_until(moment):
    """Calendar days on Ottawa's clock from today until `moment` (0 on the last day)."""
    if moment is None:
        return None
    return max(0, (timezone.localdate(moment) - timezone.localdate()).days)


HOUSE_PETITION_URLS = {
    "en": "https://www.ourcommons.ca/petitions/en/Petition/Details?Petition={number}",
    "fr": "https://www.noscommunes.ca/petitions/fr/Petition/Details?Petition={number}",
}


@register.simple_tag
def house_petition_url(petition, language=None):
    """The petition's page on the House's site, in `language` (the page's by default)."""
    return HOUSE_PETITION_URLS[language or _language()].format(number=quote(petition.number))


@register.simple_tag
def data_updated():
    """When the archive's data last changed (the data version the page was built from),
    or None; nothing when the database cannot say (an error page)."""
    try:
        return data_updated_at()
    except DatabaseError:
        return None


@register.filter
def window_state(window):
    """Where a signature window stands by the clock: `state` upcoming, open or closed,
    and `days` left to sign (calendar days on Ottawa's clock; 0 on the closing day)."""
    now = timezone.now()
    if now < window.opens_at:
        return {"state": "upcoming", "days": days_until(window.opens_at)}
    if now < window.closes_at:
        return {"state": "open", "days": days_until(window.closes_at)}
    return {"state": "closed", "days": 0}


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with `changes`; a value of None or "" drops the key.
    The page number is dropped unless given, since a new filter starts at page 1."""
    query = context["request"].GET.copy()
    if "page" not in changes:
        query.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def alternate_urls(context):
    """The current page in each language, for the hreflang links and the language switch
    (base.html reads them once for both)."""
    request = context.get("request")
    if request is None:
        return []
    # "//evil.example/x/" (or "/\\evil.example/x/") is a path to us and another site to a
    # browser: one slash keeps every link translated from it on this site.
    path = "/" + request.get_full_path().lstrip("/\\")
    site, current = settings.SITE_URL.rstrip("/"), _language()
    alternates = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        alternates.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": site + url,
                "is_current": code == current,
            }
        )
    return alternates


@register.simple_tag(takes_context=True)
def canonical_url(context):
    request = context.get("request")
    if request is None:
        return ""
    return settings.SITE_URL.rstrip("/") + request.get_full_path()


@register.filter
def status_label(value):
    """A Status value in words, in the page's language."""
    try:
        return models.Status(value).label
    except ValueError:
        return ""


@register.filter
def response_deadline(petition):
    """Whether the 45-day deadline for a response was met: a dict with `state` (met,
    late, overdue, pending) and `days` (days late, or days left), or None before
    presentation. Reads the annotation `first_response_on`."""
    answered_on = getattr(petition, "first_response_on", None)
    deadline = models.response_deadline(petition.presented_on, answered_on, timezone.localdate())
    if deadline is None:
        return None
    if answered_on is None and petition.current_status() == models.Status.RESPONDED:
        # Answered, but the House's record gives no date for it.
        return {"state": "undated", "days": 0}
    state, days = deadline
    return {"state": state, "days": days}


@register.filter
def signature_table(petition):
    """Rows (province, count, bar width) from the prefetched counts, and the total."""
    counts = list(petition.province_counts.all())
    largest = max((row.signature_count for row in counts), default=0)
    # Not get_province_display(), which hashes every label, translating each, per row.
    names = dict(models.Province.choices)
    rows = [
        {
            "province": names.get(row.province, row.province),
            "code": row.province,
            "count": row.signature_count,
            "width": bar_width(row.signature_count, largest),
        }
        for row in counts
    ]
    total = petition.signature_count
    if total is None and rows:
        total = sum(row["count"] for row in rows)
    return {"rows": rows, "total": total}


@register.filter
def session_name(session):
    """ "44th Parliament, 1st Session" / "44e législature, 1re session"."""
    return session_label(session)
