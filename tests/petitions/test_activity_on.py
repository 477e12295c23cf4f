"""The day a petition last moved (presented, or else opened for signature), which "newest
first" sorts by: derived by the database from the presentation and the window, whoever
writes them."""

import datetime

import pytest
from django.db import connection

from petitions.models import Petition, SignatureWindow
from tests.factories import PetitionFactory, SignatureWindowFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def activity_on(petition):
    return Petition.objects.values_list("activity_on", flat=True).get(pk=petition.pk)


def test_an_e_petition_moves_on_the_day_its_window_opens_on_ottawas_clock():
    # 02:00 UTC on the 10th is 21:00 on the 9th in Ottawa.
    window = SignatureWindowFactory(opens_at=datetime.datetime(2023, 1, 10, 2, tzinfo=UTC))
    assert activity_on(window.petition) == datetime.date(2023, 1, 9)


def test_a_presentation_moves_the_petition_and_its_withdrawal_moves_it_back():
    window = SignatureWindowFactory(opens_at=datetime.datetime(2023, 1, 10, 15, tzinfo=UTC))
    petition = window.petition
    petition.presented_on = datetime.date(2023, 6, 1)
    petition.save()
    assert activity_on(petition) == datetime.date(2023, 6, 1)
    Petition.objects.filter(pk=petition.pk).update(presented_on=None)
    assert activity_on(petition) == datetime.date(2023, 1, 10)


def test_a_paper_petition_moves_when_presented_and_not_before():
    petition = PetitionFactory(kind="paper", number="441-00001")
    assert activity_on(petition) is None
    Petition.objects.filter(pk=petition.pk).update(presented_on=datetime.date(2024, 2, 2))
    assert activity_on(petition) == datetime.date(2024, 2, 2)


def test_moving_or_deleting_the_window_moves_the_petition():
    window = SignatureWindowFactory(opens_at=datetime.datetime(2023, 1, 10, 15, tzinfo=UTC))
    SignatureWindow.objects.filter(pk=window.pk).update(
        opens_at=datetime.datetime(2023, 3, 1, 15, tzinfo=UTC)
    )
    assert activity_on(window.petition) == datetime.date(2023, 3, 1)
    window.delete()
    assert activity_on(window.petition) is None


def test_a_value_written_by_hand_is_replaced_by_the_derived_one():
    window = SignatureWindowFactory(opens_at=datetime.datetime(2023, 1, 10, 15, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE petitions_petition SET activity_on = '2000-01-01' WHERE id = %s",
            [window.petition_id],
        )
    assert activity_on(window.petition) == datetime.date(2023, 1, 10)


def test_the_list_puts_the_latest_move_first_whatever_its_kind(client):
    def opened(number, day):
        SignatureWindowFactory(
            petition__number=number, opens_at=datetime.datetime(2023, 1, day, 15, tzinfo=UTC)
        )

    opened("e-1", 5)
    PetitionFactory(number="e-2", presented_on=datetime.date(2023, 1, 7))
    opened("e-3", 6)
    PetitionFactory(number="e-4")  # neither presented nor opened: last
    PetitionFactory(number="e-5", presented_on=datetime.date(2023, 1, 4))
    response = client.get("/petitions/")
    assert [p.number for p in response.context["page"]] == ["e-2", "e-3", "e-1", "e-5", "e-4"]


def test_saving_a_window_with_the_same_opening_leaves_the_petition_row_alone():
    # Rewriting the petition's row would compute its search vector again for nothing.
    window = SignatureWindowFactory(opens_at=datetime.datetime(2023, 1, 10, 15, tzinfo=UTC))

    def row_address():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ctid FROM petitions_petition WHERE id = %s", [window.petition_id]
            )
            return cursor.fetchone()[0]

    before = row_address()
    window.closes_at += datetime.timedelta(days=1)
    window.save()
    assert row_address() == before
    assert activity_on(window.petition) == datetime.date(2023, 1, 10)
