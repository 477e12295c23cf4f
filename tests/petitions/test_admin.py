"""The clerks' admin: a whole petition entered on one page, the House's rules as form
errors that save nothing, history that can be reverted, and no lost update."""

import datetime
import html
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from reversion.models import Version

from petitions.models import Caucus, Member, Ministry, ParliamentarySession, Petition, Topic
from responses.models import GovernmentResponse
from tests.rendered_form import rendered_form

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/petitions/petition/add/"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def sample_record(number):
    rows = json.loads((FIXTURES / "sample_petitions.json").read_text())
    petition = next(
        row
        for row in rows
        if row["model"] == "petitions.petition" and row["fields"]["number"] == number
    )
    related = [row for row in rows if row["fields"].get("petition") == petition["pk"]]
    return petition["fields"], related


@pytest.fixture
def reference(db):
    call_command("loaddata", "reference", verbosity=0)


def petition_form(client, url=ADD_URL):
    """The petition form as the admin renders it at `url`, to change and post back."""
    return rendered_form(client.get(url), "petition_form")


def e4172_form(client):
    """The admin add form for e-4172 as a clerk fills it from the House's page."""
    fields, related = sample_record("e-4172")
    lantsman = Member.objects.create(
        first_name="Melissa", last_name="Lantsman", slug="melissa-lantsman", riding="Thornhill"
    )
    response = next(r["fields"] for r in related if r["model"] == "responses.governmentresponse")
    data = petition_form(client)
    data |= {
        "number": "e-4172",
        "kind": "electronic",
        "session": ParliamentarySession.objects.get(parliament=44, session=1).pk,
        "house_id": "4172",
        "topic": Topic.objects.get(name_en="Public safety").pk,
        "original_language": "en",
        "petitioner_name": "Tsz Lok Chan",
        "petitioner_city": "Saskatoon",
        "petitioner_province": "SK",
        "addressee_kind": "minister",
        "ministry": Ministry.objects.get(title_en="Minister of Public Safety").pk,
        "whereas_en": fields["whereas_en"],
        "prayer_en": fields["prayer_en"],
        "sponsor": lantsman.pk,
        "sponsor_riding": "Thornhill",
        "sponsor_caucus": Caucus.objects.get(short_name="Conservative").pk,
        "sponsor_province": "ON",
        "window_opens_at_0": "2022-11-16",
        "window_opens_at_1": "14:23",
        "window_closes_at_0": "2023-01-15",
        "window_closes_at_1": "14:23",
        "signature_count": "1530",
        "outcome": "certified",
        "outcome_on": "2023-01-17",
        "presenter": lantsman.pk,
        "presenter_riding": "Thornhill",
        "presentation_number": "441-01184",
        "presented_on": "2023-03-20",
        "count_ON": "1000",
        "count_BC": "500",
        "count_SK": "30",
        # "Add another Government response", then its fields.
        "responses-TOTAL_FORMS": "1",
        "responses-0-position": "1",
        "responses-0-ministry": Ministry.objects.get(title_en="Minister of Public Safety").pk,
        "responses-0-signed_by": "Pam Damoff, M.P.",
        "responses-0-tabled_on": "2023-05-03",
        "responses-0-sessional_paper_number": "8545-441-76-05",
        "responses-0-text_en": response["text_en"],
    }
    return data


def errors_of(response):
    context = response.context
    messages = [str(e) for e in context["errors"]]
    for formset in context["inline_admin_formsets"]:
        messages += [str(e) for e in formset.formset.non_form_errors()]
        for form in formset.formset.forms:
            messages += [str(e) for e in form.errors.values()]
    return html.unescape(" ".join(messages))


def field_errors(response, name):
    """The errors the petition form shows next to the field `name`."""
    return " ".join(response.context["adminform"].form.errors.get(name, []))


def test_a_clerk_enters_e4172_completely_and_every_field_reads_back(reference, clerk_client):
    data = e4172_form(clerk_client)
    response = clerk_client.post(ADD_URL, data)
    assert response.status_code == 302, errors_of(response)

    petition = Petition.objects.get(number="e-4172")
    assert petition.petitioner_name == "Tsz Lok Chan"
    assert petition.petitioner_city == "Saskatoon"
    assert petition.get_petitioner_province_display() == "Saskatchewan"
    assert petition.ministry.title_en == "Minister of Public Safety"
    assert petition.whereas_en.splitlines()[0].startswith("In a report published by Safeguard")
    assert len(petition.whereas) == 4
    assert petition.prayer_en == data["prayer_en"]
    assert petition.sponsor.name == "Melissa Lantsman"
    assert petition.sponsor_caucus.short_name == "Conservative"
    assert petition.presented_on == datetime.date(2023, 3, 20)
    assert petition.presentation_number == "441-01184"
    assert petition.window.length_days == 60
    assert petition.window.opens_at == datetime.datetime(2022, 11, 16, 19, 23, tzinfo=datetime.UTC)
    # Blank cells are unknown: no row, never a 0.
    counts = {c.province: c.signature_count for c in petition.province_counts.all()}
    assert counts == {"ON": 1000, "BC": 500, "SK": 30}
    answer = petition.responses.get()
    assert answer.signed_by == "Pam Damoff, M.P."
    assert answer.tabled_on == datetime.date(2023, 5, 3)
    assert answer.text_en.startswith("Our government is aware")
    assert petition.current_status().label == "Government response tabled"
    assert petition.response_due_on == datetime.date(2023, 5, 4)


