"""Every cache of the archive: what is kept, under which key, for how long, and why a
reader never sees data older than a committed save by more than a stated bound.

The data version is a number in the database (the one row of `petitions_data_version`),
moved on after every commit that changed a record of the two apps (but those no page
shows, UNWATCHED_MODELS): post_save, post_delete and m2m_changed hand `data_changed` to
`transaction.on_commit`, and the commands that write without signals (seed_demo's COPY,
restore_database) call it when they are done. Every process reads the same number,
whatever the cache backend, so a clerk's save shows on every web process at once, with
Redis or the local-memory cache.

A request reads the version once (data_version_middleware), before it reads any data, and
from the database it reads its data from (`router.db_for_read`, so that a lagging
replica answers with the version of the rows it holds). A request reads one database
throughout (petitions_site/replicas.py), and a replica replays the commit of a change
before the move of the version that follows it. A value is therefore never kept under a
version newer than its data: a request served between a commit and the move of the
version keeps newer data under the older version, which is harmless, and so does a
thread that refreshes figures (it reads the primary, maybe ahead of the replica whose
version named the key).

While the database answers nothing (petitions_site/watchdog.py found it silent), the
version is the last one this process read there: nothing can commit meanwhile, so it is
still the latest, and kept pages are served without waiting on the database.

Every key below also carries the *period*, `int(now / PAGE_CACHE_SECONDS)`, and every
value lives at most PAGE_CACHE_SECONDS: what the clock alone changes (a window closes, a
response falls due) shows within one period, and the rows and the count of one page are
of the same period.

What is kept, its key and how long it lives:

- Whole pages (`cached_page`): the GET and HEAD 200s of the public pages, the API's
  answers and the feeds. Key `page:<site, language, path and query>:<version>:<period>`;
  PAGE_CACHE_SECONDS.
- Values of a page (`kept`, `kept_key`): a filter's count, the filter panel's markup,
  options and records, the sessions, what a search learns from its words. Key
  `<name>:<version>:<period>`; PAGE_CACHE_SECONDS.
- Figures of the whole archive (`kept_or_last`): the home page's counts, the statistics,
  the ministries' response times. Keyed as `kept`, and `<name>:last`, the last figures
  computed; PAGE_CACHE_SECONDS, the last figures 2 x PAGE_CACHE_SECONDS.
- A petition's signature history (the chart and table of its page): a fragment kept
  with {% cache %} under `kept_key("signature-history:<petition>:<language>")`;
  PAGE_CACHE_SECONDS, so that the page rendered without its page cache reads no history.
- A count too slow to be exact (petitions/pagination.py, `petition-count-too-slow:<filter>`):
  600 s. Not data, only the choice to count to 10,000 and say "more than": true either way.
- Export lines (petitions/exports/lines.py): a row per petition and format, emptied by
  database triggers in the writer's own transaction.

The last figures of the whole archive are served while one thread computes new ones
(a few seconds at a million petitions), so figures are at most 2 × PAGE_CACHE_SECONDS
plus that computation behind a save. Without Redis, each process computes them once per
period; with Redis, once per period in all. With PAGE_CACHE_SECONDS=0 no page is kept
and values are kept for KEPT_SECONDS_WITHOUT_PAGES."""

import contextvars
import datetime
import functools
import hashlib
import logging
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connections, router
from django.http import HttpResponseNotModified
from django.utils import translation
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import get_language
from psycopg.errors import UndefinedTable

from petitions.models.database import on_commit_once
from petitions_site.watchdog import database_silent

WATCHED_APPS = {"petitions", "responses"}
# Records of the two apps that no public page shows: a kept export line (emptied by the
# database itself), a file a clerk uploaded and has not written yet.
UNWATCHED_MODELS = {"petitions.ExportLine", "petitions.PendingUpload"}
# How long values are kept when whole pages are not (PAGE_CACHE_SECONDS=0).
KEPT_SECONDS_WITHOUT_PAGES = 60
# A refresh still running after this long (its thread died with its process) is tried again.
REFRESH_SECONDS = 300
REFRESH_THREAD = "refresh "
# Moved to the clock's microseconds when that is ahead, so that a version never comes
# back after a restore from a backup, and a key kept before never matches again.
MOVE_VERSION = """
    UPDATE petitions_data_version
    SET version = GREATEST(version + 1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1e6)::bigint)
"""

logger = logging.getLogger(__name__)
_request_version = contextvars.ContextVar("data_version", default=None)


_last_read = {}  # database alias -> the last version this process read there


def read_version(using=None):
    using = using or router.db_for_read(apps.get_model("petitions", "Petition"))
    if using in _last_read and database_silent():
        # Nothing commits on a database that answers nothing: the last version read is
        # still the latest, and kept pages are served without waiting on it.
        return _last_read[using]
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT version FROM petitions_data_version")
        row = cursor.fetchone()
    _last_read[using] = version = row[0] if row else 0
    return version


