"""Whole public pages kept in the cache, and forgotten when the data changes.

A public page depends only on its address (path, query string, and so its language) and
on the data, never on who asks: it is kept under a key made of the address and the data
version, a counter in the cache that every save or delete of a petition, response,
Member, ministry or other record of the two apps moves on. With Redis (REDIS_URL) the
counter is shared, so a clerk's save shows on every web process at once; with the local
memory cache each process has its own, and another process's save shows when its copy
expires (settings.PAGE_CACHE_SECONDS). Statuses follow the clock too (a window closes),
which the same expiry bounds. PAGE_CACHE_SECONDS=0 turns the cache off."""

import functools
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponseNotModified
from django.utils import translation
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import get_language

VERSION_KEY = "data-version"
WATCHED_APPS = {"petitions", "responses"}
# The figures last computed are served for this long at most while new ones are computed.
LAST_FIGURES_SECONDS = 24 * 3600
# A refresh still running after this long (its thread died with its process) is tried again.
REFRESH_SECONDS = 300
REFRESH_THREAD = "refresh "

logger = logging.getLogger(__name__)


def data_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # Unique across restarts, so that a page kept by an earlier process never matches.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def data_changed(sender, **kwargs):
    """Receiver of post_save, post_delete and m2m_changed for the two apps' models."""
    if sender._meta.app_label not in WATCHED_APPS:
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def kept(name, compute, seconds):
    """compute(), kept under `name` until the data changes or `seconds` pass: for
    figures that read the whole archive, like the home page's counts."""
    return cache.get_or_set(f"{name}:{data_version()}", compute, seconds)


def kept_or_last(name, compute, seconds):
    """kept(name, compute, seconds), except that once computed, a change of the data or
    the end of `seconds` makes nobody wait: the figures last computed are served while a
    thread of this process computes new ones (one at a time across processes, through
    the cache). For figures of the whole archive, which take seconds at a million
    petitions. Computed in the request when there are none yet, or when
    settings.REFRESH_FIGURES_IN_BACKGROUND is off (the tests, whose data the thread's
    own connection would not see)."""
    version = data_version()
    value = cache.get(f"{name}:{version}")
    if value is not None:
        return value
    last = cache.get(f"{name}:last")
    if last is None or not settings.REFRESH_FIGURES_IN_BACKGROUND:
        return _compute_and_keep(name, version, compute, seconds)
    lock = f"{name}:refreshing:{version}"
    if cache.add(lock, True, REFRESH_SECONDS):
        language = translation.get_language()
        threading.Thread(
            target=_refresh,
            args=(name, version, compute, seconds, language, lock),
            name=f"{REFRESH_THREAD}{name}",
            daemon=True,
        ).start()
    return last


def _compute_and_keep(name, version, compute, seconds):
    value = compute()
    cache.set(f"{name}:{version}", value, seconds)
    cache.set(f"{name}:last", value, LAST_FIGURES_SECONDS)
    return value


def _refresh(name, version, compute, seconds, language, lock):
    try:
        with translation.override(language):
            _compute_and_keep(name, version, compute, seconds)
    except Exception:  # the last figures stay; the next request after the lock tries again
        logger.exception("Computing %s failed", name)
    finally:
        cache.delete(lock)
        connections.close_all()


def cached_page(view):
    """Serve a GET from the cache when this address was rendered since the data last
    changed; keep a fresh 200 for next time. Answers If-None-Match with 304."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if request.method not in ("GET", "HEAD") or not seconds:
            return view(request, *args, **kwargs)
        version = data_version()
        address = f"{get_language()}:{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        # The clock's part: a page is never older than `seconds`, whoever asks.
        period = int(time.time() // seconds)
        key = f"page:{version}:{period}:{digest}"
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
