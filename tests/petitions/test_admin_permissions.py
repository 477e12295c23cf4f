"""Who may do what in the admin: anonymous visitors nothing, clerks the petitions and
what they refer to, superusers the rest."""

import pytest
from django.contrib.auth.models import Group
from reversion.models import Version

from petitions.models import Petition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/petitions/petition/", "/admin/petitions/petition/add/"],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/petitions/petition/add/",
        "/admin/responses/governmentresponse/add/",
        "/admin/petitions/member/add/",
        "/admin/petitions/ministry/add/",
        "/admin/petitions/topic/add/",
        "/admin/petitions/keyword/add/",
        # A new session opens after each prorogation and election.
        "/admin/petitions/parliamentarysession/add/",
    ],
)
def test_a_clerk_can_add_what_a_petition_refers_to(clerk_client, url):
    assert clerk_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/group/",
        "/admin/petitions/caucus/add/",
        "/admin/petitions/parliamentarysession/1/delete/",
    ],
)
def test_a_clerk_cannot_manage_users_groups_caucuses_or_delete_sessions(clerk_client, url):
    assert clerk_client.get(url).status_code == 403


def test_only_a_superuser_deletes_a_petition(sample_petitions, clerk_client, admin_client):
    petition = Petition.objects.get(number="e-4172")
    url = f"/admin/petitions/petition/{petition.pk}/delete/"
    assert clerk_client.post(url, {"post": "yes"}).status_code == 403
    assert Petition.objects.filter(pk=petition.pk).exists()
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Petition.objects.filter(pk=petition.pk).exists()


def test_a_deleted_petition_with_its_rows_can_be_recovered(sample_petitions, admin_client):
    petition = Petition.objects.get(number="e-4649")
    admin_client.post(f"/admin/petitions/petition/{petition.pk}/delete/", {"post": "yes"})
    assert not Petition.objects.filter(number="e-4649").exists()

    recover = admin_client.get("/admin/petitions/petition/recover/")
    assert "e-4649" in recover.content.decode()
    version = Version.objects.get_deleted(Petition).get(object_id=str(petition.pk))
    version.revision.revert(delete=False)
    restored = Petition.objects.get(number="e-4649")
    assert restored.province_counts.count() == 13
    assert restored.window.length_days == 30
    assert restored.keywords.count() == 4


def test_the_clerk_group_holds_exactly_the_clerks_permissions():
    codenames = set(Group.objects.get(name="Clerk").permissions.values_list("codename", flat=True))
    assert "add_petition" in codenames and "change_petition" in codenames
    assert "delete_petition" not in codenames
    assert "add_governmentresponse" in codenames
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}
    assert not {c for c in codenames if c.endswith(("_version", "_revision"))}
