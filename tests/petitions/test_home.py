"""The home page: open petitions with the days left, the latest responses, the search
box and headline counts."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from tests.factories import (
    GovernmentResponseFactory,
    MemberFactory,
    PetitionFactory,
    SignatureWindowFactory,
    TopicFactory,
)

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]


def open_petition(number, closes_in_days, **fields):
    # Closing at the end of a day on Ottawa's clock, so that the days left do not depend
    # on the hour the test runs (an hour after now is tomorrow from 23:00).
    closing_day = timezone.localdate() + datetime.timedelta(days=closes_in_days)
    return SignatureWindowFactory(
        petition__number=number,
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.make_aware(datetime.datetime.combine(closing_day, datetime.time.max)),
        **{f"petition__{key}": value for key, value in fields.items()},
    ).petition


def test_open_petitions_are_listed_soonest_to_close_first_with_days_left(client):
    open_petition("e-1", 20)
    open_petition("e-2", 3)
    SignatureWindowFactory(
        petition__number="e-3",
        opens_at=timezone.now() - datetime.timedelta(days=100),
        closes_at=timezone.now() - datetime.timedelta(days=40),
    )
    response = client.get("/")
    assert [p.number for p in response.context["closing_soon"]] == ["e-2", "e-1"]
    assert "3 days left" in response.text
    assert "20 days left" in response.text


def test_open_petitions_are_found_behind_many_closing_windows_that_are_not_open(client):
    # Windows still running for petitions already presented or certified come first by
    # closing time: more than a first batch of them.
    for n in range(40):
        open_petition(f"e-{n + 100}", 1, presentation_number=f"441-{n + 1:05d}")
    open_petition("e-1", 20)
    open_petition("e-2", 3)
    response = client.get("/")
    assert [p.number for p in response.context["closing_soon"]] == ["e-2", "e-1"]


def test_the_last_day_to_sign_says_so(client):
    open_petition("e-1", 0)
    assert "Last day to sign" in client.get("/").text


def test_the_latest_responses_come_newest_first(client):
    GovernmentResponseFactory(petition__number="e-1", tabled_on=datetime.date(2023, 4, 1))
    GovernmentResponseFactory(
        petition__number="e-2",
        petition__presentation_number="441-00002",
        tabled_on=datetime.date(2023, 5, 1),
    )
    response = client.get("/")
    assert [p.number for p in response.context["recently_answered"]] == ["e-2", "e-1"]
    assert "Response tabled May 1, 2023" in response.text


def test_headline_counts_and_the_search_box(client):
    open_petition("e-1", 10, signature_count=600)
    GovernmentResponseFactory(petition__number="e-2", petition__signature_count=400)
    PetitionFactory(number="e-3")
    response = client.get("/")
    assert response.context["counts"] == {
        "petition_count": 3,
        "open_count": 1,
        "responded_count": 1,
        "signature_total": 1000,
        "signature_known_count": 2,
        "signature_unknown_count": 1,
    }
    assert 'action="/petitions/"' in response.text
    assert 'type="search" name="q"' in response.text


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_signature_total_names_the_petitions_whose_count_is_unknown(client):
    PetitionFactory(number="e-1", signature_count=600)
    PetitionFactory(number="e-2")
    text = text_of(client.get("/").text)
    assert "600 validated signatures not counting 1 petition whose count is not published" in text
    PetitionFactory(number="e-3")
    cache.clear()
    french = text_of(client.get("/fr/").text)
    assert "600 signatures validées sans compter 2 pétitions dont le nombre n’est pas publié" in (
        french
    )
    translation.activate("en")


def test_every_count_known_is_a_plain_total(client):
    PetitionFactory(number="e-1", signature_count=600)
    text = text_of(client.get("/").text)
    assert "600 validated signatures" in text
    assert "not published" not in text


def test_no_count_known_is_not_published_never_zero(client):
    PetitionFactory(number="e-1")
    text = text_of(client.get("/").text)
    assert "Signatures: not published" in text
    assert "0 validated signatures" not in text


def test_an_empty_archive_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No petition is open for signature right now." in response.text
    assert "No response has been tabled yet." in response.text


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_the_number_of_queries_is_fixed(client, django_assert_num_queries):
    topic = TopicFactory()
    for n in range(60):
        open_petition(f"e-{n + 1}", n % 30 + 1, topic=topic, sponsor=MemberFactory())
        GovernmentResponseFactory(
            petition__number=f"e-{n + 1000}",
            petition__presentation_number=f"441-{n + 1:05d}",
            petition__topic=topic,
        )
    # The data version; the counts (4); the windows closing soonest, the open petitions
    # among them, their rows; the newest responses and their petitions.
    with django_assert_num_queries(10):
        response = client.get("/")
    assert len(response.context["closing_soon"]) == 8


def test_every_page_says_when_the_data_last_changed(client, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from tests.factories import PetitionFactory

    with django_capture_on_commit_callbacks(execute=True):
        PetitionFactory()
    today = timezone.localdate()
    for path in ("/", "/petitions/", "/stats/"):
        assert "Data last updated " in client.get(path).text, path
    assert "Données mises à jour le " in client.get("/fr/stats/").text
    assert f"Data last updated {today:%B} {today.day}, {today.year}, at" in " ".join(
        client.get("/").text.split()
    )
