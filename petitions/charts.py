"""Geometry for the server-drawn SVG charts of the /stats/ page, computed from the figures
of petitions/stats.py.

Every chart fills the width it is given, from a phone to a desktop, without scaling its
text: counts are drawn as a table whose rows each carry a bar (an SVG stretched to its
cell, in units of the axis), and the petitions over time as columns placed in percent of
the chart's width. Templates draw them with presentation attributes only (no style
attributes), so a strict Content Security Policy holds; colours come from classes in
static/css/stats.css. Drawing is arithmetic on a few dozen rows: no query."""

import datetime
import math

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from petitions.models import RESPONSE_DAYS, session_name

# The width of a bar's drawing, in its own units: a bar of the axis' top value is this long.
BAR_UNITS = 1000
# Months, quarters or years: the finest that draws at most this many columns.
MOST_COLUMNS = 40
# This many empty periods in a row or more are drawn as one break in the axis.
EMPTY_RUN = 3
# Ministries and topics, the most petitions (or responses) first: this many drawn, the
# others folded.
FIRST_ROWS = 10
COLUMN_HEIGHT = 200
COLUMN_TOP = 10


def nice_ticks(largest, count=4):
    """About `count` round steps (1, 2 or 5 times a power of ten, whole numbers) from 0 to
    at least `largest`."""
    largest = max(largest or 0, 1)
    raw = largest / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(largest / step) * step
    return list(range(0, int(top) + 1, int(step)))


def _axis(ticks):
    """Ticks in percent of the axis, the first and last anchored inside the chart."""
    top = ticks[-1]
    return [
        {
            "value": tick,
            "percent": round(tick * 100 / top, 2),
            "anchor": "start" if tick == 0 else "end" if tick == top else "middle",
        }
        for tick in ticks
    ]


def _units(value, top):
    return round(value * BAR_UNITS / top, 1) if top else 0


def bars(rows, label_key="label", value_key="count", *, first=None):
    """A bar per row on a common axis from 0 to a round number above the largest value.
    With `first`, rows past the first that many (the smaller, for rows ranked by count)
    are kept apart under "more", drawn on the same axis, so that a long list does not
    make the page a long scroll."""
    ticks = nice_ticks(max((row[value_key] for row in rows), default=0))
    top = ticks[-1]
    items = [
        {
            "label": str(row[label_key]),
            "value": row[value_key],
            # A count of 1 among thousands still shows.
            "length": max(_units(row[value_key], top), 2 if row[value_key] else 0),
            "row": row,
        }
        for row in rows
    ]
    chart = {"rows": items, "units": BAR_UNITS, "ticks": _axis(ticks), "more": None}
    if first is not None and len(items) > first + 2:
        chart["rows"] = items[:first]
        chart["more"] = {**chart, "rows": items[first:], "is_continued": True}
    return chart


def response_bars(buckets):
    """The response-time histogram as bars, the spans within the deadline apart from the
    later ones."""
    chart = bars(buckets)
    chart["within"] = [bar for bar in chart["rows"] if bar["row"]["within_deadline"]]
    chart["late"] = [bar for bar in chart["rows"] if not bar["row"]["within_deadline"]]
    return chart


def spreads(rows, *, first=None):
    """A box per ministry on a common axis of days: the line from the 10th to the 90th
    percentile, the box from the 25th to the 75th, a mark at the median; and the
    45-day line."""
    largest = max([RESPONSE_DAYS * 2, *(row["p90"] for row in rows)])
    step = 30 if largest <= 240 else 90
    top = math.ceil(largest / step) * step
    items = [
        {
            "label": row["label"],
            "whisker_from": _units(row["p10"], top),
            "whisker_to": _units(row["p90"], top),
            "box_x": _units(row["p25"], top),
            "box_width": max(_units(row["p75"] - row["p25"], top), 4),
            "median_x": _units(row["median"], top),
            "row": row,
        }
        for row in rows
    ]
    chart = {
        "rows": items,
        "all": rows,
        "units": BAR_UNITS,
        "deadline_x": _units(RESPONSE_DAYS, top),
        "deadline_percent": round(RESPONSE_DAYS * 100 / top, 2),
        "ticks": _axis(list(range(0, top + 1, step))),
        "more": None,
    }
    if first is not None and len(items) > first + 2:
        chart["rows"] = items[:first]
        chart["more"] = {**chart, "rows": items[first:], "is_continued": True}
    return chart


