"""A rename naming many petitions queues their search documents instead of rewriting
them in the clerk's transaction (see StaleSearchDocument): at a million petitions the
busiest topic names about 47,500, a minute of rewriting, past the 15-second limit of a
statement."""

import django.db.models.deletion
from django.db import migrations, models

# Up to this many petitions a rename rewrites at once (about 2 s at a million
# petitions); more are queued. A session may lower it (SET petitions.search_rewrite_at_once).
AT_ONCE = 2000

FUNCTIONS = f"""
CREATE FUNCTION petition_search_rewrite(ids bigint[]) RETURNS void AS $$
DECLARE
    at_once integer := coalesce(
        nullif(current_setting('petitions.search_rewrite_at_once', true), '')::integer,
        {AT_ONCE});
BEGIN
    IF cardinality(ids) <= at_once THEN
        UPDATE petitions_petition SET search_document = NULL WHERE id = ANY(ids);
    ELSE
        INSERT INTO petitions_stalesearchdocument (petition_id)
        SELECT unnest(ids) ON CONFLICT DO NOTHING;
    END IF;
END;
$$ LANGUAGE plpgsql;

-- Up to `batch` queued petitions written again; how many. Queued rows another session
-- is writing are skipped, so several processes can share the queue.
CREATE FUNCTION petition_search_rewrite_queued(batch integer) RETURNS integer AS $$
    WITH taken AS (
        DELETE FROM petitions_stalesearchdocument WHERE petition_id IN (
            SELECT petition_id FROM petitions_stalesearchdocument
            ORDER BY petition_id LIMIT batch FOR UPDATE SKIP LOCKED)
        RETURNING petition_id
    ), written AS (
        UPDATE petitions_petition SET search_document = NULL
        WHERE id IN (SELECT petition_id FROM taken) RETURNING 1
    )
    SELECT count(*)::integer FROM written;
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION member_search_stale() RETURNS trigger AS $$
BEGIN
    PERFORM petition_search_rewrite(ARRAY(
        WITH renamed AS (
            SELECT c.id FROM changed c JOIN before_change b ON b.id = c.id
            WHERE (c.first_name, c.last_name, c.riding)
                IS DISTINCT FROM (b.first_name, b.last_name, b.riding)
        )
        SELECT id FROM petitions_petition WHERE sponsor_id IN (SELECT id FROM renamed)
        UNION
        SELECT id FROM petitions_petition WHERE presenter_id IN (SELECT id FROM renamed)
    ));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION topic_search_stale() RETURNS trigger AS $$
BEGIN
    PERFORM petition_search_rewrite(ARRAY(
        SELECT id FROM petitions_petition WHERE topic_id IN (
            SELECT c.id FROM changed c JOIN before_change b ON b.id = c.id
            WHERE (c.name_en, c.name_fr) IS DISTINCT FROM (b.name_en, b.name_fr)
        )
    ));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION keyword_search_stale() RETURNS trigger AS $$
BEGIN
    PERFORM petition_search_rewrite(ARRAY(
        SELECT DISTINCT petition_id FROM petitions_petition_keywords WHERE keyword_id IN (
            SELECT c.id FROM changed c JOIN before_change b ON b.id = c.id
            WHERE (c.name_en, c.name_fr) IS DISTINCT FROM (b.name_en, b.name_fr)
        )
    ));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# Back to rewriting every petition a rename names at once (migration 0021's functions).
REVERSE_SQL = """
CREATE OR REPLACE FUNCTION member_search_stale() RETURNS trigger AS $$
BEGIN
    UPDATE petitions_petition SET search_document = NULL
    WHERE id IN (
        WITH renamed AS (
            SELECT c.id FROM changed c JOIN before_change b ON b.id = c.id
            WHERE (c.first_name, c.last_name, c.riding)
                IS DISTINCT FROM (b.first_name, b.last_name, b.riding)
        )
        SELECT id FROM petitions_petition WHERE sponsor_id IN (SELECT id FROM renamed)
        UNION
        SELECT id FROM petitions_petition WHERE presenter_id IN (SELECT id FROM renamed)
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION topic_search_stale() RETURNS trigger AS $$
BEGIN
    UPDATE petitions_petition SET search_document = NULL
    WHERE topic_id IN (
        SELECT c.id FROM changed c JOIN before_change b ON b.id = c.id
        WHERE (c.name_en, c.name_fr) IS DISTINCT FROM (b.name_en, b.name_fr)
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION keyword_search_stale() RETURNS trigger AS $$
BEGIN
    UPDATE petitions_petition SET search_document = NULL
    WHERE id IN (
        SELECT petition_id FROM petitions_petition_keywords WHERE keyword_id IN (
            SELECT c.id FROM changed c JOIN before_change b ON b.id = c.id
            WHERE (c.name_en, c.name_fr) IS DISTINCT FROM (b.name_en, b.name_fr)
        )
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP FUNCTION IF EXISTS petition_search_rewrite_queued(integer);
DROP FUNCTION IF EXISTS petition_search_rewrite(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0021_search_document"),
    ]

    operations = [
        migrations.CreateModel(
            name="StaleSearchDocument",
            fields=[
                (
                    "petition",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="petitions.petition",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE_SQL),
    ]
