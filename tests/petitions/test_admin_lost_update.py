"""Two clerks edit the same petition: the second save is refused, says what changed,
and neither edit is lost."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from petitions.models import Petition
from tests.petitions.test_admin import errors_of, inline

pytestmark = pytest.mark.django_db


def change_form_data(client, petition):
    """What a clerk's browser posts back after opening the change page."""
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and name != "keywords"
    }
    data["keywords"] = [k.pk for k in petition.keywords.all()]
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        rows = []
        for inline_form in fs.forms:
            row = {}
            for name in inline_form.fields:
                value = inline_form[name].value()
                if isinstance(value, datetime.datetime):  # split date and time
                    local = timezone.localtime(value)
                    row[f"{name}_0"], row[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M}"
                elif value is not None:
                    row[name] = value
            rows.append(row)
        data |= inline(fs.prefix, rows, len(rows))
    return url, data


def test_the_second_of_two_clerks_saving_the_same_petition_is_refused(
    sample_petitions, clerk, django_user_model
):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user("other", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name="Clerk"))
    first, second = Client(), Client()
    first.force_login(clerk)
    second.force_login(other)
    petition = Petition.objects.get(number="e-4172")

    url, first_data = change_form_data(first, petition)
    _, second_data = change_form_data(second, petition)

    first_data["petitioner_city"] = "Regina"
    response = first.post(url, first_data)
    assert response.status_code == 302, errors_of(response)

    second_data["prayer_en"] = second_data["prayer_en"] + " Now."
    response = second.post(url, second_data)
    assert response.status_code == 200
    message = errors_of(response)
    assert "Someone else saved this petition" in message
    assert "petitioner city" in message
    assert "clerk" in message
    # The second clerk's text is still in the form, to apply again.
    assert response.context["adminform"].form["prayer_en"].value().endswith(" Now.")

    petition.refresh_from_db()
    assert petition.petitioner_city == "Regina"
    assert not petition.prayer_en.endswith(" Now.")

    # Reopened, the second clerk's edit goes through on top of the first.
    _, again = change_form_data(second, petition)
    again["prayer_en"] = again["prayer_en"] + " Now."
    assert second.post(url, again).status_code == 302
    petition.refresh_from_db()
    assert petition.petitioner_city == "Regina"
    assert petition.prayer_en.endswith(" Now.")
    assert petition.version == 3
