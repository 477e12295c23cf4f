"""A search document per petition, kept by the database: the petition's own text and
numbers, and what other tables say of it (topic, keywords, responses, Members).

One rule, petition_search_document(petition), computes it. A row trigger stores it on
every insert of a petition and every update that sets a searched column; statement
triggers on the responses, keyword links, topics, keywords and Members empty it for the
petitions they touch (petition_search_refresh), which runs the row trigger again. The
petition's row trigger, like the activity date's and the export lines' (migrations 0010,
0012), fires ALWAYS: also for a loader that skips triggers as a replica does
(seed_demo), so no loader computes these values a second way.

Built without a long lock on the petitions table: the column is added empty (a catalog
change), filled in batches that each commit, indexed concurrently, and only then does
the former generated column go (a catalog change again)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, transaction

# Rows filled per transaction: each batch locks its own rows for about a second.
BATCH = 5_000

# The columns of a petition its document reads; an update setting any of them (or the
# document itself, as petition_search_refresh does) computes the document again.
SEARCHED_COLUMNS = (
    "number, presentation_number, prayer_en, prayer_fr, whereas_en, whereas_fr, "
    "topic_id, petitioner_name, petitioner_city, sponsor_id, sponsor_riding, "
    "presenter_id, presenter_riding, search_document"
)

FUNCTIONS = f"""
-- Names and numbers: no stemming, accents ignored.
CREATE TEXT SEARCH CONFIGURATION simple_unaccent (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION simple_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- Weights: A the numbers and the prayer; B the grievances, topic and keywords; C the
-- people (petitioner, Members, who signed a response) and places; D the responses.
-- Numbers in every reading a person may type: e-4172 as "e4172" and "4172";
-- 441-01184 as typed, "44101184" and "4411184" (so "4172" also finds 417-00002).
-- PL/pgSQL keeps the plan of its statement: a SQL function's, not inlined, is planned
-- again on every call before PostgreSQL 18 (a third of the cost at a seed's scale).
CREATE FUNCTION petition_search_document(petition petitions_petition)
RETURNS tsvector AS $$
BEGIN
    RETURN (SELECT
        setweight(to_tsvector('simple_unaccent', concat_ws(' ',
            petition.number,
            replace(petition.number, '-', ''),
            CASE WHEN petition.number LIKE 'e-%' THEN substr(petition.number, 3) END,
            petition.presentation_number,
            replace(petition.presentation_number, '-', ''),
            CASE WHEN petition.presentation_number <> '' THEN
                substr(petition.presentation_number, 1, 3)
                || ltrim(substr(petition.presentation_number, 5), '0')
            END
        )), 'A')
        || setweight(to_tsvector('english_unaccent', petition.prayer_en), 'A')
        || setweight(to_tsvector('french_unaccent', petition.prayer_fr), 'A')
        || setweight(to_tsvector('english_unaccent', concat_ws(' ',
            petition.whereas_en, topic.name_en, keywords.en)), 'B')
        || setweight(to_tsvector('french_unaccent', concat_ws(' ',
            petition.whereas_fr, topic.name_fr, keywords.fr)), 'B')
        || setweight(to_tsvector('simple_unaccent', concat_ws(' ',
            petition.petitioner_name, petition.petitioner_city,
            sponsor.first_name, sponsor.last_name, sponsor.riding, petition.sponsor_riding,
            presenter.first_name, presenter.last_name, presenter.riding,
            petition.presenter_riding, responses.signers)), 'C')
        || setweight(to_tsvector('english_unaccent', coalesce(responses.en, '')), 'D')
        || setweight(to_tsvector('french_unaccent', coalesce(responses.fr, '')), 'D')
    FROM (SELECT) AS one
    LEFT JOIN petitions_topic topic ON topic.id = petition.topic_id
    LEFT JOIN petitions_member sponsor ON sponsor.id = petition.sponsor_id
    LEFT JOIN petitions_member presenter ON presenter.id = petition.presenter_id
    CROSS JOIN LATERAL (
        SELECT string_agg(keyword.name_en, ' ') AS en, string_agg(keyword.name_fr, ' ') AS fr
        FROM petitions_petition_keywords link
        JOIN petitions_keyword keyword ON keyword.id = link.keyword_id
        WHERE link.petition_id = petition.id
    ) AS keywords
    CROSS JOIN LATERAL (
        SELECT string_agg(response.text_en, ' ') AS en, string_agg(response.text_fr, ' ') AS fr,
            string_agg(response.signed_by, ' ') AS signers
        FROM responses_governmentresponse response
        WHERE response.petition_id = petition.id
    ) AS responses);
END;
$$ LANGUAGE plpgsql STABLE;

CREATE FUNCTION petition_search_document_write() RETURNS trigger AS $$
BEGIN
    NEW.search_document := petition_search_document(NEW);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER petition_search_document
    BEFORE INSERT OR UPDATE OF {SEARCHED_COLUMNS} ON petitions_petition
    FOR EACH ROW EXECUTE FUNCTION petition_search_document_write();
ALTER TABLE petitions_petition ENABLE ALWAYS TRIGGER petition_search_document;

-- The petitions `ids` whose document no longer reads as it should are written again,
-- set-wise (their row trigger computes it); the others are left alone.
CREATE FUNCTION petition_search_refresh(ids bigint[]) RETURNS void AS $$
    UPDATE petitions_petition petition SET search_document = NULL
    WHERE petition.id = ANY(ids)
        AND petition.search_document IS DISTINCT FROM petition_search_document(petition);
$$ LANGUAGE sql;

-- Rows naming their petition (responses, keyword links). TG_ARGV[0]: that column.
CREATE FUNCTION petition_search_stale() RETURNS trigger AS $$
DECLARE
    source text;
BEGIN
    source := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %1$I FROM changed', TG_ARGV[0])
        WHEN 'DELETE' THEN format('SELECT %1$I FROM before_change', TG_ARGV[0])
        ELSE format('SELECT %1$I FROM changed UNION SELECT %1$I FROM before_change', TG_ARGV[0])
    END;
    EXECUTE 'SELECT petition_search_refresh(ARRAY(' || source || '))';
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- A Member renamed or moved to another riding, a topic or keyword renamed: every
-- petition naming it reads otherwise, so each is written again without first computing
-- whether it changed (the row trigger computes it once).
CREATE FUNCTION member_search_stale() RETURNS trigger AS $$
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

CREATE FUNCTION topic_search_stale() RETURNS trigger AS $$
BEGIN
    UPDATE petitions_petition SET search_document = NULL
    WHERE topic_id IN (
        SELECT c.id FROM changed c JOIN before_change b ON b.id = c.id
        WHERE (c.name_en, c.name_fr) IS DISTINCT FROM (b.name_en, b.name_fr)
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION keyword_search_stale() RETURNS trigger AS $$
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
"""


def _own_rows_triggers(table):
    return "".join(
        f"""
CREATE TRIGGER search_document_on_{event.lower()} AFTER {event} ON {table}
    REFERENCING {tables} FOR EACH STATEMENT
    EXECUTE FUNCTION petition_search_stale('petition_id');"""
        for event, tables in [
            ("INSERT", "NEW TABLE AS changed"),
            ("UPDATE", "OLD TABLE AS before_change NEW TABLE AS changed"),
            ("DELETE", "OLD TABLE AS before_change"),
        ]
    )


def _referred_trigger(table, function):
    return f"""
CREATE TRIGGER search_document_on_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS before_change NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION {function}();"""


TRIGGERS = (
    _own_rows_triggers("responses_governmentresponse")
    + _own_rows_triggers("petitions_petition_keywords")
    + _referred_trigger("petitions_member", "member_search_stale")
    + _referred_trigger("petitions_topic", "topic_search_stale")
    + _referred_trigger("petitions_keyword", "keyword_search_stale")
    # The other rules a row of petitions_petition gets from the database, so that a
    # loader skipping triggers (seed_demo) has them applied by the same SQL.
    + """
ALTER TABLE petitions_petition ENABLE ALWAYS TRIGGER petition_activity_on;
ALTER TABLE petitions_petition ENABLE ALWAYS TRIGGER export_line_on_insert;
"""
)

REVERSE_SQL = """
ALTER TABLE petitions_petition ENABLE TRIGGER petition_activity_on;
ALTER TABLE petitions_petition ENABLE TRIGGER export_line_on_insert;
DROP TRIGGER IF EXISTS search_document_on_insert ON responses_governmentresponse;
DROP TRIGGER IF EXISTS search_document_on_update ON responses_governmentresponse;
DROP TRIGGER IF EXISTS search_document_on_delete ON responses_governmentresponse;
DROP TRIGGER IF EXISTS search_document_on_insert ON petitions_petition_keywords;
DROP TRIGGER IF EXISTS search_document_on_update ON petitions_petition_keywords;
DROP TRIGGER IF EXISTS search_document_on_delete ON petitions_petition_keywords;
DROP TRIGGER IF EXISTS search_document_on_update ON petitions_member;
DROP TRIGGER IF EXISTS search_document_on_update ON petitions_topic;
DROP TRIGGER IF EXISTS search_document_on_update ON petitions_keyword;
DROP TRIGGER IF EXISTS petition_search_document ON petitions_petition;
DROP FUNCTION IF EXISTS member_search_stale(), topic_search_stale(), keyword_search_stale(),
    petition_search_stale(), petition_search_refresh(bigint[]),
    petition_search_document_write(), petition_search_document(petitions_petition);
DROP TEXT SEARCH CONFIGURATION IF EXISTS simple_unaccent;
"""


def fill_documents(apps, schema_editor):
    """Every stored petition's document, a batch per transaction. As a replica would
    (where the role may), so that the export lines stay as they are: the document is
    not exported, and the document's own trigger fires always."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM petitions_petition")
        last = cursor.fetchone()[0]
    for start in range(0, last + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")
            if superuser:
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                "UPDATE petitions_petition SET search_document = NULL "
                "WHERE id >= %s AND id < %s AND search_document IS NULL",
                [start, start + BATCH],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0020_data_version"),
        ("responses", "0004_clerks_edit_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, REVERSE_SQL),
        migrations.RunPython(fill_documents, migrations.RunPython.noop, elidable=True),
        AddIndexConcurrently(
            model_name="petition",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_document"], name="petition_search_document"
            ),
        ),
        RemoveIndexConcurrently(model_name="petition", name="petition_search_vector"),
        migrations.RemoveField(model_name="petition", name="search_vector"),
    ]
