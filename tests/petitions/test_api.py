"""The JSON API: petitions (list and whole record), Members, ministries, sessions;
paging, bad input, read-only, conditional GET and query counts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PetitionFactory
from tests.petitions.research import build_archive, many_petitions

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]


@pytest.fixture(autouse=True)
def _no_rate_limits_and_no_cached_figures(settings):
    """The rate limits have tests of their own; here every request is the test's. The
    figures are cached by filter: each test computes its own."""
    settings.RATE_LIMITS = {}
    cache.clear()


def numbers(response):
    return [petition["number"] for petition in response.json()["results"]]


def test_the_petition_list_gives_the_total_count_and_a_page_of_petitions(client):
    build_archive()
    response = client.get("/api/petitions/", {"page_size": 3})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["count"] == 7
    assert len(data["results"]) == 3
    assert data["next"].endswith("/api/petitions/?page=2&page_size=3")
    assert data["previous"] is None


def test_a_list_entry_has_the_deadline_facts_and_links(client):
    build_archive()
    entry = next(
        p for p in client.get("/api/petitions/").json()["results"] if p["number"] == "e-102"
    )
    assert entry["status"] == "responded"
    assert entry["session"] == "441"
    assert entry["ministry"]["slug"] == "minister-of-public-safety"
    assert entry["sponsor"] == {
        "slug": "daniel-blaikie",
        "name": "Daniel Blaikie",
        "house_person_id": None,
    }
    assert entry["presented_on"] == "2023-03-20"
    assert entry["response_due_on"] == "2023-05-04"
    assert entry["first_response_on"] == "2023-06-01"
    assert entry["days_to_respond"] == 73
    assert entry["responded_within_45_days"] is False
    assert entry["url"].endswith("/petitions/e-102/")
    assert entry["api_url"] == "http://testserver/api/petitions/e-102/"


def test_the_list_answers_the_researchers_question(client):
    """Which petitions to the Minister of Public Safety in the 44th Parliament waited
    more than 45 days for a response?"""
    build_archive()
    response = client.get(
        "/api/petitions/",
        {"ministry": "minister-of-public-safety", "session": "441", "response_overdue": "yes"},
    )
    assert numbers(response) == ["e-103", "e-102"]


def test_a_page_size_up_to_500_is_honoured_and_a_larger_one_is_capped(client):
    many_petitions(501, responses=False)
    assert len(client.get("/api/petitions/", {"page_size": 500}).json()["results"]) == 500
    capped = client.get("/api/petitions/", {"page_size": 100000})
    assert capped.status_code == 200
    assert len(capped.json()["results"]) == 500


def test_a_petition_is_the_whole_record(client):
    build_archive()
    record = client.get("/api/petitions/e-101/").json()
    assert record["number"] == "e-101"
    assert record["status"] == "responded"
    assert record["window"] == {
        "opens_at": "2022-11-16T14:23:00-05:00",
        "closes_at": "2023-02-14T14:23:00-05:00",
        "length_days": 90,
    }
    assert record["province_counts"] == {"ON": 1000, "QC": 200}
    assert record["keywords"] == [
        {"slug": "firearms", "name_en": "Firearms", "name_fr": "Armes à feu"}
    ]
    assert record["sponsor"]["name"] == "Melissa Lantsman"
    assert record["sponsor_caucus"]["short_name"] == "Conservative"
    assert record["presenter"] is None
    assert record["petitioner_name"] == "Jane Doe"
    assert record["response_due_on"] == "2023-05-04"
    assert record["days_to_respond"] == 44
    assert record["responded_within_45_days"] is True
    [response] = record["responses"]
    assert response["tabled_on"] == "2023-05-03"
    assert response["signed_by"] == "Pam Damoff, M.P."
    assert response["ministry"]["title_fr"] == "ministre de la Sécurité publique"


def test_a_petition_is_found_by_its_presentation_number_too(client):
    build_archive()
    assert client.get("/api/petitions/441-01184/").json()["number"] == "e-101"


def test_an_unknown_petition_number_is_a_404_in_json(client):
    response = client.get("/api/petitions/e-999999/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"ministry": "minister-of-nothing"}, "ministry"),
        ({"status": "lost"}, "status"),
        ({"session": "999"}, "session"),
        ({"presented_after": "yesterday"}, "presented_after"),
        ({"min_signatures": "-5"}, "min_signatures"),
        ({"sort": "random"}, "sort"),
        ({"page": "zero"}, "page"),
    ],
)
def test_an_unknown_filter_value_is_a_400_that_names_the_parameter(client, query, parameter):
    response = client.get("/api/petitions/", query)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_a_page_past_the_last_is_a_404_in_json(client):
    PetitionFactory()
    response = client.get("/api/petitions/", {"page": 5})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, method):
    PetitionFactory(number="e-1")
    url = "/api/petitions/" if method == "post" else "/api/petitions/e-1/"
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == 405


@pytest.mark.parametrize("url", ["/api/petitions/", "/api/petitions/e-101/", "/api/stats/"])
def test_an_unchanged_resource_answers_304_to_its_etag(client, url):
    build_archive()
    first = client.get(url)
    etag = first["ETag"]
    assert etag
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_a_change_gives_a_new_etag(client):
    build_archive()
    etag = client.get("/api/petitions/e-101/")["ETag"]
    from petitions.models import Petition

    petition = Petition.objects.get(number="e-101")
    petition.signature_count = 1201
    petition.save()  # as a clerk's save: the kept answers are forgotten
    response = client.get("/api/petitions/e-101/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response.json()["signature_count"] == 1201


def test_the_api_lives_outside_the_language_prefix(client):
    assert client.get("/api/").status_code == 200
    assert client.get("/fr/api/").status_code == 404


def test_members_list_their_petition_counts_and_are_found_by_name(client):
    build_archive()
    data = client.get("/api/members/").json()
    members = {member["slug"]: member for member in data["results"]}
    assert members["melissa-lantsman"]["sponsored_count"] == 2
    assert members["daniel-blaikie"]["sponsored_count"] == 2
    found = client.get("/api/members/", {"q": "Lantsmann"}).json()["results"]
    assert [member["slug"] for member in found] == ["melissa-lantsman"]
    one = client.get("/api/members/melissa-lantsman/").json()
    assert one["name"] == "Melissa Lantsman"


def test_ministries_give_their_response_times(client):
    build_archive()
    ministries = {m["slug"]: m for m in client.get("/api/ministries/").json()["results"]}
    safety = ministries["minister-of-public-safety"]
    # Responses of 44, 73 and 50 days; one of three within 45.
    assert safety["response_count"] == 3
    assert safety["median_response_days"] == 50
    assert safety["within_deadline_share"] == pytest.approx(1 / 3)
    assert safety["addressed_count"] == 4
    assert client.get("/api/ministries/minister-of-health/").json()["response_count"] == 3


def test_sessions_give_their_codes_for_the_session_filter(client):
    build_archive()
    sessions = client.get("/api/sessions/").json()["results"]
    assert [session["code"] for session in sessions] == ["451", "441", "432", "431", "421", "412"]
    assert sessions[1]["started_on"] == "2021-11-22"


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_list_queries_do_not_grow_with_rows(client):
    many_petitions(5)
    with CaptureQueriesContext(connection) as few:
        assert len(numbers(client.get("/api/petitions/", {"page_size": 100}))) == 5
    many_petitions(55, start=5)
    with CaptureQueriesContext(connection) as many:
        assert len(numbers(client.get("/api/petitions/", {"page_size": 100}))) == 60
    assert len(many) == len(few)
    # The data version, the count, the page's keys and its rows.
    assert len(many) <= 4


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_detail_queries_do_not_grow_with_related_rows(client):
    many_petitions(1)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/petitions/e-1/")
    many_petitions(60, start=1)
    from petitions.models import Keyword, Petition
    from tests.factories import GovernmentResponseFactory, KeywordFactory

    petition = Petition.objects.get(number="e-1")
    petition.keywords.add(*[KeywordFactory() for _ in range(50)])
    for position in range(2, 12):
        GovernmentResponseFactory(
            petition=petition, position=position, tabled_on=petition.presented_on
        )
    with CaptureQueriesContext(connection) as many:
        record = client.get("/api/petitions/e-1/").json()
    assert len(record["keywords"]) == Keyword.objects.filter(petitions=petition).count() == 52
    assert len(record["responses"]) == 11
    assert len(many) == len(few)


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_member_and_ministry_lists_query_a_fixed_number_of_times(client):
    many_petitions(60)
    # The data version, the count and the page; the ministries' figures come from three
    # grouped queries.
    for url, most in (("/api/members/", 3), ("/api/ministries/", 6), ("/api/sessions/", 3)):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, {"page_size": 500}).status_code == 200
        assert len(context) <= most, url


def test_pages_stop_at_ten_thousand_petitions_with_a_pointer_to_the_exports(client):
    PetitionFactory()
    response = client.get("/api/petitions/", {"page": 21, "page_size": 500})
    assert response.status_code == 400
    [message] = response.json()["page"]
    assert "10,000" in message and "/petitions/export.json" in message
    assert client.get("/api/petitions/", {"page": 20, "page_size": 500}).status_code == 404
