"""Dates and times as the House prints them, in English and French.

The House shows times on Ottawa's clock and labels them (EDT) / (HAE) all year, even in
winter: "November 16, 2022, at 2:23 p.m. (EDT)", "5 décembre 2018 à 10 h 10 (HAE)".
Dates alone read "March 20, 2023" / "20 mars 2023". Parsing accepts those forms and
ISO 8601; printing gives them back exactly.
"""

import datetime
import re
from zoneinfo import ZoneInfo

# Ottawa's clock, the House's: the site's TIME_ZONE, and the zone of the database function
# that dates a petition's activity (migration 0015) when it reads a window's opening.
HOUSE_TIME_ZONE = "America/Toronto"
OTTAWA = ZoneInfo(HOUSE_TIME_ZONE)

MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
MONTHS_FR = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip

_EN = re.compile(
    r"^(?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4})"
    r"(?:,? at (?P<hour>\d{1,2}):(?P<minute>\d{2}) (?P<ampm>[ap])\.m\."
    r"(?: \((?P<zone>EDT|EST)\))?)?$"
)
_FR = re.compile(
    r"^(?P<day>\d{1,2})(?:er)? (?P<month>[a-zéû]+) (?P<year>\d{4})"
    r"(?: à (?P<hour>\d{1,2}) h (?P<minute>\d{2})(?: \((?P<zone>HAE|HNE)\))?)?$"
)


class DateParseError(ValueError):
    pass


def parse_house_date(text):
    """A date or an aware datetime from any form the House prints, or ISO 8601.

    Returns None for empty text; raises DateParseError for text that is not a date."""
    text = " ".join((text or "").split())
    if not text:
        return None
    match = _EN.match(text)
    if match and match["month"] in MONTHS_EN:
        month = MONTHS_EN.index(match["month"]) + 1
        hour = None
        if match["hour"] is not None:
            hour = int(match["hour"]) % 12 + (12 if match["ampm"] == "p" else 0)
        return _build(match, month, hour, text)
    match = _FR.match(text)
    if match and match["month"] in MONTHS_FR:
        month = MONTHS_FR.index(match["month"]) + 1
        hour = int(match["hour"]) if match["hour"] is not None else None
        return _build(match, month, hour, text)
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise DateParseError(f"not a date: {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=OTTAWA)
    return value


def _build(match, month, hour, text):
    try:
        date = datetime.date(int(match["year"]), month, int(match["day"]))
        if hour is None:
            return date
        # In the hour that autumn's change of clocks repeats, standard time names the
        # second (the House's EDT-all-year label cannot tell them apart).
        second = match["zone"] in ("EST", "HNE")
        return datetime.datetime.combine(
            date, datetime.time(hour, int(match["minute"]), fold=int(second)), tzinfo=OTTAWA
        )
    except ValueError:
        raise DateParseError(f"impossible date: {text!r}") from None


def format_house_date(value, language="en"):
    """ "March 20, 2023" / "20 mars 2023" (a datetime prints its Ottawa date)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(OTTAWA).date()
    if language == "fr":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {MONTHS_FR[value.month - 1]} {value.year}"
    return f"{MONTHS_EN[value.month - 1]} {value.day}, {value.year}"


def format_house_datetime(value, language="en", *, zone_as_the_house=True):
    """ "November 16, 2022, at 2:23 p.m. (EDT)" / "16 novembre 2022 à 14 h 23 (HAE)":
    Ottawa's time. The House labels it EDT (HAE) all year, as its records are written
    back; with zone_as_the_house=False the label is the one in force then, EST (HNE)
    in winter, as the archive's own pages show it."""
    if value is None:
        return ""
    local = value.astimezone(OTTAWA)
    date = format_house_date(local.date(), language)
    summer = zone_as_the_house or bool(local.dst())
    if language == "fr":
        return f"{date} à {local.hour} h {local.minute:02d} ({'HAE' if summer else 'HNE'})"
    hour = local.hour % 12 or 12
    ampm = "a.m." if local.hour < 12 else "p.m."
    return f"{date}, at {hour}:{local.minute:02d} {ampm} ({'EDT' if summer else 'EST'})"
