"""A House heading that names several addressees is kept whole beside the first, which
the addressee fields hold: it loads from the XML export and the pages in both
languages, merges, comes back byte for byte, shows on the petition's page and is
edited in the admin."""

import json

import pytest

from petitions.models import Petition
from tests.petitions.test_admin import errors_of, petition_form
from tests.petitions.test_import_french import (
    ENGLISH,
    FRENCH,
    exported_and_read_back,
    load,
    xml,
)
from tests.petitions.test_import_headings import MARKUP, page_record, xml_record
from tests.petitions.test_import_headings import load as load_text

SPACE_EN = "Petition to the Minister of Space Affairs"
SPACE_FR = "Pétition à la ministre des Affaires spatiales"
BOTH_EN = "Petition to the Minister of Space Affairs and the Minister of Health"
BOTH_FR = "Pétition à la ministre des Affaires spatiales et au ministre de la Santé"


def both_ministers(text, language):
    single, several = (SPACE_EN, BOTH_EN) if language == "en" else (SPACE_FR, BOTH_FR)
    assert f"<Para>{single}</Para>" in text
    return text.replace(f"<Para>{single}</Para>", f"<Para>{several}</Para>")


# (prefix, addressee, whether it names several)
HEADINGS = [
    ("Petition to the ", "Minister of Health and the Minister of Finance", True),
    ("Petition to the ", "Prime Minister and the Government of Canada", True),
    ("Petition to the ", "Ministers of Health and Finance", True),
    ("Pétition au ", "premier ministre et au gouvernement du Canada", True),
    ("Pétition aux ", "ministres des Finances et de la Santé", True),
    # One title with "and" in it names one addressee.
    ("Petition to the ", "Minister of Justice and Attorney General of Canada", False),
    ("Petition to the ", "Minister of Health", False),
    ("Pétition à la ", "ministre de la Santé", False),
    ("Petition to the ", "House of Commons in Parliament Assembled", False),
]  # fmt: skip


@pytest.mark.parametrize("markup", [False, True], ids=["plain", "markup"])
@pytest.mark.parametrize("source", ["xml", "json"])
@pytest.mark.parametrize(("prefix", "who", "several"), HEADINGS, ids=[h[1] for h in HEADINGS])
def test_a_heading_naming_several_addressees_is_kept_whole(
    db, tmp_path, source, markup, prefix, who, several
):
    language = "fr" if prefix.startswith("P\u00e9") else "en"
    heading = prefix + (MARKUP.format(who) if markup else who)
    if source == "xml":
        report = load_text(tmp_path, xml_record(heading), "xml")
    else:
        page = page_record(heading)
        page[0]["page_language"] = language
        report = load_text(tmp_path, json.dumps(page), "json")
    assert "1 new" in report and "warning" not in report, report
    petition = Petition.objects.get(number="441-00500")
    other = "en" if language == "fr" else "fr"
    kept = getattr(petition, f"addressee_heading_{language}")
    assert kept == (prefix + who if several else "")
    assert getattr(petition, f"addressee_heading_{other}") == ""


@pytest.mark.parametrize(
    "order", [("en", "fr"), ("fr", "en")], ids=["english first", "french first"]
)
def test_both_languages_headings_merge_on_one_petition_in_either_order(db, tmp_path, order):
    texts = {"en": both_ministers(ENGLISH, "en"), "fr": both_ministers(FRENCH, "fr")}
    for language in order:
        report = load(tmp_path, f"{language}.xml", xml(texts[language]))
        assert "0 rejected" in report and "warning" not in report, report
    petition = Petition.objects.select_related("ministry").get(number="e-5001")
    assert (petition.addressee_heading_en, petition.addressee_heading_fr) == (BOTH_EN, BOTH_FR)
    # The first addressee is still the one the fields name.
    assert petition.addressee_kind == "minister"
    assert petition.ministry.title_en == "Minister of Space Affairs"
    for language in order:
        assert "1 unchanged" in load(tmp_path, f"{language}.xml", xml(texts[language]))


def test_a_house_record_naming_one_addressee_again_clears_the_kept_heading(db, tmp_path):
    load(tmp_path, "en.xml", xml(both_ministers(ENGLISH, "en")))
    assert "1 updated" in load(tmp_path, "en.xml", xml(ENGLISH))
    assert Petition.objects.get(number="e-5001").addressee_heading_en == ""


@pytest.mark.parametrize("format", ["json", "csv", "xml"])
def test_kept_headings_come_back_byte_for_byte(db, tmp_path, format):
    load(tmp_path, "fr.xml", xml(both_ministers(FRENCH, "fr")))
    load(tmp_path, "en.xml", xml(both_ministers(ENGLISH, "en")))
    first, report, again = exported_and_read_back(tmp_path, format)
    assert "Space Affairs and the Minister of Health" in first
    assert "Affaires spatiales et au ministre de la Santé" in first
    assert "1 new" in report, report
    petition = Petition.objects.get(number="e-5001")
    assert (petition.addressee_heading_en, petition.addressee_heading_fr) == (BOTH_EN, BOTH_FR)
    assert again == first


def test_the_page_and_the_api_give_the_heading_in_each_language(db, tmp_path, client):
    load(tmp_path, "en.xml", xml(both_ministers(ENGLISH, "en")))
    english = client.get("/petitions/e-5001/").content.decode()
    assert f'<h2 id="addressee">{BOTH_EN}</h2>' in english
    load(tmp_path, "fr.xml", xml(both_ministers(FRENCH, "fr")))
    french = client.get("/fr/petitions/e-5001/").content.decode()
    assert f'<h2 id="addressee">{BOTH_FR}</h2>' in french
    record = json.loads(client.get("/api/petitions/e-5001/").content)
    assert (record["addressee_heading_en"], record["addressee_heading_fr"]) == (BOTH_EN, BOTH_FR)


def test_a_page_without_a_kept_heading_says_the_one_addressee(db, tmp_path, client):
    load(tmp_path, "en.xml", xml(ENGLISH))
    page = client.get("/petitions/e-5001/").content.decode()
    assert f'<h2 id="addressee">{SPACE_EN}</h2>' in page


def test_a_clerk_writes_the_heading_in_the_admin_and_the_page_shows_it(
    db, tmp_path, clerk_client, client
):
    load(tmp_path, "en.xml", xml(ENGLISH))
    petition = Petition.objects.get(number="e-5001")
    url = f"/admin/petitions/petition/{petition.pk}/change/"
    data = petition_form(clerk_client, url)
    assert data["addressee_heading_en"] in ("", [""])
    data["addressee_heading_en"] = BOTH_EN
    response = clerk_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    page = client.get("/petitions/e-5001/").content.decode()
    assert f'<h2 id="addressee">{BOTH_EN}</h2>' in page