def test_an_unchanged_form_saved_again_changes_nothing(reference, clerk_client):
    assert clerk_client.post(ADD_URL, e4172_form(clerk_client)).status_code == 302
    petition = Petition.objects.get(number="e-4172")
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    before = {c.province: c.signature_count for c in petition.province_counts.all()}
    response = clerk_client.post(url, petition_form(clerk_client, url))
    assert response.status_code == 302, errors_of(response)
    assert {c.province: c.signature_count for c in petition.province_counts.all()} == before
    assert petition.window.length_days == 60


def test_the_change_page_shows_the_derived_status_and_due_date(sample_petitions, clerk_client):
    petition = Petition.objects.get(number="e-4172")
    page = clerk_client.get(f"/admin/petitions/petition/{petition.pk}/change/").content.decode()
    assert "Government response tabled" in page
    assert "May 4, 2023" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"window_closes_at_0": "2022-12-31"},
            "open for 30, 60, 90 or 120 days; this window is 45",
        ),
        ({"number": "4172"}, "number reads e-N"),
        (
            {"presentation_number": "431-01184"},
            "presented in session 431, but the petition belongs to session 441",
        ),
        ({"presentation_number": "44-1184"}, "reads PPS-NNNNN"),
        ({"prayer_en": "word " * 251}, "at most 250 words"),
        ({"signature_count": "1531"}, "add up to 1530, but the signature total is 1531"),
        (
            {"responses-0-tabled_on": "2023-03-19"},
            "cannot be tabled before the petition was presented",
        ),
        ({"count_ON": "-5"}, "greater than or equal to 0"),
        ({"signature_count": "-1"}, "greater than or equal to 0"),
        ({"presented_on": "9999-12-20"}, "Enter a date between"),
        ({"outcome_on": "2023-01-14"}, "certified (or not) once its window has closed"),
        ({"presented_on": "2023-01-16"}, "presented on or after its certification"),
        (
            {
                "window_opens_at_0": "2023-01-20",
                "window_closes_at_0": "2023-03-21",
                "outcome_on": "2023-03-21",
                "presented_on": "2023-03-20",
                "responses-0-tabled_on": "2023-03-22",
            },
            "presented once its window has closed",
        ),
    ],
)
def test_a_broken_rule_names_the_field_and_saves_nothing(reference, clerk_client, change, message):
    data = e4172_form(clerk_client) | change
    response = clerk_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Petition.objects.exists()
    assert not GovernmentResponse.objects.exists()


def test_before_2019_a_window_is_always_120_days(reference, clerk_client):
    data = e4172_form(clerk_client) | {
        "window_opens_at_0": "2018-11-16",
        "window_closes_at_0": "2019-01-15",
        "outcome": "",
        "outcome_on": "",
        "presented_on": "",
        "presentation_number": "",
        "responses-TOTAL_FORMS": "0",
    }
    response = clerk_client.post(ADD_URL, data)
    assert "Before January 28, 2019 every e-petition was open for 120 days" in errors_of(response)
    data |= {"window_closes_at_0": "2019-03-16"}
    assert clerk_client.post(ADD_URL, data).status_code == 302


def test_a_paper_petition_has_no_window_or_province_counts(reference, clerk_client):
    data = e4172_form(clerk_client) | {"kind": "paper", "number": "441-01184"}
    errors = errors_of(clerk_client.post(ADD_URL, data))
    assert "A paper petition has no signature window" in errors
    assert "A paper petition has no counts by province" in errors


def test_every_edit_is_kept_with_who_and_what_and_can_be_reverted(
    sample_petitions, clerk_client, clerk
):
    petition = Petition.objects.get(number="e-4649")
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    data = petition_form(clerk_client, url) | {"petitioner_city": "Montréal"}
    response = clerk_client.post(url, data)
    assert response.status_code == 302, errors_of(response)

    versions = Version.objects.get_for_object(petition)
    latest = versions.first()
    assert latest.revision.user == clerk
    assert (
        "Petitioner's city" in latest.revision.get_comment()
        or "petitioner" in latest.revision.get_comment().lower()
    )
    assert latest.field_dict["petitioner_city"] == "Montréal"

    history = clerk_client.get(f"/admin/petitions/petition/{petition.pk}/history/")
    assert history.status_code == 200
    assert "clerk" in history.content.decode()


def test_reverting_a_version_restores_the_petition_and_its_rows(sample_petitions, admin_client):
    petition = Petition.objects.get(number="e-4649")
    import reversion

    with reversion.create_revision():
        reversion.set_comment("Before the mistake")
        petition.save()
    first = Version.objects.get_for_object(petition).first()
    with reversion.create_revision():
        Petition.objects.filter(pk=petition.pk).update(petitioner_city="Wrong")
        petition.refresh_from_db()
        petition.province_counts.filter(province="ON").delete()
        petition.save()

    url = f"/admin/petitions/petition/{petition.pk}/history/{first.pk}/"
    data = petition_form(admin_client, url)
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    petition.refresh_from_db()
    assert petition.petitioner_city == ""
    assert petition.province_counts.filter(province="ON").exists()
