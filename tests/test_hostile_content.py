"""Text with markup, script, unusual Unicode and very long words is shown escaped and
intact wherever the archive publishes it."""

import csv
import datetime
import html
import io
import json
import xml.etree.ElementTree as ET

import pytest

from tests.factories import GovernmentResponseFactory, PetitionFactory

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RTL = "\u202eevil\u202c"  # right-to-left override, then pop
ZERO_WIDTH = "zero\u200bwidth\u200dword\ufeff"
EMOJI = "🏳️‍🌈 🇨🇦 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
LONG_WORD = "Pneumono" + "ultramicroscopic" * 300
HOSTILE = [SCRIPT, RTL, ZERO_WIDTH, EMOJI, LONG_WORD]


@pytest.fixture
def hostile_petition(db):
    petition = PetitionFactory(
        number="e-9999",
        petitioner_name=f"{SCRIPT} {EMOJI}",
        petitioner_city=RTL,
        whereas_en="\n".join(HOSTILE),
        prayer_en="We call upon the Government to read: " + " ".join(HOSTILE),
        presented_on=datetime.date(2023, 3, 20),
        presentation_number="441-09999",
    )
    GovernmentResponseFactory(petition=petition, text_en=f"{SCRIPT}\n\n{LONG_WORD} {EMOJI}")
    return petition


def assert_escaped_and_intact(body):
    assert "<script>alert" not in body
    assert "onerror=alert(1)>" not in body
    assert html.escape(SCRIPT, quote=False) in body or html.escape(SCRIPT) in body
    for text in (RTL, ZERO_WIDTH, EMOJI, LONG_WORD):
        assert text in body


@pytest.mark.parametrize("path", ["/petitions/e-9999/", "/fr/petitions/e-9999/"])
def test_the_petition_page_escapes_and_keeps_every_character(client, hostile_petition, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_escaped_and_intact(response.content.decode())


def test_search_results_escape_hostile_text(client, hostile_petition):
    response = client.get("/petitions/", {"q": "government"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "e-9999" in body
    assert "<script>alert" not in body


def test_hostile_text_in_the_query_is_escaped_on_the_page(client, db):
    response = client.get("/petitions/", {"q": SCRIPT})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_the_api_returns_hostile_text_exactly(client, hostile_petition):
    record = client.get("/api/petitions/e-9999/").json()
    assert record["petitioner_name"] == f"{SCRIPT} {EMOJI}"
    assert record["whereas_en"] == "\n".join(HOSTILE)
    assert record["responses"][0]["text_en"] == f"{SCRIPT}\n\n{LONG_WORD} {EMOJI}"


def test_the_json_export_returns_hostile_text_exactly(client, hostile_petition):
    response = client.get("/petitions/export.json", {"number": "e-9999"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    records = json.loads(body)
    records = records["petitions"] if isinstance(records, dict) else records
    assert records[0]["petitioner_city"] == RTL
    assert records[0]["whereas_en"] == "\n".join(HOSTILE)


def test_the_csv_export_keeps_hostile_text_in_one_cell(client, hostile_petition):
    response = client.get("/petitions/export.csv", {"number": "e-9999"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 1
    assert rows[0]["whereas_en"] == "\n".join(HOSTILE)
    assert rows[0]["petitioner_city"] == RTL


@pytest.mark.parametrize("feed", ["/feeds/petitions/", "/feeds/responses/"])
def test_feeds_escape_hostile_text_and_parse(client, hostile_petition, feed):
    response = client.get(feed)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    root = ET.fromstring(response.content)
    text = "".join(root.itertext())
    assert SCRIPT in text or EMOJI in text or LONG_WORD in text


@pytest.mark.parametrize("feed", ["/feeds/petitions/", "/feeds/responses/"])
def test_feed_summaries_carry_no_live_markup(client, hostile_petition, feed):
    # An Atom summary of type "html" is markup to the reader: the text must be escaped in it.
    root = ET.fromstring(client.get(feed).content)
    summary = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    assert summary.get("type") == "html"
    assert "<script" not in summary.text
    assert "<img" not in summary.text
    assert html.escape(SCRIPT, quote=False) in summary.text.replace("&quot;", '"')
