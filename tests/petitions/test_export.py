"""export_petitions: every field out, and back in unchanged in every format."""

import csv
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.models import (
    Caucus,
    Keyword,
    Member,
    Ministry,
    ParliamentarySession,
    Petition,
    Topic,
)
from tests.factories import (
    GovernmentResponseFactory,
    KeywordFactory,
    ProvinceSignatureCountFactory,
    SignatureWindowFactory,
)

DATA = Path(__file__).resolve().parent.parent / "data"
# Written down here, not read from the code: researchers' scripts rely on these names.
DERIVED_COLUMNS = [
    "response_count",
    "first_response_on",
    "last_response_on",
    "response_due_on",
    "days_to_respond",
    "responded_within_45_days",
    "url",
]


@pytest.fixture
def archive(db):
    """The real sample, plus text that tests a format's edges."""
    call_command("import_petitions", str(DATA / "hoc_sample.xml"), stdout=StringIO())
    call_command("import_petitions", str(DATA / "hoc_sample.json"), stdout=StringIO())
    awkward = Petition.objects.get(number="e-4904")
    # Quotes, ampersands, tags, Windows line ends, blank lines, a trailing newline,
    # tabs, accents and a time with seconds: each must come back as it was.
    awkward.whereas_en = 'A "quoted" & <tagged> item;\r\n\r\nAn item after a blank line;\n'
    awkward.prayer_fr = "Nous demandons\tau gouvernement\u00a0: agir «vite».\n\n\n2. Deux."
    awkward.source_note = "Line one\nline two, with a comma"
    awkward.save()
    window = awkward.window
    window.opens_at = window.opens_at.replace(second=17)
    window.closes_at = window.closes_at.replace(second=17)
    window.save()
    awkward.keywords.add(KeywordFactory(name_en="Pipes | and, commas", name_fr="Tuyaux ; et"))
    return awkward


