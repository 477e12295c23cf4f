"""A petition's signature history and the public history of its changes: built by the
imports and the clerks' edits, shown on its pages, its CSV and the API."""

import csv
import datetime
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from petitions.history import word_diff
from petitions.models import Petition, PetitionChange, SignatureSnapshot
from petitions.services.history import petition_facts_read, petition_history_record
from tests.factories import GovernmentResponseFactory, PetitionFactory
from tests.petitions.test_admin import errors_of, petition_form
from tests.rendered_form import rendered_form

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def reference(db):
    """The reference data: made by its migration, nothing to load."""


def load(path):
    out = StringIO()
    call_command("import_petitions", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def recount(tmp_path, total, yukon, name="newer.xml"):
    """A copy of the House's file where e-4649 has more signatures."""
    text = (DATA / "hoc_sample.xml").read_text(encoding="utf-8")
    changed = tmp_path / name
    changed.write_text(
        text.replace(
            'Province="YT" SignatureCount="377"', f'Province="YT" SignatureCount="{yukon}"'
        ).replace('SignatureCount="283835"', f'SignatureCount="{total}"'),
        encoding="utf-8",
    )
    return changed


@pytest.fixture
def two_imports(reference, tmp_path):
    load(DATA / "hoc_sample.xml")
    load(recount(tmp_path, 283836, 378))
    return Petition.objects.get(number="e-4649")


def test_two_imports_build_a_history_of_two_counts(two_imports):
    snapshots = list(two_imports.signature_snapshots.order_by("taken_at"))
    assert [s.signature_count for s in snapshots] == [283835, 283836]
    assert [s.province_counts["YT"] for s in snapshots] == [377, 378]
    assert [s.imported_from for s in snapshots] == ["hoc_sample.xml", "newer.xml"]
    assert snapshots[0].taken_at < snapshots[1].taken_at


def test_the_same_file_imported_again_adds_nothing(two_imports, tmp_path):
    snapshots, changes = SignatureSnapshot.objects.count(), PetitionChange.objects.count()
    load(tmp_path / "newer.xml")
    assert SignatureSnapshot.objects.count() == snapshots
    assert PetitionChange.objects.count() == changes


def test_an_import_that_changes_the_count_is_listed_with_the_file_name(two_imports, client):
    change = two_imports.changes.first()
    assert change.imported_from == "newer.xml"
    fields = {item["field"]: item for item in change.fields}
    assert fields["signature_count"]["before"] == 283835
    assert fields["signature_count"]["after"] == 283836
    page = client.get(f"/petitions/{two_imports.number}/changes/").content.decode()
    assert "newer.xml" in page and "283835" in page and "283836" in page
    assert page.index("newer.xml") < page.index("hoc_sample.xml")  # newest first
    assert "Added to the archive." in page


def test_the_petition_page_draws_the_history_and_says_how_dense_it_is(two_imports, client):
    page = client.get(f"/petitions/{two_imports.number}/").content.decode()
    assert "Signatures over time" in page
    assert "2 counts between" in page and "as dense as the imports" in page
    assert 'class="line-chart__line"' in page
    assert f"/petitions/{two_imports.number}/changes/" in page
    assert f"/petitions/{two_imports.number}/signatures.csv" in page
    french = client.get(f"/fr/petitions/{two_imports.number}/").content.decode()
    assert "Signatures au fil du temps" in french


def test_the_csv_gives_each_count_with_its_provinces(two_imports, client):
    response = client.get(f"/petitions/{two_imports.number}/signatures.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["signature_count"] for row in rows] == ["283835", "283836"]
    assert rows[1]["signatures_YT"] == "378"
    assert rows[1]["source"] == "newer.xml"


def test_the_api_gives_the_counts_and_the_changes(two_imports, client):
    counts = client.get(f"/api/petitions/{two_imports.number}/signatures/").json()
    assert [row["signature_count"] for row in counts] == [283835, 283836]
    assert counts[1]["province_counts"]["YT"] == 378
    changes = client.get(f"/api/petitions/{two_imports.number}/changes/").json()
    presented = client.get(f"/api/petitions/{two_imports.presentation_number}/changes/")
    assert presented.json() == changes  # found by its presentation number too
    assert changes[0]["source"] == "newer.xml"
    assert {"field": "signature_count", "before": 283835, "after": 283836} in [
        {k: item[k] for k in ("field", "before", "after")} for item in changes[0]["fields"]
    ]
    assert changes[-1]["fields"] == []  # added by the first file


def test_a_petition_without_history_says_so_and_unknown_numbers_are_404(reference, client):
    load(DATA / "hoc_sample.xml")
    Petition.objects.filter(number="e-4649").first().changes.all().delete()
    page = client.get("/petitions/e-4649/changes/")
    assert page.status_code == 200
    assert "No change to this petition has been recorded" in page.content.decode()
    assert client.get("/petitions/e-999999/changes/").status_code == 404
    assert client.get("/api/petitions/e-999999/changes/").status_code == 404
    assert client.get("/petitions/e-999999/signatures.csv").status_code == 404
    assert client.get("/petitions/e-4649/changes/?page=zero").status_code == 400


def test_a_clerks_edit_is_listed_as_the_clerks_office_never_by_user_name(
    reference, clerk_client, clerk, client
):
    load(DATA / "hoc_sample.xml")
    petition = Petition.objects.get(number="e-4649")
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    data = petition_form(clerk_client, url)
    prayer = "prayer_en" if data["prayer_en"] else "prayer_fr"  # e-4649 is in French
    data[prayer] = data[prayer].rstrip() + " Urgently."
    data["signature_count"] = "283900"
    data["count_ON"] = str(int(data["count_ON"]) + 65)
    response = clerk_client.post(url, data)
    assert response.status_code == 302, errors_of(response)

    change = petition.changes.first()
    assert change.imported_from == ""
    changed = [item["field"] for item in change.fields]
    assert prayer in changed and "signature_count" in changed
    snapshot = petition.signature_snapshots.order_by("-taken_at").first()
    assert snapshot.signature_count == 283900 and snapshot.imported_from == ""
    page = client.get("/petitions/e-4649/changes/").content.decode()
    assert "By the Clerk&#x27;s office" in page or "By the Clerk's office" in page
    assert clerk.username not in page
    assert re.search(r"<ins>\s*Urgently\.</ins>", page)  # the words added, not the text
    french = client.get("/fr/petitions/e-4649/changes/").content.decode()
    assert "Par le Bureau du greffier" in french


def test_a_response_changed_by_an_import_is_in_the_history(reference, tmp_path, client):
    load(DATA / "hoc_sample.xml")
    petition = Petition.objects.get(number="e-4172")
    text = petition.responses.get().text_en
    first_words = " ".join(text.split()[:4])
    changed = tmp_path / "response.xml"
    source = (DATA / "hoc_sample.xml").read_text(encoding="utf-8")
    assert first_words in source
    changed.write_text(source.replace(first_words, first_words + " indeed", 1), encoding="utf-8")
    load(changed)
    change = petition.changes.first()
    assert change.imported_from == "response.xml"
    assert [item["field"] for item in change.fields] == ["responses.1.text_en"]
    page = client.get("/petitions/e-4172/changes/").content.decode()
    assert "<ins> indeed</ins>" in page


def test_a_word_diff_marks_what_went_and_what_came_and_escapes_the_rest():
    diff = word_diff("Save the <old> forest now", "Save the <old> river now")
    assert diff == "Save the &lt;old&gt; <del>forest</del><ins>river</ins> now"


def test_seed_demo_gives_open_petitions_a_growing_history(db, client):
    call_command(
        "seed_demo", "--petitions", "3000", "--seed", "4",
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    open_petitions = Petition.objects.in_status("open").filter(signature_count__isnull=False)
    assert open_petitions.exists()
    for petition in open_petitions[:20]:
        counts = list(
            petition.signature_snapshots.order_by("taken_at").values_list(
                "signature_count", flat=True
            )
        )
        assert len(counts) >= 1
        assert counts == sorted(counts)  # never fewer signatures than the import before
        assert counts[-1] == petition.signature_count
    petition = open_petitions.first()
    assert client.get(f"/petitions/{petition.number}/").status_code == 200
    assert client.get(f"/petitions/{petition.number}/changes/").status_code == 200
    with_history = Petition.objects.filter(signature_snapshots__isnull=False).distinct()
    assert not with_history.filter(presented_on__isnull=False).exists()


def test_the_database_refuses_two_counts_of_one_moment_and_negative_counts(two_imports):
    snapshot = two_imports.signature_snapshots.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureSnapshot.objects.create(
            petition=two_imports, taken_at=snapshot.taken_at, signature_count=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureSnapshot.objects.create(
            petition=two_imports, taken_at=timezone.now(), signature_count=-1
        )


def test_a_file_dated_like_an_earlier_one_replaces_its_count(reference):
    petition = PetitionFactory(signature_count=10)
    at = timezone.now()
    facts = petition_facts_read(petition.pk)
    for total in (10, 12):
        petition_history_record(
            petition=petition,
            before=facts,
            after=facts | {"signature_count": total},
            changed_at=timezone.now(),
            counted_at=at,
            source="dated.xml",
        )
    assert list(petition.signature_snapshots.values_list("signature_count", flat=True)) == [12]


def test_the_changes_page_and_api_read_a_fixed_number_of_queries(
    reference, client, django_assert_max_num_queries
):
    petition = PetitionFactory()
    PetitionChange.objects.bulk_create(
        PetitionChange(
            petition=petition,
            changed_at=timezone.now() - datetime.timedelta(days=day),
            fields=[
                {"field": "signature_count", "before": day, "after": day + 1},
                {"field": "prayer_en", "before": "Save the forest", "after": "Save the river"},
            ],
            imported_from=f"file-{day}.xml",
        )
        for day in range(60)
    )
    with django_assert_max_num_queries(5):
        page = client.get(f"/petitions/{petition.number}/changes/")
    assert page.content.decode().count('class="change"') == 50  # a page of them
    with django_assert_max_num_queries(4):
        answer = client.get(f"/api/petitions/{petition.number}/changes/")
    assert len(answer.json()) == 60


def test_a_response_edited_on_its_own_admin_page_is_in_the_history(reference, clerk_client):
    response = GovernmentResponseFactory()
    url = f"/admin/responses/governmentresponse/{response.pk}/change/"
    data = rendered_form(clerk_client.get(url), "governmentresponse_form")
    data["text_en"] = "Our government is aware of the concern and acts."
    answer = clerk_client.post(url, data)
    assert answer.status_code == 302
    change = response.petition.changes.get()
    assert change.imported_from == ""
    assert [item["field"] for item in change.fields] == ["responses.1.text_en"]


def test_a_count_is_dated_by_the_day_the_file_says_its_status_was_reached(reference, tmp_path):
    text = (DATA / "hoc_sample.xml").read_text(encoding="utf-8")
    tag = '<Petition Id="4758" Title="e-4758 (Citizenship and immigration)" TypeId="1" '
    assert tag in text
    counted = tmp_path / "counted.xml"
    counted.write_text(text.replace(tag, tag + 'SignatureCount="612" '), encoding="utf-8")
    load(counted)
    # Certified on March 19, 2024: its count is final as of that day.
    (snapshot,) = Petition.objects.get(number="e-4758").signature_snapshots.all()
    assert snapshot.signature_count == 612
    assert timezone.localdate(snapshot.taken_at) == datetime.date(2024, 3, 19)
    # No such day given: its count is as of the import.
    (snapshot,) = Petition.objects.get(number="e-4649").signature_snapshots.all()
    assert timezone.now() - snapshot.taken_at < datetime.timedelta(minutes=5)
