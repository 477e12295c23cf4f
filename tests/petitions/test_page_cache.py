"""Public pages are kept in the cache and served again with one query (the data
version), until a change commits: a clerk's save or delete shows on the next request,
in every process, and nothing is kept longer than PAGE_CACHE_SECONDS."""

import datetime
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from petitions import cache as page_cache
from petitions.cache import kept, kept_or_last
from petitions.models import PendingUpload, Petition, Topic
from tests.factories import GovernmentResponseFactory, PetitionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()


@pytest.mark.usefixtures("one_period")
def test_a_page_asked_for_again_is_served_reading_only_the_data_version(
    client, django_assert_num_queries
):
    petition = PetitionFactory()
    first = client.get(f"/petitions/{petition.number}/")
    with django_assert_num_queries(1):
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


def test_after_a_change_the_last_figures_are_served_while_new_ones_are_computed(settings):
    settings.REFRESH_FIGURES_IN_BACKGROUND = True
    computed_in = []

    def petition_total():
        computed_in.append(threading.current_thread())
        return Petition.objects.count()

    PetitionFactory()
    assert kept_or_last("petition-total", petition_total) == 1
    PetitionFactory()
    # Nobody waits for the new figure: the last one answers while a thread computes.
    assert kept_or_last("petition-total", petition_total) == 1
    deadline = time.monotonic() + 10
    while kept_or_last("petition-total", petition_total) != 2:
        assert time.monotonic() < deadline, "the new figure never came"
        time.sleep(0.02)
    assert len(computed_in) == 2  # once in the request, once in one thread, not per request
    assert computed_in[0] is threading.main_thread()
    assert computed_in[1] is not threading.main_thread()


def _in_another_thread(work, *, ready, go):
    """Runs work() in a transaction of another connection, which commits once `go` is
    set; `ready` is set when the work is done but not committed."""
    failures = []

    def run():
        try:
            with transaction.atomic():
                work()
                ready.set()
                assert go.wait(10)
        except Exception as error:  # reported by the test, not lost with the thread
            failures.append(error)
            ready.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


def test_a_page_read_while_a_save_is_uncommitted_is_not_served_after_the_commit(client):
    petition = PetitionFactory(petitioner_name="Jane Doe", petitioner_city="Ottawa")
    path = f"/petitions/{petition.number}/"

    def save():
        petition.petitioner_city = "Gatineau"
        petition.save()

    ready, go = threading.Event(), threading.Event()
    thread, failures = _in_another_thread(save, ready=ready, go=go)
    assert ready.wait(10)
    # Read between the save and its commit: the old city, rightly, and kept.
    assert "Ottawa" in client.get(path).text
    go.set()
    thread.join()
    assert not failures
    page = client.get(path).text
    assert "Gatineau" in page
    assert "Ottawa" not in page


def test_a_topic_and_petition_imported_in_one_transaction_show_once_it_commits(client):
    for _ in range(10):
        PetitionFactory()
    # Read before: the count, the topic's filter (refused: no such topic yet).
    assert "10 petitions" in client.get("/petitions/").text
    assert client.get("/petitions/?topic=wetlands").status_code == 400

    def load():
        topic = Topic.objects.create(name_en="Wetlands", name_fr="Milieux humides", slug="wetlands")
        PetitionFactory(topic=topic)

    ready, go = threading.Event(), threading.Event()
    thread, failures = _in_another_thread(load, ready=ready, go=go)
    assert ready.wait(10)
    # Read during the load: what was committed, kept under the version of that.
    assert "10 petitions" in client.get("/petitions/").text
    assert client.get("/petitions/?topic=wetlands").status_code == 400
    go.set()
    thread.join()
    assert not failures
    listing = client.get("/petitions/").text
    assert "11 petitions" in listing
    # The count does not cap the rows: the oldest petition is still on the last page.
    oldest = Petition.objects.order_by("created_at", "pk").first()
    assert f'href="/petitions/{oldest.number}/"' in client.get("/petitions/?sort=oldest").text
    assert client.get("/petitions/?topic=wetlands").status_code == 200


