"""sitemap.xml lists every petition in English and French with its alternates, a file
at a time; robots.txt points to it."""

import xml.etree.ElementTree as ET

import pytest

from petitions.sitemaps import PetitionSitemap
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def urls(response):
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }


def test_the_index_lists_the_page_and_petition_sitemaps(client):
    PetitionFactory()
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert locations == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-petitions.xml",
    ]


def test_every_petition_is_listed_in_both_languages_with_its_alternates(client):
    PetitionFactory(number="e-4172")
    PetitionFactory(number="441-00264", kind="paper")
    listed = urls(client.get("/sitemap-petitions.xml"))
    assert set(listed) == {
        "http://testserver/petitions/e-4172/",
        "http://testserver/fr/petitions/e-4172/",
        "http://testserver/petitions/441-00264/",
        "http://testserver/fr/petitions/441-00264/",
    }
    assert listed["http://testserver/fr/petitions/e-4172/"] == {
        "en": "http://testserver/petitions/e-4172/",
        "fr": "http://testserver/fr/petitions/e-4172/",
        "x-default": "http://testserver/petitions/e-4172/",
    }


def test_the_main_pages_are_listed_in_both_languages(client):
    listed = urls(client.get("/sitemap-pages.xml"))
    for path in ("/", "/petitions/", "/stats/", "/data/"):
        assert f"http://testserver{path}" in listed
        assert f"http://testserver/fr{path}" in listed


def test_petitions_are_split_across_sitemap_files_without_loss(client, monkeypatch):
    monkeypatch.setattr(PetitionSitemap, "limit", 4)
    for n in range(5):
        PetitionFactory(number=f"e-{n + 1}")
    index = ET.fromstring(client.get("/sitemap.xml").content)
    files = [loc.text for loc in index.iter(f"{SITEMAP}loc") if "petitions" in loc.text]
    assert len(files) == 3  # 10 URLs, 4 a file
    listed = []
    for url in files:
        listed += list(urls(client.get(url.removeprefix("http://testserver"))))
    assert len(listed) == len(set(listed)) == 10


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_exports(client, settings):
    settings.SITE_URL = "https://petitions.example"
    settings.ALLOWED_HOSTS = ["testserver", "petitions.example"]
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "Sitemap: https://petitions.example/sitemap.xml" in lines
    assert "Disallow: /petitions/export." in lines
    settings.ADMIN_URL = "desk-4b1c/"
    assert "desk-4b1c" not in client.get("/robots.txt").text
