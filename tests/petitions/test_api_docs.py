"""The API's documentation is a page of the site, in English at /api/docs/ and in French
at /fr/api/docs/, rendered from the OpenAPI schema: each endpoint, its parameters, the
fields it returns with their descriptions, example addresses. No script."""

import re

import pytest
from django.utils import translation
from django.utils.html import escape

from petitions.filters import PetitionFilter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_docs_page_is_in_the_sites_frame_with_every_endpoint(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'href="/language/fr/?next=%2Ffr%2Fapi%2Fdocs%2F"' in html
    for path in (
        "/api/petitions/",
        "/api/petitions/{number}/",
        "/api/members/",
        "/api/members/{slug}/",
        "/api/ministries/",
        "/api/ministries/{slug}/",
        "/api/sessions/",
        "/api/stats/",
    ):
        assert f"<code>GET {path}</code>" in html
    assert '<a href="/api/schema/">' in html
    assert not re.search(r"<script|<style|\sstyle=", html)


def test_every_filter_is_a_documented_parameter_with_its_label(client):
    html = client.get("/api/docs/").text
    section = html.split('id="petitions-list"')[1].split("</section>")[0]
    for name, petition_filter in PetitionFilter.base_filters.items():
        if name == "page_size":
            continue
        assert f"<code>{name}</code>" in section
        assert escape(str(petition_filter.label)) in section


def test_fields_are_described_and_examples_link_to_the_api(client):
    html = client.get("/api/docs/").text
    text = text_of(html)
    assert "signature_count Validated signatures in total; null when" in text
    assert "integer or null" in text
    assert "signature_known_count" in text
    assert '<a href="/api/petitions/?status=open&amp;sort=signatures">' in html
    assert '<a href="#record-PetitionDetail">' in html


def test_the_french_docs_are_in_french(client):
    response = client.get("/fr/api/docs/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html
    text = text_of(html)
    assert "Documentation de l’API" in text
    assert "Total des signatures validées; null quand la Chambre" in text
    assert "Validated signatures" not in text
    assert "Petitions, a page at a time" not in text
    assert "Résultats par page, 20 par défaut" in text
    assert "Results per page" not in text


def test_the_schema_stays_where_programs_read_it(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/petitions/{number}/" in response.content
