"""Public pages are kept in the cache and served again without a query, until a record
changes: a clerk's save or delete shows on the next request."""

import datetime
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.cache import kept_or_last
from petitions.models import Petition
from tests.factories import GovernmentResponseFactory, PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()


def test_a_page_asked_for_again_is_served_without_a_query(client, django_assert_num_queries):
    petition = PetitionFactory()
    first = client.get(f"/petitions/{petition.number}/")
    with django_assert_num_queries(0):
        again = client.get(f"/petitions/{petition.number}/")
    assert again.status_code == 200
    assert again.content == first.content


def test_a_clerks_save_shows_on_the_next_request(client):
    petition = PetitionFactory(prayer_en="Protect the wetlands.")
    assert "Protect the wetlands." in client.get(f"/petitions/{petition.number}/").text
    petition.prayer_en = "Protect the old-growth forests."
    petition.save()
    page = client.get(f"/petitions/{petition.number}/").text
    assert "Protect the old-growth forests." in page
    assert "Protect the wetlands." not in page


def test_a_new_response_shows_on_the_list_and_the_petition(client):
    petition = PetitionFactory(
        presented_on=datetime.date(2023, 3, 20), presentation_number="441-01184"
    )
    client.get("/petitions/?status=responded")
    client.get(f"/petitions/{petition.number}/")
    GovernmentResponseFactory(petition=petition)
    link = f'href="/petitions/{petition.number}/"'
    assert link in client.get("/petitions/?status=responded").text
    assert "Government response tabled" in client.get(f"/petitions/{petition.number}/").text


def test_a_deleted_petition_is_gone_from_its_page_and_the_list(client):
    petition = PetitionFactory()
    client.get(f"/petitions/{petition.number}/")
    link = f'href="/petitions/{petition.number}/"'
    assert link in client.get("/petitions/").text
    number = petition.number
    petition.delete()
    assert client.get(f"/petitions/{number}/").status_code == 404
    assert link not in client.get("/petitions/").text


def test_the_english_and_french_pages_are_kept_apart(client):
    petition = PetitionFactory()
    english = client.get(f"/petitions/{petition.number}/").text
    french = client.get(f"/fr/petitions/{petition.number}/").text
    assert 'lang="en"' in english
    assert 'lang="fr"' in french


def test_a_browser_revalidating_an_unchanged_page_gets_304(client):
    petition = PetitionFactory()
    etag = client.get(f"/petitions/{petition.number}/").headers["ETag"]
    again = client.get(f"/petitions/{petition.number}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    petition.save()
    changed = client.get(f"/petitions/{petition.number}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200


def test_with_the_cache_off_every_request_renders_the_page(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    petition = PetitionFactory()
    client.get(f"/petitions/{petition.number}/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/petitions/{petition.number}/")
    assert response.status_code == 200
    assert len(queries) > 0
    assert "ETag" not in response.headers


def test_a_list_whose_queries_take_too_long_is_refused_with_a_message(client, monkeypatch):
    from django.db import connection

    from petitions import views
    from petitions.filters import PetitionFilter

    def slow_page(self, number, rows=None):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")

    monkeypatch.setattr(views, "LIST_QUERY_MS", 50)
    monkeypatch.setattr(PetitionFilter, "get_page", slow_page)
    response = client.get("/petitions/?q=housing")
    assert response.status_code == 400
    assert "This search takes too long to answer" in response.text
    # The connection is usable afterwards.
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_after_a_change_the_last_figures_are_served_while_new_ones_are_computed(settings):
    settings.REFRESH_FIGURES_IN_BACKGROUND = True
    computed_in = []

    def petition_total():
        computed_in.append(threading.current_thread())
        return Petition.objects.count()

    PetitionFactory()
    assert kept_or_last("petition-total", petition_total, 600) == 1
    PetitionFactory()
    # Nobody waits for the new figure: the last one answers while a thread computes.
    assert kept_or_last("petition-total", petition_total, 600) == 1
    deadline = time.monotonic() + 10
    while kept_or_last("petition-total", petition_total, 600) != 2:
        assert time.monotonic() < deadline, "the new figure never came"
        time.sleep(0.02)
    assert len(computed_in) == 2  # once in the request, once in one thread, not per request
    assert computed_in[0] is threading.main_thread()
    assert computed_in[1] is not threading.main_thread()
