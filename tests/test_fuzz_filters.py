"""Random and hostile values for every list filter, page and sort parameter, sent to the
page, the exports, the feeds and the API: never a server error, always a well-formed
answer."""

import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMETERS = [
    "q", "number", "status", "kind", "session", "topic", "keyword", "ministry", "sponsor",
    "caucus", "province", "opened_after", "opened_before", "presented_after",
    "presented_before", "responded", "response_overdue", "min_signatures", "max_signatures",
    "sort", "page", "page_size",
]  # fmt: skip

HOSTILE = [
    "", " ", "\x00", "a\x00b", "a\x1bb", "%00", "'; DROP TABLE petitions_petition; --", '"', "\\",
    "<script>alert(1)</script>", "../../etc/passwd", "e-0", "e-", "e-99999999999999999999",
    "441-", "999-99999", "-1", "0", "1e309", "NaN", "Infinity", "9" * 40, "2023-02-30",
    "0000-00-00", "9999-12-31", "0001-01-01", "2023-13-01", "yes", "no", "open", "441",
    "public-safety", "e-4172", "\u202e", "🏳️‍🌈", "x" * 5000, "-word", '"unterminated',
    "a & b | !c", "(((", ":*", "relevance", "signatures", "response_time",
]  # fmt: skip

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)
queries = st.dictionaries(
    st.sampled_from(PARAMETERS), st.one_of(values, st.lists(values, min_size=2, max_size=3))
)


def well_formed(path, response):
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    if path.endswith(".json") or path.startswith("/api/"):
        json.loads(body)
    elif path.startswith("/feeds/"):
        if response.status_code == 200:
            ET.fromstring(body)
        else:
            assert body.decode()
    elif path.endswith(".csv"):
        body.decode("utf-8-sig")
    elif response.status_code != 302:  # a petition number typed in the box goes to it
        assert b"</html>" in body, (response.status_code, dict(response.headers))


@pytest.fixture
def archive(sample_petitions, settings):
    settings.RATE_LIMITS = {}


@pytest.mark.parametrize(
    "path",
    [
        "/petitions/",
        "/fr/petitions/",
        "/petitions/export.csv",
        "/petitions/export.json",
        "/feeds/petitions/",
        "/feeds/responses/",
        "/api/petitions/",
        "/api/stats/",
    ],
)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries)
def test_no_filter_value_makes_a_server_error(archive, client, path, query):
    response = client.get(path, query)
    assert response.status_code in {200, 302, 400, 404}, (path, query, response.status_code)
    well_formed(path, response)


@pytest.mark.parametrize(
    "path",
    [
        "/petitions/",
        "/petitions/export.csv",
        "/feeds/petitions/",
        "/feeds/responses/",
        "/api/petitions/",
    ],
)
def test_search_words_with_a_control_character_are_refused_with_a_message(db, client, path):
    """No feed can carry them in its title (XML 1.0), and there is nothing to find."""
    response = client.get(path, {"q": "housing\x1b"})
    assert response.status_code == 400
    assert b"control characters" in response.content
