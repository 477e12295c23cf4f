"""The CSV and JSON exports of the current filter: every field, a dated file name, UTF-8
with a byte order mark, formulas made harmless, streamed with bounded queries."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petitions.exports.codecs import read_json
from petitions.exports.fields import CSV_COLUMNS, RECORD_FIELDS
from petitions.exports.views import describe
from petitions.house.records import OTTAWA
from petitions.models import Province
from tests.factories import (
    KeywordFactory,
    MinistryFactory,
    PetitionFactory,
    ProvinceSignatureCountFactory,
    SignatureWindowFactory,
)
from tests.petitions.research import build_archive, many_petitions, respond

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The rate limits have tests of their own; here every request is the test's."""
    settings.RATE_LIMITS = {}


CSV_URL = "/petitions/export.csv"
JSON_URL = "/petitions/export.json"


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response):
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def json_rows(response):
    return json.loads(body(response))


def test_the_csv_is_an_attachment_named_with_the_date_in_utf8_with_a_byte_order_mark(client):
    PetitionFactory(prayer_fr="Nous demandons à la ministre de la Sécurité publique d’agir.")
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="petitions-{today}.csv"'
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbfnumber,kind,")
    assert "Sécurité publique d’agir".encode() in raw


def test_the_csv_has_every_field_and_one_column_per_province(client):
    PetitionFactory()
    header = csv_rows(client.get(CSV_URL))[0].keys()
    assert list(header) == CSV_COLUMNS
    for code in Province.values:
        assert f"signatures_{code}" in header
    for column in (
        "number",
        "status",
        "ministry_en",
        "sponsor_first_name",
        "presented_on",
        "responses",
        "first_response_on",
        "response_due_on",
        "days_to_respond",
        "responded_within_45_days",
        "url",
    ):
        assert column in header


def test_a_csv_row_holds_the_response_dates_the_days_taken_and_the_deadline(client):
    build_archive()
    rows = {row["number"]: row for row in csv_rows(client.get(CSV_URL))}
    answered = rows["e-101"]
    assert answered["presented_on"] == "2023-03-20"
    assert answered["first_response_on"] == "2023-05-03"
    assert answered["response_due_on"] == "2023-05-04"
    assert answered["days_to_respond"] == "44"
    assert answered["responded_within_45_days"] == "true"
    assert answered["response_count"] == "1"
    assert answered["signatures_ON"] == "1000"
    assert answered["signatures_QC"] == "200"
    assert answered["signatures_AB"] == ""
    assert answered["ministry_en"] == "Minister of Public Safety"
    assert answered["sponsor_last_name"] == "Lantsman"
    assert answered["status"] == "responded"
    assert answered["url"].endswith("/petitions/e-101/")
    assert json.loads(answered["responses"])[0]["tabled_on"] == "2023-05-03"
    assert rows["e-102"]["responded_within_45_days"] == "false"
    assert rows["e-103"]["responded_within_45_days"] == "false"
    assert rows["e-103"]["days_to_respond"] == ""
    assert rows["e-105"]["responded_within_45_days"] == ""
    two = rows["e-106"]
    assert (two["first_response_on"], two["last_response_on"]) == ("2023-06-01", "2023-06-20")
    assert two["response_count"] == "2"


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote(client, dangerous):
    PetitionFactory(petitioner_name=dangerous, petitioner_city="Ottawa")
    row = csv_rows(client.get(CSV_URL))[0]
    assert row["petitioner_name"] == "'" + dangerous
    assert row["petitioner_city"] == "Ottawa"


def test_the_json_export_holds_every_field_of_each_petition(client):
    build_archive()
    response = client.get(JSON_URL)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.json"')
    rows = {row["number"]: row for row in json_rows(response)}
    assert len(rows) == 7
    record = rows["e-101"]
    assert list(record) == RECORD_FIELDS
    assert record["province_counts"] == {"ON": 1000, "QC": 200}
    assert record["keywords"] == [{"en": "Firearms", "fr": "Armes à feu"}]
    assert record["ministry"] == {
        "en": "Minister of Public Safety",
        "fr": "ministre de la Sécurité publique",
    }
    assert record["responses"][0]["signed_by"] == "Pam Damoff, M.P."
    assert record["opens_at"] == "2022-11-16T14:23:00-05:00"
    assert record["days_to_respond"] == 44
    assert record["responded_within_45_days"] is True
    assert record["prayer_fr"] == "Nous demandons au ministre de la Sécurité publique d’agir."


def test_the_json_export_is_read_back_by_the_import(client):
    build_archive()
    text = body(client.get(JSON_URL)).decode("utf-8")
    records = [record for _, record in read_json(io.StringIO(text))]
    assert not [record for record in records if isinstance(record, Exception)]
    assert {record["number"] for record in records} == {
        "e-101", "e-102", "e-103", "441-00005", "e-104", "e-105", "e-106",
    }  # fmt: skip


def test_the_exports_keep_only_what_the_filter_keeps(client):
    build_archive()
    query = "ministry=minister-of-public-safety&session=441&response_overdue=yes"
    assert [row["number"] for row in csv_rows(client.get(f"{CSV_URL}?{query}"))] == [
        "e-103",
        "e-102",
    ]
    assert [row["number"] for row in json_rows(client.get(f"{JSON_URL}?{query}"))] == [
        "e-103",
        "e-102",
    ]


