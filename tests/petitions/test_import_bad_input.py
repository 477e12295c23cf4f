"""Bad input to import_petitions: a clear message naming the record and the field, a
non-zero exit, and the database as it was."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from petitions.models import Member, Petition, ProvinceSignatureCount, Topic
from responses.models import GovernmentResponse


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


def test_a_session_the_file_names_is_made_but_one_it_does_not_name_is_never_guessed(
    reference, tmp_path
):
    from petitions.models import ParliamentarySession

    named = petition().replace(
        'ParliamentNumber="44" Session="1"', 'ParliamentNumber="46" Session="1"'
    )
    ok, report = run(xml_file(tmp_path, named))
    assert ok, report
    made = ParliamentarySession.objects.get(parliament=46, session=1)
    assert made.started_on.isoformat() == "2023-01-10"  # the earliest date the record gives
    unnamed = petition("e-9002").replace(
        'ParliamentNumber="44" Session="1"', 'ParliamentNumber="47"'
    )
    ok, report = run(xml_file(tmp_path, unnamed, name="unnamed.xml"))
    assert not ok
    assert "petition 1 (e-9002): session: no session of the 47th Parliament was sitting" in report
    assert not ParliamentarySession.objects.filter(parliament=47).exists()
