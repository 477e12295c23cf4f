"""Computing the related petitions of the whole archive, or of those an import or a
clerk changed, in batches that each commit (see petitions/models/related.py)."""

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


def related_petitions_compute(*, everything=False, fill_keys=True, tick=None):
    """Compute the lists not current: first those of petitions changed or new (the
    petitions they then list are told of them, and marked stale), then the stale ones.
    `everything` computes every list again (after the rules changed); `fill_keys`
    first writes the keys petitions lack (not needed after an import: the triggers
    write them). `tick(n)` is called after each batch. Returns how many lists were
    computed."""
    if fill_keys:
        related_keys_fill()
    if everything:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE petitions_relatedkey SET state = %s WHERE state = %s",
                [RelatedState.STALE, RelatedState.CURRENT],
            )
    computed = _compute(RelatedState.CHANGED, tick) + _compute(RelatedState.STALE, tick)
    if computed:
        # Pages kept since the writes that made these lists stale show them anew.
        data_changed()
    return computed


def _compute(state, tick):
    computed, after = 0, 0
    while True:
        ids = list(
            RelatedKey.objects.filter(state=state, petition_id__gt=after)
            .order_by("petition_id")
            .values_list("petition_id", flat=True)[:LIST_BATCH]
        )
        if not ids:
            return computed
        with transaction.atomic():
            computed += related_petitions_refresh(ids, tell_listed=state == RelatedState.CHANGED)
        after = ids[-1]
        if tick:
            tick(len(ids))