def export(format, *args):
    out = StringIO()
    call_command("export_petitions", "--format", format, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def empty_database():
    from reversion.models import Revision

    Revision.objects.all().delete()
    Petition.objects.all().delete()
    for model in (Member, Caucus, Topic, Keyword, Ministry, ParliamentarySession):
        model.objects.all().delete()


@pytest.mark.parametrize("format", ["json", "csv", "xml"])
def test_export_import_into_an_empty_database_export_again_gives_the_same_file(
    archive, tmp_path, format
):
    first = export(format)
    path = tmp_path / f"petitions.{format}"
    path.write_text(first, encoding="utf-8", newline="")
    empty_database()
    assert Petition.objects.count() == 0
    call_command("import_petitions", str(path), stdout=StringIO(), stderr=StringIO())
    assert Petition.objects.count() == 10
    assert export(format) == first


def test_the_json_export_holds_every_field_responses_and_counts(archive):
    rows = {row["number"]: row for row in json.loads(export("json"))}
    assert len(rows) == 10
    e4649 = rows["e-4649"]
    assert e4649["signature_count"] == 283835
    assert e4649["province_counts"]["ON"] == 139535
    assert e4649["opens_at"] == "2023-10-24T15:20:00-04:00"
    two = rows["441-00264"]["responses"]
    assert [r["ministry"]["en"] for r in two] == [
        "Minister of National Defence",
        "President of the Treasury Board",
    ]
    assert rows["e-4904"]["whereas_en"] == archive.whereas_en
    assert set(rows["e-4172"]) >= {
        "number", "kind", "parliament", "session", "topic", "keywords", "petitioner_name",
        "addressee_kind", "ministry", "whereas_en", "whereas_fr", "prayer_en", "prayer_fr",
        "sponsor", "sponsor_caucus", "presenter", "presentation_number", "presented_on",
        "outcome", "signature_count", "opens_at", "closes_at", "responses", "source_url",
    }  # fmt: skip


def test_the_xml_export_keeps_the_house_layout(archive):
    text = export("xml")
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<ArrayOfPetition>")
    assert '<Petition Id="4172" Title="e-4172 (Public safety)" TypeId="1"' in text
    assert (
        "<SignatureOpeningDateTime>November 16, 2022, at 2:23 p.m. (EDT)"
        "</SignatureOpeningDateTime>" in text
    )
    assert '<ProvinceSignatures Province="AB" SignatureCount="28483" />' in text
    assert "<Title>Response by the Minister of Public Safety</Title>" in text


def test_filters_choose_the_petitions_exported(archive):
    numbers = [row["number"] for row in json.loads(export("json", "--session", "421"))]
    assert sorted(numbers) == ["e-154", "e-1947", "e-1961", "e-2125"]
    answered = json.loads(export("json", "--status", "responded", "--kind", "paper"))
    assert [row["number"] for row in answered] == ["441-00264"]
    one = json.loads(export("json", "--number", "e-4172"))
    assert [row["number"] for row in one] == ["e-4172"]


def test_a_bad_filter_is_refused_with_its_name(archive):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--session"):
        export("json", "--session", "999")


@pytest.mark.usefixtures("one_period")
def test_export_reads_a_fixed_number_of_queries_however_many_petitions(db):
    for _ in range(30):
        window = SignatureWindowFactory()
        ProvinceSignatureCountFactory(petition=window.petition, signature_count=5)
        window.petition.keywords.add(KeywordFactory())
    GovernmentResponseFactory()
    with CaptureQueriesContext(connection) as few:
        export("csv")
    for _ in range(30):
        SignatureWindowFactory()
    with CaptureQueriesContext(connection) as many:
        export("csv")
    assert len(many) == len(few)


def test_one_petition_exported_is_said_in_the_singular(db, tmp_path):
    SignatureWindowFactory()
    err = StringIO()
    call_command("export_petitions", "--format", "json", stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith("Exported 1 petition as json (")


def test_an_output_in_a_missing_folder_is_one_line_and_nothing_is_written(db, tmp_path):
    from django.core.management import CommandError

    target = tmp_path / "missing" / "petitions.json"
    with pytest.raises(CommandError) as refused:
        call_command(
            "export_petitions", "--output", str(target), stdout=StringIO(), stderr=StringIO()
        )
    assert str(refused.value) == f"{target}: cannot be written (No such file or directory)."
    assert not (tmp_path / "missing").exists()


def petitions_lines(content, format):
    """The header (CSV) and each petition's line, in the file's order."""
    text = content.decode("utf-8")
    if format == "csv":
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return rows[0], rows[1:]
    lines = [line.removesuffix(",") for line in text.splitlines()]
    return lines[0] + lines[-1], lines[1:-1]


@pytest.mark.parametrize("format", ["csv", "json"])
def test_the_commands_file_has_the_sites_download_lines_byte_for_byte(
    archive, client, tmp_path, format
):
    target = tmp_path / f"petitions.{format}"
    call_command(
        "export_petitions",
        "--format",
        format,
        "-o",
        str(target),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    written = target.read_bytes()
    download = b"".join(client.get(f"/petitions/export.{format}").streaming_content)
    # The same bytes a line; the site lists newest first, the command oldest first.
    assert written[:3] == download[:3] == (b"\xef\xbb\xbf" if format == "csv" else b"[\n{")
    written_head, written_lines = petitions_lines(written, format)
    download_head, download_lines = petitions_lines(download, format)
    assert written_head == download_head
    assert len(written_lines) == 10
    assert sorted(written_lines) == sorted(download_lines)


def test_the_csv_has_the_columns_researchers_scripts_rely_on(archive):
    header = export("csv").removeprefix("\ufeff").split("\r\n", 1)[0].split(",")
    assert len(header) == 69
    assert header[:3] == ["number", "kind", "parliament"]
    member = header.index("addressee_member_house_person_id")
    assert header[member + 1 : member + 3] == ["addressee_heading_en", "addressee_heading_fr"]
    responses = header.index("responses")
    assert header[responses : responses + 8] == ["responses", *DERIVED_COLUMNS]
    assert header[-2:] == ["source_url", "source_note"]


def test_a_csv_written_before_the_derived_columns_still_imports_unchanged(archive, tmp_path):
    first = export("csv")
    rows = list(csv.reader(io.StringIO(first.removeprefix("\ufeff"), newline="")))
    # Before 2026-12-04 the command's CSV had no derived columns, before 2026-12-06 no
    # headings.
    added = [*DERIVED_COLUMNS, "addressee_heading_en", "addressee_heading_fr"]
    keep = [index for index, column in enumerate(rows[0]) if column not in added]
    old = io.StringIO()
    csv.writer(old, lineterminator="\r\n").writerows([[row[i] for i in keep] for row in rows])
    assert len(keep) == 60
    path = tmp_path / "old.csv"
    path.write_text(old.getvalue(), encoding="utf-8", newline="")
    empty_database()
    call_command("import_petitions", str(path), stdout=StringIO(), stderr=StringIO())
    assert export("csv") == first
