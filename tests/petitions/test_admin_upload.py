"""A clerk loads a House file from the admin: a dry run's report first (new, updated,
unchanged, rejected with position and field), then the write once confirmed, all or
nothing, by the same rules as import_petitions."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase

from petitions.models import PendingUpload, Petition
from tests.rendered_form import rendered_form

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
IMPORT_URL = "/admin/petitions/petition/import/"


@pytest.fixture
def reference(db):
    from django.core.management import call_command

    call_command("loaddata", "reference", verbosity=0)


def upload(client, name, content):
    data = rendered_form(client.get(IMPORT_URL), "import_form")
    data["file"] = SimpleUploadedFile(name, content)
    return _post(client, IMPORT_URL, data)


def confirm(client, report_page):
    data = rendered_form(report_page, "confirm_form")
    return _post(client, report_page.request["PATH_INFO"], data)


def _post(client, url, data):
    """Post, then run what the request left to run at commit: a test inside a
    transaction never commits."""
    if not connection.in_atomic_block:
        return client.post(url, data, follow=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    return client.get(response["Location"]) if response.status_code == 302 else response


def test_a_clerk_checks_a_file_then_writes_it(reference, clerk_client):
    page = upload(clerk_client, "hoc_sample.xml", (DATA / "hoc_sample.xml").read_bytes())
    text = page.content.decode()
    assert "New petitions</th><td>10" in text
    assert not Petition.objects.exists()  # nothing written before the clerk confirms

    written = confirm(clerk_client, page)
    assert "Written" in written.content.decode()
    assert Petition.objects.count() == 10
    assert bytes(PendingUpload.objects.get().content) == b""

    # The same file again changes nothing.
    again = upload(clerk_client, "hoc_sample.xml", (DATA / "hoc_sample.xml").read_bytes())
    assert "Unchanged petitions</th><td>10" in again.content.decode()


def test_a_file_with_a_rejected_record_is_reported_and_cannot_be_written(reference, clerk_client):
    xml = (DATA / "hoc_sample.xml").read_text(encoding="utf-8")
    bad = xml.replace("<PresentedDateTime>March 20, 2023", "<PresentedDateTime>March 20, 9999", 1)
    assert bad != xml
    page = upload(clerk_client, "bad.xml", bad.encode())
    text = page.content.decode()
    assert "Records were rejected" in text
    assert "presented_on" in text and "petition 1" in text
    assert 'id="confirm_form"' not in text
    upload_row = PendingUpload.objects.get()
    # A hand-made confirmation is refused too.
    clerk_client.post(f"{IMPORT_URL}{upload_row.pk}/")
    assert not Petition.objects.exists()


def test_a_file_over_the_size_cap_is_refused_with_a_form_error(reference, clerk_client, settings):
    settings.ADMIN_UPLOAD_MAX_BYTES = 1000
    page = upload(clerk_client, "hoc_sample.xml", (DATA / "hoc_sample.xml").read_bytes())
    assert "the largest a clerk may upload is 1000" in page.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_file_that_is_not_a_house_file_is_reported_not_a_500(reference, clerk_client):
    page = upload(clerk_client, "notes.xml", b"<ArrayOfPetition><Petition>")
    assert page.status_code == 200
    assert "The file cannot be read" in page.content.decode()
    assert not Petition.objects.exists()


def test_only_clerks_who_add_and_change_petitions_may_import(reference, client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_checks_and_the_write_run_after_the_request_has_answered(clerk, settings, client):
    from django.core.management import call_command

    call_command("loaddata", "reference", verbosity=0)
    settings.IMPORT_UPLOADS_IN_BACKGROUND = True
    client.force_login(clerk)
    page = upload(client, "hoc_sample.xml", (DATA / "hoc_sample.xml").read_bytes())
    row = PendingUpload.objects.get()
    for _ in range(100):
        row.refresh_from_db()
        if row.state != PendingUpload.State.CHECKING:
            break
        time.sleep(0.1)
    assert row.state == PendingUpload.State.CHECKED
    page = client.get(page.request["PATH_INFO"])
    confirm(client, page)
    for _ in range(100):
        row.refresh_from_db()
        if row.state != PendingUpload.State.WRITING:
            break
        time.sleep(0.1)
    assert row.state == PendingUpload.State.WRITTEN
    assert Petition.objects.count() == 10
