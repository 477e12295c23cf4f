"""Counters that every web process shares: requests per address for the rate limits, and
failed logins per account and per address for the login throttle. In Redis when
REDIS_URL is set, else in the database (the Counter table); never in a process's
memory, where each worker would count alone and a full cache would forget."""

import contextlib
from functools import cache

from django.conf import settings
from django.db import connections

# The share of hits that also forget the windows closed more than an hour ago, in the
# same statement (so a request's number of queries never varies).
SWEEP_SHARE = 0.001


class StoreError(Exception):
    """Redis could not be reached."""


@cache
def _redis(url):
    import redis

    # A Redis that does not answer costs a request half a second, not a hung worker.
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


@contextlib.contextmanager
def _redis_errors():
    import redis

    try:
        yield
    except redis.RedisError as error:
        raise StoreError(str(error)) from error


def _table():
    return connections["default"]


def hit(key, seconds):
    """Counts one more event under `key` in a window of `seconds` that opens at its first
    event. Returns the count so far and the seconds until the window closes."""
    if settings.REDIS_URL:
        with _redis_errors(), _redis(settings.REDIS_URL).pipeline() as pipe:
            count, ttl = pipe.set(key, 0, ex=seconds, nx=True).incr(key).ttl(key).execute()[1:]
        return count, max(ttl, 1)
    with _table().cursor() as cursor:
        # One statement, so that concurrent requests never read the same count. The
        # sweep's condition is a constant of the statement: when false, nothing is read.
        cursor.execute(
            """
            WITH swept AS (
                DELETE FROM limits_counter
                WHERE (SELECT random() < %(sweep)s)
                    AND expires_at < now() - interval '1 hour' AND key <> %(key)s
            )
            INSERT INTO limits_counter AS c (key, count, expires_at)
            VALUES (%(key)s, 1, now() + make_interval(secs => %(seconds)s))
            ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.count + 1 END,
                expires_at = CASE WHEN c.expires_at <= now()
                    THEN excluded.expires_at ELSE c.expires_at END
            RETURNING count, ceil(extract(epoch FROM expires_at - now()))::int
            """,
            {"key": key, "seconds": seconds, "sweep": SWEEP_SHARE},
        )
        count, left = cursor.fetchone()
    return count, max(left, 1)


def hold(key, seconds):
    """Marks `key` for `seconds` (a wait imposed after too many failures)."""
    if settings.REDIS_URL:
        with _redis_errors():
            _redis(settings.REDIS_URL).set(key, 1, ex=max(int(seconds), 1))
        return
    with _table().cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO limits_counter AS c (key, count, expires_at)
            VALUES (%(key)s, 1, now() + make_interval(secs => %(seconds)s))
            ON CONFLICT (key) DO UPDATE SET count = 1, expires_at = excluded.expires_at
            """,
            {"key": key, "seconds": max(int(seconds), 1)},
        )


def held_for(key):
    """Seconds left on a mark set by hold() or a window opened by hit(); 0 when none."""
    if settings.REDIS_URL:
        with _redis_errors():
            return max(_redis(settings.REDIS_URL).ttl(key), 0)
    with _table().cursor() as cursor:
        cursor.execute(
            "SELECT ceil(extract(epoch FROM expires_at - now()))::int FROM limits_counter"
            " WHERE key = %s AND expires_at > now()",
            [key],
        )
        row = cursor.fetchone()
    return max(row[0], 1) if row else 0


def forget(*keys):
    if settings.REDIS_URL:
        with _redis_errors():
            _redis(settings.REDIS_URL).delete(*keys)
        return
    with _table().cursor() as cursor:
        cursor.execute("DELETE FROM limits_counter WHERE key = ANY(%s)", [list(keys)])
