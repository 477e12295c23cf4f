"""The petition list page: results, pagination, sorts, active filters, the empty state,
bad parameters, query counts and the page's weight."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.models import Petition
from petitions.pagination import count_within
from tests.factories import (
    CaucusFactory,
    KeywordFactory,
    MemberFactory,
    MinistryFactory,
    PetitionFactory,
    SessionFactory,
    SignatureWindowFactory,
    TopicFactory,
)

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]

URL = "/petitions/"


def numbers(response):
    return [petition.number for petition in response.context["page"]]


def many_petitions(count):
    """Petitions with everything a row can show: topic, sponsor, caucus, ministry,
    window, keywords, signatures."""
    topic = TopicFactory()
    ministry = MinistryFactory()
    caucus = CaucusFactory()
    keyword = KeywordFactory()
    for n in range(count):
        window = SignatureWindowFactory(
            petition__number=f"e-{n + 1}",
            petition__topic=topic,
            petition__ministry=ministry,
            petition__sponsor=MemberFactory(),
            petition__sponsor_caucus=caucus,
            petition__signature_count=n * 10,
            petition__presented_on=datetime.date(2023, 1, 1) + datetime.timedelta(days=n),
            petition__prayer_en="We call upon the Government to:\n1. Act now.",
        )
        window.petition.keywords.add(keyword)


def test_the_list_shows_each_petition_with_its_number_topic_gist_and_status(client):
    PetitionFactory(
        number="e-4172",
        topic=TopicFactory(),
        prayer_en="We call upon the Minister to:\n1. Direct the RCMP to investigate.",
        signature_count=1234,
        sponsor=MemberFactory(first_name="Melissa", last_name="Lantsman"),
    )
    response = client.get(URL)
    assert response.status_code == 200
    html = response.text
    assert '<a href="/petitions/e-4172/">e-4172</a>' in html
    assert "Public safety" in html
    assert "Direct the RCMP to investigate." in html
    assert "Closed for signature" in html
    assert "1,234 signatures" in html
    assert "Sponsor: Melissa Lantsman" in html
    assert "1 petition" in html


def test_pages_hold_page_size_petitions_with_the_total_count(client):
    many_petitions(5)
    first = client.get(URL, {"page_size": 2})
    assert numbers(first) == ["e-5", "e-4"]
    assert "5 petitions" in first.text
    assert "Page 1 of 3" in first.text
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    last = client.get(URL, {"page_size": 2, "page": 3})
    assert numbers(last) == ["e-1"]
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text


def test_a_page_past_the_end_shows_the_last_page(client):
    many_petitions(3)
    response = client.get(URL, {"page_size": 2, "page": 99})
    assert response.status_code == 200
    assert numbers(response) == ["e-1"]


def test_pagination_links_keep_the_filters(client):
    many_petitions(3)
    response = client.get(URL, {"page_size": 1, "topic": "public-safety"})
    assert "?page_size=1&amp;topic=public-safety&amp;page=2" in response.text


def test_sort_links_offer_each_sort_and_mark_the_current_one(client):
    many_petitions(2)
    response = client.get(URL, {"sort": "signatures"})
    assert numbers(response) == ["e-2", "e-1"]
    assert '<span aria-current="true">Most signatures</span>' in response.text
    assert "?sort=oldest" in response.text
    assert "?sort=response_time" in response.text
    # Relevance means something only when searching.
    assert "sort=relevance" not in response.text
    searching = client.get(URL, {"q": "act"}).text
    assert '<span aria-current="true">Best match</span>' in searching
    assert "?q=act&amp;sort=newest" in searching


def test_each_active_filter_can_be_removed_alone(client):
    many_petitions(2)
    response = client.get(URL, {"topic": "public-safety", "min_signatures": "5"})
    html = response.text
    assert "Topic: Public safety" in html
    assert "At least signatures: 5" in html
    assert 'href="/petitions/?min_signatures=5"' in html
    assert 'href="/petitions/?topic=public-safety"' in html
    assert "Clear all" in html


def test_the_form_keeps_the_chosen_values(client):
    many_petitions(1)
    html = client.get(URL, {"topic": "public-safety", "q": "act", "status": "closed"}).text
    assert '<option value="public-safety" selected>' in html
    assert 'value="act"' in html
    assert re.search(r'<input type="checkbox" name="status" value="closed"[^>]* checked', html)


def test_filters_without_a_field_in_the_form_stay_as_hidden_values(client):
    member = MemberFactory(first_name="Jenny", last_name="Kwan")
    PetitionFactory(sponsor=member)
    html = client.get(URL, {"sponsor": "jenny-kwan"}).text
    assert '<input type="hidden" name="sponsor" value="jenny-kwan">' in html
    assert "Sponsoring MP: Jenny Kwan" in html


def test_no_match_shows_what_to_do_next(client):
    PetitionFactory(prayer_en="Protect the police.")
    response = client.get(URL, {"q": "zebra"})
    assert response.status_code == 200
    assert "No petition matches." in response.text
    assert "Check the spelling" in response.text
    assert "Browse every petition" in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"opened_after": "last tuesday"},
        {"page": "two"},
        {"page_size": "0"},
        {"topic": "no-such-topic"},
        {"min_signatures": "99999999999999999999"},
        # Longer than a search can be, not yet longer than any query string may be.
        {"q": "x" * 1_000},
    ],
)
def test_a_bad_parameter_shows_the_error_and_answers_400(client, query):
    PetitionFactory()
    response = client.get(URL, query)
    assert response.status_code == 400
    assert "Some values could not be used" in response.text
    assert "Correct the values above" in response.text


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_the_number_of_queries_does_not_grow_with_the_page_size(client):
    many_petitions(60)
    with CaptureQueriesContext(connection) as small_queries:
        small = client.get(URL, {"page_size": 10})
    cache.clear()  # the count is kept for the filter's other pages and page sizes
    with CaptureQueriesContext(connection) as large_queries:
        large = client.get(URL, {"page_size": 60})
    assert len(numbers(small)) == 10
    assert len(numbers(large)) == 60
    assert len(small_queries) == len(large_queries)
    # The data version, the form's choice lists, the count (in a savepoint of its own,
    # under its time budget), the page's keys, the page's time limit (a savepoint and SET
    # LOCAL statement_timeout), the rows, and the filtered list's rate limit (counted in
    # the database without Redis).
    assert len(large_queries) <= 16


def test_searching_and_filtering_add_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    many_petitions(60)
    # Five more than the plain list: the Members named, the search's candidates, the
    # filter's values, the planner's estimate of the matches (before counting them), the
    # passages of the page's rows; and two to count the matches by index (by_index).
    with django_assert_max_num_queries(26):
        response = client.get(
            URL,
            {
                "q": "act",
                "topic": "public-safety",
                "ministry": "minister-of-public-safety",
                "caucus": "conservative",
                "page_size": 50,
            },
        )
    assert len(numbers(response)) == 50


def test_the_page_has_no_inline_script_or_style_and_loads_nothing_from_elsewhere(client):
    many_petitions(3)
    html = client.get(URL).text
    assert "<script" not in html
    assert "<style" not in html
    assert " style=" not in html
    for address in re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html):
        assert address.startswith("/") or address.startswith(settings.SITE_URL), address


def test_a_full_page_weighs_at_most_60_kb_with_its_stylesheets(client):
    many_petitions(20)
    html = client.get(URL, {"q": "act"}).content
    css = sum(path.stat().st_size for path in Path(settings.BASE_DIR, "static").rglob("*.css"))
    js = sum(path.stat().st_size for path in Path(settings.BASE_DIR, "static").rglob("*.js"))
    assert len(html) + css + js <= 60 * 1024


def test_the_count_is_exact_past_the_limit_when_counting_is_quick(client, monkeypatch):
    monkeypatch.setattr("petitions.pagination.COUNT_LIMIT", 3)
    monkeypatch.setattr("petitions.views.COUNT_LIMIT", 3)
    many_petitions(6)
    page = client.get(URL, {"page_size": 2})
    assert "6 petitions" in page.text and "Page 1 of 3" in page.text


def test_a_count_that_takes_too_long_is_abandoned_and_the_time_limit_restored(db):
    PetitionFactory()

    def statement_timeout():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout')")
            return cursor.fetchone()[0]

    before = statement_timeout()
    slow = Petition.objects.extra(where=["pg_sleep(0.3) IS NOT NULL"])
    assert count_within(slow, 50) is None
    assert statement_timeout() == before
    assert count_within(Petition.objects.all(), 1000) == 1
    assert statement_timeout() == before


def test_a_count_past_the_limit_says_more_than_and_still_pages(client, monkeypatch):
    monkeypatch.setattr("petitions.pagination.COUNT_LIMIT", 3)
    monkeypatch.setattr("petitions.views.COUNT_LIMIT", 3)
    # As when the exact count takes longer than its budget.
    monkeypatch.setattr("petitions.pagination.count_within", lambda rows, milliseconds: None)
    many_petitions(6)
    first = client.get(URL, {"page_size": 2})
    assert "More than 3 petitions" in first.text
    assert "Page 1" in first.text and "Page 1 of" not in first.text
    assert numbers(first) == ["e-6", "e-5"]
    # The count stops at 4, so the last page reachable is the second.
    assert numbers(client.get(URL, {"page_size": 2, "page": 9})) == ["e-4", "e-3"]


def test_a_filter_too_slow_to_count_exactly_is_not_counted_exactly_again_after_a_save(
    client, monkeypatch
):
    monkeypatch.setattr("petitions.pagination.COUNT_LIMIT", 3)
    monkeypatch.setattr("petitions.views.COUNT_LIMIT", 3)
    tried = []

    def out_of_time(rows, milliseconds):
        tried.append(milliseconds)
        return None

    monkeypatch.setattr("petitions.pagination.count_within", out_of_time)
    many_petitions(6)
    assert "More than 3 petitions" in client.get(URL, {"q": "act"}).text
    assert len(tried) == 1
    # After a clerk's save the count is taken again, to the limit only.
    petition = Petition.objects.get(number="e-1")
    petition.signature_count = 1
    petition.save()
    assert "More than 3 petitions" in client.get(URL, {"q": "act", "sort": "oldest"}).text
    assert len(tried) == 1
    # Another filter still gets its exact count when it is quick.
    monkeypatch.setattr("petitions.pagination.count_within", lambda rows, ms: rows.count())
    assert "6 petitions" in client.get(URL, {"q": "government"}).text


def test_a_search_expected_to_match_too_many_to_count_is_counted_to_the_limit_only(
    client, monkeypatch
):
    monkeypatch.setattr("petitions.pagination.COUNT_LIMIT", 3)
    monkeypatch.setattr("petitions.views.COUNT_LIMIT", 3)
    # As if the planner expected more matches than an exact count could read in time.
    monkeypatch.setattr("petitions.pagination.SEARCH_COUNT_ESTIMATE", 0)
    tried = []

    def count_within(rows, milliseconds):
        tried.append(milliseconds)
        return rows.count()

    monkeypatch.setattr("petitions.pagination.count_within", count_within)
    many_petitions(6)
    PetitionFactory(number="e-7", prayer_en="We call upon the Government to protect salmon.")
    assert "More than 3 petitions" in client.get(URL, {"q": "act"}).text
    # As many matches as the limit or fewer are still counted exactly.
    assert ">1 petition<" in client.get(URL, {"q": "salmon"}).text
    assert tried == []
    # A filter that is not a search is counted exactly, within the budget.
    assert "7 petitions" in client.get(URL, {"kind": "electronic"}).text
    assert len(tried) == 1


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_the_filter_lists_are_kept_until_a_record_changes(client, django_assert_max_num_queries):
    MinistryFactory(title_en="Minister of Health")
    client.get(URL)
    # The ministries are kept: another page in the same language reads them from the cache.
    with django_assert_max_num_queries(13):
        second = client.get(URL, {"page_size": 10})
    assert ">Minister of Health</option>" in second.text
    MinistryFactory(title_en="Minister of Finance")
    assert ">Minister of Finance</option>" in client.get(URL).text


def test_the_filter_panel_kept_for_one_search_marks_another_searchs_values(client):
    many_petitions(1)
    TopicFactory(name_en="Health", slug="health")
    client.get(URL, {"q": "act", "topic": "public-safety", "min_signatures": "5"})
    html = client.get(URL, {"q": "now", "topic": "health"}).text
    assert '<option value="health" selected>' in html
    assert '<option value="public-safety" selected>' not in html
    assert 'name="min_signatures" value="5"' not in html
    # A refused value opens the panel and shows its error, kept panel or not.
    client.get(URL, {"q": "act"})
    refused = client.get(URL, {"q": "act", "min_signatures": "many"})
    assert '<details class="filters" open>' in refused.text
    assert 'name="min_signatures" value="many"' in refused.text
    assert refused.text.count("Enter a whole number.") == 2


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_the_kept_filter_panel_shows_a_topic_added_since(client):
    many_petitions(1)
    client.get(URL, {"q": "act"})
    TopicFactory(name_en="Health", slug="health")
    assert '<option value="health">Health</option>' in client.get(URL, {"q": "act"}).text


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_a_session_added_since_the_sessions_were_kept_can_be_chosen(client):
    PetitionFactory(number="e-1", session=SessionFactory(parliament=44, session=1))
    assert client.get(URL, {"session": "441"}).status_code == 200
    refused = client.get(URL, {"session": "461"})
    assert refused.status_code == 400
    PetitionFactory(
        number="e-2",
        session=SessionFactory(parliament=46, session=1, started_on=datetime.date(2026, 6, 1)),
    )
    response = client.get(URL, {"session": "461"})
    assert response.status_code == 200
    assert numbers(response) == ["e-2"]


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_a_topic_added_since_the_topics_were_kept_can_be_chosen(client):
    PetitionFactory(number="e-1", topic=TopicFactory(name_en="Justice", slug="justice"))
    assert client.get(URL, {"topic": "justice"}).status_code == 200
    assert client.get(URL, {"topic": "space-travel"}).status_code == 400
    PetitionFactory(number="e-2", topic=TopicFactory(name_en="Space travel", slug="space-travel"))
    response = client.get(URL, {"topic": "space-travel"})
    assert response.status_code == 200
    assert numbers(response) == ["e-2"]
