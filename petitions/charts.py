"""Geometry for the server-drawn SVG charts of the /stats/ page: positions and sizes
in the SVG's own units, computed from the figures of petitions/stats.py. Templates draw
them with presentation attributes only (no style attributes), so a strict Content
Security Policy holds; colours come from classes in static/css/stats.css."""

import math

from django.utils.translation import gettext as _

from petitions.models import RESPONSE_DAYS

WIDTH = 720
LABEL_WIDTH = 290
PLOT_X = LABEL_WIDTH + 10
PLOT_WIDTH = WIDTH - PLOT_X - 70
ROW_HEIGHT = 26
BAR_HEIGHT = 18
LABEL_CHARACTERS = 40
COLUMN_HEIGHT = 200
COLUMN_TOP = 20
COLUMN_LEFT = 64


def _short(label):
    label = str(label)
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _scale(largest, length):
    return (lambda value: 0) if not largest else (lambda value: value * length / largest)


def bars(rows, label_key="label", value_key="count"):
    """A horizontal bar per row, longest for the largest value."""
    largest = max((row[value_key] for row in rows), default=0)
    scale = _scale(largest, PLOT_WIDTH)
    items = []
    for index, row in enumerate(rows):
        value = row[value_key]
        width = scale(value)
        top = index * ROW_HEIGHT + 4
        items.append(
            {
                "label": _short(row[label_key]),
                "full_label": str(row[label_key]),
                "value": value,
                "y": top,
                "text_y": top + BAR_HEIGHT - 4,
                "width": round(max(width, 1 if value else 0), 1),
                "value_x": round(PLOT_X + width + 6, 1),
                "row": row,
            }
        )
    return {
        "rows": items,
        "width": WIDTH,
        "height": len(rows) * ROW_HEIGHT + 8,
        "label_x": LABEL_WIDTH,
        "plot_x": PLOT_X,
        "bar_height": BAR_HEIGHT,
    }


def columns(rows, label_key, value_key="count", *, label_every=1, deadline_after=None):
    """A vertical bar per row, left to right, labelled every `label_every` rows unless a
    row says `show_label`; `deadline_after` is the index of the row after which the
    45-day line is drawn."""
    count = len(rows)
    plot_width = WIDTH - COLUMN_LEFT - 10
    step = plot_width / count if count else 0
    largest = max((row[value_key] for row in rows), default=0)
    scale = _scale(largest, COLUMN_HEIGHT)
    bottom = COLUMN_TOP + COLUMN_HEIGHT
    items = []
    for index, row in enumerate(rows):
        height = scale(row[value_key])
        x = COLUMN_LEFT + index * step
        items.append(
            {
                "label": str(row[label_key]),
                "show_label": row.get("show_label", index % label_every == 0),
                "value": row[value_key],
                "x": round(x + step * 0.1, 1),
                "center": round(x + step / 2, 1),
                "width": round(max(step * 0.8, 0.5), 1),
                "y": round(bottom - height, 1),
                "height": round(height, 1),
                "row": row,
            }
        )
    deadline_x = None
    if deadline_after is not None and count:
        deadline_x = round(COLUMN_LEFT + (deadline_after + 1) * step, 1)
    return {
        "rows": items,
        "width": WIDTH,
        "height": bottom + 40,
        "left": COLUMN_LEFT,
        "top": COLUMN_TOP,
        "bottom": bottom,
        "right": WIDTH - 10,
        "largest": largest,
        "label_y": bottom + 16,
        "deadline_x": deadline_x,
    }


def spreads(rows):
    """A box per ministry: whiskers from the 10th to the 90th percentile of days, the
    box from the 25th to the 75th, a mark at the median; and the 45-day line."""
    largest = max([RESPONSE_DAYS * 2, *(row["p90"] for row in rows)])
    tick = 30 if largest <= 240 else 90
    largest = math.ceil(largest / tick) * tick
    scale = _scale(largest, PLOT_WIDTH)

    def x(days):
        return round(PLOT_X + scale(days), 1)

    items = []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT + 24
        items.append(
            {
                "label": _short(row["label"]),
                "full_label": row["label"],
                "y": top,
                "middle": top + BAR_HEIGHT / 2,
                "text_y": top + BAR_HEIGHT - 4,
                "bottom": top + BAR_HEIGHT,
                "whisker_from": x(row["p10"]),
                "whisker_to": x(row["p90"]),
                "box_x": x(row["p25"]),
                "box_width": round(max(x(row["p75"]) - x(row["p25"]), 1), 1),
                "median_x": x(row["median"]),
                "row": row,
            }
        )
    height = len(rows) * ROW_HEIGHT + 44
    return {
        "rows": items,
        "width": WIDTH,
        "height": height,
        "label_x": LABEL_WIDTH,
        "plot_x": PLOT_X,
        "axis_y": height - 16,
        "deadline_x": x(RESPONSE_DAYS),
        "ticks": [{"days": days, "x": x(days)} for days in range(0, largest + 1, tick)],
    }


def _session(row):
    return _("%(parliament)s Parliament, session %(session)s") % {
        "parliament": row["parliament"],
        "session": row["number"],
    }


def for_figures(figures):
    """Every chart of the stats page."""
    months = figures["by_month"]
    buckets = [
        {
            **bucket,
            "label": (
                f"{bucket['from_days']}–{bucket['to_days']}"
                if bucket["to_days"] is not None
                else f"{bucket['from_days']}+"
            ),
        }
        for bucket in figures["response_days"]
    ]
    last_in_time = max(
        (index for index, bucket in enumerate(buckets) if bucket["within_deadline"]), default=None
    )
    # A year's label under its January (or the first month shown), when years fit.
    many_years = len(months) > 24
    months = [
        {
            **row,
            "tick": row["month"][:4] if many_years else row["month"],
            "show_label": (row["month"].endswith("-01") or index == 0)
            if many_years
            else index % max(1, math.ceil(len(months) / 12)) == 0,
        }
        for index, row in enumerate(months)
    ]
    return {
        "status_chart": bars(figures["by_status"]),
        "session_chart": bars([{**row, "label": _session(row)} for row in figures["by_session"]]),
        "kind_chart": bars(figures["by_kind"]),
        "ministry_chart": bars(figures["by_ministry"]),
        "topic_chart": bars(figures["by_topic"]),
        "month_chart": columns(months, "month"),
        "response_chart": columns(buckets, "label", deadline_after=last_in_time),
        "spread_chart": spreads(figures["response_days_by_ministry"]),
    }
