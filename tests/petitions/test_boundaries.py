"""The House's rules at their edges, on every face that shows them: a response on day 45
is on time and on day 46 late; windows before and from January 28, 2019; 250 words; a
paper petition's outcome; spreadsheet formulas in the CSV."""

import csv
import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from petitions.house.dates import OTTAWA
from petitions.models import Kind, Outcome, Petition, SignatureWindow
from tests.factories import GovernmentResponseFactory, PetitionFactory

pytestmark = pytest.mark.django_db

PRESENTED_ON = datetime.date(2023, 3, 20)
DAY_45 = datetime.date(2023, 5, 4)


def answered(number, tabled_on):
    return GovernmentResponseFactory(
        petition__number=number,
        petition__presented_on=PRESENTED_ON,
        petition__presentation_number=f"441-{number[2:]:0>5}",
        tabled_on=tabled_on,
    ).petition


def unanswered(number, days_ago):
    return PetitionFactory(
        number=number,
        presented_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        presentation_number=f"441-{number[2:]:0>5}",
    )


@pytest.fixture
def day_45_and_46():
    assert datetime.timedelta(days=45) == DAY_45 - PRESENTED_ON
    answered("e-45", DAY_45)
    answered("e-46", DAY_45 + datetime.timedelta(days=1))
    unanswered("e-145", 45)  # due today
    unanswered("e-146", 46)  # due yesterday


def test_day_45_is_met_and_day_46_missed_on_the_petitions_page(client, day_45_and_46):
    assert "Met: the response was tabled within 45 days." in client.get("/petitions/e-45/").text
    assert "Missed: the response was tabled 1 day late." in client.get("/petitions/e-46/").text
    assert "0 days left." in client.get("/petitions/e-145/").text
    assert "Overdue by 1 day: no response yet." in client.get("/petitions/e-146/").text


def test_day_45_is_within_the_deadline_and_day_46_not_in_the_csv_and_json(client, day_45_and_46):
    text = b"".join(client.get("/petitions/export.csv").streaming_content).decode()
    rows = {row["number"]: row for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
    assert rows["e-45"]["responded_within_45_days"] == "true"
    assert rows["e-45"]["response_due_on"] == "2023-05-04"
    assert rows["e-46"]["responded_within_45_days"] == "false"
    assert rows["e-145"]["responded_within_45_days"] == ""
    assert rows["e-146"]["responded_within_45_days"] == "false"
    records = json.loads(b"".join(client.get("/petitions/export.json").streaming_content))
    within = {record["number"]: record["responded_within_45_days"] for record in records}
    assert within == {"e-45": True, "e-46": False, "e-145": None, "e-146": False}


def test_day_45_is_within_the_deadline_and_day_46_not_in_the_api(client, day_45_and_46):
    records = client.get("/api/petitions/").json()["results"]
    within = {record["number"]: record["responded_within_45_days"] for record in records}
    assert within == {"e-45": True, "e-46": False, "e-145": None, "e-146": False}
    on_time = client.get("/api/petitions/e-45/").json()
    assert (on_time["response_due_on"], on_time["days_to_respond"]) == ("2023-05-04", 45)


@pytest.mark.parametrize("url", ["/petitions/", "/api/petitions/"])
def test_the_overdue_filter_takes_day_46_and_leaves_day_45(client, day_45_and_46, url):
    def numbers(value):
        response = client.get(url, {"response_overdue": value})
        if url.startswith("/api/"):
            return {record["number"] for record in response.json()["results"]}
        return {petition.number for petition in response.context["page"]}

    assert numbers("yes") == {"e-46", "e-146"}
    assert numbers("no") == {"e-45", "e-145"}


def _window(opens_on, days):
    opens_at = datetime.datetime.combine(opens_on, datetime.time(9), tzinfo=OTTAWA)
    return SignatureWindow(
        petition=Petition(kind=Kind.ELECTRONIC),
        opens_at=opens_at,
        closes_at=opens_at + datetime.timedelta(days=days),
    )


@pytest.mark.parametrize(
    "opens_on, days, accepted",
    [
        (datetime.date(2019, 1, 27), 120, True),
        (datetime.date(2019, 1, 27), 60, False),
        (datetime.date(2019, 1, 28), 60, True),
        (datetime.date(2019, 1, 28), 120, True),
        (datetime.date(2019, 1, 28), 45, False),
    ],
)
def test_windows_are_a_fixed_120_days_until_january_28_2019(opens_on, days, accepted):
    window = _window(opens_on, days)
    if accepted:
        window.clean()
    else:
        with pytest.raises(ValidationError):
            window.clean()


def test_the_cut_over_is_read_on_ottawas_clock():
    # 00:30 on January 28 in Ottawa is still January 27 in Vancouver and already the
    # 28th in UTC: Ottawa's date decides.
    opens_at = datetime.datetime(2019, 1, 28, 0, 30, tzinfo=OTTAWA)
    window = SignatureWindow(
        petition=Petition(kind=Kind.ELECTRONIC),
        opens_at=opens_at,
        closes_at=opens_at + datetime.timedelta(days=60),
    )
    window.clean()
    earlier = opens_at - datetime.timedelta(hours=1)
    window.opens_at, window.closes_at = earlier, earlier + datetime.timedelta(days=60)
    with pytest.raises(ValidationError):
        window.clean()


def _word_errors(words):
    petition = PetitionFactory.build(prayer_en=" ".join(["word"] * words), whereas_en="")
    try:
        petition.clean()
    except ValidationError as error:
        return error.message_dict.get("prayer_en", [])
    return []


def test_an_e_petition_of_exactly_250_words_is_accepted_and_251_refused():
    assert _word_errors(250) == []
    assert _word_errors(251) == [
        "An e-petition has at most 250 words; the English text (whereas items and prayer) has 251."
    ]


@pytest.mark.parametrize(
    "outcome, accepted",
    [(Outcome.CERTIFIED, True), (Outcome.NOT_CERTIFIED, False), ("", True)],
)
def test_a_paper_petition_is_certified_or_has_no_outcome(outcome, accepted):
    petition = PetitionFactory.build(kind=Kind.PAPER, number="441-00001", outcome=outcome)
    try:
        petition.clean()
        errors = {}
    except ValidationError as error:
        errors = error.message_dict
    assert ("outcome" not in errors) is accepted


@pytest.mark.parametrize("prefix", ["\t", "\r"])
def test_a_cell_starting_with_a_tab_or_carriage_return_is_made_text_in_the_csv(client, prefix):
    PetitionFactory(petitioner_name=f"{prefix}=1+2")
    text = b"".join(client.get("/petitions/export.csv").streaming_content).decode()
    [row] = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    assert row["petitioner_name"] == f"'{prefix}=1+2"
