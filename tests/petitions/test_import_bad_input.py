"""Bad input to import_petitions: a clear message naming the record and the field, a
non-zero exit, and the database as it was."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from petitions.models import (
    Member,
    ParliamentarySession,
    Petition,
    ProvinceSignatureCount,
    Topic,
)
from responses.models import GovernmentResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    """The reference data: made by its migration, nothing to load."""


def petition(number="e-9001", *, attributes="", petitioner_province="Ontario", closing=None,
             extra="", signature_count=""):  # fmt: skip
    count = f' SignatureCount="{signature_count}"' if signature_count != "" else ""
    closing = closing or "March 11, 2023, at 9:00 a.m. (EDT)"
    head = f'Id="1" Title="{number} (Health)" TypeId="1" ParliamentNumber="44" Session="1"'
    return f"""
  <Petition {head}{count}{attributes}>
    <PetitionNumber>{number}</PetitionNumber>
    <PetitionerFirstName>Ada</PetitionerFirstName>
    <PetitionerLastName>Lovelace</PetitionerLastName>
    <PetitionerProvince>{petitioner_province}</PetitionerProvince>
    <Sponsor>
      <FirstName>Jane</FirstName>
      <LastName>Doe</LastName>
      <Constituency>Nowhere</Constituency>
      <Caucus>NDP</Caucus>
      <ProvinceCode>ON</ProvinceCode>
    </Sponsor>
    <SignatureOpeningDateTime>January 10, 2023, at 9:00 a.m. (EDT)</SignatureOpeningDateTime>
    <SignatureClosingDateTime>{closing}</SignatureClosingDateTime>
    <Prayer>
      <Para>Petition to the Government of Canada</Para>
      <Grievances><WhereAs>Things matter;</WhereAs></Grievances>
      <Para>We call upon the Government of Canada to act.</Para>
    </Prayer>{extra}
  </Petition>"""


BY_PROVINCE = (
    '<SignaturesByProvince><ProvinceSignatures Province="ON" SignatureCount="{count}" />'
    "</SignaturesByProvince>"
)


def xml_file(tmp_path, *petitions, name="petitions.xml"):
    path = tmp_path / name
    body = "".join(petitions)
    path.write_text(
        f"<?xml version='1.0' encoding='utf-8'?>\n<ArrayOfPetition>{body}\n</ArrayOfPetition>\n",
        encoding="utf-8",
    )
    return path


def run(*paths, **options):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_petitions", *map(str, paths), stdout=out, stderr=err, **options)
    except CommandError as error:
        return False, out.getvalue() + err.getvalue() + str(error)
    return True, out.getvalue() + err.getvalue()


def snapshot():
    return (
        Petition.objects.count(),
        Member.objects.count(),
        Topic.objects.count(),
        ProvinceSignatureCount.objects.count(),
        GovernmentResponse.objects.count(),
    )


def test_a_valid_file_loads(reference, tmp_path):
    ok, report = run(xml_file(tmp_path, petition()))
    assert ok, report
    assert Petition.objects.get(number="e-9001").petitioner_province == "ON"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (
            petition("e-9002", attributes=' TypeId2="x"').replace('TypeId="1"', 'TypeId="7"'),
            "petition 2: TypeId: '7' is not 1",
        ),
        (
            petition("e-9002", closing="February 30, 2023, at 9:00 a.m. (EDT)"),
            "petition 2: SignatureClosingDateTime: impossible date",
        ),
        (
            petition("e-9001"),
            "petition 2 (e-9001): number: e-9001 is in the file twice (first at petition 1)",
        ),
        (
            petition("e-9002", petitioner_province="Atlantis"),
            "petition 2: PetitionerProvince: unknown province or territory 'Atlantis'",
        ),
        (
            petition("e-9002", signature_count="lots"),
            "petition 2: SignatureCount: not a number: 'lots'",
        ),
        (
            petition(
                "e-9002",
                extra=BY_PROVINCE.format(count="many"),
            ),
            "petition 2: ProvinceSignatures[ON]@SignatureCount: not a number",
        ),
        (
            petition(
                "e-9002",
                signature_count="10",
                extra=BY_PROVINCE.format(count="9"),
            ),
            "petition 2 (e-9002): province_counts: The counts by province add up to 9, "
            "but the signature total is 10.",
        ),
        (
            petition("e-9002", closing="January 30, 2023, at 9:00 a.m. (EDT)"),
            "petition 2 (e-9002): window.closes_at: An e-petition is open for 30, 60, 90 or "
            "120 days; this window is 20 days.",
        ),
        (
            petition(
                "e-9002",
                extra="<PresentedDateTime>May 1, 2023</PresentedDateTime>"
                "<PresentedPetitionNumber>441-01000</PresentedPetitionNumber>"
                "<GovernmentResponseDateTime>April 1, 2023</GovernmentResponseDateTime>",
            ),
            "petition 2 (e-9002): responses[1].tabled_on: A response cannot be tabled "
            "before the petition was presented",
        ),
        (petition("x-9002"), "petition 2 (x-9002): number: An e-petition's number reads e-N"),
    ],
    ids=[
        "wrong type",
        "impossible date",
        "duplicate number",
        "unknown province",
        "count not a number",
        "province count not a number",
        "counts not adding up",
        "window length",
        "response before presentation",
        "bad number",
    ],
)
def test_one_bad_record_is_named_with_its_field_and_nothing_of_the_file_is_written(
    reference, tmp_path, bad, says
):
    before = snapshot()
    ok, report = run(xml_file(tmp_path, petition(), bad))
    assert not ok
    assert says in report
    assert "nothing written" in report
    assert snapshot() == before


def test_malformed_xml_is_refused_whole(reference, tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(
        "<ArrayOfPetition>" + petition() + "<Petition><PetitionNumber>e-2</Petition>",
        encoding="utf-8",
    )
    ok, report = run(path)
    assert not ok
    assert "broken.xml: not well-formed XML at line" in report
    assert Petition.objects.count() == 0


def test_a_file_that_is_not_there_stops_before_anything_is_written(reference, tmp_path):
    good = xml_file(tmp_path, petition())
    ok, report = run(good, tmp_path / "missing.xml")
    assert not ok
    assert "No such file" in report and "missing.xml" in report
    assert Petition.objects.count() == 0


def test_skip_invalid_writes_the_good_records_and_still_reports_the_bad(reference, tmp_path):
    ok, report = run(
        xml_file(tmp_path, petition(), petition("e-9002", petitioner_province="Atlantis")),
        skip_invalid=True,
    )
    assert not ok
    assert "petition 2: PetitionerProvince" in report
    assert list(Petition.objects.values_list("number", flat=True)) == ["e-9001"]


def test_a_dry_run_reports_and_writes_nothing(reference, tmp_path):
    ok, report = run(xml_file(tmp_path, petition()), dry_run=True)
    assert ok
    assert "1 new" in report and "dry run" in report
    assert snapshot()[0] == 0


def test_unknown_elements_are_reported_once_and_do_not_stop_the_import(reference, tmp_path):
    extra = "<Mystery>1</Mystery>"
    ok, report = run(xml_file(tmp_path, petition(extra=extra), petition("e-9002", extra=extra)))
    assert ok, report
    assert report.count("unknown element Mystery") == 1
    assert Petition.objects.count() == 2


def test_a_rejected_record_forgets_the_rows_made_for_it(reference, tmp_path):
    """A Member made for a bad record goes with it, and the next record makes it again."""
    bad = petition(
        "e-9002", petitioner_province="Ontario", closing="January 30, 2023, at 9:00 a.m. (EDT)"
    )
    first = bad.replace("<FirstName>Jane</FirstName>", "<FirstName>Zed</FirstName>")
    second = petition("e-9003").replace("<FirstName>Jane</FirstName>", "<FirstName>Zed</FirstName>")
    ok, report = run(xml_file(tmp_path, first, second), skip_invalid=True)
    assert not ok
    assert Petition.objects.get(number="e-9003").sponsor.first_name == "Zed"


def test_bad_json_and_csv_are_refused_with_their_position(reference, tmp_path):
    not_json = tmp_path / "export.json"
    not_json.write_text('[\n{"number": "e-1",\n', encoding="utf-8")
    ok, report = run(not_json)
    assert not ok and "not valid JSON" in report
    bad_count = tmp_path / "export2.json"
    bad_count.write_text(
        json.dumps(
            [
                {
                    "number": "e-5",
                    "kind": "electronic",
                    "parliament": 44,
                    "session": 1,
                    "signature_count": "many",
                }
            ]
        ),
        encoding="utf-8",
    )
    ok, report = run(bad_count)
    assert not ok and "record 1: signature_count: not a number: 'many'" in report
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(
        "number,kind,parliament,session,petitioner_province\r\ne-5,electronic,44,1,Mars\r\n",
        encoding="utf-8",
    )
    ok, report = run(csv_file)
    assert not ok and "line 2: petitioner_province: unknown province or territory 'Mars'" in report
    assert Petition.objects.count() == 0


def test_an_export_with_a_namespace_reads_the_same(reference, tmp_path):
    path = tmp_path / "namespaced.xml"
    path.write_text(
        '<ArrayOfPetition xmlns="http://schemas.example/petitions">'
        + petition()
        + "</ArrayOfPetition>",
        encoding="utf-8",
    )
    ok, report = run(path)
    assert ok, report
    assert Petition.objects.get(number="e-9001").petitioner_name == "Ada Lovelace"


def test_a_file_without_petitions_says_so(reference, tmp_path):
    path = tmp_path / "empty.xml"
    path.write_text("<Nothing><Here /></Nothing>", encoding="utf-8")
    ok, report = run(path)
    assert "empty.xml: no petitions found in this file." in report


def test_a_presentation_number_gives_the_session_a_record_leaves_out(reference, tmp_path):
    record = petition(
        extra="<PresentedDateTime>March 30, 2023</PresentedDateTime>"
        "<PresentedPetitionNumber>441-00010</PresentedPetitionNumber>"
    ).replace(' ParliamentNumber="44" Session="1"', "")
    ok, report = run(xml_file(tmp_path, record))
    assert ok, report
    assert Petition.objects.get(number="e-9001").session.code == "441"


def test_a_session_the_file_names_is_never_made_from_its_petitions_dates(reference, tmp_path):
    named = petition().replace(
        'ParliamentNumber="44" Session="1"', 'ParliamentNumber="46" Session="1"'
    )
    ok, report = run(xml_file(tmp_path, named))
    assert not ok
    assert (
        "petition 1 (e-9001): session: session 46-1 is not in the archive, and the file "
        "does not say when it started"
    ) in report
    unnamed = petition("e-9002").replace(
        'ParliamentNumber="44" Session="1"', 'ParliamentNumber="47"'
    )
    ok, report = run(xml_file(tmp_path, unnamed, name="unnamed.xml"))
    assert not ok
    assert "petition 1 (e-9002): session: no session of the 47th Parliament was sitting" in report
    assert not ParliamentarySession.objects.filter(parliament__gte=46).exists()


# Dates the House could not have produced, and facts it always gives, in every format.

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def as_file(tmp_path, source, fields):
    """One e-petition of session 44-1 in `source`'s layout, with `fields` (named as
    this project's JSON export names them, dates in ISO 8601) set or, as None, left out."""
    record = {
        "number": "e-9001",
        "kind": "electronic",
        "parliament": 44,
        "session": 1,
        "opens_at": "2023-01-10T09:00:00-05:00",
        "closes_at": "2023-03-11T09:00:00-05:00",
    } | fields
    record = {key: value for key, value in record.items() if value is not None}
    if source in ("json", "csv"):
        path = tmp_path / f"export.{source}"
        if source == "json":
            path.write_text(json.dumps([record]), encoding="utf-8")
        else:
            for response in record.get("responses", ()):
                response.setdefault("position", 1)
            if "responses" in record:
                record["responses"] = json.dumps(record["responses"])
            header = ",".join(record)
            row = ",".join(
                f'"{str(value).replace(chr(34), chr(34) * 2)}"' for value in record.values()
            )
            path.write_text(f"{header}\r\n{row}\r\n", encoding="utf-8")
        return path
    if source == "page":
        page = {
            "number": record["number"],
            "petition_type": "E-petition",
            "page_language": "en",
            "parliament": record.get("parliament"),
            "session": record.get("session"),
            "open_for_signature": record.get("opens_at"),
            "closed_for_signature": record.get("closes_at"),
            "presented_date": record.get("presented_on"),
            "presented_petition_no": record.get("presentation_number"),
            "government_response_tabled_date": (record.get("responses") or [{}])[0].get(
                "tabled_on"
            ),
        }
        path = tmp_path / "pages.json"
        path.write_text(json.dumps([page]), encoding="utf-8")
        return path
    names = {
        "presented_on": "PresentedDateTime",
        "presentation_number": "PresentedPetitionNumber",
        "opens_at": "SignatureOpeningDateTime",
        "closes_at": "SignatureClosingDateTime",
        "outcome_on": "CertificationDateTime",
    }
    attributes = {"parliament": "ParliamentNumber", "session": "Session"}
    head = " ".join(f'{attributes[key]}="{record[key]}"' for key in attributes if key in record)
    if "session_started_on" in record:
        head += f' SessionStartedOn="{record["session_started_on"]}"'
    body = "".join(
        f"<{name}>{record[key]}</{name}>" for key, name in names.items() if key in record
    )
    if record.get("responses"):
        tabled_on = record["responses"][0]["tabled_on"]
        body += f"<GovernmentResponseDateTime>{tabled_on}</GovernmentResponseDateTime>"
    path = tmp_path / "house.xml"
    path.write_text(
        f'<ArrayOfPetition><Petition TypeId="1" {head}><PetitionNumber>{record["number"]}'
        f"</PetitionNumber>{body}</Petition></ArrayOfPetition>",
        encoding="utf-8",
    )
    return path