def _month(text):
    return datetime.date.fromisoformat(f"{text}-01")


UNITS = {
    "month": lambda day: (day.year, day.month),
    "quarter": lambda day: (day.year, (day.month - 1) // 3 + 1),
    "year": lambda day: (day.year,),
}


def _grouped(months):
    """(unit, periods): the months (consecutive, as by_month gives them) summed into
    months, quarters or years, the finest of them that gives at most MOST_COLUMNS
    periods; months only up to two years, where a month's column is still wide."""
    days = [_month(row["month"]) for row in months]
    for unit, key in UNITS.items():
        count = len({key(day) for day in days})
        if count <= (MOST_COLUMNS * 0.6 if unit == "month" else MOST_COLUMNS):
            break
    periods = {}
    for day, row in zip(days, months, strict=True):
        period = periods.setdefault(key(day), {"key": key(day), "start": day, "count": 0})
        period["count"] += row["count"]
    return unit, list(periods.values())


def _period_label(unit, period):
    key = period["key"]
    if unit == "month":
        return date_format(period["start"], "F Y")
    if unit == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": key[1], "year": key[0]}
    return str(key[0])


def _with_breaks(unit, periods):
    """The periods, each run of EMPTY_RUN or more empty ones made a single break."""
    result, run = [], []

    def close_run():
        if len(run) >= EMPTY_RUN:
            label = _("%(start)s to %(end)s") % {
                "start": _period_label(unit, run[0]),
                "end": _period_label(unit, run[-1]),
            }
            result.append({"label": label, "count": 0, "is_break": True, "key": run[0]["key"]})
        else:
            result.extend(run)
        run.clear()

    for period in periods:
        if period["count"]:
            close_run()
            result.append(period)
        else:
            run.append(period)
    close_run()
    return result


def _tick(unit, period, index, count):
    """(label, left out on a phone, placed at the year's start) under a column; "" for
    none. Labels are spaced for a desktop; a phone keeps every other one."""
    if period.get("is_break"):
        return "…", False, False
    key = period["key"]
    if unit == "month":
        month = key[1]
        if count <= 8:
            text = date_format(period["start"], "N Y" if month == 1 or index == 0 else "N")
            return text, index % 2 == 1, False
        if month in (1, 7):
            return date_format(period["start"], "N Y"), False, False
        if month in (4, 10):
            return date_format(period["start"], "N"), True, False
        return "", False, False
    if unit == "quarter":
        if key[1] == 1:
            return str(key[0]), count > 20 and key[0] % 2 == 1, True
        return "", False, False
    return str(key[0]), count > 12 and key[0] % 2 == 1, False


def periods(months):
    """Petitions per month (figures["by_month"]) as ≤ MOST_COLUMNS columns: by month over
    two years or less, by quarter up to about ten years, by year beyond; long runs of
    empty periods become one break. Returns the unit and the periods with their labels."""
    unit, grouped = _grouped(months)
    rows = []
    for period in _with_breaks(unit, grouped):
        if not period.get("is_break"):
            period = {**period, "label": _period_label(unit, period), "is_break": False}
        rows.append(period)
    for index, row in enumerate(rows):
        row["tick"], row["tick_is_minor"], row["starts_year"] = _tick(unit, row, index, len(rows))
    return unit, rows


def columns(rows):
    """A column per row, left to right, in percent of the chart's width, on a vertical
    axis of round numbers in pixels."""
    ticks = nice_ticks(max((row["count"] for row in rows), default=0))
    top = ticks[-1]
    step = 100 / len(rows) if rows else 0
    bottom = COLUMN_TOP + COLUMN_HEIGHT
    items = []
    last = len(rows) - 1
    for index, row in enumerate(rows):
        height = row["count"] * COLUMN_HEIGHT / top
        left = index * step
        # The first and last labels are anchored inside the chart, the others centred.
        # A year's label starts where the year does, by a mark on the axis; other labels
        # are centred, and the last one ends inside the chart.
        anchor, label_x = "middle", left + step / 2
        if row.get("starts_year") or (index == 0 and last):
            anchor, label_x = "start", left
        elif index == last and last:
            anchor, label_x = "end", left + step
        items.append(
            {
                **row,
                "x": round(left + step * 0.12, 3),
                "x_end": round(left + step * 0.88, 3),
                "width": round(step * 0.76, 3),
                "label_x": round(label_x, 3),
                "left": round(left, 3),
                "anchor": anchor,
                "y": round(bottom - height, 1),
                "height": round(height, 1),
            }
        )
    return {
        "rows": items,
        "has_breaks": any(row.get("is_break") for row in rows),
        "height": bottom + 30,
        "top": COLUMN_TOP,
        "bottom": bottom,
        "label_y": bottom + 18,
        "ticks": [
            {"value": tick, "y": round(bottom - tick * COLUMN_HEIGHT / top, 1)} for tick in ticks
        ],
    }


def _session(row):
    """Named as in the filters: "44th Parliament, 1st Session"."""
    return session_name(row["parliament"], row["number"])


def for_figures(figures):
    """Every chart of the stats page."""
    buckets = [
        {
            **bucket,
            "label": (
                _("%(from)s to %(to)s days")
                % {"from": bucket["from_days"], "to": bucket["to_days"]}
                if bucket["to_days"] is not None
                else _("%(from)s days or more") % {"from": bucket["from_days"]}
            ),
        }
        for bucket in figures["response_days"]
    ]
    unit, over_time = periods(figures["by_month"])
    return {
        "status_chart": bars(figures["by_status"]),
        "session_chart": bars([{**row, "label": _session(row)} for row in figures["by_session"]]),
        "kind_chart": bars(figures["by_kind"]),
        "ministry_chart": bars(figures["by_ministry"], first=FIRST_ROWS),
        "topic_chart": bars(figures["by_topic"], first=FIRST_ROWS),
        "period_unit": unit,
        "month_chart": columns(over_time),
        "response_chart": response_bars(buckets),
        "spread_chart": spreads(figures["response_days_by_ministry"], first=FIRST_ROWS),
    }


LINE_WIDTH = 1000
LINE_HEIGHT = 200


def signature_line(points):
    """A petition's signature history as a line over time: [(moment, count)] oldest
    first, placed in a LINE_WIDTH x LINE_HEIGHT drawing (stretched to its box; the
    stroke keeps its width), with the counts' axis in percent of the height. One count
    is drawn as a level line."""
    points = [(moment, count) for moment, count in points if count is not None]
    if not points:
        return None
    ticks = nice_ticks(max(count for _, count in points), count=3)
    top = ticks[-1]
    first, last = points[0][0].timestamp(), points[-1][0].timestamp()
    span = last - first
    coordinates = [
        (
            round((moment.timestamp() - first) * LINE_WIDTH / span, 1) if span else 0,
            round(LINE_HEIGHT - count * LINE_HEIGHT / top, 1),
        )
        for moment, count in points
    ]
    if len(coordinates) == 1:
        coordinates.append((LINE_WIDTH, coordinates[0][1]))
    line = " ".join(f"{x},{y}" for x, y in coordinates)
    return {
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
        "line": line,
        "area": f"0,{LINE_HEIGHT} {line} {coordinates[-1][0]},{LINE_HEIGHT}",
        "ticks": [{"value": tick, "y_percent": round(100 - tick * 100 / top, 2)} for tick in ticks],
    }
