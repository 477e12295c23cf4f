"""Whatever a person types in the search box, no face answers a server error: queries
built from the search syntax's grammar (archive words, stop words, quotes, OR, minus
signs, parentheses, numbers, accents, punctuation) sent to the page in both languages,
the exports, the feeds, the API and the statistics."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fuzz_filters import well_formed

FACES = [
    "/petitions/",
    "/fr/petitions/",
    "/petitions/export.csv",
    "/petitions/export.json",
    "/feeds/petitions/",
    "/api/petitions/",
    "/stats/",
    "/api/stats/",
]
WORDS = ["police", "safety", "Lantsman", "électronique", "Sécurité", "wetlands", "Saskatoon"]
STOP_WORDS = ["or", "OR", "and", "the", "a", "of", "le", "la", "de", "et", "ou", "to"]
SYNTAX = ['"', '""', "-", '-""', "(", ")", "OR", "or", "|", "&", "!", ":*", "<->", "\\"]
NUMBERS = ["4172", "e4172", "e-4172", "441-01184", "44101184", "0", "9" * 30]
PUNCTUATION = [".", ",", "?", "'", "’", "«", "»", "…", "—", "%", "*", "/"]
tokens = st.one_of(
    st.sampled_from(WORDS + STOP_WORDS + SYNTAX + NUMBERS + PUNCTUATION),
    st.text(alphabet="aeiouéèàç-\"'()", min_size=1, max_size=6),
)
queries = st.builds(
    lambda parts, glue: glue.join(parts),
    st.lists(tokens, min_size=1, max_size=8),
    st.sampled_from([" ", "", "  "]),
)
# What failed before: lone stop words and operators, quotes alone.
KNOWN = ["or", "OR", '"', '""', '-""', "or OR or", "the", "le", "-", "()", "OR police", "police OR"]


@pytest.fixture
def archive(sample_petitions, settings):
    settings.RATE_LIMITS = {}


def answers_without_a_server_error(client, path, text):
    response = client.get(path, {"q": text})
    assert response.status_code in {200, 302, 400}, (path, text, response.status_code)
    well_formed(path, response)
    return response


@pytest.mark.parametrize("path", FACES)
@pytest.mark.parametrize("text", KNOWN)
def test_words_that_match_nothing_searchable_answer_plainly(archive, client, path, text):
    answers_without_a_server_error(client, path, text)


@pytest.mark.parametrize("path", FACES)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=queries)
def test_no_search_text_makes_a_server_error(archive, client, path, text):
    answers_without_a_server_error(client, path, text)


def test_a_search_of_operators_alone_says_so(archive, client):
    page = client.get("/petitions/", {"q": "or"}).content.decode()
    assert "holds no word to search for" in page
    page = client.get("/fr/petitions/", {"q": '""'}).content.decode()
    assert "ne contient aucun mot à chercher" in page
    # A word that finds nothing is told apart.
    page = client.get("/petitions/", {"q": "zyzzyva"}).content.decode()
    assert "no word to search" not in page and "No petition matches." in page
