"""The House's heading names whom a petition is addressed to, in many forms and both
languages, with or without markup: each is read, in the XML export and in the pages'
records; one naming no addressee the reader knows loads with a warning, kept as text."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from petitions.models import Petition

MARKUP = '<Addressee type="3" affiliationId="" mp-riding-display="1">{}</Addressee>'

# (prefix, addressee, kind, the ministry's English title)
HEADINGS = [
    ("Petition to the ", "House of Commons in Parliament Assembled", "house", None),
    ("Petition to the ", "House of Commons in Parliament assembled", "house", None),
    ("PETITION TO THE ", "HOUSE OF COMMONS IN PARLIAMENT ASSEMBLED", "house", None),
    ("Petition to the ", "House of Commons", "house", None),
    ("Petition to the ", "Government of Canada", "government", None),
    ("Petition to the ", "Prime Minister", "prime_minister", "Prime Minister"),
    ("PETITION TO THE ", "PRIME MINISTER", "prime_minister", "Prime Minister"),
    ("Petition to the ", "Minister of Health", "minister", "Minister of Health"),
    (
        "Petition to the ",
        "Minister of Justice and Attorney General of Canada",
        "minister",
        "Minister of Justice and Attorney General of Canada",
    ),
    (
        "Petition to the ",
        "Minister of Health and the Minister of Finance",
        "minister",
        "Minister of Health",
    ),
    ("Petition to the ", "Prime Minister and the Government of Canada", "prime_minister",
     "Prime Minister"),
    ("Pétition au ", "gouvernement du Canada", "government", None),
    ("Pétition adressée au ", "gouvernement du Canada", "government", None),
    ("Pétition au ", "premier ministre et au gouvernement du Canada", "prime_minister",
     "Prime Minister"),
    ("PÉTITION À LA ", "CHAMBRE DES COMMUNES RÉUNIE EN PARLEMENT", "house", None),
    ("Pétition à la ", "Chambre des communes", "house", None),
    ("Pétition à la ", "ministre de la Santé", "minister", "Minister of Health"),
    ("Pétition adressée au ", "ministre de la Sécurité publique", "minister",
     "Minister of Public Safety"),
    ("Pétition aux ", "ministres des Finances et de la Santé", "minister", None),
]  # fmt: skip
IDS = [prefix.strip()[-3:] + " " + who for prefix, who, _, _ in HEADINGS]


def xml_record(para):
    return f"""<?xml version='1.0' encoding='utf-8'?>
<ArrayOfPetition>
  <Petition Id="" Title="441-00500 (Health)" TypeId="2" ParliamentNumber="44" Session="1">
    <PetitionNumber>441-00500</PetitionNumber>
    <PresentedDateTime>March 20, 2023</PresentedDateTime>
    <PresentedPetitionNumber>441-00500</PresentedPetitionNumber>
    <Prayer>
      <Para>{para}</Para>
      <Grievances><WhereAs>Things matter;</WhereAs></Grievances>
      <Para>We call upon them to act.</Para>
    </Prayer>
  </Petition>
</ArrayOfPetition>
"""


def page_record(line):
    return [
        {
            "number": "441-00500",
            "petition_type": "Paper petition",
            "page_language": "en",
            "parliament": 44,
            "session": 1,
            "addressee_line": line,
            "whereas": ["Things matter;"],
            "prayer": "We call upon them to act.",
            "presented_date": "March 20, 2023",
            "presented_petition_no": "441-00500",
        }
    ]


def load(tmp_path, text, suffix):
    path = tmp_path / f"house.{suffix}"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_petitions", str(path), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def loaded(tmp_path, source, prefix, who, markup):
    addressee = MARKUP.format(who) if markup else who
    if source == "xml":
        return load(tmp_path, xml_record(prefix + addressee), "xml")
    return load(tmp_path, json.dumps(page_record(prefix + addressee)), "json")


@pytest.mark.parametrize("markup", [False, True], ids=["plain", "markup"])
@pytest.mark.parametrize("source", ["xml", "json"])
@pytest.mark.parametrize(("prefix", "who", "kind", "ministry"), HEADINGS, ids=IDS)
def test_every_heading_form_names_its_addressee(db, tmp_path, source, markup, prefix, who,
                                                 kind, ministry):  # fmt: skip
    report = loaded(tmp_path, source, prefix, who, markup)
    assert "1 new" in report and "warning" not in report, report
    petition = Petition.objects.select_related("ministry").get(number="441-00500")
    assert petition.addressee_kind == kind
    if ministry:
        assert petition.ministry.title_en == ministry
    elif kind != "minister":
        assert petition.ministry is None
    prayer = petition.prayer_fr or petition.prayer_en
    assert prayer == "We call upon them to act."


def test_a_heading_naming_a_member_without_an_article_names_that_member(db, tmp_path):
    report = loaded(tmp_path, "xml", "Petition to ", "Elizabeth May", markup=False)
    assert "1 new" in report, report
    petition = Petition.objects.get(number="441-00500")
    assert petition.addressee_kind == "member"
    assert petition.addressee_member.name == "Elizabeth May"


@pytest.mark.parametrize("source", ["xml", "json"])
@pytest.mark.parametrize(
    "heading", ["Petition to the Senate of Canada", "Pétition au Sénat du Canada"]
)
def test_a_heading_naming_no_known_addressee_loads_with_a_warning_and_is_kept(
    db, tmp_path, source, heading
):
    report = loaded(tmp_path, source, "", heading, markup=False)
    assert "1 new, 0 updated, 0 unchanged, 0 rejected; written" in report
    field = "Prayer/Para" if source == "xml" else "addressee_line"
    assert (
        f"warning {'petition' if source == 'xml' else 'record'} 1 (441-00500): {field}: "
        f"cannot tell who the petition is addressed to: {heading!r}"
    ) in report
    petition = Petition.objects.get(number="441-00500")
    prayer = petition.prayer_fr or petition.prayer_en
    assert prayer == f"{heading}\nWe call upon them to act."
