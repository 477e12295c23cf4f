"""Many citizens at once: gunicorn with the production settings, 64 clients on a mix of
pages (home, list, search, a petition, the API) for 60 seconds, on 127.0.0.1 only.
Every answer must be a success: no connection error, no timeout, no 5xx.

The figures (requests per second, p99) are printed; BENCHMARKS.md records them. wrk is
the load generator (Debian's `wrk`, listed in .ci/system-packages)."""

import io
import json
import os
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from bench import scenarios, server

CLIENTS = 64
SECONDS = 60
PETITIONS = 3000
# Seconds a client waits for an answer before wrk counts a timeout: 64 clients queue for
# three workers, on a machine the rest of the suite shares.
TIMEOUT = 20

pytestmark = [
    pytest.mark.alone,
    pytest.mark.skipif(
        not server.wrk_available() and not os.environ.get("CI"),
        reason="wrk is not installed (apt-get install wrk)",
    ),
]


def database_url():
    """The test database as a URL gunicorn can be given."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host, port, name = settings["HOST"] or "", settings["PORT"] or "5432", settings["NAME"]
    if host.startswith("/"):  # a socket folder, as the embedded server gives
        return f"postgres://{user}{password}@/{name}?host={quote(host, safe='')}&port={port}"
    return f"postgres://{user}{password}@{host or '127.0.0.1'}:{port}/{name}"


@pytest.fixture
def seeded(transactional_db):
    """Committed rows, so that gunicorn's own connections see them; the tables are
    emptied afterwards (conftest makes the Clerk group again)."""
    call_command("seed_demo", petitions=PETITIONS, seed=7, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return scenarios.facts()


def test_sixty_four_clients_for_a_minute_get_no_error_and_no_server_error(seeded):
    paths = scenarios.mixed_paths(seeded)
    # Niced, so that the rest of the suite running beside it keeps its share of the CPU.
    with server.gunicorn(database_url(), nice=10) as (port, _process):
        figures = server.wrk(
            port, paths, connections=CLIENTS, seconds=SECONDS, nice=10, timeout_s=TIMEOUT
        )
    print(
        f"\nload: {CLIENTS} clients, {figures['seconds']:.0f} s, {figures['requests']} requests, "
        f"{figures['rps']:.1f} req/s, p50 {figures['latency_ms']['p50']:.0f} ms, "
        f"p99 {figures['latency_ms']['p99']:.0f} ms, errors {figures['errors']}, "
        f"statuses {json.dumps(figures['status'])}"
    )
    assert figures["error_count"] == 0, figures["errors"]
    assert figures["status"]["5xx"] == 0
    assert figures["status"]["4xx"] == 0
    assert figures["status"]["2xx"] == figures["requests"]
    # Every client was answered many times, not just once before the clock ran out.
    assert figures["requests"] >= 5 * CLIENTS
