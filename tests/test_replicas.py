"""A real streaming replica next to the primary: the public pages read the replica, a
clerk writes to the primary and sees their own save at once, a stopped replica is
skipped without an error, and once the replica has replayed a save the public page
shows it.

Both servers are the embedded PostgreSQL's own binaries: the primary made by initdb,
the replica by pg_basebackup -R (a standby that streams from the primary), each on a
port of 127.0.0.1; the site runs under gunicorn with the production settings."""

import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bench.replica import StreamingPair, free_port, postgres_bin
from tests.rendered_form import rendered_form

ROOT = Path(__file__).resolve().parents[1]
PAGE = "/petitions/e-4172/"
DATABASE = "replicas"
# How long any one wait of the test lasts at most.
WAIT_SECONDS = 30

pytestmark = pytest.mark.alone


def streaming_pair(folder):
    """The primary and its replica; skipped where the embedded PostgreSQL's programs are
    missing, except under CI, where the test must run."""
    if postgres_bin() is None:
        reason = "the embedded PostgreSQL's programs (pg_basebackup, pg_ctl) are not installed"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return StreamingPair(folder)


@pytest.fixture
def servers(own_tmp_path):
    servers = streaming_pair(own_tmp_path)
    try:
        servers.start_primary()
        servers.sql("primary", "postgres", "CREATE DATABASE replicas")
        env = site_env(servers, own_tmp_path)
        for command in (
            ["migrate", "--noinput", "-v", "0"],
            ["loaddata", "sample_petitions", "-v", "0"],
            ["collectstatic", "--noinput", "-v", "0"],
        ):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                           timeout=120)  # fmt: skip
        servers.start_replica()
        yield servers
    finally:
        # The test may have stopped one already.
        with contextlib.suppress(subprocess.CalledProcessError):
            servers.stop_all()


def site_env(servers, folder):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    return env | {
        "DATABASE_URL": servers.url("primary", DATABASE),
        "DATABASE_REPLICA_URLS": servers.url("replica", DATABASE),
        # Long enough to hold while the test pauses the replica's replay.
        "DATABASE_REPLICA_MAX_LAG_SECONDS": "3600",
        "DATABASE_REPLICA_CHECK_SECONDS": "0.5",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
    }


@pytest.fixture
def site(servers, own_tmp_path, request):
    """gunicorn (one worker: its log names the database each request read) and a clerk;
    a test may change settings through its parameter (`indirect`)."""
    env = site_env(servers, own_tmp_path) | {"DJANGO_SUPERUSER_PASSWORD": "clerk-password"}
    env |= getattr(request, "param", {})
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "clerk",
         "--email", "clerk@example.org"],
        cwd=ROOT, env=env, check=True, timeout=60,
    )  # fmt: skip
    port = free_port()
    log = own_tmp_path / "site.log"
    with log.open("w") as output:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "petitions_site.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--timeout", "20"],
            cwd=ROOT, env=env, stdout=output, stderr=output,
        )  # fmt: skip
    site = Site(port, log)
    try:
        site.wait_for(lambda: site.get("/healthz").status_code == 200)
        yield site
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)


