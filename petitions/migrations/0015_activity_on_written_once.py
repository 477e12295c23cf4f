from django.db import migrations

# The activity date's rule in one function, used by both triggers of migration 0012. A
# window's write now sets its petition's date only when it changes: setting it rewrites
# the petition's row, whose stored search vector PostgreSQL computes again (an admin save
# of a window with the same opening did that for nothing).
SQL = """
CREATE FUNCTION petition_activity_on_of(presented_on date, opens_at timestamptz)
RETURNS date AS $$
    SELECT COALESCE(presented_on, (opens_at AT TIME ZONE 'America/Toronto')::date);
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION petition_activity_on() RETURNS trigger AS $$
BEGIN
    NEW.activity_on := petition_activity_on_of(
        NEW.presented_on,
        (SELECT window_.opens_at FROM petitions_signaturewindow window_
         WHERE window_.petition_id = NEW.id)
    );
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION window_activity_on() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE petitions_petition SET activity_on = NULL
        WHERE id = NEW.petition_id
            AND activity_on IS DISTINCT FROM petition_activity_on_of(presented_on, NEW.opens_at);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.petition_id <> NEW.petition_id) THEN
        UPDATE petitions_petition SET activity_on = NULL
        WHERE id = OLD.petition_id
            AND activity_on IS DISTINCT FROM petition_activity_on_of(presented_on, NULL);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# Back to migration 0012's functions.
REVERSE_SQL = """
CREATE OR REPLACE FUNCTION petition_activity_on() RETURNS trigger AS $$
BEGIN
    NEW.activity_on := COALESCE(
        NEW.presented_on,
        (SELECT (window_.opens_at AT TIME ZONE 'America/Toronto')::date
         FROM petitions_signaturewindow window_ WHERE window_.petition_id = NEW.id)
    );
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION window_activity_on() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE petitions_petition SET activity_on = NULL WHERE id = NEW.petition_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE petitions_petition SET activity_on = NULL
        WHERE id = OLD.petition_id AND (TG_OP = 'DELETE' OR OLD.petition_id <> NEW.petition_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP FUNCTION IF EXISTS petition_activity_on_of(date, timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0014_export_keys_carry_activity_on"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
