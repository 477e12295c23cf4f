"""The CSV and JSON exports of the current filter: every field, a dated file name, UTF-8
with a byte order mark, formulas made harmless, streamed with bounded queries."""

import csv
import io
import json
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petitions import exports
from petitions.house.codecs import read_json
from petitions.models import Province
from tests.factories import PetitionFactory
from tests.petitions.research import build_archive, many_petitions

pytestmark = pytest.mark.django_db


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
    assert list(header) == exports.COLUMNS
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
    assert list(record) == exports.JSON_FIELDS
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
def test_export_queries_grow_with_chunks_of_rows_never_with_each_row(client, monkeypatch, url):
    """Memory holds one chunk: the rows come through a server-side cursor chunk by chunk,
    each chunk's keywords, counts and responses in one query each."""
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 100)

    def queries_for(rows):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
            assert len(body(response).splitlines()) >= rows
        return len(context.captured_queries)

    many_petitions(10)
    small = queries_for(10)
    many_petitions(290, start=10)
    large = queries_for(300)
    per_chunk = 3  # keywords, counts by province, responses
    assert large - small == per_chunk * (math.ceil(300 / 100) - 1)
    assert large < 20


def test_the_data_dictionary_describes_every_column_field_and_filter(client):
    from petitions.api import PetitionDetailSerializer
    from petitions.filters import PetitionFilter

    html = client.get("/data/").text
    for column in exports.COLUMNS:
        assert f"<code>{column}</code>" in html, column
        assert str(exports.describe(column)).strip()
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