class Site:
    def __init__(self, port, log):
        self.base, self.log = f"http://127.0.0.1:{port}", log
        self.public = requests.Session()

    def get(self, path, session=None):
        try:
            return (session or self.public).get(self.base + path, timeout=10)
        except requests.ConnectionError:
            return requests.Response()

    def logged(self, path):
        """The databases the requests for `path` read, in order, from the site's JSON log."""
        records = (
            json.loads(line) for line in self.log.read_text().splitlines() if line[:1] == "{"
        )
        return [
            record["database"]
            for record in records
            if record.get("message") == "request" and record.get("path") == path
        ]

    def read_database(self, path, before):
        """The database the request for `path` after the `before` logged ones read (the
        worker writes its line as it answers: waited for a moment)."""
        self.wait_for(lambda: len(self.logged(path)) > before)
        return self.logged(path)[before]

    def get_logged(self, path, session=None):
        """(the answer, the database its request read)."""
        before = len(self.logged(path.split("?")[0]))
        response = self.get(path, session)
        return response, self.read_database(path.split("?")[0], before)

    def public_page(self, path=PAGE):
        """(the page's text, the database it was read from)."""
        response, database = self.get_logged(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.text, database

    def wait_for(self, condition):
        deadline = time.monotonic() + WAIT_SECONDS
        while not condition():
            assert time.monotonic() < deadline, "gave up waiting"
            time.sleep(0.2)

    def signed_in_clerk(self):
        clerk = requests.Session()
        login = self.base + "/admin/login/"
        clerk.get(login, timeout=10)
        answer = clerk.post(
            login,
            data={
                "username": "clerk",
                "password": "clerk-password",
                "csrfmiddlewaretoken": clerk.cookies["csrftoken"],
                "next": "/admin/",
            },
            timeout=10,
        )
        assert answer.url.endswith("/admin/"), answer.url
        return clerk

    def rename_topic(self, clerk, topic, name):
        """The clerk's save in the admin's form, every other field as the page has it."""
        url = f"{self.base}/admin/petitions/topic/{topic}/change/"
        form = rendered_form(clerk.get(url, timeout=10), "topic_form")
        form |= {"name_en": name, "_save": "Save"}
        answer = clerk.post(url, data=form, headers={"Referer": url}, timeout=10)
        assert answer.status_code == 200 and answer.url.endswith("/topic/"), answer.url


def topic_of(servers, number):
    """(key, English name) of the petition's topic, on the primary."""
    [row] = servers.sql(
        "primary",
        DATABASE,
        "SELECT topic.id, topic.name_en FROM petitions_topic AS topic"
        f" JOIN petitions_petition AS petition ON petition.topic_id = topic.id"
        f" WHERE petition.number = '{number}'",
    )
    return row


def kept_line(servers, server, number):
    [(line,)] = servers.sql(
        server,
        DATABASE,
        "SELECT line.csv FROM petitions_exportline AS line JOIN petitions_petition AS petition"
        f" ON petition.id = line.petition_id WHERE petition.number = '{number}'",
    )
    return line


def test_public_reads_go_to_the_replica_and_a_clerk_sees_their_save_at_once(servers, site):
    site.wait_for(lambda: site.public_page()[1] == "replica")
    topic, name = topic_of(servers, "e-4172")
    assert name in site.public_page()[0]

    # An export read from the replica keeps the lines it built: on the primary.
    assert kept_line(servers, "primary", "e-4172") == ""
    export, database = site.get_logged("/petitions/export.csv?number=e-4172")
    assert (export.status_code, database) == (200, "replica")
    assert "e-4172" in kept_line(servers, "primary", "e-4172")

    # The replica stops replaying: what the primary commits from now on, it does not hold.
    servers.sql("replica", DATABASE, "SELECT pg_wal_replay_pause()")
    clerk = site.signed_in_clerk()
    site.rename_topic(clerk, topic, "Replicated topic")
    # The admin wrote to the primary (a replica is read only: a write there fails).
    assert topic_of(servers, "e-4172") == (topic, "Replicated topic")

    # The clerk reads the primary: their save shows at once.
    mine, database = site.get_logged(PAGE, session=clerk)
    assert ("Replicated topic" in mine.text, database) == (True, "primary")
    # The public reads the replica, which has not replayed the save: the page of before,
    # kept under the version the replica holds, not the clerk's newer one.
    text, database = site.public_page()
    assert ("Replicated topic" in text, name in text, database) == (False, True, "replica")

    # The replica replays the save: the public page shows it, still read from the replica.
    servers.sql("replica", DATABASE, "SELECT pg_wal_replay_resume()")
    site.wait_for(lambda: "Replicated topic" in site.public_page()[0])
    assert site.public_page()[1] == "replica"


def test_a_stopped_replica_is_skipped_without_an_error_and_used_again_once_back(servers, site):
    site.wait_for(lambda: site.public_page()[1] == "replica")
    servers.stop("replica")
    # Every request answers, from the primary, from the first one after the stop on.
    for n in range(10):
        text, database = site.public_page(f"/petitions/?page_size=25&n={n}")
        assert database == "primary"
    assert site.get("/petitions/export.csv?number=e-4172").status_code == 200

    servers.start("replica")
    site.wait_for(lambda: site.public_page("/petitions/")[1] == "replica")
    export, database = site.get_logged("/petitions/export.csv?number=e-4172")
    assert (export.status_code, "e-4172" in export.text, database) == (200, True, "replica")


@pytest.mark.parametrize("site", [{"DATABASE_REPLICA_MAX_LAG_SECONDS": "1"}], indirect=True)
def test_a_replica_lagging_past_the_bound_is_skipped_until_it_catches_up(servers, site):
    site.wait_for(lambda: site.public_page()[1] == "replica")
    servers.sql("replica", DATABASE, "SELECT pg_wal_replay_pause()")
    # A commit on the primary that the replica does not replay.
    servers.sql("primary", DATABASE, "UPDATE petitions_data_version SET version = version + 1")
    site.wait_for(lambda: site.public_page()[1] == "primary")

    servers.sql("replica", DATABASE, "SELECT pg_wal_replay_resume()")
    site.wait_for(lambda: site.public_page()[1] == "replica")
