"""Ministries: petitions addressed to and answered by each, the median days to respond
and the share answered within 45 days, computed in the database."""

import datetime

import pytest

from petitions.models import Ministry, Petition, ministry_response_times, with_response_times
from tests.factories import GovernmentResponseFactory, MinistryFactory, PetitionFactory

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]

PRESENTED = datetime.date(2023, 1, 2)


def answered(number, ministry, days):
    GovernmentResponseFactory(
        petition__number=number,
        petition__presented_on=PRESENTED,
        petition__presentation_number=f"441-{int(number[2:]):05d}",
        ministry=ministry,
        tabled_on=PRESENTED + datetime.timedelta(days=days),
    )


def test_response_times_are_the_median_and_the_share_within_45_days():
    safety = MinistryFactory()
    for n, days in enumerate((10, 40, 45, 60, 90), start=1):
        answered(f"e-{n}", safety, days)
    PetitionFactory(number="e-9", ministry=safety)
    [ministry] = with_response_times([safety], ministry_response_times())
    assert ministry.addressed_count == 1
    assert ministry.response_count == 5
    assert ministry.median_response_days == 45
    assert ministry.within_deadline_share == pytest.approx(0.6)


def test_a_ministry_without_dated_responses_has_no_figures():
    MinistryFactory()
    [ministry] = with_response_times(
        Ministry.objects.filter(title_en="Minister of Public Safety"), ministry_response_times()
    )
    assert ministry.response_count == 0
    assert ministry.median_response_days is None
    assert ministry.within_deadline_share is None


def test_the_list_shows_each_ministry_with_its_figures(client):
    safety = MinistryFactory()
    answered("e-1", safety, 30)
    answered("e-2", safety, 50)
    MinistryFactory(title_en="Minister of Health", title_fr="ministre de la Santé")
    response = client.get("/ministries/")
    assert response.status_code == 200
    row = response.text.split("Minister of Public Safety")[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row
    assert ">40<" in row
    assert "50%" in row
    assert "Minister of Health" in response.text


def test_a_ministrys_page_lists_petitions_addressed_and_answered(client):
    safety = MinistryFactory()
    defence = MinistryFactory(title_en="Minister of National Defence")
    PetitionFactory(number="e-1", ministry=safety)
    answered("e-2", safety, 30)
    answered("e-3", defence, 30)
    response = client.get("/ministries/minister-of-public-safety/")
    assert response.status_code == 200
    assert [p.number for p in response.context["addressed"]] == ["e-1"]
    assert [p.number for p in response.context["answered"]] == ["e-2"]
    assert 'href="/petitions/?ministry=minister-of-public-safety"' in response.text
    assert "<title>Minister of Public Safety" in response.text


def test_the_petitions_answered_come_latest_response_first(client):
    safety = MinistryFactory()
    defence = MinistryFactory(title_en="Minister of National Defence")
    answered("e-1", safety, 10)
    answered("e-2", safety, 40)
    answered("e-3", safety, 20)
    # A later response by another ministry does not move e-1 up this ministry's list.
    GovernmentResponseFactory(
        petition=Petition.objects.get(number="e-1"),
        position=2,
        ministry=defence,
        tabled_on=PRESENTED + datetime.timedelta(days=90),
    )
    response = client.get("/ministries/minister-of-public-safety/")
    answered_list = response.context["answered"]
    assert [p.number for p in answered_list] == ["e-2", "e-3", "e-1"]
    assert answered_list[2].last_response_on == PRESENTED + datetime.timedelta(days=10)


def test_an_unknown_ministry_is_a_404_page(client):
    assert client.get("/ministries/minister-of-nothing/").status_code == 404


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_the_pages_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    safety = MinistryFactory()
    for n in range(1, 61):
        answered(f"e-{n}", safety, n)
        MinistryFactory(title_en=f"Minister {n}")
    PetitionFactory.create_batch(30, ministry=safety)
    # The ministries, then the figures of all of them in three grouped queries.
    with django_assert_num_queries(5):
        response = client.get("/ministries/")
    # With the 23 other ministerial titles its migration makes.
    assert len(response.context["ministries"]) == 61 + 23
    # The figures are kept until the data changes; the keys of the newest petitions
    # addressed, the newest responses; then each list's rows.
    with django_assert_num_queries(6):
        client.get("/ministries/minister-of-public-safety/")


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_the_figures_follow_a_new_response(client):
    safety = MinistryFactory()
    answered("e-1", safety, 30)
    assert '<td class="num">1</td>' in client.get("/ministries/").text.split("Public Safety")[1]
    answered("e-2", safety, 50)
    row = client.get("/ministries/").text.split("Minister of Public Safety")[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row
    assert ">40<" in row
