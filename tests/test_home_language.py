"""`/` follows the browser's language once: a French browser arriving there is sent to
/fr/, before the page cache, and a language chosen with the switch is kept."""

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db

FRENCH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-CA,en;q=0.9"}


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _pages_kept(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_a_french_browser_arriving_at_the_home_page_is_sent_to_the_french_one(client):
    response = client.get("/", **FRENCH_BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    assert "Accept-Language" in response["Vary"]


def test_an_english_browser_stays_on_the_english_home_page(client):
    response = client.get("/", **ENGLISH_BROWSER)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Accept-Language" in response["Vary"]


def test_a_browser_naming_no_language_gets_english(client):
    assert client.get("/").status_code == 200


def test_the_redirect_is_decided_before_the_kept_page(client):
    # An English reader has the English home page kept; a French browser still moves.
    assert client.get("/", **ENGLISH_BROWSER).status_code == 200
    assert client.get("/", **FRENCH_BROWSER)["Location"] == "/fr/"
    assert client.get("/", **ENGLISH_BROWSER).status_code == 200


def test_the_query_string_goes_along(client):
    assert client.get("/?from=mail", **FRENCH_BROWSER)["Location"] == "/fr/?from=mail"


def test_a_french_browser_that_chose_english_with_the_switch_stays_on_english(client):
    switched = client.get("/language/en/", {"next": "/"}, **FRENCH_BROWSER)
    assert switched.status_code == 302
    assert switched["Location"] == "/"
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/", **FRENCH_BROWSER)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text


def test_an_english_browser_that_chose_french_is_sent_to_french(client):
    client.get("/language/fr/", {"next": "/petitions/"}, **ENGLISH_BROWSER)
    assert client.get("/", **ENGLISH_BROWSER)["Location"] == "/fr/"


def test_other_addresses_are_served_in_the_language_of_their_path(client):
    assert client.get("/petitions/", **FRENCH_BROWSER).status_code == 200
    assert client.get("/fr/", **ENGLISH_BROWSER).status_code == 200


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"]
)
def test_the_switch_never_leaves_the_site(client, target):
    response = client.get("/language/fr/", {"next": target})
    assert response["Location"] == "/fr/"


def test_an_unknown_language_is_a_404(client):
    assert client.get("/language/de/", {"next": "/"}).status_code == 404
