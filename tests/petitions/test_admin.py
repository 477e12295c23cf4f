"""The clerks' admin: a whole petition entered on one page, the House's rules as form
errors that save nothing, history that can be reverted, and no lost update."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from petitions.models import Caucus, Member, Ministry, ParliamentarySession, Petition, Topic
from responses.models import GovernmentResponse

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


def inline(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def e4172_form():
    """The admin add form for e-4172 as a clerk fills it from the House's page."""
    fields, related = sample_record("e-4172")
    lantsman = Member.objects.create(
        first_name="Melissa", last_name="Lantsman", slug="melissa-lantsman", riding="Thornhill"
    )
    response = next(r["fields"] for r in related if r["model"] == "responses.governmentresponse")
    data = {
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
        "whereas_fr": "",
        "prayer_fr": "",
        "sponsor": lantsman.pk,
        "sponsor_riding": "Thornhill",
        "sponsor_caucus": Caucus.objects.get(short_name="Conservative").pk,
        "sponsor_province": "ON",
        "signature_count": "1530",
        "outcome": "certified",
        "outcome_on": "2023-01-17",
        "presenter": lantsman.pk,
        "presenter_riding": "Thornhill",
        "presentation_number": "441-01184",
        "presented_on": "2023-03-20",
        "source_url": "",
        "source_note": "",
        "loaded_version": "1",
    }
    data |= inline(
        "window",
        [
            {
                "opens_at_0": "2022-11-16",
                "opens_at_1": "14:23",
                "closes_at_0": "2023-01-15",
                "closes_at_1": "14:23",
            }
        ],
    )
    data |= inline(
        "province_counts",
        [
            {"province": "ON", "signature_count": "1000"},
            {"province": "BC", "signature_count": "500"},
            {"province": "SK", "signature_count": "30"},
        ],
    )
    data |= inline(
        "responses",
        [
            {
                "position": "1",
                "ministry": Ministry.objects.get(title_en="Minister of Public Safety").pk,
                "signed_by": "Pam Damoff, M.P.",
                "tabled_on": "2023-05-03",
                "sessional_paper_number": "8545-441-76-05",
                "text_en": response["text_en"],
                "text_fr": "",
            }
        ],
    )
    return data


def errors_of(response):
    context = response.context
    messages = [str(e) for e in context["errors"]]
    for formset in context["inline_admin_formsets"]:
        messages += [str(e) for e in formset.formset.non_form_errors()]
        for form in formset.formset.forms:
            messages += [str(e) for e in form.errors.values()]
    return " ".join(messages)


def test_a_clerk_enters_e4172_completely_and_every_field_reads_back(reference, clerk_client):
    data = e4172_form()
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
    counts = {c.province: c.signature_count for c in petition.province_counts.all()}
    assert counts == {"ON": 1000, "BC": 500, "SK": 30}
    answer = petition.responses.get()
    assert answer.signed_by == "Pam Damoff, M.P."
    assert answer.tabled_on == datetime.date(2023, 5, 3)
    assert answer.text_en.startswith("Our government is aware")
    assert petition.current_status().label == "Government response tabled"
    assert petition.response_due_on == datetime.date(2023, 5, 4)


def test_the_change_page_shows_the_derived_status_and_due_date(sample_petitions, clerk_client):
    petition = Petition.objects.get(number="e-4172")
    page = clerk_client.get(f"/admin/petitions/petition/{petition.pk}/change/").content.decode()
    assert "Government response tabled" in page
    assert "May 4, 2023" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"window-0-closes_at_0": "2022-12-31"},
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
        ({"province_counts-1-province": "ON"}, "Please correct the duplicate data for province"),
    ],
)
def test_a_broken_rule_names_the_field_and_saves_nothing(reference, clerk_client, change, message):
    data = e4172_form() | change
    response = clerk_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Petition.objects.exists()
    assert not GovernmentResponse.objects.exists()


def test_before_2019_a_window_is_always_120_days(reference, clerk_client):
    data = e4172_form() | {
        "window-0-opens_at_0": "2018-11-16",
        "window-0-closes_at_0": "2019-01-15",
        "presented_on": "",
        "presentation_number": "",
        "responses-TOTAL_FORMS": "0",
    }
    response = clerk_client.post(ADD_URL, data)
    assert "Before January 28, 2019 every e-petition was open for 120 days" in errors_of(response)
    data |= {"window-0-closes_at_0": "2019-03-16"}
    assert clerk_client.post(ADD_URL, data).status_code == 302


def test_a_paper_petition_has_no_window_or_province_counts(reference, clerk_client):
    data = e4172_form() | {"kind": "paper", "number": "441-01184"}
    errors = errors_of(clerk_client.post(ADD_URL, data))
    assert "A paper petition has no signature window" in errors
    assert "A paper petition has no counts by province" in errors


def test_every_edit_is_kept_with_who_and_what_and_can_be_reverted(
    sample_petitions, clerk_client, clerk
):
    petition = Petition.objects.get(number="e-4649")
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    form = clerk_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data |= {
        "keywords": [k.pk for k in petition.keywords.all()],
        "petitioner_city": "Montréal",
        "loaded_version": petition.version,
        "whereas_fr": petition.whereas_fr,
    }
    data |= inline("window", [], 0) | inline("province_counts", [], 0) | inline("responses", [], 0)
    # Keep the existing inline rows as they are.
    window = petition.window
    data |= inline(
        "window",
        [
            {
                "id": window.pk,
                "petition": petition.pk,
                "opens_at_0": "2023-10-24",
                "opens_at_1": "15:20",
                "closes_at_0": "2023-11-23",
                "closes_at_1": "15:20",
            }
        ],
        1,
    )
    counts = list(petition.province_counts.all())
    data |= inline(
        "province_counts",
        [
            {
                "id": c.pk,
                "petition": petition.pk,
                "province": c.province,
                "signature_count": c.signature_count,
            }
            for c in counts
        ],
        len(counts),
    )
    response = clerk_client.post(url, data)
    assert response.status_code == 302, errors_of(response)

    versions = Version.objects.get_for_object(petition)
    latest = versions.first()
    assert latest.revision.user == clerk
    assert (
        "Petitioner city" in latest.revision.get_comment()
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
    form = admin_client.get(url)
    assert form.status_code == 200
    data = {k: v for k, v in form.context["adminform"].form.initial.items() if v is not None}
    data["keywords"] = [k.pk for k in petition.keywords.all()]
    data["loaded_version"] = petition.version
    for formset in form.context["inline_admin_formsets"]:
        fs = formset.formset
        data |= {f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()}
        for index, inline_form in enumerate(fs.forms):
            for name in inline_form.fields:
                value = inline_form.instance.pk if name == "id" else inline_form.initial.get(name)
                if value is None:
                    continue
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, datetime.datetime):
                    local = timezone.localtime(value)
                    data[f"{fs.prefix}-{index}-{name}_0"] = local.date().isoformat()
                    data[f"{fs.prefix}-{index}-{name}_1"] = local.strftime("%H:%M")
                    continue
                data[f"{fs.prefix}-{index}-{name}"] = value
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    petition.refresh_from_db()
    assert petition.petitioner_city == ""
    assert petition.province_counts.filter(province="ON").exists()
