"""The House's French XML export and French pages load, and a French and an English
record of one petition merge into one petition with both languages, in either order."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from petitions.exports.table import export_records
from petitions.house.records import jsonable
from petitions.models import Keyword, Ministry, Petition, Topic

ENGLISH = """
  <Petition Id="5001" Title="e-5001 (Space exploration)" TypeId="1"
      ParliamentNumber="44" Session="1">
    <PetitionNumber>e-5001</PetitionNumber>
    <StatusId />
    <StatusName>Government response tabled</StatusName>
    <StatusReachedDateTime />
    <PetitionerFirstName>Marie</PetitionerFirstName>
    <PetitionerLastName>Tremblay</PetitionerLastName>
    <PetitionerCity>Chicoutimi</PetitionerCity>
    <PetitionerProvince>Quebec</PetitionerProvince>
    <Sponsor>
      <FirstName>Alexis</FirstName>
      <LastName>Brunelle-Duceppe</LastName>
      <Constituency>Lac-Saint-Jean</Constituency>
      <Caucus>Bloc Québécois Caucus</Caucus>
      <ProvinceCode>QC</ProvinceCode>
    </Sponsor>
    <SignatureOpeningDateTime>November 16, 2022, at 2:23 p.m. (EDT)</SignatureOpeningDateTime>
    <SignatureClosingDateTime>January 15, 2023, at 2:23 p.m. (EDT)</SignatureClosingDateTime>
    <CertificationDateTime>January 16, 2023</CertificationDateTime>
    <PresentedDateTime>March 20, 2023</PresentedDateTime>
    <PresentedPetitionNumber>441-01999</PresentedPetitionNumber>
    <GovernmentResponseDateTime>May 3, 2023</GovernmentResponseDateTime>
    <OriginalLanguage>French</OriginalLanguage>
    <SignaturesByProvince>
      <ProvinceSignatures Province="QC" SignatureCount="600" />
    </SignaturesByProvince>
    <Prayer>
      <Para>Petition to the Minister of Space Affairs</Para>
      <Grievances>
        <WhereAs>Space matters;</WhereAs>
      </Grievances>
      <Para>We call upon the Minister of Space Affairs to act.</Para>
    </Prayer>
    <Response>
      <Title>Response by the Minister of Space Affairs</Title>
      <SignedBy>Jane Smith, M.P.</SignedBy>
      <para>We agree.</para>
    </Response>
    <Term>Rockets</Term>
  </Petition>"""

FRENCH = """
  <Petition Id="5001" Title="e-5001 (Exploration spatiale)" TypeId="1"
      ParliamentNumber="44" Session="1">
    <PetitionNumber>e-5001</PetitionNumber>
    <StatusId />
    <StatusName>Réponse du gouvernement déposée</StatusName>
    <StatusReachedDateTime />
    <PetitionerFirstName>Marie</PetitionerFirstName>
    <PetitionerLastName>Tremblay</PetitionerLastName>
    <PetitionerCity>Chicoutimi</PetitionerCity>
    <PetitionerProvince>Québec</PetitionerProvince>
    <Sponsor>
      <FirstName>Alexis</FirstName>
      <LastName>Brunelle-Duceppe</LastName>
      <Constituency>Lac-Saint-Jean</Constituency>
      <Caucus>Caucus du Bloc Québécois</Caucus>
      <ProvinceCode>QC</ProvinceCode>
    </Sponsor>
    <SignatureOpeningDateTime>16 novembre 2022 à 14 h 23 (HAE)</SignatureOpeningDateTime>
    <SignatureClosingDateTime>15 janvier 2023 à 14 h 23 (HAE)</SignatureClosingDateTime>
    <CertificationDateTime>16 janvier 2023</CertificationDateTime>
    <PresentedDateTime>20 mars 2023</PresentedDateTime>
    <PresentedPetitionNumber>441-01999</PresentedPetitionNumber>
    <GovernmentResponseDateTime>3 mai 2023</GovernmentResponseDateTime>
    <OriginalLanguage>Français</OriginalLanguage>
    <SignaturesByProvince>
      <ProvinceSignatures Province="QC" SignatureCount="600" />
    </SignaturesByProvince>
    <Prayer>
      <Para>Pétition à la ministre des Affaires spatiales</Para>
      <Grievances>
        <WhereAs>L’espace compte;</WhereAs>
      </Grievances>
      <Para>Nous demandons à la ministre des Affaires spatiales d’agir.</Para>
    </Prayer>
    <Response>
      <Title>Réponse de la ministre des Affaires spatiales</Title>
      <SignedBy>Jane Smith, députée</SignedBy>
      <para>Nous sommes d’accord.</para>
    </Response>
    <Term>Fusées</Term>
  </Petition>"""

# A French record alone, of what the reference data knows: the Minister of Health,
# the topic Health, the Conservative caucus; a status only the French names.
FRENCH_ONLY = """
  <Petition Id="5002" Title="e-5002 (Santé)" TypeId="1" ParliamentNumber="44" Session="1">
    <PetitionNumber>e-5002</PetitionNumber>
    <StatusId />
    <StatusName>Non certifiée</StatusName>
    <StatusReachedDateTime>1er mars 2023</StatusReachedDateTime>
    <PetitionerFirstName>Luc</PetitionerFirstName>
    <PetitionerLastName>Gagnon</PetitionerLastName>
    <PetitionerCity>Victoria</PetitionerCity>
    <PetitionerProvince>Colombie-Britannique</PetitionerProvince>
    <Sponsor>
      <FirstName>Melissa</FirstName>
      <LastName>Lantsman</LastName>
      <Constituency>Thornhill</Constituency>
      <Caucus>Caucus conservateur</Caucus>
      <ProvinceCode>ON</ProvinceCode>
    </Sponsor>
    <SignatureOpeningDateTime>30 décembre 2022 à 9 h 05 (HNE)</SignatureOpeningDateTime>
    <SignatureClosingDateTime>28 février 2023 à 9 h 05 (HNE)</SignatureClosingDateTime>
    <OriginalLanguage>Français</OriginalLanguage>
    <Prayer>
      <Para>Pétition à la ministre de la Santé</Para>
      <Grievances><WhereAs>La santé compte;</WhereAs></Grievances>
      <Para>Nous demandons à la ministre de la Santé d’agir.</Para>
    </Prayer>
    <Term>Soins de santé</Term>
  </Petition>"""


def xml(*petitions):
    body = "".join(petitions)
    return f"<?xml version='1.0' encoding='utf-8'?>\n<ArrayOfPetition>{body}\n</ArrayOfPetition>\n"


def load(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_petitions", str(path), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def record(number):
    return jsonable(next(export_records(Petition.objects.filter(number=number))))


def test_a_french_export_record_loads_with_its_french_dates_names_and_status(db, tmp_path):
    report = load(tmp_path, "fr.xml", xml(FRENCH_ONLY))
    assert "1 new, 0 updated, 0 unchanged, 0 rejected; written" in report, report
    petition = Petition.objects.select_related("ministry", "topic", "sponsor_caucus").get(
        number="e-5002"
    )
    assert petition.ministry.title_en == "Minister of Health"
    assert petition.addressee_kind == "minister"
    assert petition.topic.name_en == "Health"
    assert petition.sponsor_caucus.short_name == "Conservative"
    assert petition.petitioner_province == "BC"
    assert petition.original_language == "fr"
    assert (petition.outcome, petition.outcome_on.isoformat()) == ("not_certified", "2023-03-01")
    assert petition.window.opens_at.isoformat() == "2022-12-30T14:05:00+00:00"
    assert (petition.whereas_en, petition.prayer_en) == ("", "")
    assert petition.whereas_fr == "La santé compte;"
    assert petition.prayer_fr == "Nous demandons à la ministre de la Santé d’agir."
    assert [k.name_fr for k in petition.keywords.all()] == ["Soins de santé"]


def test_a_french_page_record_loads(db, tmp_path):
    page = {
        "number": "e-5003",
        "petition_type": "Pétition électronique",
        "page_language": "fr",
        "topic": "Santé",
        "parliament": 44,
        "session": 1,
        "initiated_by_name": "Luc Gagnon",
        "initiated_by_province": "Colombie-Britannique",
        "original_language": "Français",
        "addressee_line": "Pétition au premier ministre et au gouvernement du Canada",
        "whereas": ["La santé compte;"],
        "prayer": "Nous demandons au gouvernement d’agir.",
        "open_for_signature": "30 décembre 2022 à 9 h 05 (HNE)",
        "closed_for_signature": "28 février 2023 à 9 h 05 (HNE)",
        "sponsor_name": "Melissa Lantsman",
        "sponsor_caucus": "Caucus conservateur",
        "sponsor_province": "Ontario",
    }
    report = load(tmp_path, "pages.json", json.dumps([page]))
    assert "1 new" in report and "0 rejected" in report, report
    petition = Petition.objects.get(number="e-5003")
    assert petition.addressee_kind == "prime_minister"
    assert petition.ministry.title_en == "Prime Minister"
    assert petition.sponsor_caucus.short_name == "Conservative"
    assert petition.prayer_fr == "Nous demandons au gouvernement d’agir."


MERGED = {
    "number": "e-5001",
    "topic": {"en": "Space exploration", "fr": "Exploration spatiale"},
    "keywords": [{"en": "Rockets", "fr": "Fusées"}],
    "petitioner_name": "Marie Tremblay",
    "petitioner_city": "Chicoutimi",
    "petitioner_province": "QC",
    "original_language": "fr",
    "addressee_kind": "minister",
    "ministry": {"en": "Minister of Space Affairs", "fr": "ministre des Affaires spatiales"},
    "whereas_en": "Space matters;",
    "whereas_fr": "L’espace compte;",
    "prayer_en": "We call upon the Minister of Space Affairs to act.",
    "prayer_fr": "Nous demandons à la ministre des Affaires spatiales d’agir.",
    "sponsor_riding": "Lac-Saint-Jean",
    "sponsor_caucus": {
        "short": "Bloc Québécois",
        "en": "Bloc Québécois Caucus",
        "fr": "Caucus du Bloc Québécois",
    },
    "presentation_number": "441-01999",
    "presented_on": "2023-03-20",
    "outcome": "certified",
    "outcome_on": "2023-01-16",
    "signature_count": None,
    "opens_at": "2022-11-16T14:23:00-05:00",
    "closes_at": "2023-01-15T14:23:00-05:00",
    "province_counts": {"QC": 600},
    "responses": [
        {
            "position": 1,
            "ministry": {
                "en": "Minister of Space Affairs",
                "fr": "ministre des Affaires spatiales",
            },
            "signed_by": "Jane Smith, M.P.",
            "tabled_on": "2023-05-03",
            "sessional_paper_number": "",
            "text_en": "We agree.",
            "text_fr": "Nous sommes d’accord.",
        }
    ],
}


@pytest.mark.parametrize(
    "order", [("en", "fr"), ("fr", "en")], ids=["english first", "french first"]
)
def test_the_french_and_english_records_merge_into_one_petition_in_either_order(
    db, tmp_path, order
):
    texts = {"en": ENGLISH, "fr": FRENCH}
    for language in order:
        report = load(tmp_path, f"{language}.xml", xml(texts[language]))
        assert "0 rejected" in report and "warning" not in report, report
    merged = record("e-5001")
    assert {key: merged[key] for key in MERGED} == MERGED
    # One row for each thing named in both languages, its address from the English name.
    assert Topic.objects.filter(name_fr="Exploration spatiale").get().slug == "space-exploration"
    assert not Topic.objects.filter(name_en="Exploration spatiale").exists()
    ministry = Ministry.objects.get(title_fr="ministre des Affaires spatiales")
    assert ministry.slug == "minister-of-space-affairs"
    assert Ministry.objects.filter(title_en__icontains="spatiales").count() == 0
    assert Keyword.objects.count() == 1
    # Loading either record again changes nothing.
    for language in order:
        assert "1 unchanged" in load(tmp_path, f"{language}.xml", xml(texts[language]))


@pytest.mark.parametrize("format", ["json", "csv", "xml"])
def test_french_and_merged_petitions_come_back_byte_for_byte(db, tmp_path, format):
    load(tmp_path, "fr.xml", xml(FRENCH, FRENCH_ONLY))
    load(tmp_path, "en.xml", xml(ENGLISH))
    first, report, again = exported_and_read_back(tmp_path, format)
    assert "Exploration spatiale" in first and "Soins de santé" in first
    assert "2 new" in report, report
    assert again == first


def exported_and_read_back(tmp_path, format):
    """(the archive exported in `format`, the import's report of that file into an
    emptied archive, the archive exported again)."""
    from tests.petitions.test_export import empty_database, export

    first = export(format)
    path = tmp_path / f"petitions.{format}"
    path.write_text(first, encoding="utf-8", newline="")
    empty_database()
    report = StringIO()
    call_command("import_petitions", str(path), stdout=report, stderr=report)
    return first, report.getvalue(), export(format)


@pytest.mark.parametrize(
    "order", [("en", "fr"), ("fr", "en")], ids=["english first", "french first"]
)
def test_a_french_name_unknown_to_the_archive_does_not_move_a_petition_off_its_topic(
    db, tmp_path, order
):
    """The English record names a topic the archive has ("Public safety"), the French
    one a French name no row has: the petition keeps the known topic either way."""
    texts = {
        "en": ENGLISH.replace("(Space exploration)", "(Public safety)"),
        "fr": FRENCH.replace("(Exploration spatiale)", "(Sûreté publique)"),
    }
    for language in order:
        assert "0 rejected" in load(tmp_path, f"{language}.xml", xml(texts[language]))
    topic = Petition.objects.select_related("topic").get(number="e-5001").topic
    assert (topic.name_en, topic.name_fr) == ("Public safety", "Sécurité publique")


@pytest.mark.parametrize(
    "order", [("en", "fr"), ("fr", "en")], ids=["english first", "french first"]
)
def test_an_unknown_caucus_named_in_both_languages_is_one_caucus_in_either_order(
    db, tmp_path, order
):
    from petitions.models import Caucus

    texts = {
        "en": ENGLISH.replace("Bloc Québécois Caucus", "Space Party Caucus"),
        "fr": FRENCH.replace("Caucus du Bloc Québécois", "Caucus du Parti spatial"),
    }
    for language in order:
        report = load(tmp_path, f"{language}.xml", xml(texts[language]))
        assert "0 rejected" in report, report
    caucus = Caucus.objects.get(name_fr="Caucus du Parti spatial")
    assert (caucus.name_en, caucus.slug) == ("Space Party Caucus", "space-party-caucus")
    assert not Caucus.objects.filter(name_en="Caucus du Parti spatial").exists()
    assert Petition.objects.get(number="e-5001").sponsor_caucus == caucus
