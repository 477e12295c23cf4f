"""The statistics charts as a reader relies on them: time grouped so that a long range
stays a few dozen columns without long runs of empty ones, axes with round ticks, each
chart's figures in a table, unknown signature counts never shown as 0, both languages."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import translation

from petitions import charts
from tests.factories import PetitionFactory, SessionFactory
from tests.petitions.research import build_archive

MONTH = datetime.timedelta(days=31)


@pytest.fixture(autouse=True)
def _no_rate_limits_and_no_cached_figures(settings):
    settings.RATE_LIMITS = {}
    cache.clear()


@pytest.fixture(autouse=True)
def _english_unless_said():
    """A request to a French page leaves French active in the thread."""
    with translation.override("en"):
        yield


def months_between(first, last, counts):
    """figures["by_month"] from `first` to `last` ("YYYY-MM"), `counts` by month."""
    rows, month = [], datetime.date.fromisoformat(f"{first}-01")
    end = datetime.date.fromisoformat(f"{last}-01")
    while month <= end:
        key = month.strftime("%Y-%m")
        rows.append({"month": key, "count": counts.get(key, 0)})
        month = (month + MONTH).replace(day=1)
    return rows


def longest_empty_run(periods):
    longest = run = 0
    for period in periods:
        run = run + 1 if not period["count"] and not period["is_break"] else 0
        longest = max(longest, run)
    return longest


def test_ten_years_of_months_are_drawn_in_at_most_40_columns_without_long_empty_runs():
    busy = {f"{year}-{month:02d}": 3 for year in range(2015, 2025) for month in (2, 9)}
    unit, periods = charts.periods(months_between("2015-01", "2024-12", busy))
    assert unit == "quarter"
    assert len(periods) <= 40
    assert sum(period["count"] for period in periods) == 3 * 2 * 10
    assert longest_empty_run(periods) < charts.EMPTY_RUN


def test_a_few_petitions_over_ten_years_leave_no_long_run_of_empty_years():
    unit, periods = charts.periods(
        months_between("2015-03", "2025-11", {"2015-03": 1, "2025-11": 2})
    )
    assert unit == "year"
    assert [period["label"] for period in periods] == ["2015", "2016 to 2024", "2025"]
    assert [period["count"] for period in periods] == [1, 0, 2]
    assert [period["is_break"] for period in periods] == [False, True, False]
    assert periods[1]["tick"] == "…"


def test_a_range_of_two_years_or_less_is_drawn_by_month_with_month_names():
    counts = {"2023-01": 4, "2023-02": 1, "2023-06": 2, "2024-03": 5}
    unit, periods = charts.periods(months_between("2023-01", "2024-03", counts))
    assert unit == "month"
    labels = [period["label"] for period in periods]
    assert labels[:2] == ["January 2023", "February 2023"]
    assert "March 2023 to May 2023" in labels  # three empty months, one break
    assert "July 2023 to February 2024" in labels
    assert sum(period["count"] for period in periods) == 12
    with translation.override("fr"):
        _, periods = charts.periods(months_between("2023-01", "2024-03", counts))
    assert periods[0]["label"] == "janvier 2023"
    assert "de mars 2023 à mai 2023" in [period["label"] for period in periods]


def test_quarters_read_in_french():
    counts = {f"{year}-{month:02d}": 1 for year in range(2018, 2024) for month in range(1, 13)}
    with translation.override("fr"):
        unit, periods = charts.periods(months_between("2018-01", "2023-12", counts))
    assert unit == "quarter"
    assert periods[0]["label"] == "T1 2018"
    assert periods[0]["count"] == 3


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (0, [0, 1]),
        (7, [0, 2, 4, 6, 8]),
        (393, [0, 100, 200, 300, 400]),
        (531, [0, 200, 400, 600]),
        (1_234_567, [0, 500_000, 1_000_000, 1_500_000]),
    ],
)
def test_axes_run_from_zero_to_a_round_number_above_the_largest_count(largest, ticks):
    assert charts.nice_ticks(largest) == ticks


def test_bars_are_drawn_on_the_axis_and_long_lists_fold_past_the_first_ten():
    rows = [{"label": f"Topic {n}", "count": 30 - n} for n in range(25)]
    chart = charts.bars(rows, first=charts.FIRST_ROWS)
    assert [bar["label"] for bar in chart["rows"]] == [f"Topic {n}" for n in range(10)]
    assert len(chart["more"]["rows"]) == 15
    assert chart["more"]["ticks"] == chart["ticks"]  # the same axis, comparable bars
    top = chart["ticks"][-1]["value"]
    assert chart["rows"][0]["length"] == pytest.approx(30 * charts.BAR_UNITS / top, abs=0.1)


def table_rows(html, caption):
    """{row header: number} of the table whose caption starts with `caption`."""
    table = re.search(rf"<caption[^>]*>{re.escape(caption)}.*?</table>", html, flags=re.S)
    assert table, caption
    rows = re.findall(
        r'<tr><th scope="row">(?:<a [^>]*>)?([^<]*)(?:</a>)?</th><td class="num">([^<]*)</td>',
        table.group(0),
    )
    return {label: int(re.sub(r"\D", "", value)) for label, value in rows}


@pytest.mark.django_db
def test_each_chart_has_a_table_with_the_same_numbers_and_an_axis_with_ticks(client):
    build_archive()
    response = client.get("/stats/")
    html, figures = response.text, response.context["figures"]
    assert table_rows(html, "Petitions by status") == {
        row["label"]: row["count"] for row in figures["by_status"]
    }
    assert table_rows(html, "Petitions by Parliament and session") == {
        "43rd Parliament, 2nd Session": 1,
        "44th Parliament, 1st Session": 6,
    }
    assert table_rows(html, "Responses by the days they took") == {
        bar["label"]: bar["value"] for bar in response.context["response_chart"]["rows"]
    }
    assert table_rows(html, "Days to respond, ministry by ministry") == {
        "Minister of Public Safety": 50,
        "Minister of Health": 37,
    }  # the medians
    years = table_rows(html, "Petitions per")
    assert sum(years.values()) == 7
    # Every axis is labelled with its ticks, from 0.
    for axis in re.findall(r'<svg class="bar-table__ticks".*?</svg>', html, flags=re.S):
        assert len(re.findall(r"<text[^>]*>[0-9,]+</text>", axis)) >= 2
    assert re.search(r'<svg class="columns__axis".*?>0</text>', html, flags=re.S)
    assert "Petitions by</h2>" not in html


@pytest.mark.django_db
def test_unknown_signature_counts_are_not_shown_as_zero(client):
    session = SessionFactory()
    PetitionFactory(session=session, presented_on=datetime.date(2023, 3, 1))
    html = client.get("/stats/").text
    assert re.search(r"<strong>0</strong>\s*signatures", html) is None
    assert "Signatures: <strong>not published</strong>" in html
    assert "Signatures : <strong>non publiées</strong>" in client.get("/fr/stats/").text

    PetitionFactory(session=session, signature_count=1500)
    cache.clear()
    html = client.get("/stats/").text
    assert re.search(r"<strong>1,500</strong> signatures", html)
    assert "on the 1 petition whose count is published" in html
    with translation.override("fr"):
        french = client.get("/fr/stats/").text
    assert re.search(r"<strong>1\s500</strong> signatures", french)


@pytest.mark.django_db
def test_the_french_page_names_sessions_and_spans_in_french(client):
    build_archive()
    html = client.get("/fr/stats/").text
    assert "44e législature, 1re session" in html
    assert "31 à 45 jours" in html
    assert "Dans le délai de 45 jours" in html
    assert "Pétitions par année" in html or "Pétitions par trimestre" in html