SOURCES = ["xml", "json", "csv", "page"]
PRESENTED = {"presentation_number": "441-00010"}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    ("fields", "says"),
    [
        (PRESENTED | {"presented_on": "9999-12-20"}, "presented_on: Enter a date between"),
        (PRESENTED | {"presented_on": "1866-12-20"}, "presented_on: Enter a date between"),
        (PRESENTED | {"presented_on": TOMORROW}, "presented_on: This date is after today"),
        (
            PRESENTED | {"presented_on": "2023-03-20", "responses": [{"tabled_on": "9999-01-01"}]},
            "responses[1].tabled_on: Enter a date between",
        ),
        (
            {"opens_at": "1800-01-10T09:00:00-05:00", "closes_at": "1800-03-11T09:00:00-05:00"},
            "opens_at: Enter a date between",
        ),
        (
            {"opens_at": "2100-01-10T09:00:00-05:00", "closes_at": "2100-03-11T09:00:00-05:00"},
            "opens_at: Enter a date between",
        ),
    ],
    ids=[
        "presented 9999",
        "presented 1866",
        "presented tomorrow",
        "tabled 9999",
        "window in 1800",
        "window in 2100",
    ],
)
def test_a_date_the_house_could_not_have_given_is_refused_naming_its_field(
    tmp_path, source, fields, says
):
    ok, report = run(as_file(tmp_path, source, fields))
    assert not ok
    assert says in report, report
    assert "Traceback" not in report and "IntegrityError" not in report
    assert Petition.objects.count() == 0


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("missing", ["opens_at", "closes_at"])
def test_a_window_with_one_end_is_refused_naming_the_missing_end(db, tmp_path, source, missing):
    ok, report = run(as_file(tmp_path, source, {missing: None}))
    assert not ok
    names = {
        ("xml", "opens_at"): "SignatureOpeningDateTime",
        ("xml", "closes_at"): "SignatureClosingDateTime",
        ("page", "opens_at"): "open_for_signature",
        ("page", "closes_at"): "closed_for_signature",
    }
    field = names.get((source, missing), missing)
    assert f"{field}: a signature window needs both its opening and closing" in report, report
    assert Petition.objects.count() == 0


