"""The House's timeline, pinned at each boundary: the day before is refused, the day
itself and the day after are accepted, on Ottawa's calendar."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from petitions.models import (
    Kind,
    Outcome,
    Petition,
    SignatureWindow,
    window_timeline_errors,
)
from responses.models import GovernmentResponse
from tests.factories import GovernmentResponseFactory, PetitionFactory

OTTAWA = zoneinfo.ZoneInfo("America/Toronto")
# A window closing at 2:23 p.m. on January 15, 2023, Ottawa time.
CLOSES_AT = datetime.datetime(2023, 1, 15, 14, 23, tzinfo=OTTAWA)
DAY_BEFORE, DAY_OF, DAY_AFTER = (datetime.date(2023, 1, d) for d in (14, 15, 16))


def window_errors(**facts):
    values = {"kind": Kind.ELECTRONIC, "outcome": "", "outcome_on": None, "presented_on": None}
    return window_timeline_errors(closes_at=CLOSES_AT, **(values | facts))


@pytest.mark.parametrize(
    ("day", "refused"), [(DAY_BEFORE, True), (DAY_OF, False), (DAY_AFTER, False)]
)
@pytest.mark.parametrize("outcome", [Outcome.CERTIFIED, Outcome.NOT_CERTIFIED])
def test_certification_comes_on_or_after_the_windows_closing_day(day, refused, outcome):
    assert ("outcome_on" in window_errors(outcome=outcome, outcome_on=day)) is refused


@pytest.mark.parametrize(
    ("day", "refused"), [(DAY_BEFORE, True), (DAY_OF, False), (DAY_AFTER, False)]
)
def test_an_e_petition_is_presented_on_or_after_its_windows_closing_day(day, refused):
    assert ("presented_on" in window_errors(presented_on=day)) is refused


def test_the_closing_day_is_ottawas_even_when_it_is_already_the_next_day_in_utc():
    late = datetime.datetime(2023, 1, 15, 22, 30, tzinfo=OTTAWA)  # 03:30 UTC on the 16th
    errors = window_timeline_errors(
        closes_at=late, kind=Kind.ELECTRONIC, outcome="", outcome_on=None, presented_on=DAY_OF
    )
    assert errors == {}


def test_a_petition_closed_on_dissolution_needs_no_closed_window():
    assert window_errors(outcome=Outcome.CLOSED_ON_DISSOLUTION, outcome_on=DAY_BEFORE) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("presented", "refused"),
    [
        (datetime.date(2023, 1, 16), True),
        (datetime.date(2023, 1, 17), False),
        (datetime.date(2023, 1, 18), False),
    ],
)
def test_a_petition_is_presented_on_or_after_its_certification(presented, refused):
    petition = PetitionFactory.build(
        outcome=Outcome.CERTIFIED, outcome_on=datetime.date(2023, 1, 17), presented_on=presented
    )
    petition.session.save()
    petition.session_id = petition.session.pk
    with pytest.raises(ValidationError) if refused else _nothing():
        petition.clean()


@pytest.mark.django_db
def test_the_database_refuses_a_presentation_before_certification():
    petition = PetitionFactory(outcome=Outcome.CERTIFIED, outcome_on=datetime.date(2023, 1, 17))
    with pytest.raises(IntegrityError), transaction.atomic():
        Petition.objects.filter(pk=petition.pk).update(presented_on=datetime.date(2023, 1, 16))


@pytest.mark.django_db
def test_nothing_is_presented_certified_or_tabled_after_today(settings):
    from django.utils import timezone

    today = timezone.localdate()
    petition = PetitionFactory.build(presented_on=today + datetime.timedelta(days=1))
    petition.session.ended_on = None
    petition.session.save()
    petition.session_id = petition.session.pk
    with pytest.raises(ValidationError) as refused:
        petition.clean()
    assert "after today" in str(refused.value)
    petition.presented_on = today
    petition.clean()
    response = GovernmentResponse(tabled_on=today + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        response.clean()


@pytest.mark.django_db
def test_a_presentation_falls_inside_its_sessions_sitting_days():
    petition = PetitionFactory.build(presented_on=None)
    session = petition.session
    session.started_on, session.ended_on = datetime.date(2021, 11, 22), datetime.date(2025, 1, 6)
    session.save()
    petition.session_id = session.pk
    for day, refused in [
        (datetime.date(2021, 11, 21), True),
        (datetime.date(2021, 11, 22), False),
        (datetime.date(2025, 1, 6), False),
        (datetime.date(2025, 1, 7), True),
    ]:
        petition.presented_on = day
        with pytest.raises(ValidationError) if refused else _nothing():
            petition.clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "update",
    [
        lambda p: Petition.objects.filter(pk=p.pk).update(presented_on=datetime.date(9999, 12, 20)),
        lambda p: Petition.objects.filter(pk=p.pk).update(outcome_on=datetime.date(1066, 10, 14)),
        lambda p: GovernmentResponse.objects.filter(petition=p).update(
            tabled_on=datetime.date(9999, 1, 1)
        ),
        lambda p: SignatureWindow.objects.create(
            petition=p,
            opens_at=datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
            closes_at=datetime.datetime(9999, 2, 1, tzinfo=datetime.UTC),
        ),
    ],
    ids=["presented in 9999", "certified in 1066", "tabled in 9999", "window in 9999"],
)
def test_the_database_refuses_implausible_dates(update):
    petition = PetitionFactory(presented_on=datetime.date(2023, 3, 20))
    GovernmentResponseFactory(petition=petition)
    with pytest.raises(IntegrityError), transaction.atomic():
        update(petition)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
