"""One filter everywhere: the same query string gives the same petitions, in the same
order, on the list page, in the CSV and JSON exports, in the API and in the feed."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from tests.petitions.research import build_archive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The rate limits have tests of their own; here every request is the test's."""
    settings.RATE_LIMITS = {}


ATOM = "{http://www.w3.org/2005/Atom}"

QUERIES = [
    "",
    "ministry=minister-of-public-safety&session=441&response_overdue=yes",
    "ministry=minister-of-public-safety",
    "session=432",
    "kind=paper",
    "status=responded&status=presented",
    "responded=no",
    "response_overdue=no",
    "sponsor=melissa-lantsman",
    "caucus=ndp",
    "province=QC",
    "topic=health",
    "keyword=firearms",
    "presented_after=2023-03-01&presented_before=2023-04-30",
    "opened_after=2022-11-01",
    "min_signatures=600&max_signatures=1200",
    "q=firearms",
    "q=police",
    "sort=signatures",
    "sort=oldest",
    "sort=response_time",
]


def page_numbers(client, query):
    response = client.get(f"/petitions/?{query}&page_size=100")
    assert response.status_code == 200
    return [petition.number for petition in response.context["page"]]


def csv_numbers(client, query):
    response = client.get(f"/petitions/export.csv?{query}")
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return [row["number"] for row in csv.DictReader(io.StringIO(text))]


def json_numbers(client, query):
    response = client.get(f"/petitions/export.json?{query}")
    return [row["number"] for row in json.loads(b"".join(response.streaming_content))]


def api_numbers(client, query):
    response = client.get(f"/api/petitions/?{query}&page_size=500")
    assert response.status_code == 200
    return [row["number"] for row in response.json()["results"]]


def feed_numbers(client, query):
    response = client.get(f"/feeds/petitions/?{query}")
    entries = ET.fromstring(response.content).iter(f"{ATOM}entry")
    return [
        entry.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[1] for entry in entries
    ]


@pytest.mark.parametrize("query", QUERIES)
def test_the_page_the_exports_the_api_and_the_feed_give_the_same_petitions(client, query):
    build_archive()
    expected = page_numbers(client, query)
    assert csv_numbers(client, query) == expected
    assert json_numbers(client, query) == expected
    assert api_numbers(client, query) == expected
    assert feed_numbers(client, query) == expected


def test_the_filters_in_the_comparison_do_select(client):
    """Each query above keeps some petitions and leaves some out, so that the comparison
    shows the filter at work rather than seven petitions everywhere."""
    build_archive()
    for query in QUERIES[1:]:
        if query.startswith("sort="):
            continue
        assert 0 < len(api_numbers(client, query)) < 7, query


def test_the_researchers_question_has_one_answer_everywhere(client):
    build_archive()
    query = "ministry=minister-of-public-safety&session=441&response_overdue=yes"
    assert page_numbers(client, query) == ["e-103", "e-102"]
    assert api_numbers(client, query) == ["e-103", "e-102"]