@pytest.mark.parametrize("source", SOURCES)
def test_a_record_with_no_session_and_no_date_is_refused_naming_the_session(db, tmp_path, source):
    fields = {"parliament": None, "session": None, "opens_at": None, "closes_at": None}
    ok, report = run(as_file(tmp_path, source, fields))
    assert not ok
    assert "(e-9001): session: the file gives no session and no date to find it" in report
    assert Petition.objects.count() == 0


@pytest.mark.parametrize("source", SOURCES)
def test_a_session_unknown_to_the_archive_is_refused_naming_it(db, tmp_path, source):
    fields = {"parliament": 46, "session": 1, "opens_at": None, "closes_at": None}
    ok, report = run(as_file(tmp_path, source, fields))
    assert not ok
    assert "(e-9001): session: session 46-1 is not in the archive" in report, report
    assert not ParliamentarySession.objects.filter(parliament=46).exists()


@pytest.mark.parametrize("source", ["xml", "json", "csv"])
def test_a_session_unknown_to_the_archive_is_made_from_the_dates_the_file_gives(tmp_path, source):
    fields = {"parliament": 46, "session": 1, "opens_at": None, "closes_at": None}
    started = "January 5, 2026" if source == "xml" else "2026-01-05"
    ok, report = run(as_file(tmp_path, source, fields | {"session_started_on": started}))
    assert ok, report
    made = ParliamentarySession.objects.get(parliament=46, session=1)
    assert made.started_on == datetime.date(2026, 1, 5) and made.ended_on is None


