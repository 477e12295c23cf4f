"""Importing the House's records: every field of the real sample lands where it belongs."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from reversion.models import Version

from petitions.exports.table import export_records
from petitions.house.dates import OTTAWA, format_house_date, format_house_datetime
from petitions.house.records import PROVINCE_NAMES_EN, fold
from petitions.house.xml import addressee_line
from petitions.models import Caucus, Member, Petition, Status, Topic
from responses.models import GovernmentResponse

DATA = Path(__file__).resolve().parent.parent / "data"
PAGES = json.loads((DATA / "hoc_sample.json").read_text(encoding="utf-8"))
# When the scrape was made: e-4904 was still open for signature then.
SCRAPED_AT = datetime.datetime(2024, 6, 1, tzinfo=OTTAWA)
# What the House's XML export does not carry and its pages do.
ONLY_ON_PAGES = {"sessional_paper_no", "source"}


@pytest.fixture
def reference(db):
    """The reference data: made by its migration, nothing to load."""


def load(*names, **options):
    out, err = StringIO(), StringIO()
    call_command(
        "import_petitions", *[str(DATA / name) for name in names], stdout=out, stderr=err, **options
    )
    return out.getvalue() + err.getvalue()


def table_sizes():
    return {
        "petitions": Petition.objects.count(),
        "responses": GovernmentResponse.objects.count(),
        "members": Member.objects.count(),
        "caucuses": Caucus.objects.count(),
        "topics": Topic.objects.count(),
        "versions": Version.objects.count(),
    }


def words(text):
    """Text compared as the reader sees it: the pages keep stray spaces the XML drops."""
    return " ".join((text or "").split())


def page_fields(page, petition, source):
    """[(field, on the page, in the database)] for what the page shows."""
    language = page["page_language"]
    record = next(export_records(Petition.objects.filter(pk=petition.pk)))
    window = getattr(petition, "window", None)
    responses = list(petition.responses.order_by("position"))
    pairs = [
        (
            "petition_type",
            page["petition_type"].startswith(("E-", "Pétition é")),
            petition.is_electronic,
        ),
        ("topic", page["topic"], getattr(petition.topic, f"name_{language}")),
        ("parliament", page["parliament"], petition.session.parliament),
        ("whereas", page["whereas"], getattr(petition, f"whereas_{language}").split("\n")),
        ("prayer", words(page["prayer"]), words(getattr(petition, f"prayer_{language}"))),
        (
            "addressee_line",
            fold(" ".join(page["addressee_line"].split()).split(">")[-2].split("<")[0])
            if "<" in page["addressee_line"]
            else fold(page["addressee_line"]),
            fold(addressee_line(record, language))
            .removeprefix("petition to the ")
            .removeprefix("petition adressee au ")
            if "<" in page["addressee_line"]
            else fold(addressee_line(record, language)),
        ),
        (
            "presented_petition_no",
            page["presented_petition_no"] or "",
            petition.presentation_number,
        ),
        (
            "derived_status",
            page["derived_status"],
            Status(Petition.objects.with_status(at=SCRAPED_AT).get(pk=petition.pk).status).label,
        ),
    ]
    if page["session"]:
        pairs.append(("session", page["session"], petition.session.session))
    if page["initiated_by_name"]:
        pairs += [
            ("initiated_by_name", page["initiated_by_name"], petition.petitioner_name),
        ]
    if page["initiated_by_city"]:
        pairs += [
            ("initiated_by_city", page["initiated_by_city"], petition.petitioner_city),
            (
                "initiated_by_province",
                page["initiated_by_province"],
                PROVINCE_NAMES_EN[petition.petitioner_province],
            ),
        ]
    if page["original_language"]:
        pairs.append(
            (
                "original_language",
                page["original_language"],
                petition.get_original_language_display(),
            )
        )
    if page["open_for_signature"]:
        pairs += [
            (
                "open_for_signature",
                page["open_for_signature"],
                format_house_datetime(window.opens_at, language),
            ),
            (
                "closed_for_signature",
                page["closed_for_signature"],
                format_house_datetime(window.closes_at, language),
            ),
        ]
    if page["presented_date"]:
        pairs.append(
            (
                "presented_date",
                page["presented_date"],
                format_house_date(petition.presented_on, language),
            )
        )
    if page["presented_to_house_by"]:
        pairs += [
            ("presented_to_house_by", page["presented_to_house_by"], petition.presenter.name),
            ("presented_by_riding", page["presented_by_riding"], petition.presenter_riding),
        ]
    if page["sponsor_name"]:
        pairs += [
            ("sponsor_name", page["sponsor_name"], petition.sponsor.name),
            ("sponsor_riding", page["sponsor_riding"], petition.sponsor_riding),
        ]
    caucus = page.get("sponsor_caucus") or page.get("sponsor_party_short")
    if caucus:
        spellings = {
            fold(n)
            for n in [
                petition.sponsor_caucus.name_en,
                petition.sponsor_caucus.name_fr,
                *petition.sponsor_caucus.aliases,
            ]
        }
        pairs.append(("sponsor_caucus", True, fold(caucus) in spellings))
    province = page.get("sponsor_province") or page.get("sponsor_province_code")
    if province:
        pairs.append(
            (
                "sponsor_province",
                province,
                PROVINCE_NAMES_EN[petition.sponsor_province]
                if len(province) > 2
                else petition.sponsor_province,
            )
        )
    total = page.get("signature_total") or page.get("signature_total_computed_from_provinces")
    if total and (page.get("signature_total") or source == "xml"):
        pairs.append(("signature_total", total, petition.signature_count))
    if page.get("signatures_by_province"):
        counts = {
            PROVINCE_NAMES_EN[row.province]: row.signature_count
            for row in petition.province_counts.all()
        }
        pairs.append(("signatures_by_province", page["signatures_by_province"], counts))
    terms = (page.get("keywords") or []) + (page.get("index_terms") or [])
    pairs.append(
        (
            "keywords",
            sorted(terms),
            sorted(getattr(k, f"name_{language}") or k.name_en for k in petition.keywords.all()),
        )
    )
    if page["government_response_tabled_date"]:
        pairs.append(
            (
                "government_response_tabled_date",
                page["government_response_tabled_date"],
                format_house_date(responses[0].tabled_on, language),
            )
        )
    if page.get("sessional_paper_no") and source == "json":
        pairs.append(
            ("sessional_paper_no", page["sessional_paper_no"], responses[0].sessional_paper_number)
        )
    for index, shown in enumerate(page["responses"]):
        response = responses[index]
        pairs += [
            (
                f"responses[{index}].heading",
                shown["heading"],
                f"Response by the {response.ministry.title_en}",
            ),
            (f"responses[{index}].signed_by", shown["signed_by"], response.signed_by),
            (
                f"responses[{index}].text",
                words(shown["text"]),
                words(getattr(response, f"text_{language}")),
            ),
        ]
    if source == "json" and page["source"].startswith("http"):
        pairs.append(("source", page["source"], petition.source_url))
    return pairs


@pytest.mark.parametrize("source", ["xml", "json"])
def test_every_sample_record_imports_with_each_field_where_it_belongs(reference, source):
    report = load(f"hoc_sample.{source}")
    assert "10 new, 0 updated, 0 unchanged, 0 rejected; written" in report
    assert Petition.objects.count() == len(PAGES)
    for page in PAGES:
        petition = Petition.objects.select_related(
            "session", "topic", "window", "sponsor", "presenter", "sponsor_caucus"
        ).get(number=page["number"])
        for name, shown, stored in page_fields(page, petition, source):
            assert stored == shown, f"{page['number']} {name}"


def test_a_french_page_puts_its_text_and_dates_in_french(reference):
    load("hoc_sample.xml")
    petition = Petition.objects.get(number="e-1961")
    assert petition.whereas_en == "" and petition.prayer_en == ""
    assert petition.whereas_fr.startswith("Les armoiries du Canada figurent")
    assert petition.prayer_fr.startswith("Nous, soussignés")
    assert petition.topic.name_en == "Canadian heritage"
    assert (
        format_house_datetime(petition.window.opens_at, "fr") == "5 décembre 2018 à 10 h 10 (HAE)"
    )
    assert format_house_datetime(petition.window.closes_at, "fr") == "4 avril 2019 à 10 h 10 (HAE)"
    assert format_house_date(petition.responses.get().tabled_on, "fr") == "19 juin 2019"


def test_caucus_spellings_find_the_one_party_they_name(reference):
    caucuses = Caucus.objects.count()
    load("hoc_sample.xml")
    assert Caucus.objects.count() == caucuses
    party = {
        p.number: p.sponsor_caucus.short_name
        for p in Petition.objects.select_related("sponsor_caucus").exclude(sponsor_caucus=None)
    }
    # "Conservative Caucus", "Conservative"; "Liberal Caucus", "Caucus Libéral", "Liberal";
    # "New Democratic Party Caucus", "NDP".
    assert party["e-4172"] == party["e-2125"] == party["441-02640"] == "Conservative"
    assert party["e-1947"] == party["e-1961"] == party["e-4758"] == "Liberal"
    assert party["e-154"] == party["e-4904"] == "NDP"


def test_a_petition_without_a_session_gets_it_from_its_numbers_or_dates(reference):
    load("hoc_sample.xml")
    sessions = dict(Petition.objects.values_list("number", "session__parliament"))
    assert sessions["e-4904"] == 44 and sessions["e-2125"] == 42
    assert Petition.objects.get(number="e-4904").session.code == "441"
    assert Petition.objects.get(number="e-2125").session.code == "421"


def test_ministries_come_from_the_addressee_and_the_response_titles(reference):
    load("hoc_sample.xml")
    assert Petition.objects.get(number="e-4172").ministry.title_en == "Minister of Public Safety"
    responses = Petition.objects.get(number="441-00264").responses.order_by("position")
    assert [r.ministry.title_en for r in responses] == [
        "Minister of National Defence",
        "President of the Treasury Board",
    ]


def test_importing_the_same_file_twice_changes_nothing(reference):
    load("hoc_sample.xml")
    before = table_sizes()
    stamps = dict(Petition.objects.values_list("number", "updated_at"))
    report = load("hoc_sample.xml")
    assert "0 new, 0 updated, 10 unchanged" in report
    assert table_sizes() == before
    assert dict(Petition.objects.values_list("number", "updated_at")) == stamps


def test_a_changed_record_updates_the_petition_and_its_history_names_the_file(reference, tmp_path):
    load("hoc_sample.xml")
    petition = Petition.objects.get(number="e-4649")
    versions = Version.objects.get_for_object(petition).count()
    changed = tmp_path / "corrected.xml"
    text = (DATA / "hoc_sample.xml").read_text(encoding="utf-8")
    changed.write_text(
        text.replace(
            'Province="YT" SignatureCount="377"', 'Province="YT" SignatureCount="378"'
        ).replace('SignatureCount="283835"', 'SignatureCount="283836"'),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_petitions", str(changed), stdout=out, stderr=StringIO())
    assert "0 new, 1 updated, 9 unchanged" in out.getvalue()
    petition.refresh_from_db()
    assert petition.signature_count == 283836
    assert petition.province_counts.get(province="YT").signature_count == 378
    history = Version.objects.get_for_object(petition)
    assert history.count() == versions + 1
    latest = history.first()
    assert latest.revision.comment == "Imported from corrected.xml"
    # The revision holds the petition's rows too, so a revert restores them.
    held = {version.content_type.model for version in latest.revision.version_set.all()}
    assert {"petition", "signaturewindow", "provincesignaturecount"} <= held


def test_the_house_pages_and_its_xml_agree_so_loading_both_adds_only_what_the_xml_lacks(reference):
    load("hoc_sample.xml")
    report = load("hoc_sample.json")
    assert "0 new" in report and "0 rejected" in report
    assert GovernmentResponse.objects.get(petition__number="e-1947").sessional_paper_number == (
        "8545-421-76-05"
    )
    assert Petition.objects.count() == 10
