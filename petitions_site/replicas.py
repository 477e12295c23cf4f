"""Public reads from PostgreSQL's streaming replicas (DATABASE_REPLICA_URLS).

Which database a request reads:

- the primary (`default`) for every write; for every model outside the archive's two
  apps (sessions, accounts, login counters, the admin's history); for any request but a
  GET or HEAD; and for any request of a signed-in clerk, so that a clerk sees their own
  save at once, whatever a replica's lag;
- otherwise one healthy replica, chosen once per request: the data version a page is
  kept under (petitions/cache.py) is read on the database the page is read from, so a
  page rendered from a replica that lags is kept under the older version it holds;
- the primary when no replica is healthy, and outside requests (commands, the threads
  that refresh figures).

Healthy means: it answers, it is still a replica (in recovery), and it has replayed the
primary's position as read just before, or else its last replayed commit is at most
DATABASE_REPLICA_MAX_LAG_SECONDS old. Each process checks every
DATABASE_REPLICA_CHECK_SECONDS at most, in a thread of its own, so that no request
waits on a replica that does not answer. A replica whose connection fails when a request
is about to use it is left out until the next check and that request reads the primary.
"""

import contextvars
import logging
import random
import threading
import time

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import FileResponse

from petitions_site.observe import REPLICA_HEALTHY, REPLICA_LAG_SECONDS

# The apps whose records the public pages, API, feeds and exports show.
PUBLIC_APPS = {"petitions", "responses"}
SAFE_METHODS = {"GET", "HEAD"}
CHECK_CONNECT_SECONDS = 2

logger = logging.getLogger(__name__)
_reading = contextvars.ContextVar("read_database", default=None)
_lock = threading.Lock()
_healthy = []  # the aliases of the replicas found healthy at the last check
_used = set()  # the replicas the log last said were used
_checked_at = None  # monotonic time the last check started
_checking = None  # the thread checking now


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias != DEFAULT_DB_ALIAS]


class ReplicaRouter:
    """Reads of the archive's records go to the database chosen for the request."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PUBLIC_APPS:
            return _reading.get() or DEFAULT_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        # A replica replays the primary's migrations.
        return db == DEFAULT_DB_ALIAS


def _fresh_connection(alias):
    params = connections[alias].get_connection_params()
    params["connect_timeout"] = min(int(params.get("connect_timeout", 2)), CHECK_CONNECT_SECONDS)
    return psycopg.connect(**params, autocommit=True)


def primary_position():
    """The primary's WAL position now, or None when it does not answer."""
    try:
        with _fresh_connection(DEFAULT_DB_ALIAS) as connection:
            return connection.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
    except psycopg.Error:
        return None


def replica_lag(alias, position):
    """Seconds the replica is behind: 0 when it has replayed `position` (the primary's),
    else the age of its last replayed commit; None when it does not answer or is no
    longer a replica."""
    try:
        with _fresh_connection(alias) as connection:
            in_recovery, caught_up, age = connection.execute(
                "SELECT pg_is_in_recovery(),"
                " pg_last_wal_replay_lsn() >= %s::pg_lsn,"
                " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())",
                [position or "0/0"],
            ).fetchone()
    except psycopg.Error:
        return None
    if not in_recovery:
        return None
    if position and caught_up:
        return 0.0
    return float(age) if age is not None else None


def check_replicas():
    """Checks every replica now; returns the aliases of those found healthy."""
    global _healthy
    position = primary_position()
    healthy = []
    for alias in replica_aliases():
        lag = replica_lag(alias, position)
        if lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
            healthy.append(alias)
        REPLICA_HEALTHY.labels(alias).set(1 if alias in healthy else 0)
        REPLICA_LAG_SECONDS.labels(alias).set(-1 if lag is None else lag)
        # Said once when it changes, not at every check.
        if (alias in healthy) != (alias in _used):
            logger.warning(
                "replica used" if alias in healthy else "replica skipped",
                extra={"database": alias, "lag_seconds": None if lag is None else round(lag, 3)},
            )
    _healthy = healthy
    _used.clear()
    _used.update(healthy)
    return healthy


def _check_in_background():
    try:
        check_replicas()
    except Exception:  # the last result stays; the next request starts another check
        logger.exception("checking the replicas failed")


def healthy_replicas():
    """The replicas found healthy at the last check; starts a new check in a thread when
    the last one is DATABASE_REPLICA_CHECK_SECONDS old."""
    global _checked_at, _checking
    now = time.monotonic()
    if _checked_at is None or now - _checked_at >= settings.DATABASE_REPLICA_CHECK_SECONDS:
        with _lock:
            if (
                _checked_at is None or now - _checked_at >= settings.DATABASE_REPLICA_CHECK_SECONDS
            ) and not (_checking and _checking.is_alive()):
                _checked_at = now
                _checking = threading.Thread(
                    target=_check_in_background, name="replica-check", daemon=True
                )
                _checking.start()
    return list(_healthy)


def _answers(alias):
    """Whether the request's connection to `alias` is usable, opening it if need be; a
    replica that fails is left out until the next check."""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        return True
    except DatabaseError:
        connection.close()
        with _lock:
            if alias in _healthy:
                _healthy.remove(alias)
        return False


def signed_in(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def read_database_for(request):
    """The alias the request reads the archive's records from (see the module's text)."""
    if request.method not in SAFE_METHODS or signed_in(request):
        return DEFAULT_DB_ALIAS
    candidates = healthy_replicas()
    random.shuffle(candidates)
    for alias in candidates:
        if _answers(alias):
            return alias
    return DEFAULT_DB_ALIAS


def _streamed_from(alias, chunks):
    """A streamed answer (an export) is produced after the view returns: its queries
    read the database the request was given."""
    chunks = iter(chunks)
    while True:
        token = _reading.set(alias)
        try:
            chunk = next(chunks, None)
        finally:
            _reading.reset(token)
        if chunk is None:
            return
        yield chunk


def read_database_middleware(get_response):
    """Chooses the request's database; after the authentication middleware, which tells
    a signed-in clerk."""

    def middleware(request):
        if not replica_aliases():
            return get_response(request)
        alias = request.read_database = read_database_for(request)
        token = _reading.set(alias)
        try:
            response = get_response(request)
        finally:
            _reading.reset(token)
        streamed = response.streaming and not isinstance(response, FileResponse)
        if alias != DEFAULT_DB_ALIAS and streamed:
            response.streaming_content = _streamed_from(alias, response.streaming_content)
        return response

    return middleware
