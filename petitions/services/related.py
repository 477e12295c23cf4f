"""Computing the related petitions of the whole archive, or of those an import or a
clerk changed, in batches that each commit (see petitions/models/related.py)."""

import threading

from django.db import connection, transaction

from petitions.cache import data_changed
from petitions.models import RelatedKey, RelatedState, related_petitions_refresh

# Petitions whose keys are written per statement; lists computed per transaction (about
# 2 to 5 ms each: a transaction holds its petitions' keys for a second or two).
KEY_BATCH = 10_000
LIST_BATCH = 500

# Keys and hashes of the petitions that have none (stored before migration 0022, or by
# a loader that skips triggers, as seed_demo does), set-wise; their lists to compute.
FILL_KEYS = """
WITH stored AS (
    INSERT INTO petitions_relatedkey (petition_id, ask_en, ask_fr, state)
    SELECT p.id, petition_ask('english_unaccent', p.prayer_en),
        petition_ask('french_unaccent', p.prayer_fr), 'stale'
    FROM petitions_petition p
    WHERE p.id >= %s AND p.id < %s
        AND NOT EXISTS (SELECT FROM petitions_relatedkey k WHERE k.petition_id = p.id)
    ON CONFLICT (petition_id) DO NOTHING
    RETURNING petition_id, ask_en, ask_fr
)
INSERT INTO petitions_relatedhash (hash, petition_id)
SELECT hash, stored.petition_id
FROM stored, unnest(related_hashes(stored.ask_en, stored.ask_fr)) AS hash
ON CONFLICT DO NOTHING
"""


def related_keys_fill():
    """Write the keys the petitions lack. Returns how many petitions were read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM petitions_petition")
        last = cursor.fetchone()[0]
    for start in range(0, last + 1, KEY_BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(FILL_KEYS, [start, start + KEY_BATCH])
    return last


def related_petitions_compute(*, everything=False, fill_keys=True, tick=None, workers=1):
    """Compute the lists not current: first those of petitions changed or new (the
    petitions they then list are told of them, and marked stale), then the stale ones.
    `everything` computes every list again (after the rules changed); `fill_keys`
    first writes the keys petitions lack (not needed after an import: the triggers
    write them). `tick(n)` is called after each batch. The stale lists, which write
    nothing but their own, are computed by `workers` threads, each on a connection of
    its own (so only on committed rows). Returns how many lists were computed."""
    if fill_keys:
        related_keys_fill()
    if everything:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE petitions_relatedkey SET state = %s WHERE state = %s",
                [RelatedState.STALE, RelatedState.CURRENT],
            )
    computed = _compute(RelatedState.CHANGED, tick)
    computed += _compute(RelatedState.STALE, tick, workers=workers)
    if computed:
        # Pages kept since the writes that made these lists stale show them anew.
        data_changed()
    return computed


def _compute(state, tick, workers=1):
    """Compute the lists in `state`, batch after batch in petition order; with several
    workers, each takes the next batch when done with its last."""
    lock = threading.Lock()
    progress = {"after": 0, "computed": 0}
    errors = []

    def next_batch():
        with lock:
            ids = list(
                RelatedKey.objects.filter(state=state, petition_id__gt=progress["after"])
                .order_by("petition_id")
                .values_list("petition_id", flat=True)[:LIST_BATCH]
            )
            if ids:
                progress["after"] = ids[-1]
            return ids

    def work():
        while not errors and (ids := next_batch()):
            with transaction.atomic():
                computed = related_petitions_refresh(ids, tell_listed=state == RelatedState.CHANGED)
            with lock:
                progress["computed"] += computed
                if tick:
                    tick(len(ids))

    if workers <= 1:
        work()
        return progress["computed"]

    def thread_work():
        try:
            work()
        except Exception as error:  # raised in the caller once every thread has stopped
            errors.append(error)
        finally:
            connection.close()

    # This thread's connection would sit idle past the server's idle_session_timeout
    # while the workers compute: the next query opens a new one.
    connection.close()
    threads = [threading.Thread(target=thread_work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return progress["computed"]