@pytest.mark.parametrize("source", ["xml", "json", "csv"])
def test_a_session_start_the_house_could_not_have_given_is_refused(db, tmp_path, source):
    fields = {"parliament": 46, "session": 1, "session_started_on": TOMORROW}
    ok, report = run(as_file(tmp_path, source, fields))
    assert not ok
    assert "session_started_on: This date is after today" in report, report
    assert not ParliamentarySession.objects.filter(parliament=46).exists()


def test_skip_invalid_loads_the_records_that_miss_no_fact(db, tmp_path):
    good = petition("e-9002")
    no_end = petition("e-9003").replace(
        "<SignatureClosingDateTime>March 11, 2023, at 9:00 a.m. (EDT)</SignatureClosingDateTime>",
        "",
    )
    ok, report = run(xml_file(tmp_path, good, no_end), skip_invalid=True)
    assert not ok
    assert "petition 2: SignatureClosingDateTime: a signature window needs both" in report
    assert list(Petition.objects.values_list("number", flat=True)) == ["e-9002"]


def test_a_nul_byte_in_a_json_file_is_one_line_and_nothing_is_written(tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes(
        b'[\n{"number": "e-9001", "kind": "electronic"},\n{"number": "e-\x009002"}\n]\n'
    )
    ok, report = run(path)
    assert not ok
    assert "export.json: " in report and "Traceback" not in report
    assert Petition.objects.count() == 0


def test_a_file_that_cannot_be_read_is_one_line_and_nothing_is_written(tmp_path, monkeypatch):
    from petitions.management.commands import import_petitions

    good = xml_file(tmp_path, petition())

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(import_petitions, "open", refuse, raising=False)
    ok, report = run(good)
    assert not ok
    assert report.strip().splitlines()[-1] == f"{good}: cannot be read (Permission denied)."
    assert Petition.objects.count() == 0
