"""The statistics: figures worked out by hand for the archive of research.py, the same
from the page and the API, filterable like the list, drawn as SVG without style
attributes, each chart with its numbers in a table."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions import stats
from petitions.models import Petition
from tests.petitions.research import build_archive, many_petitions

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]


@pytest.fixture(autouse=True)
def _no_rate_limits_and_no_cached_figures(settings):
    """The rate limits have tests of their own; here every request is the test's. The
    figures are cached by filter: each test computes its own."""
    settings.RATE_LIMITS = {}
    cache.clear()


@pytest.fixture
def figures(db):
    build_archive()
    return stats.figures(Petition.objects.all())


def counts(rows, key):
    return {row[key]: row["count"] for row in rows}


def test_totals_and_the_45_day_deadline(figures):
    assert figures["totals"] == {
        "petition_count": 7,
        "signature_total": 1200 + 800 + 600 + 30 + 5000 + 100,
        "signature_known_count": 6,  # e-105, still open, has no count yet
        "presented_count": 6,
        "responded_count": 5,
        # e-101 (44 days), 441-00005 (37), e-106 (31 then 50).
        "on_time_count": 3,
        # e-102 (73 days), e-104 (75), e-103 (never answered).
        "overdue_count": 3,
        "not_yet_due_count": 0,
        "on_time_share": 0.5,
    }


def test_counts_by_status_session_kind_ministry_and_topic(figures):
    assert counts(figures["by_status"], "status") == {"responded": 5, "presented": 1, "open": 1}
    assert [row["status"] for row in figures["by_status"]] == ["open", "presented", "responded"]
    assert counts(figures["by_session"], "session") == {"432": 1, "441": 6}
    assert counts(figures["by_kind"], "kind") == {"electronic": 6, "paper": 1}
    assert counts(figures["by_ministry"], "ministry") == {
        "minister-of-public-safety": 4,
        "minister-of-health": 3,
    }
    assert counts(figures["by_topic"], "topic") == {"public-safety": 4, "health": 3}


def test_petitions_per_month_count_the_month_they_began_and_show_empty_months(figures):
    months = counts(figures["by_month"], "month")
    assert months["2021-03"] == 1  # e-104, presented
    assert months["2022-11"] == 1  # e-101, opened for signature
    assert months["2023-02"] == 1  # the paper petition, presented
    assert months["2023-03"] == 1  # e-102
    assert months["2023-04"] == 1  # e-103
    assert months["2023-05"] == 1  # e-106
    assert months["2021-04"] == 0
    assert sum(months.values()) == 7
    keys = list(months)
    assert keys == sorted(keys) and keys[0] == "2021-03"


def test_response_days_are_counted_in_spans_with_the_deadline_marked(figures):
    spans = {(row["from_days"], row["to_days"]): row for row in figures["response_days"]}
    # Responses took 44, 73, 37, 75, 31 and 50 days.
    assert {span: row["count"] for span, row in spans.items()} == {
        (0, 15): 0,
        (16, 30): 0,
        (31, 45): 3,
        (46, 60): 1,
        (61, 90): 2,
        (91, 180): 0,
        (181, None): 0,
    }
    assert [row["within_deadline"] for row in figures["response_days"]] == [
        True, True, True, False, False, False, False,
    ]  # fmt: skip


def test_response_days_by_ministry_give_percentiles_and_the_share_in_time(figures):
    rows = {row["ministry"]: row for row in figures["response_days_by_ministry"]}
    safety = rows["minister-of-public-safety"]  # 44, 50, 73
    assert (safety["count"], safety["within_deadline_count"]) == (3, 1)
    assert safety["within_deadline_share"] == pytest.approx(1 / 3)
    assert (safety["min"], safety["median"], safety["max"]) == (44, 50, 73)
    assert safety["p25"] == pytest.approx(47)
    assert safety["p75"] == pytest.approx(61.5)
    assert safety["p10"] == pytest.approx(45.2)
    health = rows["minister-of-health"]  # 31, 37, 75
    assert (health["count"], health["within_deadline_count"], health["median"]) == (3, 2, 37)


def test_the_most_signed_petitions_come_first(figures):
    assert [(row["number"], row["signature_count"]) for row in figures["most_signed"]] == [
        ("e-104", 5000),
        ("e-101", 1200),
        ("e-102", 800),
        ("e-103", 600),
        ("e-106", 100),
        ("441-00005", 30),
    ]
    assert figures["most_signed"][0]["topic"] == "Health"


def test_the_api_gives_the_same_figures_as_the_page(client):
    build_archive()
    page = client.get("/stats/").context["figures"]
    api = client.get("/api/stats/").json()
    assert api["totals"] == page["totals"]
    assert api["by_status"] == page["by_status"]
    assert api["response_days_by_ministry"] == page["response_days_by_ministry"]
    assert api["by_month"] == page["by_month"]


def test_the_figures_follow_the_list_filter(client):
    build_archive()
    query = {"ministry": "minister-of-public-safety", "session": "441"}
    api = client.get("/api/stats/", query).json()
    # e-101, e-102, e-103, e-105 addressed to Public Safety; e-106 answered by it.
    assert api["totals"]["petition_count"] == 5
    assert api["totals"]["overdue_count"] == 2
    page = client.get("/stats/", query)
    assert page.context["figures"]["totals"] == api["totals"]
    assert "Ministry (addressed or responding): Minister of Public Safety" in page.text


def test_unknown_filter_values_are_a_400_json_error_and_a_form_error(client):
    api = client.get("/api/stats/", {"session": "999"})
    assert api.status_code == 400
    assert list(api.json()) == ["session"]
    page = client.get("/stats/", {"session": "999"})
    assert page.status_code == 400
    assert 'role="alert"' in page.text
    assert "999" in page.text


def test_the_page_draws_every_chart_as_svg_with_its_numbers_in_a_table(client):
    build_archive()
    html = client.get("/stats/").text
    assert (
        html.count('class="bar-table__svg"') == 3 + 2 + 2 + 2 + 2 + 7
    )  # a bar per row: status, session, kind, ministry, topic, days
    assert html.count('class="spread-table__svg"') == 2
    assert html.count('class="columns__plot"') == 1
    # A strict Content Security Policy: no style attribute, no <style>, no script.
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html and "<script" not in html
    assert 'class="chart__deadline"' in html
    assert "Response times by ministry, in days" in html
    assert "Petitions by</h2>" not in html
    assert "Minister of Public Safety" in html
    assert "<strong>50%</strong>" in html  # answered in time, among the petitions now due


def test_svg_numbers_stay_dotted_on_the_french_page(client):
    build_archive()
    html = client.get("/fr/stats/").text
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        for attribute in re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg):
            assert re.fullmatch(r"-?[0-9]+(\.[0-9]+)?%?", attribute), attribute


def test_an_empty_archive_shows_the_page_without_charts(client):
    response = client.get("/stats/")
    assert response.status_code == 200
    assert "No petition to count." in response.text


def test_the_stats_take_a_fixed_number_of_queries_whatever_the_rows(client):
    many_petitions(5)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/stats/").status_code == 200
    many_petitions(60, start=5)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/stats/").status_code == 200
    assert len(many) == len(few)
    cache.clear()
    with CaptureQueriesContext(connection) as api:
        client.get("/api/stats/")
    assert len(api) <= 14  # four counts for the totals, one query for each other figure


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_figures_are_kept_per_filter_until_a_change_and_say_when_they_were_computed(client):
    build_archive()
    first = client.get("/api/stats/").json()
    with CaptureQueriesContext(connection) as context:
        again = client.get("/api/stats/").json()
    assert again == first
    assert len(context) == 1  # the data version
    assert first["computed_at"]
    Petition.objects.filter(number="e-101").delete()
    after = client.get("/api/stats/").json()
    assert after["totals"]["petition_count"] == first["totals"]["petition_count"] - 1
    other_filter = client.get("/api/stats/", {"kind": "electronic"}).json()
    assert other_filter["totals"]["petition_count"] == 5
    assert "Figures as of" in client.get("/stats/").text
