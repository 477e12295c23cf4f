"""A database that stops answering (a frozen server, a network that drops packets without
a word) would hold every request that meets it until the operating system gives up,
minutes later: statement_timeout is the server's to enforce, and a frozen server
enforces nothing.

So a thread of each web process watches the requests in flight. When one has run
SUSPECT_SECONDS, the thread tries a fresh connection (bounded by PROBE_SECONDS); if
the database does not answer it, the sockets of the requests' connections are shut: a
query waiting on one fails at once, and its request answers 503 (petitions_site/errors.py).
A query that is merely slow on a database that answers runs on, to statement_timeout.

For SILENT_SECONDS after a probe went unanswered, `database_silent()` says so, and the
data version is taken from memory (petitions/cache.py): kept pages are served at once
rather than behind a wait on the database.

"""

import os
import socket
import threading
import time
from contextlib import suppress

import psycopg
from django.db import connections

SUSPECT_SECONDS = 2.0
PROBE_SECONDS = 1.5
EVERY_SECONDS = 0.5
# After a probe went unanswered, the database is taken for silent this long: what can be
# answered without it (a kept page) is, without waiting on it first.
SILENT_SECONDS = 5.0

_lock = threading.Lock()
_in_flight = {}  # token -> (monotonic start, the request thread's Django connections)
_watcher = None
_silent_since = None  # monotonic time of the last probe the database did not answer


def database_silent():
    """Whether the database left a probe unanswered in the last SILENT_SECONDS."""
    since = _silent_since
    return since is not None and time.monotonic() - since < SILENT_SECONDS


def _start_watching():
    global _watcher
    if _watcher is None or not _watcher.is_alive():
        with _lock:
            if _watcher is None or not _watcher.is_alive():
                _watcher = threading.Thread(target=_watch, name="database-watchdog", daemon=True)
                _watcher.start()


def _answers(connection):
    """Whether a fresh connection to the same database answers within PROBE_SECONDS."""
    result = []

    def probe():
        try:
            with psycopg.connect(**connection.get_connection_params()) as fresh:
                fresh.execute("SELECT 1")
            result.append(True)
        except psycopg.Error:
            result.append(False)

    prober = threading.Thread(target=probe, name="database-probe", daemon=True)
    prober.start()
    prober.join(PROBE_SECONDS)
    return bool(result and result[0])


def _shut(connection):
    """Ends the connection's socket, which wakes the thread waiting on it with an error."""
    try:
        descriptor = os.dup(connection.connection.pgconn.socket)
    except (AttributeError, OSError, psycopg.Error):
        return
    with socket.socket(fileno=descriptor) as sock, suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watch():
    global _silent_since
    answered_at = 0.0
    while True:
        time.sleep(EVERY_SECONDS)
        now = time.monotonic()
        with _lock:
            waiting = [
                connection
                for started, used in _in_flight.values()
                if now - started > SUSPECT_SECONDS
                for connection in used
                if connection.connection is not None
            ]
        # A database that answered a moment ago is only slow.
        if not waiting or now - answered_at < SUSPECT_SECONDS:
            continue
        if _answers(waiting[0]):
            answered_at = time.monotonic()
            _silent_since = None
        else:
            _silent_since = time.monotonic()
            for connection in waiting:
                _shut(connection)


def database_watchdog(get_response):
    def middleware(request):
        token = object()
        # This thread's connection objects, which the watchdog's thread cannot look up.
        used = [connections[alias] for alias in connections]
        with _lock:
            _in_flight[token] = (time.monotonic(), used)
        _start_watching()
        try:
            return get_response(request)
        finally:
            with _lock:
                del _in_flight[token]

    return middleware
