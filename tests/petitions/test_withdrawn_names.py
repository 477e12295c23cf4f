"""A petitioner's name withdrawn from public view by a clerk, as the House does on
request: kept for the clerks, shown nowhere public."""

import io
from io import StringIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from petitions.exports.codecs import read_json
from petitions.models import Petition
from tests.petitions.test_admin import errors_of, petition_form

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
NAME = "Tsz Lok Chan"
FAMILY_NAME = "Chan"


@pytest.fixture
def reference(db):
    """The reference data: made by its migration, nothing to load."""


def export(format):
    out = StringIO()
    call_command("export_petitions", "--format", format, stdout=out, stderr=StringIO())
    return out.getvalue()


def public_texts(client):
    """What the public reads of e-4172, wherever it is published."""
    return {
        "page": client.get("/petitions/e-4172/").content.decode(),
        "French page": client.get("/fr/petitions/e-4172/").content.decode(),
        "changes": client.get("/petitions/e-4172/changes/").content.decode(),
        "API": client.get("/api/petitions/e-4172/").content.decode(),
        "API changes": client.get("/api/petitions/e-4172/changes/").content.decode(),
        "CSV": b"".join(client.get("/petitions/export.csv?number=e-4172")).decode(),
        "JSON": b"".join(client.get("/petitions/export.json?number=e-4172")).decode(),
        "feed": client.get("/feeds/petitions/").content.decode(),
        "export command (JSON)": export("json"),
        "export command (CSV)": export("csv"),
        "export command (XML)": export("xml"),
    }


@pytest.fixture
def withdrawn(reference, clerk_client, tmp_path):
    """e-4172 imported, its name corrected by a clerk, then withdrawn by a clerk."""
    call_command("import_petitions", str(DATA / "hoc_sample.xml"), stdout=StringIO())
    petition = Petition.objects.get(number="e-4172")
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    data = petition_form(clerk_client, url)
    data["petitioner_name"] = "Tsz-Lok Chan"
    assert clerk_client.post(url, data).status_code == 302
    data = petition_form(clerk_client, url)
    data["petitioner_name"] = NAME
    data["is_petitioner_name_withdrawn"] = "on"
    response = clerk_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    petition.refresh_from_db()
    return petition


def test_the_name_is_public_before_it_is_withdrawn(reference, client):
    call_command("import_petitions", str(DATA / "hoc_sample.xml"), stdout=StringIO())
    texts = public_texts(client)
    for where in ("page", "API", "CSV", "JSON", "export command (JSON)"):
        assert NAME in texts[where], where
    assert f"<PetitionerLastName>{FAMILY_NAME}<" in texts["export command (XML)"]
    assert client.get(f"/petitions/?q={FAMILY_NAME}").content.decode().count("e-4172") > 0


def test_a_withdrawn_name_appears_nowhere_public(withdrawn, client):
    assert withdrawn.petitioner_name == NAME  # kept for the clerks
    for where, text in public_texts(client).items():
        assert NAME not in text, where
        assert "Tsz-Lok" not in text, where
        assert f"<PetitionerLastName>{FAMILY_NAME}<" not in text, where


def test_the_change_history_lists_the_withdrawal_without_the_name(withdrawn, client):
    changes = client.get("/api/petitions/e-4172/changes/").json()
    named = [f for change in changes for f in change["fields"] if f["field"] == "petitioner_name"]
    assert named and all(f["withdrawn"] and f["before"] is None for f in named)
    page = client.get("/petitions/e-4172/changes/").content.decode()
    assert "Withdrawn from public view at the petitioner" in page


def test_search_no_longer_finds_a_withdrawn_name(withdrawn, client):
    page = client.get(f"/petitions/?q={FAMILY_NAME}").content.decode()
    assert "/petitions/e-4172/" not in page
    assert not Petition.objects.search(FAMILY_NAME).filter(pk=withdrawn.pk).exists()
    # The rest of the petition is still found.
    assert Petition.objects.search("Safeguard Defenders").filter(pk=withdrawn.pk).exists()


def test_reimporting_an_export_keeps_the_stored_name(withdrawn, tmp_path):
    for format in ("json", "csv"):
        path = tmp_path / f"archive.{format}"
        path.write_text(export(format), encoding="utf-8")
        call_command("import_petitions", str(path), stdout=StringIO(), stderr=StringIO())
        withdrawn.refresh_from_db()
        assert withdrawn.petitioner_name == NAME, format
        assert withdrawn.is_petitioner_name_withdrawn


def test_the_json_export_writes_the_name_empty(withdrawn):
    records = [record for _, record in read_json(io.StringIO(export("json")))]
    (record,) = [r for r in records if r["number"] == "e-4172"]
    assert record["petitioner_name"] == ""
    assert record["petitioner_city"] == "Saskatoon"


def test_a_later_release_writes_the_name_empty(withdrawn, settings, tmp_path):
    settings.RELEASES_DIR = tmp_path / "releases"
    call_command("release_dataset", stdout=StringIO())
    (folder,) = settings.RELEASES_DIR.iterdir()
    for name in ("petitions.csv", "petitions.json"):
        text = (folder / name).read_text(encoding="utf-8-sig")
        assert "Saskatoon" in text and NAME not in text, name
    rows = pq.read_table(folder / "petitions.parquet").to_pylist()
    (row,) = [row for row in rows if row["number"] == "e-4172"]
    assert row["petitioner_name"] in ("", None)
