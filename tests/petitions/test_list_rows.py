"""A list row says where the petition stands by the clock: when it opens, how many days
are left to sign, when it closed or was presented; its signatures or that they are not
published (never 0); and a response overdue, from the 46th day."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import PetitionFactory, SignatureWindowFactory

pytestmark = pytest.mark.django_db

URL = "/petitions/"


def row_facts(client, number, language=""):
    html = client.get(f"{language}{URL}", {"number": number}).content.decode()
    row = html.split('<ul class="petition__facts">', 1)[1].split("</ul>", 1)[0]
    return " ".join(row.replace("<strong>", "").replace("</strong>", "").split())


def window(number, *, opens_in=None, closes_in=None, signatures=None):
    """An e-petition whose window opens `opens_in` days from now (or closes `closes_in`
    days from now), at this hour on Ottawa's clock."""
    now = timezone.now()
    petition = PetitionFactory(number=number, signature_count=signatures)
    if opens_in is not None:
        opens = now + datetime.timedelta(days=opens_in)
        SignatureWindowFactory(petition=petition, opens_at=opens)
    else:
        closes = now + datetime.timedelta(days=closes_in, minutes=1)
        SignatureWindowFactory(
            petition=petition, opens_at=closes - datetime.timedelta(days=120), closes_at=closes
        )
    return petition


def test_an_open_petition_says_how_many_days_are_left(client):
    window("e-1", closes_in=3, signatures=812)
    assert "days left" in row_facts(client, "e-1")
    assert ", 3 days left" in row_facts(client, "e-1")
    assert "812 signatures" in row_facts(client, "e-1")
    assert ", 3 jours restants" in row_facts(client, "e-1", "/fr")


def test_one_day_left_and_the_last_day(client):
    window("e-1", closes_in=1)
    window("e-2", closes_in=0)
    assert ", 1 day left" in row_facts(client, "e-1")
    assert ", the last day" in row_facts(client, "e-2")
    assert ", dernier jour" in row_facts(client, "e-2", "/fr")


def test_a_coming_petition_says_when_it_opens_and_no_signatures(client):
    window("e-1", opens_in=2)
    facts = row_facts(client, "e-1")
    assert "Opens " in facts
    assert "Not yet open for signature" in facts
    assert "signatures" not in facts.lower()


def test_a_closed_petition_not_yet_presented_says_when_it_closed(client):
    window("e-1", closes_in=-3)
    facts = row_facts(client, "e-1")
    assert "Closed " in facts
    assert "Signatures not published" in facts
    assert "Signatures non publiées" in row_facts(client, "e-1", "/fr")


def presented(number, days_ago):
    return PetitionFactory(
        number=number,
        presented_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        signature_count=0,
    )


def test_a_response_is_overdue_from_the_46th_day_after_presentation(client):
    presented("e-44", 44)
    presented("e-45", 45)
    presented("e-46", 46)
    presented("e-47", 47)
    assert "overdue" not in row_facts(client, "e-44")
    assert "overdue" not in row_facts(client, "e-45")
    assert "Response overdue by 1 day" in row_facts(client, "e-46")
    assert "Response overdue by 2 days" in row_facts(client, "e-47")
    assert "Réponse en retard de 2 jours" in row_facts(client, "e-47", "/fr")


def test_a_count_of_zero_is_shown_as_zero_and_an_unknown_count_is_not(client):
    presented("e-1", 10)
    PetitionFactory(number="e-2", presented_on=timezone.localdate())
    assert "0 signatures" in row_facts(client, "e-1")
    assert "Signatures not published" in row_facts(client, "e-2")


def test_an_answered_petition_says_when_its_response_was_tabled(client):
    from tests.factories import GovernmentResponseFactory

    GovernmentResponseFactory(petition__number="e-1", tabled_on=datetime.date(2023, 5, 3))
    assert "Response tabled May 3, 2023" in row_facts(client, "e-1")
    assert "Réponse déposée le 3 mai 2023" in row_facts(client, "e-1", "/fr")
