"""Search documents queued by a big rename, written again after it commits.

A rename of a Member, topic or keyword naming more petitions than the database rewrites
at once queues them (StaleSearchDocument, migration 0022). Once the rename commits, a
thread of the process that saved it writes them again, BATCH at a time, each batch its
own transaction (a second or two at a million petitions), and moves the data version on
after each so that kept pages follow. Until then a search by the new name misses the
petitions still queued, and finds them by the old. Several processes share the queue;
an import writes what it queued before it ends; a queue left by a process that stopped
is written by the next save of a Member, topic or keyword, or by
`manage.py import_petitions` of any file."""

import functools
import logging
import threading

from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections, transaction

from petitions.cache import data_changed
from petitions.models.database import on_commit_once

logger = logging.getLogger(__name__)

BATCH = 2000
_writing = threading.Lock()


def rewrite_queued_search_documents(using=DEFAULT_DB_ALIAS):
    """Writes every queued search document again, BATCH a transaction; how many."""
    written = 0
    while True:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SELECT petition_search_rewrite_queued(%s)", [BATCH])
            batch = cursor.fetchone()[0]
        if not batch:
            return written
        written += batch
        data_changed(using=using)


def rewrite_queued_now(using=DEFAULT_DB_ALIAS):
    """For a command about to end: waits for this process's thread, then writes what is
    still queued."""
    with _writing:
        return rewrite_queued_search_documents(using)


def queued(using=DEFAULT_DB_ALIAS):
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT FROM petitions_stalesearchdocument)")
        return cursor.fetchone()[0]


def rewrite_after_commit(sender=None, *, using=DEFAULT_DB_ALIAS, **kwargs):
    """Receiver of post_save for the models whose renames may queue documents: once the
    transaction commits, a thread writes what is queued (at most one per process).
    """
    on_commit_once(_starter(using), using)


@functools.cache
def _starter(using):
    return functools.partial(_start, using)


def _start(using):
    if not queued(using) or not _writing.acquire(blocking=False):
        return
    threading.Thread(target=_rewrite_in_thread, args=(using,), daemon=True).start()


def _rewrite_in_thread(using):
    try:
        rewrite_queued_search_documents(using)
    except Exception:  # what is left stays queued for the next save or import
        logger.exception("Writing queued search documents failed")
    finally:
        _writing.release()
        close_old_connections()
        connections[using].close()
