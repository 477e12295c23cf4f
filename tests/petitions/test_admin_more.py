"""The rest of a clerk's day: a corrected number keeps its old address, a deleted
petition comes back from its history, a double-clicked Save adds one petition, and a
flushed database comes back with its Clerk group."""

import io
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from reversion.models import Version

from petitions.models import Petition
from tests.petitions.test_admin import ADD_URL, e4172_form, errors_of, petition_form

pytestmark = pytest.mark.django_db


def test_a_corrected_number_keeps_its_old_address_on_pages_and_in_the_api(
    sample_petitions, clerk_client, client
):
    petition = Petition.objects.get(number="e-4649")
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    response = clerk_client.post(url, petition_form(clerk_client, url) | {"number": "e-4650"})
    assert response.status_code == 302, errors_of(response)

    for old, new in [
        ("/petitions/e-4649/", "/petitions/e-4650/"),
        ("/fr/petitions/e-4649/", "/fr/petitions/e-4650/"),
        ("/api/petitions/e-4649/", "/api/petitions/e-4650/"),
    ]:
        answer = client.get(old)
        assert (answer.status_code, answer["Location"]) == (301, new)
        assert client.get(new).status_code == 200


def test_a_deleted_petition_is_recovered_from_its_history(sample_petitions, admin_client):
    petition = Petition.objects.get(number="e-4172")
    counts = dict(petition.province_counts.values_list("province", "signature_count"))
    delete = admin_client.post(f"/admin/petitions/petition/{petition.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302
    assert not Petition.objects.filter(number="e-4172").exists()

    version = Version.objects.get_deleted(Petition).get(object_id=str(petition.pk))
    url = f"/admin/petitions/petition/recover/{version.pk}/"
    response = admin_client.post(url, petition_form(admin_client, url))
    assert response.status_code == 302, errors_of(response)
    recovered = Petition.objects.get(number="e-4172")
    assert dict(recovered.province_counts.values_list("province", "signature_count")) == counts
    assert recovered.window.length_days == 60
    assert recovered.responses.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_save_adds_the_petition_once_and_the_second_click_is_told_why(
    clerk,
):
    call_command("loaddata", "reference", verbosity=0)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(clerk)
    data = e4172_form(clients[0])
    answers = []

    def save(client):
        try:
            answers.append(client.post(ADD_URL, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answer.status_code for answer in answers) == [200, 302]
    refused = next(answer for answer in answers if answer.status_code == 200)
    assert "already exists" in errors_of(refused)
    assert Petition.objects.filter(number="e-4172").count() == 1


@pytest.mark.django_db(transaction=True)
def test_load_demo_after_a_flush_makes_the_clerk_group_again():
    call_command("flush", interactive=False, verbosity=0)
    assert not Group.objects.filter(name="Clerk").exists()
    call_command("load_demo", stdout=io.StringIO())
    clerk = Group.objects.get(name="Clerk")
    assert clerk.permissions.filter(codename="change_petition").exists()
    assert clerk.user_set.filter(username="clerk").exists()
