"""Two clerks edit the same thing: the second save is refused, says what changed, by
whom and when, and neither edit is lost. Each clerk posts the form as the admin renders
it (hidden fields included)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from petitions.models import Petition
from responses.models import GovernmentResponse
from tests.petitions.test_admin import errors_of
from tests.rendered_form import rendered_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_clerks(clerk, django_user_model):
    other = django_user_model.objects.create_user(
        "other", password="x", is_staff=True, first_name="Rosalie", last_name="Bédard"
    )
    other.groups.add(Group.objects.get(name="Clerk"))
    first, second = Client(), Client()
    first.force_login(other)
    second.force_login(clerk)
    return first, second


def opened(client, url, form_id):
    return rendered_form(client.get(url), form_id)


def petition_url(number):
    return f"/admin/petitions/petition/{Petition.objects.get(number=number).pk}/change/"


def test_the_second_of_two_clerks_saving_the_same_petition_is_refused(sample_petitions, two_clerks):
    first, second = two_clerks
    url = petition_url("e-4172")
    first_data = opened(first, url, "petition_form")
    second_data = opened(second, url, "petition_form")

    response = first.post(url, first_data | {"petitioner_city": "Regina"})
    assert response.status_code == 302, errors_of(response)

    second_data["prayer_en"] += " Now."
    response = second.post(url, second_data)
    assert response.status_code == 200
    message = errors_of(response)
    assert "Someone else saved “e-4172” while you were editing it" in message
    assert "Rosalie Bédard" in message
    assert "Petitioner's city" in message
    assert "ID" not in message and "?" not in message
    # The second clerk's text is still in the form, to apply again.
    assert response.context["adminform"].form["prayer_en"].value().endswith(" Now.")
    petition = Petition.objects.get(number="e-4172")
    assert petition.petitioner_city == "Regina"
    assert not petition.prayer_en.endswith(" Now.")

    # Reopened, the second clerk's edit goes through on top of the first.
    again = opened(second, url, "petition_form")
    again["prayer_en"] += " Now."
    assert second.post(url, again).status_code == 302
    petition.refresh_from_db()
    assert petition.petitioner_city == "Regina"
    assert petition.prayer_en.endswith(" Now.")


def test_the_refusal_speaks_the_clerks_language(sample_petitions, two_clerks):
    first, second = two_clerks
    url = petition_url("e-4172")
    stale = opened(second, url, "petition_form")
    first.post(url, opened(first, url, "petition_form") | {"petitioner_city": "Regina"})
    # The admin in French lives under /fr/, as the public pages do.
    response = second.post(f"/fr{url}", stale)
    message = errors_of(response)
    assert "Quelqu’un d’autre a enregistré « e-4172 »" in message
    assert "Ville du pétitionnaire" in message


def test_a_petition_opened_before_its_response_was_fixed_elsewhere_does_not_restore_it(
    sample_petitions, two_clerks
):
    first, second = two_clerks
    petition = Petition.objects.get(number="e-4172")
    response = petition.responses.get()
    petition_page = opened(second, petition_url("e-4172"), "petition_form")

    response_url = f"/admin/responses/governmentresponse/{response.pk}/change/"
    fixed = opened(first, response_url, "governmentresponse_form")
    fixed["text_en"] = "The corrected response."
    assert first.post(response_url, fixed).status_code == 302

    # The stale page still holds the old text in its inline; saving it is refused.
    answer = second.post(petition_url("e-4172"), petition_page | {"petitioner_city": "Regina"})
    assert answer.status_code == 200
    assert "Response by the Minister of Public Safety, tabled May 3, 2023" in errors_of(answer)
    response.refresh_from_db()
    assert response.text_en == "The corrected response."
    assert Petition.objects.get(number="e-4172").petitioner_city != "Regina"


def test_two_clerks_editing_one_response_on_its_own_page(sample_petitions, two_clerks):
    first, second = two_clerks
    response = GovernmentResponse.objects.get(petition__number="e-4172")
    url = f"/admin/responses/governmentresponse/{response.pk}/change/"
    first_data = opened(first, url, "governmentresponse_form")
    second_data = opened(second, url, "governmentresponse_form")
    assert first.post(url, first_data | {"signed_by": "Pam Damoff"}).status_code == 302
    answer = second.post(url, second_data | {"text_en": "Overwritten"})
    assert answer.status_code == 200
    assert "Signed by" in errors_of(answer)
    response.refresh_from_db()
    assert (response.signed_by, response.text_en != "Overwritten") == ("Pam Damoff", True)


@pytest.mark.parametrize(
    ("model", "lookup", "mine", "theirs", "label"),
    [
        (
            "member",
            {"slug": "melissa-lantsman"},
            {"first_name": "Mélissa"},
            {"riding": "Thornhill East"},
            "Riding",
        ),
        (
            "ministry",
            {"slug": "minister-of-public-safety"},
            {"title_fr": "Ministre"},
            {"title_en": "Minister of Safety"},
            "Title en",
        ),
        (
            "topic",
            {"slug": "public-safety"},
            {"name_fr": "Sûreté"},
            {"name_en": "Safety"},
            "Name en",
        ),
    ],
)
def test_two_clerks_editing_one_record_of_the_reference_lists(
    sample_petitions, two_clerks, model, lookup, mine, theirs, label
):
    from django.apps import apps

    first, second = two_clerks
    row = apps.get_model("petitions", model).objects.get(**lookup)
    url = f"/admin/petitions/{model}/{row.pk}/change/"
    first_data = opened(first, url, f"{model}_form")
    second_data = opened(second, url, f"{model}_form")
    assert first.post(url, first_data | theirs).status_code == 302
    answer = second.post(url, second_data | mine)
    assert answer.status_code == 200
    assert label in errors_of(answer)
    row.refresh_from_db()
    for name, value in theirs.items():
        assert getattr(row, name) == value
    for name, value in mine.items():
        assert getattr(row, name) != value


def test_a_keyword_saved_by_another_clerk_is_not_overwritten(sample_petitions, two_clerks):
    from petitions.models import Keyword

    first, second = two_clerks
    keyword = Keyword.objects.first()
    url = f"/admin/petitions/keyword/{keyword.pk}/change/"
    first_data = opened(first, url, "keyword_form")
    second_data = opened(second, url, "keyword_form")
    assert first.post(url, first_data | {"name_fr": "Un"}).status_code == 302
    assert second.post(url, second_data | {"name_fr": "Deux"}).status_code == 200
    keyword.refresh_from_db()
    assert keyword.name_fr == "Un"


def test_a_duplicate_presentation_number_is_an_error_next_to_its_field(
    sample_petitions, clerk_client
):
    url = petition_url("e-4649")
    data = opened(clerk_client, url, "petition_form")
    taken = Petition.objects.get(number="e-4172").presentation_number
    answer = clerk_client.post(url, data | {"presentation_number": taken})
    assert answer.status_code == 200
    errors = answer.context["adminform"].form.errors["presentation_number"]
    assert f"{taken} is already the presentation number of e-4172" in errors[0]


def test_a_form_posted_without_its_version_is_refused(sample_petitions, clerk_client):
    url = petition_url("e-4172")
    data = opened(clerk_client, url, "petition_form")
    del data["loaded_state"]
    assert clerk_client.post(url, data | {"petitioner_city": "Regina"}).status_code == 200
    assert Petition.objects.get(number="e-4172").petitioner_city != "Regina"
