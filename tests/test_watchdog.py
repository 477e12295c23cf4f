"""The watchdog ends a request's connection only when the database does not answer a
fresh one; a slow query on a database that answers runs to its end. (A frozen database:
tests/test_database_faults.py.)"""

import time

import pytest
from django.db import connection

from petitions_site import watchdog


@pytest.mark.django_db
def test_a_slow_query_on_a_database_that_answers_runs_to_its_end():
    def slow_page(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [watchdog.SUSPECT_SECONDS + 1.5])
            return cursor.fetchone()

    started = time.monotonic()
    assert watchdog.database_watchdog(slow_page)(None) == ("",)
    assert time.monotonic() - started >= watchdog.SUSPECT_SECONDS + 1.5
    assert watchdog._in_flight == {}


class WaitingConnection:
    """A request's connection as the watchdog sees it: open, with its settings."""

    connection = object()

    def get_connection_params(self):
        return {"dbname": "petitions"}


def test_a_silent_database_stays_silent_until_a_probe_answers(monkeypatch):
    # Timed out on a loaded machine: a database silent longer than a fixed period was
    # taken for back, and the next kept page waited on it and answered 503.
    monkeypatch.setattr(watchdog, "_silent", False)
    monkeypatch.setattr(watchdog, "_probed", None)
    monkeypatch.setattr(watchdog, "_in_flight", {})
    probes = []
    answer = False

    def answers(params):
        probes.append(params)
        return answer

    monkeypatch.setattr(watchdog, "_answers", answers)
    now = 1000.0
    # No request has waited SUSPECT_SECONDS: no probe.
    watchdog._in_flight["request"] = (now - watchdog.SUSPECT_SECONDS, [WaitingConnection()])
    assert watchdog._look(now, 0.0) == 0.0
    assert (probes, watchdog.database_silent()) == ([], False)
    # One has: the probe goes unanswered, the database is silent.
    watchdog._look(now + 0.5, 0.0)
    assert (probes, watchdog.database_silent()) == ([{"dbname": "petitions"}], True)
    # A minute later, the request gone and no probe answered: still silent, still probed.
    del watchdog._in_flight["request"]
    watchdog._look(now + 60, 0.0)
    assert (len(probes), watchdog.database_silent()) == (2, True)
    # The first probe answered ends it.
    answer = True
    assert watchdog._look(now + 61, 0.0) > 0.0
    assert (len(probes), watchdog.database_silent()) == (3, False)
    # A database that answers, with no request waiting, is not probed.
    watchdog._look(now + 62, 0.0)
    assert len(probes) == 3
