"""No request costs more than its answer is worth: parameters repeated hundreds of times,
overlong query strings, NUL bytes and unserved methods are refused before any view runs."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {}


@pytest.mark.parametrize(
    ("path", "times"), [("/stats/", 190), ("/api/stats/", 300), ("/petitions/", 330)]
)
def test_a_filter_repeated_hundreds_of_times_is_refused(client, path, times):
    query = "&".join(["status=open"] * times)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert len(queries) == 0


def test_ten_values_of_one_name_are_accepted_and_the_eleventh_refused(client):
    assert client.get("/petitions/?" + "&".join(["status=open"] * 10)).status_code == 200
    response = client.get("/api/petitions/?" + "&".join(["status=open"] * 11))
    assert response.status_code == 400
    assert response.json() == {"detail": "'status' is given more than 10 times."}


def test_every_status_at_once_is_accepted(client):
    statuses = ["not_yet_open", "open", "closed", "certified", "not_certified"]
    statuses += ["closed_on_dissolution", "presented", "responded"]
    query = "&".join(f"status={status}" for status in statuses)
    assert client.get(f"/petitions/?{query}").status_code == 200


def test_a_repeated_status_costs_what_one_does(client):
    def counting_sql(query):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/petitions/?{query}").status_code == 200
        # The same statement but for the moment it was made at.
        return [
            re.sub(r"'\d{4}-[^']*'", "'now'", q["sql"]) for q in queries if "COUNT(*)" in q["sql"]
        ]

    once = counting_sql("status=open")
    assert once
    assert counting_sql("&".join(["status=open"] * 10)) == once


def test_a_query_string_over_2048_characters_is_refused(client):
    assert client.get("/petitions/?q=" + "a" * 2040).status_code == 400
    assert client.get("/petitions/?q=" + "a" * 200).status_code == 200


@pytest.mark.parametrize(
    "path", ["/petitions/e-4172%00/", "/members/a%00b/", "/api/petitions/e-1%00/"]
)
def test_a_nul_byte_in_the_path_answers_400(client, path):
    assert client.get(path).status_code == 400


def test_options_is_answered_without_running_the_view(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.options("/petitions/?q=health")
    assert response.status_code == 204
    assert response["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert len(queries) == 0


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PROPFIND"])
def test_methods_the_site_does_not_serve_answer_405(client, method):
    with CaptureQueriesContext(connection) as queries:
        response = client.generic(method, "/petitions/")
    assert response.status_code == 405
    assert len(queries) == 0
