"""Export lines kept per petition, and the triggers that keep them honest.

Triggers rather than signals: imports, seeding and the admin write in bulk, and a
bulk_create or a QuerySet.update sends no signal. They fire once per statement and read
the rows it wrote from transition tables, so a million inserted rows cost one UPDATE,
not a million. A write empties the lines of the petitions it touches and moves their
stamp on; a line built from data read before the write carries the old stamp and is
not stored (petitions/export_lines.py)."""

import django.db.models.deletion
from django.db import migrations, models

# Inside the functions' quoted statements, hence the doubled quotes.
EMPTY = (
    "stamp = stamp + 1, csv = '''', json = '''', csv_valid_until = NULL, json_valid_until = NULL"
)

# Tables whose rows name their petition: (table, the petition's key in it).
OWN_ROWS = [
    ("petitions_petition", "id"),
    ("petitions_signaturewindow", "petition_id"),
    ("petitions_provincesignaturecount", "petition_id"),
    ("petitions_petition_keywords", "petition_id"),
    ("responses_governmentresponse", "petition_id"),
]
# Tables a petition's line names a row of: (table, [(referring table, its petition
# key, its reference)]). Their rows are not deleted while referred to (PROTECT), and a
# deleted keyword's links are deleted first, so an update is the one write to follow.
REFERRED = [
    ("petitions_parliamentarysession", [("petitions_petition", "id", "session_id")]),
    ("petitions_topic", [("petitions_petition", "id", "topic_id")]),
    ("petitions_caucus", [("petitions_petition", "id", "sponsor_caucus_id")]),
    (
        "petitions_member",
        [
            ("petitions_petition", "id", "sponsor_id"),
            ("petitions_petition", "id", "presenter_id"),
            ("petitions_petition", "id", "addressee_member_id"),
        ],
    ),
    (
        "petitions_ministry",
        [
            ("petitions_petition", "id", "ministry_id"),
            ("responses_governmentresponse", "petition_id", "ministry_id"),
        ],
    ),
    ("petitions_keyword", [("petitions_petition_keywords", "petition_id", "keyword_id")]),
]

FUNCTIONS = f"""
CREATE FUNCTION export_line_add() RETURNS trigger AS $$
BEGIN
    INSERT INTO petitions_exportline (petition_id, stamp, csv, csv_url_at, json, json_url_at)
        SELECT id, 0, '', 0, '', 0 FROM added;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- TG_ARGV[0]: the column of the written rows that holds their petition's key.
CREATE FUNCTION export_line_stale() RETURNS trigger AS $$
DECLARE
    source text;
BEGIN
    source := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %1$I FROM changed', TG_ARGV[0])
        WHEN 'DELETE' THEN format('SELECT %1$I FROM before_change', TG_ARGV[0])
        ELSE format('SELECT %1$I FROM changed UNION SELECT %1$I FROM before_change', TG_ARGV[0])
    END;
    EXECUTE 'UPDATE petitions_exportline SET {EMPTY} WHERE petition_id IN (' || source || ')';
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- TG_ARGV: triples (referring table, its petition key, its reference to the updated
-- table). Only rows whose values changed count: an import that saves a Member as it
-- was leaves the Member's petitions' lines alone.
CREATE FUNCTION export_line_stale_referrers() RETURNS trigger AS $$
DECLARE
    sources text[] := '{{}}';
    i integer := 0;
BEGIN
    WHILE i < TG_NARGS LOOP
        sources := sources || format(
            'SELECT %I FROM %I WHERE %I IN (SELECT c.id FROM changed c '
            'JOIN before_change b ON b.id = c.id WHERE c IS DISTINCT FROM b)',
            TG_ARGV[i + 1], TG_ARGV[i], TG_ARGV[i + 2]
        );
        i := i + 3;
    END LOOP;
    EXECUTE 'UPDATE petitions_exportline SET {EMPTY} WHERE petition_id IN ('
        || array_to_string(sources, ' UNION ') || ')';
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _arguments(*values):
    return ", ".join(f"'{value}'" for value in values)


def _own_rows_triggers(table, key):
    return "".join(
        f"""
CREATE TRIGGER export_line_on_{event.lower()} AFTER {event} ON {table}
    REFERENCING {tables} FOR EACH STATEMENT
    EXECUTE FUNCTION export_line_stale({_arguments(key)});"""
        for event, tables in [
            ("INSERT", "NEW TABLE AS changed"),
            ("UPDATE", "OLD TABLE AS before_change NEW TABLE AS changed"),
            ("DELETE", "OLD TABLE AS before_change"),
        ]
        # A new petition has no line to empty: export_line_add gives it one. A deleted
        # one's line is deleted with it (CASCADE).
        if not (table == "petitions_petition" and event != "UPDATE")
    )


def _referred_trigger(table, referrers):
    triples = [value for referrer in referrers for value in referrer]
    return f"""
CREATE TRIGGER export_line_on_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS before_change NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION export_line_stale_referrers({_arguments(*triples)});"""


# Lines are read whole and often: lz4 decompresses them in a third of pglz's time,
# where the server was built with it.
LZ4 = """
DO $$
BEGIN
    IF EXISTS (
        SELECT FROM pg_settings
        WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
    ) THEN
        ALTER TABLE petitions_exportline
            ALTER COLUMN csv SET COMPRESSION lz4, ALTER COLUMN json SET COMPRESSION lz4;
    END IF;
END;
$$;
"""

SQL = (
    LZ4
    + FUNCTIONS
    + """
CREATE TRIGGER export_line_on_insert AFTER INSERT ON petitions_petition
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION export_line_add();
INSERT INTO petitions_exportline (petition_id, stamp, csv, csv_url_at, json, json_url_at)
    SELECT id, 0, '', 0, '', 0 FROM petitions_petition;
"""
    + "".join(_own_rows_triggers(table, key) for table, key in OWN_ROWS)
    + "".join(_referred_trigger(table, referrers) for table, referrers in REFERRED)
)

# Dropping the functions drops their triggers.
REVERSE_SQL = (
    "DROP FUNCTION export_line_add(), export_line_stale(), export_line_stale_referrers() CASCADE;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0009_petition_facts_index"),
        # The responses' table exists: its writes empty lines too.
        ("responses", "0003_indexes_for_member_and_ministry_pages"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExportLine",
            fields=[
                (
                    "petition",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="export_line",
                        serialize=False,
                        to="petitions.petition",
                    ),
                ),
                ("stamp", models.PositiveIntegerField(default=0)),
                ("csv", models.TextField(blank=True)),
                ("json", models.TextField(blank=True)),
                ("csv_url_at", models.PositiveIntegerField(default=0)),
                ("json_url_at", models.PositiveIntegerField(default=0)),
                ("csv_valid_until", models.DateTimeField(null=True)),
                ("json_valid_until", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
