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
