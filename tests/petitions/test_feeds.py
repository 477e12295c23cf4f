"""Atom feeds of petitions and of responses, filtered like the list."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import PetitionFactory
from tests.petitions.research import build_archive

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return feed


def entries(feed):
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]


def test_the_petition_feed_is_atom_with_an_entry_per_petition_newest_first(client):
    build_archive()
    feed = parse(client.get("/feeds/petitions/"))
    assert feed.findtext(f"{ATOM}title") == "Petitions to the House of Commons"
    assert feed.findtext(f"{ATOM}updated")
    items = entries(feed)
    assert [item["link"].rsplit("/", 2)[1] for item in items][:2] == ["e-105", "e-106"]
    e101 = next(item for item in items if item["link"].endswith("/petitions/e-101/"))
    assert e101["title"] == "e-101 – Public safety"
    assert (
        e101["summary"] == "<p>We call upon the Minister of Public Safety to act on firearms.</p>"
    )
    assert len({item["id"] for item in items}) == len(items) == 7
    # Atom (RFC 4287) requires an id, a title and an updated date in every entry.
    assert all(item["id"] and item["title"] and item["updated"] for item in items)


def test_a_feed_for_one_ministry_keeps_only_its_petitions_and_says_so(client):
    build_archive()
    feed = parse(client.get("/feeds/petitions/", {"ministry": "minister-of-health"}))
    assert {item["link"].rsplit("/", 2)[1] for item in entries(feed)} == {
        "441-00005",
        "e-104",
        "e-106",
    }
    assert "Minister of Health" in feed.findtext(f"{ATOM}title")
    link = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link.endswith("/petitions/?ministry=minister-of-health")


def test_a_feed_for_one_member_and_a_feed_for_one_search(client):
    build_archive()
    member = parse(client.get("/feeds/petitions/", {"sponsor": "melissa-lantsman"}))
    assert {item["link"].rsplit("/", 2)[1] for item in entries(member)} == {"e-101", "e-103"}
    search = parse(client.get("/feeds/petitions/", {"q": "police"}))
    assert [item["link"].rsplit("/", 2)[1] for item in entries(search)] == ["e-102"]


def test_the_response_feed_has_an_entry_per_tabled_response_newest_first(client):
    build_archive()
    feed = parse(client.get("/feeds/responses/"))
    items = entries(feed)
    assert len(items) == 6
    assert items[0]["title"] == "Response to e-106 from the Minister of Public Safety"
    assert items[0]["link"].endswith("/petitions/e-106/#response-2")
    assert items[0]["updated"].startswith("2023-06-20")
    assert items[1]["link"].endswith("/petitions/e-106/#response-1")


def test_the_response_feed_follows_the_filter(client):
    build_archive()
    feed = parse(client.get("/feeds/responses/", {"session": "432"}))
    assert [item["link"].split("/petitions/")[1] for item in entries(feed)] == ["e-104/#response-1"]


def test_the_feeds_speak_french_under_fr(client):
    build_archive()
    feed = parse(client.get("/fr/feeds/responses/"))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert "/fr/petitions/" in entries(feed)[0]["link"]


@pytest.mark.parametrize("url", ["/feeds/petitions/", "/feeds/responses/"])
def test_an_unknown_filter_value_is_a_400_naming_the_field_by_its_label(client, url):
    response = client.get(url, {"ministry": "minister-of-nothing"})
    assert response.status_code == 400
    assert response.text.startswith("Ministry (addressed or responding): Select a valid")
    french = client.get(f"/fr{url}", {"ministry": "minister-of-nothing"})
    assert french.text.startswith("Ministère (destinataire ou répondant) : Sélectionnez")


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_feed_queries_do_not_grow_with_entries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.petitions.research import many_petitions

    many_petitions(3)
    with CaptureQueriesContext(connection) as few:
        client.get("/feeds/petitions/")
        client.get("/feeds/responses/")
    many_petitions(60, start=3)
    with CaptureQueriesContext(connection) as many:
        client.get("/feeds/petitions/")
        client.get("/feeds/responses/")
    assert len(many) == len(few)


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_a_feed_asked_for_again_comes_from_the_cache_until_the_data_changes(
    client, django_assert_num_queries, settings
):
    # Without Redis the rate limits count in the database.
    settings.RATE_LIMITS = {}
    PetitionFactory(number="e-1")
    first = client.get("/feeds/petitions/")
    with django_assert_num_queries(1):
        again = client.get("/feeds/petitions/")
    assert again.content == first.content
    PetitionFactory(number="e-2")
    assert b"e-2" in client.get("/feeds/petitions/").content
