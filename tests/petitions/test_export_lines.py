"""The exports read each petition's kept line: a change a clerk saves, anywhere the
line reads from, shows in the next export; so does the clock (a window closes, a
response falls overdue); a line built from data changed meanwhile is not kept."""

import csv
import datetime
import io
import json
from unittest import mock

import pytest
from django.utils import timezone

from petitions.exports.lines import build_lines, kept_lines
from petitions.models import ExportLine, Petition, Topic
from tests.factories import (
    CaucusFactory,
    KeywordFactory,
    MemberFactory,
    MinistryFactory,
    PetitionFactory,
    ProvinceSignatureCountFactory,
    SessionFactory,
    SignatureWindowFactory,
    TopicFactory,
)
from tests.petitions.research import respond

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {}


def exported(client, path="/petitions/export.csv"):
    text = b"".join(client.get(path).streaming_content).decode().removeprefix("\ufeff")
    return {row["number"]: row for row in csv.DictReader(io.StringIO(text))}


def exported_json(client, path="/petitions/export.json"):
    records = json.loads(b"".join(client.get(path).streaming_content))
    return {record["number"]: record for record in records}


def line_of(petition):
    return ExportLine.objects.get(petition=petition)


def test_each_new_petition_gets_empty_lines_that_each_format_fills_when_first_asked(client):
    petition = PetitionFactory(number="e-7")
    assert line_of(petition).csv == ""
    assert exported(client)["e-7"]["number"] == "e-7"
    line = line_of(petition)
    assert line.csv.startswith("e-7,electronic,")
    assert line.json == ""
    assert exported_json(client)["e-7"]["number"] == "e-7"
    assert line_of(petition).json.startswith('{"number": "e-7"')


@pytest.mark.parametrize(
    "change",
    [
        "petition",
        "window",
        "counts",
        "keywords",
        "keyword",
        "response",
        "ministry",
        "member",
        "topic",
        "session",
        "caucus",
    ],
)
def test_a_saved_change_shows_in_the_next_export(client, change):
    ministry = MinistryFactory()
    member = MemberFactory(first_name="Melissa", last_name="Lantsman")
    keyword = KeywordFactory(name_en="Firearms", name_fr="Armes à feu")
    petition = PetitionFactory(
        number="e-8",
        ministry=ministry,
        sponsor=member,
        topic=TopicFactory(),
        session=SessionFactory(parliament=44, session=1),
        sponsor_caucus=CaucusFactory(),
        presented_on=datetime.date(2023, 3, 20),
        presentation_number="441-01184",
        signature_count=1200,
    )
    petition.keywords.add(keyword)
    window = SignatureWindowFactory(petition=petition)
    count = ProvinceSignatureCountFactory(petition=petition, province="ON", signature_count=1000)
    response = respond(petition, ministry, "2023-05-03")
    before = exported(client)["e-8"]

    column, value = {
        "petition": ("prayer_en", "We ask again."),
        "window": ("opens_at", "2022-11-16T14:23:00-05:00"),
        "counts": ("signatures_ON", "1001"),
        "keywords": ("keywords", ""),
        "keyword": ("keywords", '[{"en": "Guns", "fr": "Armes à feu"}]'),
        "response": ("first_response_on", "2023-05-01"),
        "ministry": ("ministry_en", "Minister of Safety"),
        "member": ("sponsor_last_name", "Lantsman-Smith"),
        "topic": ("topic_en", "Safety"),
        "session": ("session_started_on", "2021-11-23"),
        "caucus": ("sponsor_caucus_short", "CPC"),
    }[change]
    if change == "petition":
        petition.prayer_en = value
        petition.save()
    elif change == "window":
        window.opens_at = datetime.datetime.fromisoformat(value)
        window.closes_at = window.opens_at + datetime.timedelta(days=120)
        window.save()
    elif change == "counts":
        count.signature_count = 1001
        count.save()
    elif change == "keywords":
        petition.keywords.remove(keyword)
    elif change == "keyword":
        keyword.name_en = "Guns"
        keyword.save()
    elif change == "response":
        response.tabled_on = datetime.date(2023, 5, 1)
        response.save()
    elif change == "ministry":
        ministry.title_en = value
        ministry.save()
    elif change == "member":
        member.last_name = value
        member.save()
    elif change == "topic":
        # A bulk update, as an import writes: no signal is sent.
        Topic.objects.filter(pk=petition.topic_id).update(name_en=value)
    elif change == "session":
        petition.session.started_on = datetime.date(2021, 11, 23)
        petition.session.save()
    elif change == "caucus":
        petition.sponsor_caucus.short_name = value
        petition.sponsor_caucus.save()

    assert before[column] != value
    assert exported(client)["e-8"][column] == value


def test_saving_a_member_unchanged_keeps_the_lines_of_their_petitions(client):
    member = MemberFactory()
    petition = PetitionFactory(sponsor=member)
    exported(client)
    stamp = line_of(petition).stamp
    member.save()
    assert line_of(petition).stamp == stamp
    assert line_of(petition).csv


