"""A plausible history for the demo's open petitions: their counts as a daily House
export would have given them since the window opened (at most MOST_COUNTS of them,
most signatures early, each petition on a curve of its own), and the changes those
imports made. Written set-wise in SQL, so that it costs seconds at any size."""

from django.db import connection

from petitions.models import (
    Petition,
    PetitionChange,
    ProvinceSignatureCount,
    SignatureSnapshot,
    SignatureWindow,
)

MOST_COUNTS = 20

HISTORY = f"""
DROP TABLE IF EXISTS demo_counts;
CREATE TEMPORARY TABLE demo_counts ON COMMIT DROP AS
WITH open AS (
    SELECT petition.id, petition.signature_count AS total, signing.opens_at,
        LEAST(%(now)s, signing.closes_at) AS until
    FROM {Petition._meta.db_table} petition
    JOIN {SignatureWindow._meta.db_table} signing ON signing.petition_id = petition.id
    WHERE petition.id > %(after_id)s AND petition.signature_count IS NOT NULL
        AND petition.presented_on IS NULL
        AND signing.opens_at < %(now)s AND signing.closes_at > %(now)s
)
SELECT open.id, step,
    open.opens_at + (open.until - open.opens_at) * step / counts AS taken_at,
    -- Most signatures come early: the share signed by each import, a petition's own curve.
    1 - power(1 - step::float / counts, 1.5 + abs(hashtext(open.id::text)) %% 20 / 10.0)
        AS share,
    open.total
FROM open
CROSS JOIN LATERAL (
    SELECT LEAST(GREATEST(EXTRACT(EPOCH FROM open.until - open.opens_at)::int / 86400, 1),
        {MOST_COUNTS}) AS counts
) AS size
CROSS JOIN LATERAL generate_series(1, counts) AS step;

INSERT INTO {SignatureSnapshot._meta.db_table}
    (petition_id, taken_at, signature_count, province_counts, imported_from)
SELECT counted.id, counted.taken_at, round(counted.total * counted.share)::int,
    coalesce((
        SELECT jsonb_object_agg(
            count.province, floor(count.signature_count * counted.share)::int
        )
        FROM {ProvinceSignatureCount._meta.db_table} count WHERE count.petition_id = counted.id
    ), '{{}}'::jsonb),
    'petitions-' || to_char(counted.taken_at AT TIME ZONE 'America/Toronto', 'YYYY-MM-DD')
        || '.xml'
FROM demo_counts counted
ON CONFLICT DO NOTHING;

INSERT INTO {PetitionChange._meta.db_table} (petition_id, changed_at, fields, imported_from)
SELECT id, taken_at,
    CASE WHEN step = 1 THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(
        'field', 'signature_count', 'before', before, 'after', after)) END,
    'petitions-' || to_char(taken_at AT TIME ZONE 'America/Toronto', 'YYYY-MM-DD') || '.xml'
FROM (
    SELECT id, step, taken_at, round(total * share)::int AS after,
        lag(round(total * share)::int) OVER (PARTITION BY id ORDER BY step) AS before
    FROM demo_counts
) AS steps
WHERE step = 1 OR before IS DISTINCT FROM after;

DROP TABLE demo_counts;
"""


def demo_history_seed(*, after_id, now):
    """Give the open petitions numbered after `after_id` their history as of `now`.
    Returns (snapshots, changes) written."""
    with connection.cursor() as cursor:
        cursor.execute(HISTORY, {"after_id": after_id, "now": now})
        cursor.execute(
            f"SELECT count(*) FROM {SignatureSnapshot._meta.db_table} WHERE petition_id > %s",
            [after_id],
        )
        snapshots = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT count(*) FROM {PetitionChange._meta.db_table} WHERE petition_id > %s",
            [after_id],
        )
        changes = cursor.fetchone()[0]
    return snapshots, changes
