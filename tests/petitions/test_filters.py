"""PetitionFilter: the one filter behind the list page, the exports, the API and the
feeds. Each filter alone, several together, and values it must refuse."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone, translation

from petitions.filters import PetitionFilter
from petitions.models import Petition
from tests.factories import (
    CaucusFactory,
    GovernmentResponseFactory,
    KeywordFactory,
    MemberFactory,
    MinistryFactory,
    PaperPetitionFactory,
    PetitionFactory,
    SessionFactory,
    SignatureWindowFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def run(query):
    petition_filter = PetitionFilter(QueryDict(query), queryset=Petition.objects.for_listing())
    assert petition_filter.is_valid(), petition_filter.errors
    return [petition.number for petition in petition_filter.qs]


def errors(query):
    petition_filter = PetitionFilter(QueryDict(query), queryset=Petition.objects.for_listing())
    assert not petition_filter.is_valid()
    return petition_filter.errors


def opened(days_ago, length=60, **fields):
    opens_at = timezone.now() - datetime.timedelta(days=days_ago)
    window = SignatureWindowFactory(
        petition=PetitionFactory(**fields),
        opens_at=opens_at,
        closes_at=opens_at + datetime.timedelta(days=length),
    )
    return window.petition


def test_no_filter_lists_every_petition():
    PetitionFactory.create_batch(3)
    assert len(run("")) == 3


def test_number_finds_a_petition_by_its_own_or_its_presentation_number():
    PetitionFactory(number="e-4172", presentation_number="441-01184")
    PetitionFactory(number="e-1")
    assert run("number=e-4172") == ["e-4172"]
    assert run("number=441-01184") == ["e-4172"]
    assert run("number=E+4172") == ["e-4172"]


def test_status_keeps_petitions_in_that_status_and_accepts_several():
    opened(5, number="e-1")
    opened(200, number="e-2")
    GovernmentResponseFactory(petition__number="e-3")
    assert run("status=open") == ["e-1"]
    assert run("status=closed") == ["e-2"]
    assert sorted(run("status=open&status=responded")) == ["e-1", "e-3"]


def test_kind_separates_paper_and_e_petitions():
    PetitionFactory(number="e-1")
    PaperPetitionFactory(number="441-00001")
    assert run("kind=paper") == ["441-00001"]
    assert run("kind=electronic") == ["e-1"]


def test_session_is_the_houses_three_digit_code():
    PetitionFactory(number="e-1", session=SessionFactory(parliament=44, session=1))
    PetitionFactory(
        number="e-2",
        session=SessionFactory(parliament=42, session=1, started_on=datetime.date(2015, 12, 3)),
    )
    assert run("session=441") == ["e-1"]
    assert run("session=421") == ["e-2"]


def test_topic_keyword_and_caucus_are_slugs():
    safety = TopicFactory()
    keyword = KeywordFactory(slug="police")
    conservative = CaucusFactory()
    petition = PetitionFactory(number="e-1", topic=safety, sponsor_caucus=conservative)
    petition.keywords.add(keyword)
    PetitionFactory(number="e-2")
    assert run("topic=public-safety") == ["e-1"]
    assert run("keyword=police") == ["e-1"]
    assert run("caucus=conservative") == ["e-1"]


def test_ministry_keeps_petitions_addressed_to_it_or_answered_by_it():
    safety = MinistryFactory()
    defence = MinistryFactory(title_en="Minister of National Defence")
    PetitionFactory(number="e-1", ministry=safety)
    GovernmentResponseFactory(petition__number="e-2", ministry=safety)
    GovernmentResponseFactory(
        petition__number="e-3", petition__presentation_number="441-00003", ministry=defence
    )
    assert sorted(run("ministry=minister-of-public-safety")) == ["e-1", "e-2"]
    assert run("ministry=minister-of-national-defence") == ["e-3"]


def test_sponsor_and_presenter_are_member_slugs():
    lantsman = MemberFactory(first_name="Melissa", last_name="Lantsman")
    kwan = MemberFactory(first_name="Jenny", last_name="Kwan")
    PetitionFactory(number="e-1", sponsor=lantsman, presenter=kwan)
    PetitionFactory(number="e-2", sponsor=kwan)
    assert run("sponsor=melissa-lantsman") == ["e-1"]
    assert sorted(run("sponsor=jenny-kwan")) == ["e-2"]
    assert run("presenter=jenny-kwan") == ["e-1"]


def test_province_is_the_petitioners_two_letter_code():
    PetitionFactory(number="e-1", petitioner_province="SK")
    PetitionFactory(number="e-2", petitioner_province="ON")
    assert run("province=SK") == ["e-1"]


def test_opened_dates_include_the_whole_day_on_ottawas_clock():
    late_evening = timezone.make_aware(datetime.datetime(2023, 1, 10, 23, 30))
    SignatureWindowFactory(
        petition__number="e-1",
        opens_at=late_evening,
        closes_at=late_evening + datetime.timedelta(days=30),
    )
    assert run("opened_after=2023-01-10") == ["e-1"]
    assert run("opened_before=2023-01-10") == ["e-1"]
    assert run("opened_after=2023-01-11") == []
    assert run("opened_before=2023-01-09") == []


def test_presented_dates_are_inclusive():
    PetitionFactory(number="e-1", presented_on=datetime.date(2023, 3, 20))
    PetitionFactory(number="e-2", presented_on=datetime.date(2023, 3, 21))
    PetitionFactory(number="e-3")
    assert run("presented_after=2023-03-21") == ["e-2"]
    assert run("presented_before=2023-03-20") == ["e-1"]
    assert run("presented_after=2023-03-20&presented_before=2023-03-20") == ["e-1"]


def test_responded_yes_and_no_split_the_petitions():
    GovernmentResponseFactory(petition__number="e-1")
    PetitionFactory(number="e-2")
    assert run("responded=yes") == ["e-1"]
    assert run("responded=no") == ["e-2"]


def test_response_overdue_means_no_response_within_45_days():
    long_ago = datetime.date(2023, 1, 2)
    # Answered on day 44: in time.
    GovernmentResponseFactory(
        petition__number="e-1",
        petition__presented_on=long_ago,
        petition__presentation_number="441-00001",
        tabled_on=long_ago + datetime.timedelta(days=44),
    )
    # Answered on day 50: late.
    GovernmentResponseFactory(
        petition__number="e-2",
        petition__presented_on=long_ago,
        petition__presentation_number="441-00002",
        tabled_on=long_ago + datetime.timedelta(days=50),
    )
    # Never answered: overdue.
    PetitionFactory(number="e-3", presented_on=long_ago, presentation_number="441-00003")
    # Presented yesterday: not yet due.
    PetitionFactory(
        number="e-4",
        presented_on=timezone.localdate() - datetime.timedelta(days=1),
        presentation_number="441-00004",
    )
    assert sorted(run("response_overdue=yes")) == ["e-2", "e-3"]
    assert sorted(run("response_overdue=no")) == ["e-1", "e-4"]


def test_signature_bounds_are_inclusive():
    PetitionFactory(number="e-1", signature_count=499)
    PetitionFactory(number="e-2", signature_count=500)
    PetitionFactory(number="e-3", signature_count=10_000)
    assert run("min_signatures=500&sort=signatures") == ["e-3", "e-2"]
    assert run("max_signatures=500&sort=signatures") == ["e-2", "e-1"]


def test_filters_combine_with_and():
    safety = TopicFactory()
    PetitionFactory(number="e-1", topic=safety, petitioner_province="SK", signature_count=900)
    PetitionFactory(number="e-2", topic=safety, petitioner_province="ON", signature_count=900)
    PetitionFactory(number="e-3", petitioner_province="SK", signature_count=900)
    PetitionFactory(number="e-4", topic=safety, petitioner_province="SK", signature_count=10)
    assert run("topic=public-safety&province=SK&min_signatures=500") == ["e-1"]


def test_each_sort_orders_the_petitions():
    PetitionFactory(number="e-1", presented_on=datetime.date(2020, 1, 1), signature_count=5)
    PetitionFactory(number="e-2", presented_on=datetime.date(2023, 1, 1), signature_count=50)
    PetitionFactory(number="e-3", presented_on=datetime.date(2021, 1, 1), signature_count=500)
    assert run("sort=newest") == ["e-2", "e-3", "e-1"]
    assert run("sort=oldest") == ["e-1", "e-3", "e-2"]
    assert run("sort=signatures") == ["e-3", "e-2", "e-1"]


def test_newest_places_an_unpresented_petition_by_the_day_it_opened():
    PetitionFactory(number="e-1", presented_on=datetime.date(2020, 1, 1))
    opened(5, number="e-2")
    assert run("sort=newest") == ["e-2", "e-1"]


def test_response_time_sort_puts_the_fastest_first_and_unanswered_last():
    presented = datetime.date(2023, 1, 2)
    for number, days in (("e-1", 40), ("e-2", 10), ("e-3", 90)):
        GovernmentResponseFactory(
            petition__number=number,
            petition__presented_on=presented,
            petition__presentation_number=f"441-0000{number[-1]}",
            tabled_on=presented + datetime.timedelta(days=days),
        )
    PetitionFactory(number="e-4", presented_on=presented, presentation_number="441-00004")
    assert run("sort=response_time") == ["e-2", "e-1", "e-3", "e-4"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=bogus", "status"),
        ("kind=scroll", "kind"),
        ("session=999", "session"),
        ("session=abc", "session"),
        ("topic=no-such-topic", "topic"),
        ("keyword=no-such-keyword", "keyword"),
        ("ministry=no-such-ministry", "ministry"),
        ("sponsor=no-such-member", "sponsor"),
        ("caucus=no-such-caucus", "caucus"),
        ("province=ZZ", "province"),
        ("opened_after=yesterday", "opened_after"),
        ("presented_before=2023-02-30", "presented_before"),
        ("responded=maybe", "responded"),
        ("response_overdue=1", "response_overdue"),
        ("min_signatures=many", "min_signatures"),
        ("max_signatures=-1", "max_signatures"),
        ("min_signatures=99999999999999", "min_signatures"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("page_size=1000", "page_size"),
        ("number=4172x", "number"),
        ("q=" + "x" * 10_000, "q"),
    ],
)
def test_a_bad_value_makes_the_filter_invalid_instead_of_failing(query, field):
    assert field in errors(query)


def test_a_date_at_the_end_of_the_calendar_is_accepted():
    PetitionFactory(number="e-1")
    assert run("opened_before=9999-12-31&opened_after=0001-01-01") == []


@translation.override("en")  # whatever language an earlier test's request left active
def test_active_filters_describe_each_value_and_remove_it_alone():
    TopicFactory()
    petition_filter = PetitionFilter(
        QueryDict("topic=public-safety&status=open&status=responded&page=3&sort=oldest"),
        queryset=Petition.objects.for_listing(),
    )
    assert petition_filter.is_valid()
    active = {(item["name"], str(item["value"])): item for item in petition_filter.active_filters()}
    assert set(active) == {
        ("topic", "Public safety"),
        ("status", "Open for signature"),
        ("status", "Government response tabled"),
    }
    removal = QueryDict(active[("status", "Open for signature")]["remove_query"][1:])
    assert removal.getlist("status") == ["responded"]
    assert removal["topic"] == "public-safety"
    assert removal["sort"] == "oldest"
    assert "page" not in removal


def test_pages_of_newest_first_match_a_full_sort_across_dates_ties_and_missing_dates():
    base = datetime.date(2023, 1, 1)
    for n in range(1, 41):
        if n % 4 == 0:
            # Not presented: placed by the day it opened, some on a presentation day.
            opens_at = timezone.make_aware(
                datetime.datetime.combine(base + datetime.timedelta(days=n // 3), datetime.time())
            ) + datetime.timedelta(hours=n % 24)
            SignatureWindowFactory(
                petition__number=f"e-{n}",
                opens_at=opens_at,
                closes_at=opens_at + datetime.timedelta(days=30),
            )
        elif n % 7 == 0:
            PaperPetitionFactory(number=f"441-{n:05d}", presented_on=None)
        else:
            # Several on each day: ties broken the same way everywhere.
            PetitionFactory(number=f"e-{n}", presented_on=base + datetime.timedelta(days=n // 3))
    full = [p.number for p in Petition.objects.for_listing().sorted_by("newest")]
    for size in (1, 3, 7, 40):
        petition_filter = PetitionFilter(
            QueryDict(f"page_size={size}"), queryset=Petition.objects.for_listing()
        )
        assert petition_filter.is_valid()
        paged = []
        for number in range(1, -(-len(full) // size) + 1):
            paged += [p.number for p in petition_filter.get_page(number)]
        assert paged == full
