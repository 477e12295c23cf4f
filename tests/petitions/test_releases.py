"""release_dataset and /data/releases/: a dated, unchanging release of the whole archive,
read back and checked against its checksums and against the database."""

import csv
import hashlib
import io
import json
import stat
from io import StringIO
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from petitions.models import Petition

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def archive(db, settings, tmp_path):
    settings.RELEASES_DIR = tmp_path / "releases"
    call_command("import_petitions", str(DATA / "hoc_sample.xml"), stdout=StringIO())
    return settings.RELEASES_DIR


def release():
    out = StringIO()
    call_command("release_dataset", stdout=out)
    return out.getvalue()


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_release_holds_the_archive_in_three_formats_with_checksums_that_hold(archive, client):
    report = release()
    today = timezone.localdate().isoformat()
    folder = archive / today
    assert f"Release {today} written" in report and "10 petitions (10 added" in report
    sums = dict(
        reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text().splitlines()
    )
    assert set(sums) == {
        "petitions.csv",
        "petitions.json",
        "petitions.parquet",
        "data-dictionary.csv",
        "CHANGELOG.md",
        "CITATION.cff",
        "digests.csv",
    }
    for name, digest in sums.items():
        assert sha256(folder / name) == digest, name
        # Immutable: nobody may write to it, the owner included.
        assert not (folder / name).stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {f["name"]: f["sha256"] for f in manifest["files"]}["petitions.csv"] == sums[
        "petitions.csv"
    ]
    # The CSV is the site's download, line for line.
    download = b"".join(client.get("/petitions/export.csv").streaming_content)
    assert sorted(download.split(b"\r\n")) == sorted(
        (folder / "petitions.csv").read_bytes().split(b"\r\n")
    )
    assert (folder / "petitions.csv").read_bytes().startswith(b"\xef\xbb\xbfnumber,")


def test_the_parquet_has_the_csv_columns_typed_and_agrees_with_the_database(archive):
    release()
    folder = archive / timezone.localdate().isoformat()
    table = pq.read_table(folder / "petitions.parquet")
    header = next(csv.reader(io.StringIO((folder / "petitions.csv").read_text("utf-8-sig"))))
    assert table.column_names == header
    assert table.num_rows == Petition.objects.count() == 10
    rows = {row["number"]: row for row in table.to_pylist()}
    petition = Petition.objects.select_related("window").get(number="e-4172")
    row = rows["e-4172"]
    assert row["presented_on"] == petition.presented_on
    assert row["signature_count"] == petition.signature_count
    assert row["opens_at"] == petition.window.opens_at
    assert row["url"].endswith("/petitions/e-4172/")
    assert json.loads(row["responses"])[0]["tabled_on"] == (
        petition.responses.first().tabled_on.isoformat()
    )


def test_a_second_release_says_what_was_added_changed_and_removed(archive):
    release()
    changed = Petition.objects.get(number="e-4172")
    changed.petitioner_city = "Moose Jaw"
    changed.save()
    removed = Petition.objects.exclude(number="e-4172").order_by("number").first()
    removed.delete()
    call_command("import_petitions", str(DATA / "hoc_sample.json"), stdout=StringIO())
    added = sorted(
        set(Petition.objects.values_list("number", flat=True)) - {"e-4172"}
    )  # whatever the second file brought back or added
    report = release()
    name = f"{timezone.localdate().isoformat()}.2"
    assert f"Release {name} written" in report
    changelog = (archive / name / "CHANGELOG.md").read_text()
    manifest = json.loads((archive / name / "manifest.json").read_text())
    assert manifest["previous"] == timezone.localdate().isoformat()
    assert "e-4172" in changelog.split("## Petitions changed")[1]
    assert manifest["counts"]["petitions"] == Petition.objects.count()
    assert "columns added: none" in changelog
    assert added  # the fixture's petitions are there
    # The first release is as it was written.
    first = archive / timezone.localdate().isoformat()
    assert "Moose Jaw" not in (first / "petitions.csv").read_text("utf-8-sig")


def test_a_release_written_while_the_archive_changed_is_written_again(archive):
    versions = iter([1, 2, 2, 2])
    with mock.patch("petitions.exports.releases.read_version", lambda: next(versions)):
        release()
    assert [path.name for path in archive.iterdir()] == [timezone.localdate().isoformat()]


def test_an_archive_that_never_stops_changing_leaves_no_release_and_says_so(archive):
    versions = iter(range(100))
    with (
        mock.patch("petitions.exports.releases.read_version", lambda: next(versions)),
        pytest.raises(CommandError, match="changed while each of 3 releases"),
    ):
        release()
    assert list(archive.iterdir()) == []


def test_an_unwritable_folder_is_one_line_and_nothing_is_written(db, settings, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings.RELEASES_DIR = blocker / "releases"
    with pytest.raises(CommandError, match="cannot be written"):
        release()


def test_the_releases_page_lists_files_checksums_and_a_citation_in_both_languages(archive, client):
    release()
    name = timezone.localdate().isoformat()
    manifest = json.loads((archive / name / "manifest.json").read_text())
    page = client.get("/data/releases/").content.decode()
    assert f"Release {name}" in page
    csv_sum = {f["name"]: f["sha256"] for f in manifest["files"]}["petitions.csv"]
    assert csv_sum in page
    assert f"dataset release {name}" in page
    french = client.get("/fr/data/releases/").content.decode()
    assert f"Version {name}" in french and csv_sum in french


def test_a_release_file_downloads_and_anything_else_is_not_found(archive, client):
    release()
    name = timezone.localdate().isoformat()
    response = client.get(f"/data/releases/{name}/petitions.json")
    assert response.status_code == 200
    assert f'filename="{name}-petitions.json"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == (archive / name / "petitions.json").read_bytes()
    for address in (
        f"/data/releases/{name}/manifest.json.bak",
        "/data/releases/1999-01-01/petitions.json",
        f"/data/releases/{name}/..%2F..%2Fsettings.py",
        "/data/releases/..%2F/petitions.json",
    ):
        assert client.get(address).status_code == 404, address


def test_with_no_release_the_page_says_so(db, settings, tmp_path, client):
    settings.RELEASES_DIR = tmp_path / "none"
    assert "No release has been published yet." in client.get("/data/releases/").content.decode()