def _database_url():
    database = connection.settings_dict
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host = quote(database["HOST"] or "", safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{database['NAME']}"


def test_a_change_committed_by_another_process_shows_at_once_without_a_shared_cache(client):
    assert "LocMemCache" in django_settings.CACHES["default"]["BACKEND"]
    petition = PetitionFactory(petitioner_name="Jane Doe", petitioner_city="Ottawa")
    for _ in range(10):
        PetitionFactory()
    assert "11 petitions" in client.get("/petitions/").text
    assert "Ottawa" in client.get(f"/petitions/{petition.number}/").text
    # Another process, with a local-memory cache of its own: an import, a clerk's save.
    code = (
        "from petitions.models import Petition\n"
        "from tests.factories import PetitionFactory\n"
        f"petition = Petition.objects.get(number='{petition.number}')\n"
        "petition.petitioner_city = 'Gatineau'\n"
        "petition.save()\n"
        "PetitionFactory(number='e-9999')\n"
    )
    root = Path(__file__).resolve().parents[2]
    environment = os.environ | {"DATABASE_URL": _database_url(), "PYTHONPATH": str(root)}
    environment.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=root,
        env=environment,
        check=True,
        capture_output=True,
    )
    assert "12 petitions" in client.get("/petitions/").text
    assert "Gatineau" in client.get(f"/petitions/{petition.number}/").text


def test_no_kept_value_outlives_the_period(client, monkeypatch):
    petition = PetitionFactory(petitioner_name="Jane Doe", petitioner_city="Ottawa")
    assert kept("answer", lambda: 1) == 1
    assert "Ottawa" in client.get(f"/petitions/{petition.number}/").text
    # A change no signal reports (SQL of another program): only the clock undoes it.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE petitions_petition SET petitioner_city = 'Gatineau' WHERE id = %s",
            [petition.pk],
        )
    assert kept("answer", lambda: 2) == 1
    assert "Ottawa" in client.get(f"/petitions/{petition.number}/").text
    now = time.time()
    monkeypatch.setattr(page_cache.time, "time", lambda: now + django_settings.PAGE_CACHE_SECONDS)
    assert kept("answer", lambda: 2) == 2
    assert "Gatineau" in client.get(f"/petitions/{petition.number}/").text


def test_a_new_response_alone_refreshes_the_petitions_page(client):
    petition = PetitionFactory(
        presented_on=datetime.date(2023, 3, 20), presentation_number="441-01184"
    )
    path = f"/petitions/{petition.number}/"
    assert "Government response tabled" not in client.get(path).text
    GovernmentResponseFactory(petition=petition, text_en="We will protect the wetlands.")
    page = client.get(path).text
    assert "Government response tabled" in page
    assert "We will protect the wetlands." in page


def test_the_version_moves_once_per_transaction_and_only_after_its_commit():
    before = page_cache.read_version()
    with transaction.atomic():
        for _ in range(5):
            PetitionFactory()
        assert page_cache.read_version() == before
    after = page_cache.read_version()
    assert after > before
    with transaction.atomic():
        PetitionFactory()
        transaction.set_rollback(True)
    assert page_cache.read_version() == after


@pytest.mark.parametrize(
    "path",
    ["/api/petitions/?page_size=1", "/feeds/petitions/", "/petitions/", "/sitemap.xml"],
)
def test_a_crafted_host_does_not_reach_the_links_others_read(client, settings, path):
    settings.SITE_URL = "https://petitions.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "petitions.example.org"]
    PetitionFactory.create_batch(2)
    crafted = client.get(path, HTTP_HOST="localhost:9999")
    assert crafted.status_code == 200
    later = client.get(path)
    for response in (crafted, later):
        body = b"".join(response) if response.streaming else response.content
        assert b"localhost:9999" not in body
        assert b"testserver" not in body
    if path != "/petitions/":
        assert b"https://petitions.example.org/" in body


def test_a_host_not_allowed_is_refused(client):
    assert client.get("/petitions/", HTTP_HOST="evil.example.com").status_code == 400


def test_records_no_page_shows_leave_the_kept_pages_alone():
    before = page_cache.read_version()
    PendingUpload.objects.create(name="petitions.xml", content=b"<ArrayOfPetition/>")
    assert page_cache.read_version() == before
    PetitionFactory()
    assert page_cache.read_version() > before
