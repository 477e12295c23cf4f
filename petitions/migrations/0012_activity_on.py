from django.db import migrations, models

# A petition's activity_on is presented_on, or else the day its window opened on
# Ottawa's clock (the project's TIME_ZONE): what the list's "newest first" sorts by. It
# spans two tables, so the database keeps it. On a petition's insert, or an update that
# sets presented_on or activity_on, the row's value is computed before it is stored
# (whatever the writer put there); a window's insert, delete or change of opening sets
# its petition's activity_on, which runs that computation again.
SQL = """
CREATE FUNCTION petition_activity_on() RETURNS trigger AS $$
BEGIN
    NEW.activity_on := COALESCE(
        NEW.presented_on,
        (SELECT (window_.opens_at AT TIME ZONE 'America/Toronto')::date
         FROM petitions_signaturewindow window_ WHERE window_.petition_id = NEW.id)
    );
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER petition_activity_on
    BEFORE INSERT OR UPDATE OF presented_on, activity_on ON petitions_petition
    FOR EACH ROW EXECUTE FUNCTION petition_activity_on();

CREATE FUNCTION window_activity_on() RETURNS trigger AS $$
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

CREATE TRIGGER window_activity_on
    AFTER INSERT OR DELETE OR UPDATE OF opens_at, petition_id ON petitions_signaturewindow
    FOR EACH ROW EXECUTE FUNCTION window_activity_on();

-- The petitions already stored, set-based (the row trigger computes the same value);
-- their export lines stay as they are: activity_on is not exported.
ALTER TABLE petitions_petition DISABLE TRIGGER petition_activity_on;
ALTER TABLE petitions_petition DISABLE TRIGGER export_line_on_update;
UPDATE petitions_petition petition
SET activity_on = COALESCE(
    petition.presented_on,
    (SELECT (window_.opens_at AT TIME ZONE 'America/Toronto')::date
     FROM petitions_signaturewindow window_ WHERE window_.petition_id = petition.id)
);
ALTER TABLE petitions_petition ENABLE TRIGGER petition_activity_on;
ALTER TABLE petitions_petition ENABLE TRIGGER export_line_on_update;
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS window_activity_on ON petitions_signaturewindow;
DROP FUNCTION IF EXISTS window_activity_on();
DROP TRIGGER IF EXISTS petition_activity_on ON petitions_petition;
DROP FUNCTION IF EXISTS petition_activity_on();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0011_presented_on_index_holds_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="activity_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                models.OrderBy(models.F("activity_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="petition_activity",
            ),
        ),
    ]
