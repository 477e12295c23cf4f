"""A database that stops answering (a frozen server, a network that drops packets without
a word) would hold every request that meets it until the operating system gives up,
minutes later: statement_timeout is the server's to enforce, and a frozen server
enforces nothing.

So a thread of each web process watches the requests in flight. When one has run
SUSPECT_SECONDS, the thread tries a fresh connection (bounded by PROBE_SECONDS); if
the database does not answer it, the sockets of the requests' connections are shut: a
query waiting on one fails at once, and its request answers 503 (petitions_site/errors.py).
A query that is merely slow on a database that answers runs on, to statement_timeout.

From a probe that went unanswered until one is answered, `database_silent()` says so,
and the data version is taken from memory (petitions/cache.py): kept pages are served at
once rather than behind a wait on the database. Meanwhile the thread probes every
EVERY_SECONDS (one probe at a time), so a database that answers again is known within
EVERY_SECONDS + PROBE_SECONDS: the bound on how long a save committed right after it
returns may go unseen by kept pages.

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

_lock = threading.Lock()
_in_flight = {}  # token -> (monotonic start, the request thread's Django connections)
_watcher = None
_silent = False  # the last probe went unanswered
_probed = None  # the connection settings probed while the database is silent
_prober = None  # the probe's thread, which may outlive PROBE_SECONDS


def database_silent():
    """Whether the database left the last probe unanswered: what can be answered without
    it (a kept page) is, without waiting on it first."""
    return _silent


def _start_watching():
    global _watcher
    if _watcher is None or not _watcher.is_alive():
        with _lock:
            if _watcher is None or not _watcher.is_alive():
                _watcher = threading.Thread(target=_watch, name="database-watchdog", daemon=True)
                _watcher.start()


def _answers(params):
    """Whether a fresh connection with `params` answers within PROBE_SECONDS; False,
    without a new probe, while the last one still waits (on a frozen server, until its
    connect timeout)."""
    global _prober
    if _prober is not None and _prober.is_alive():
        return False
    result = []

    def probe():
        try:
            with psycopg.connect(**params) as fresh:
                fresh.execute("SELECT 1")
            result.append(True)
        except psycopg.Error:
            result.append(False)

    _prober = threading.Thread(target=probe, name="database-probe", daemon=True)
    _prober.start()
    _prober.join(PROBE_SECONDS)
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
    answered_at = 0.0
    while True:
        time.sleep(EVERY_SECONDS)
        answered_at = _look(time.monotonic(), answered_at)


def _look(now, answered_at):
    """One round of the watch: probe the database when a request has waited on it
    SUSPECT_SECONDS (and it has not answered a probe meanwhile) or while it is silent,
    and end the waiting requests' connections when it does not answer. Returns when the
    database last answered a probe."""
    global _silent, _probed
    with _lock:
        waiting = [
            connection
            for started, used in _in_flight.values()
            if now - started > SUSPECT_SECONDS
            for connection in used
            if connection.connection is not None
        ]
    # A database that answered a moment ago is only slow.
    if not _silent and (not waiting or now - answered_at < SUSPECT_SECONDS):
        return answered_at
    if waiting:
        _probed = waiting[0].get_connection_params()
    if _answers(_probed):
        _silent = False
        return time.monotonic()
    _silent = True
    for connection in waiting:
        _shut(connection)
    return answered_at


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
