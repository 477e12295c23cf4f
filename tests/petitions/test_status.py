"""Status is derived from the facts by one definition, read the same in lists, filters
and on a single petition, and moves as time crosses the signature window."""

import datetime

import pytest

from petitions.models import Outcome, Petition, Status
from tests.factories import (
    GovernmentResponseFactory,
    PaperPetitionFactory,
    PetitionFactory,
    SignatureWindowFactory,
)

pytestmark = pytest.mark.django_db

OPENS = datetime.datetime(2022, 11, 16, 19, 23, tzinfo=datetime.UTC)
CLOSES = OPENS + datetime.timedelta(days=60)


def status_at(petition, at):
    return Petition.objects.with_status(at=at).get(pk=petition.pk).status


@pytest.fixture
def e_petition():
    window = SignatureWindowFactory(opens_at=OPENS, closes_at=CLOSES)
    return window.petition


def test_an_e_petition_is_not_yet_open_before_its_window(e_petition):
    assert status_at(e_petition, OPENS - datetime.timedelta(minutes=1)) == Status.NOT_YET_OPEN


def test_an_e_petition_is_open_from_the_minute_its_window_opens(e_petition):
    assert status_at(e_petition, OPENS) == Status.OPEN
    assert status_at(e_petition, CLOSES - datetime.timedelta(seconds=1)) == Status.OPEN


def test_an_e_petition_is_closed_when_its_window_closes_and_nothing_is_decided(e_petition):
    assert status_at(e_petition, CLOSES) == Status.CLOSED


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Outcome.CERTIFIED, Status.CERTIFIED),
        (Outcome.NOT_CERTIFIED, Status.NOT_CERTIFIED),
        (Outcome.CLOSED_ON_DISSOLUTION, Status.CLOSED_ON_DISSOLUTION),
    ],
)
def test_the_clerks_decision_after_closing_is_the_status(e_petition, outcome, status):
    Petition.objects.filter(pk=e_petition.pk).update(outcome=outcome)
    assert status_at(e_petition, CLOSES + datetime.timedelta(days=2)) == status


def test_a_presented_petition_is_presented_whatever_the_clock(e_petition):
    Petition.objects.filter(pk=e_petition.pk).update(
        outcome=Outcome.CERTIFIED,
        presentation_number="441-01184",
        presented_on=datetime.date(2023, 3, 20),
    )
    assert status_at(e_petition, CLOSES + datetime.timedelta(days=90)) == Status.PRESENTED


def test_a_petition_with_a_response_has_a_response_tabled(e_petition):
    Petition.objects.filter(pk=e_petition.pk).update(presented_on=datetime.date(2023, 3, 20))
    GovernmentResponseFactory(petition=e_petition, tabled_on=datetime.date(2023, 5, 3))
    assert status_at(e_petition, CLOSES) == Status.RESPONDED


def test_a_paper_petition_is_presented_then_answered():
    paper = PaperPetitionFactory()
    assert paper.current_status() == Status.PRESENTED
    GovernmentResponseFactory(petition=paper, tabled_on=None)
    assert paper.current_status() == Status.RESPONDED


def test_every_petition_has_exactly_one_status_and_the_filters_agree():
    at = CLOSES + datetime.timedelta(days=1)
    SignatureWindowFactory(opens_at=OPENS, closes_at=CLOSES)
    later = at + datetime.timedelta(days=1)
    SignatureWindowFactory(opens_at=later, closes_at=later + datetime.timedelta(days=30))
    SignatureWindowFactory(opens_at=OPENS, closes_at=at + datetime.timedelta(days=30))
    PetitionFactory(outcome=Outcome.NOT_CERTIFIED)
    PaperPetitionFactory()
    GovernmentResponseFactory()
    annotated = dict(Petition.objects.with_status(at=at).values_list("pk", "status"))
    for status in Status.values:
        filtered = set(Petition.objects.in_status(status, at=at).values_list("pk", flat=True))
        assert filtered == {pk for pk, value in annotated.items() if value == status}
    assert len(set(annotated.values())) == 6


def test_statuses_of_the_sample_records_match_what_the_house_showed(sample_petitions):
    statuses = dict(Petition.objects.with_status().values_list("number", "status"))
    assert statuses["e-4172"] == Status.RESPONDED
    assert statuses["441-00264"] == Status.RESPONDED
    assert statuses["e-4649"] == Status.PRESENTED
    assert statuses["441-02640"] == Status.PRESENTED
    assert statuses["e-2125"] == Status.NOT_CERTIFIED
    assert statuses["e-4758"] == Status.CERTIFIED


def test_the_response_is_due_45_days_after_presentation():
    petition = PetitionFactory.build(presented_on=datetime.date(2023, 3, 20))
    assert petition.response_due_on == datetime.date(2023, 5, 4)
    assert PetitionFactory.build().response_due_on is None