def test_the_exports_hold_every_page_of_the_list(client):
    build_archive()
    rows = csv_rows(client.get(CSV_URL, {"page": 2, "page_size": 2}))
    assert len(rows) == 7


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_an_unknown_filter_value_is_a_400_that_names_the_parameter(client, url):
    response = client.get(url, {"ministry": "minister-of-nothing", "status": "open"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"ministry"}


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_export_queries_do_not_grow_with_rows(client, url):
    """One query reads every row with its keywords, counts and responses, a chunk at a
    time from a server-side cursor: more petitions, and more chunks, add no query."""

    def queries_for(rows):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
            assert len(body(response).splitlines()) >= rows
        return len(context.captured_queries)

    many_petitions(10)
    small = queries_for(10)
    many_petitions(290, start=10)
    assert queries_for(300) == small


def test_a_petition_with_two_responses_keywords_and_every_province_exports_whole(client):
    petition = PetitionFactory(
        number="e-4172",
        presented_on=datetime.date(2023, 3, 20),
        presentation_number="441-01184",
        petitioner_name='=Jean, dit "Johnny"',
        whereas_en="First item;\r\nSecond item, with a comma;",
    )
    window = SignatureWindowFactory(
        petition=petition,
        opens_at=datetime.datetime(2022, 11, 16, 19, 23, 5, 250000, tzinfo=datetime.UTC),
    )
    petition.keywords.add(
        KeywordFactory(name_en="Firearms", name_fr="Armes à feu"),
        KeywordFactory(name_en='Quotes "and" \\ slashes', name_fr=""),
    )
    for number, code in enumerate(Province.values, start=1):
        ProvinceSignatureCountFactory(petition=petition, province=code, signature_count=number)
    safety = MinistryFactory()
    health = MinistryFactory(title_en="Minister of Health", title_fr="ministre de la Santé")
    respond(petition, health, "2023-06-20", position=2, signed_by="", text_en="Second,\n\tanswer")
    respond(
        petition,
        safety,
        "2023-05-03",
        signed_by="Pam Damoff, M.P.",
        text_en="",
        text_fr="Réponse «1»",
    )
    responses = [
        {
            "position": 1,
            "ministry": {
                "en": "Minister of Public Safety",
                "fr": "ministre de la Sécurité publique",
            },
            "signed_by": "Pam Damoff, M.P.",
            "tabled_on": "2023-05-03",
            "sessional_paper_number": "",
            "text_en": "",
            "text_fr": "Réponse «1»",
        },
        {
            "position": 2,
            "ministry": {"en": "Minister of Health", "fr": "ministre de la Santé"},
            "signed_by": "",
            "tabled_on": "2023-06-20",
            "sessional_paper_number": "",
            "text_en": "Second,\n\tanswer",
            "text_fr": "",
        },
    ]
    keywords = [
        {"en": "Firearms", "fr": "Armes à feu"},
        {"en": 'Quotes "and" \\ slashes', "fr": ""},
    ]
    counts = {code: number for number, code in enumerate(Province.values, start=1)}

    row = csv_rows(client.get(CSV_URL))[0]
    assert row["petitioner_name"] == '\'=Jean, dit "Johnny"'
    assert row["whereas_en"] == "First item;\r\nSecond item, with a comma;"
    assert row["opens_at"] == "2022-11-16T14:23:05.250000-05:00"
    assert row["closes_at"] == window.closes_at.astimezone(OTTAWA).isoformat()
    # The JSON in a cell is laid out as json.dumps lays it out.
    assert row["keywords"] == json.dumps(keywords, ensure_ascii=False)
    assert row["responses"] == json.dumps(responses, ensure_ascii=False)
    assert {code: row[f"signatures_{code}"] for code in Province.values} == {
        code: str(number) for code, number in counts.items()
    }
    assert (row["response_count"], row["first_response_on"], row["last_response_on"]) == (
        "2",
        "2023-05-03",
        "2023-06-20",
    )
    assert (row["days_to_respond"], row["responded_within_45_days"]) == ("44", "true")
    assert row["status"] == "responded"

    record = json_rows(client.get(JSON_URL))[0]
    assert record["keywords"] == keywords
    assert record["responses"] == responses
    assert record["province_counts"] == dict(sorted(counts.items()))
    assert list(record["province_counts"]) == sorted(counts)
    assert record["opens_at"] == "2022-11-16T14:23:05.250000-05:00"
    assert record["response_count"] == 2
    assert record["responded_within_45_days"] is True


def test_the_data_dictionary_describes_every_column_field_and_filter(client):
    from petitions.filters import PetitionFilter
    from petitions.serializers import PetitionDetailSerializer

    html = client.get("/data/").text
    for column in CSV_COLUMNS:
        assert f"<code>{column}</code>" in html, column
        assert str(describe(column)).strip()
    for name, field in PetitionDetailSerializer().fields.items():
        assert f"<code>{name}</code>" in html, name
        assert str(field.help_text).strip(), name
    for name in PetitionFilter.base_filters:
        assert f"<code>{name}</code>" in html, name
    assert "How to cite a petition" in html


def test_the_data_dictionary_speaks_french_under_fr(client):
    html = client.get("/fr/data/").text
    assert '<html lang="fr">' in html
    assert "La page de la pétition : citez cette adresse." in html  # an API field
    assert "Total des signatures validées." in html  # a CSV column