def data_version():
    """The data version, read once per request (see DataVersionMiddleware), and at each
    call outside one."""
    memo = _request_version.get()
    if memo is None:
        return read_version()
    if not memo:
        memo.append(read_version())
    return memo[0]


def data_updated_at():
    """When the data last changed, read from the version (moved to the clock's
    microseconds at each commit that changes data), or None before any change."""
    version = data_version()
    # Below this the version is a plain counter, not yet the clock.
    if version < 10**15:
        return None
    return datetime.datetime.fromtimestamp(version / 1e6, tz=datetime.UTC)


def data_version_middleware(get_response):
    """A request reads the data version once, the first time something asks for it."""

    def middleware(request):
        token = _request_version.set([])
        try:
            return get_response(request)
        finally:
            _request_version.reset(token)

    return middleware


def _move_version(using):
    try:
        with connections[using].cursor() as cursor:
            cursor.execute(MOVE_VERSION)
    except ProgrammingError as error:
        # A data migration older than the version's own table (a new database being
        # built): nothing can be kept for it yet.
        if not isinstance(error.__cause__, UndefinedTable):
            raise


@functools.cache
def _mover(using):
    return functools.partial(_move_version, using)


def data_changed(sender=None, *, using=DEFAULT_DB_ALIAS, **kwargs):
    """Moves the data version on once the current transaction commits (at once outside
    one). Receiver of post_save, post_delete and m2m_changed for the two apps' models;
    commands that write without signals call it with no sender."""
    if sender is not None and (
        sender._meta.app_label not in WATCHED_APPS or sender._meta.label in UNWATCHED_MODELS
    ):
        return
    on_commit_once(_mover(using), using)


def kept_seconds():
    return settings.PAGE_CACHE_SECONDS or KEPT_SECONDS_WITHOUT_PAGES


def current_period():
    """The number of the period of kept_seconds() now: part of every key below."""
    return int(time.time() // kept_seconds())


def _key(name, version):
    return f"{name}:{version}:{current_period()}"


def kept_key(name):
    """The key of a value kept for pages (see kept): `name`, the data version and the
    period; for the template fragments kept with {% cache kept_seconds ... %}."""
    return _key(name, data_version())


def kept(name, compute):
    """compute(), kept under `name` until the data changes or the period ends: for values
    that several requests of a period share, like a filter's count."""
    return cache.get_or_set(_key(name, data_version()), compute, kept_seconds())


def kept_or_last(name, compute):
    """kept(name, compute), except that once computed, a change of the data or the end
    of the period makes nobody wait: the figures last computed (at most two periods ago)
    are served while a thread of this process computes new ones (one at a time across
    processes, through the cache). For figures of the whole archive, which take seconds
    at a million petitions. Computed in the request when there are none yet, or when
    settings.REFRESH_FIGURES_IN_BACKGROUND is off (the tests, whose data the thread's
    own connection would not see)."""
    version = data_version()
    key = _key(name, version)
    value = cache.get(key)
    if value is not None:
        return value
    last = cache.get(f"{name}:last")
    if last is None or not settings.REFRESH_FIGURES_IN_BACKGROUND:
        return _compute_and_keep(name, key, compute)
    lock = f"{key}:refreshing"
    if cache.add(lock, True, REFRESH_SECONDS):
        language = translation.get_language()
        threading.Thread(
            target=_refresh,
            args=(name, key, compute, language, lock),
            name=f"{REFRESH_THREAD}{name}",
            daemon=True,
        ).start()
    return last


def _compute_and_keep(name, key, compute):
    value = compute()
    seconds = kept_seconds()
    cache.set(key, value, seconds)
    cache.set(f"{name}:last", value, 2 * seconds)
    return value


def _refresh(name, key, compute, language, lock):
    try:
        with translation.override(language):
            _compute_and_keep(name, key, compute)
    except Exception:  # the last figures stay; the next request after the lock tries again
        logger.exception("Computing %s failed", name)
    finally:
        cache.delete(lock)
        connections.close_all()


def cached_page(view):
    """Serve a GET from the cache when this address was rendered in this period since the
    data last changed; keep a fresh 200 for next time. Answers If-None-Match with 304.
    A page's absolute links come from SITE_URL, never from the request's Host
    (petitions_site.middleware.site_url_middleware), so the key need not hold the Host."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if request.method not in ("GET", "HEAD") or not seconds:
            return view(request, *args, **kwargs)
        version = data_version()
        address = f"{settings.SITE_URL}|{get_language()}|{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        key = _key(f"page:{digest}", version)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            if hasattr(response, "render"):
                response.render()
            # Named by the data version and the content, not the period: a client
            # revalidating an unchanged page across periods still gets 304.
            content = hashlib.sha256(response.content).hexdigest()[:16]
            response["ETag"] = quote_etag(f"{version}-{content}")
            cache.set(key, response, seconds)
        if response["ETag"] in parse_etags(request.headers.get("If-None-Match", "")):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = response["ETag"]
            return not_modified
        return response

    return wrapper