def test_a_kept_line_follows_the_clock_when_the_window_closes(client):
    now = timezone.now()
    petition = PetitionFactory(number="e-9")
    SignatureWindowFactory(
        petition=petition, opens_at=now - datetime.timedelta(days=10), closes_at=now
    )
    with mock.patch("django.utils.timezone.now", return_value=now - datetime.timedelta(hours=1)):
        assert exported(client)["e-9"]["status"] == "open"
    assert line_of(petition).csv_valid_until == now
    assert exported(client)["e-9"]["status"] == "closed"


def test_a_kept_line_follows_the_clock_when_the_response_falls_overdue(client):
    presented_on = timezone.localdate() - datetime.timedelta(days=45)
    PetitionFactory(number="e-10", presented_on=presented_on, presentation_number="441-00010")
    assert exported(client)["e-10"]["responded_within_45_days"] == ""
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        assert exported(client)["e-10"]["responded_within_45_days"] == "false"


def test_a_line_built_before_a_change_is_not_kept():
    petition = PetitionFactory(prayer_en="Before.")
    built = list(build_lines(Petition.objects.filter(pk=petition.pk), "csv", at=timezone.now()))
    petition.prayer_en = "After."
    petition.save()
    with mock.patch("petitions.exports.lines.build_lines", return_value=built):
        kept_lines([petition.pk], "csv", at=timezone.now())
    assert line_of(petition).csv == ""
    kept_lines([petition.pk], "csv", at=timezone.now())
    assert "After." in line_of(petition).csv


def test_the_address_in_a_kept_line_follows_the_language(client):
    PetitionFactory(number="e-11")
    assert exported(client)["e-11"]["url"].endswith("/petitions/e-11/")
    assert exported(client, "/fr/petitions/export.csv")["e-11"]["url"].endswith(
        "/fr/petitions/e-11/"
    )
    assert exported_json(client, "/fr/petitions/export.json")["e-11"]["url"].endswith(
        "/fr/petitions/e-11/"
    )
    assert exported_json(client)["e-11"]["url"].endswith("/petitions/e-11/")


def test_an_address_that_needs_quoting_is_quoted_in_the_csv(client, settings):
    settings.SITE_URL = 'https://example.org/a,"b"'
    settings.ALLOWED_HOSTS = ["testserver", "example.org"]
    PetitionFactory(number="e-12")
    assert exported(client)["e-12"]["url"] == 'https://example.org/a,"b"/petitions/e-12/'
    assert exported_json(client)["e-12"]["url"] == 'https://example.org/a,"b"/petitions/e-12/'


def test_a_line_emptied_again_while_the_export_reads_it_is_built_for_that_export(client):
    """A clerk's saves that keep emptying a line (here: no line is ever stored) cost
    the export time, never a wrong or missing row."""
    PetitionFactory(number="e-13", prayer_en="Current text.")
    with mock.patch("petitions.exports.lines._store"):
        assert exported(client)["e-13"]["prayer_en"] == "Current text."
        assert exported_json(client)["e-13"]["prayer_en"] == "Current text."
    assert ExportLine.objects.get(petition__number="e-13").csv == ""


@pytest.mark.parametrize("read", [exported, exported_json])
def test_a_petition_deleted_while_the_export_reads_is_left_out(client, read):
    """The export's keys are read first; a petition deleted before its line is read is
    left out, and the file stays whole."""
    PetitionFactory(number="e-14")
    gone = PetitionFactory(number="e-15")
    real_kept_lines = kept_lines

    def delete_then_read(keys, format, *, at):
        Petition.objects.filter(pk=gone.pk).delete()
        return real_kept_lines(keys, format, at=at)

    with mock.patch("petitions.exports.lines.kept_lines", delete_then_read):
        assert list(read(client)) == ["e-14"]


def test_keep_export_lines_builds_what_is_missing_or_out_of_date_and_nothing_else(client):
    from io import StringIO

    from django.core.management import call_command

    now = timezone.now()
    PetitionFactory(number="e-16")
    open_one = PetitionFactory(number="e-17")
    SignatureWindowFactory(petition=open_one, opens_at=now - datetime.timedelta(days=1))
    out = StringIO()
    call_command("keep_export_lines", stdout=out)
    assert "csv: 2 built" in out.getvalue()
    assert "json: 2 built" in out.getvalue()
    assert not ExportLine.objects.filter(csv="").exists()
    assert not ExportLine.objects.filter(json="").exists()

    call_command("keep_export_lines", "--format", "csv", stdout=out)
    assert "csv: 0 built" in out.getvalue()
    # The open petition's lines run out when its window closes.
    later = now + datetime.timedelta(days=61)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("keep_export_lines", "--format", "csv", stdout=out)
    assert "csv: 1 built" in out.getvalue()
    assert exported(client)["e-17"]["status"] == "closed"
