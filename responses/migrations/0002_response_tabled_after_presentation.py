from django.db import migrations

# A response cannot be tabled before its petition was presented. The rule spans two
# tables, so it is a pair of constraint triggers rather than a CHECK: one fires when a
# response is written, the other when a petition's presentation date changes. Both
# raise check_violation (23514), which Django reports as an IntegrityError.
SQL = """
CREATE FUNCTION response_tabled_after_presentation() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    IF TG_TABLE_NAME = 'responses_governmentresponse' THEN
        SELECT NEW.petition_id AS id, p.presented_on, NEW.tabled_on INTO bad
        FROM petitions_petition p
        WHERE p.id = NEW.petition_id AND NEW.tabled_on < p.presented_on;
    ELSE
        SELECT NEW.id AS id, NEW.presented_on, r.tabled_on INTO bad
        FROM responses_governmentresponse r
        WHERE r.petition_id = NEW.id AND r.tabled_on < NEW.presented_on
        LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'response tabled on % before the petition was presented on %',
            bad.tabled_on, bad.presented_on
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'response_tabled_after_presentation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER response_tabled_after_presentation
    AFTER INSERT OR UPDATE OF tabled_on, petition_id ON responses_governmentresponse
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW EXECUTE FUNCTION response_tabled_after_presentation();

CREATE CONSTRAINT TRIGGER petition_presented_before_responses
    AFTER UPDATE OF presented_on ON petitions_petition
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW EXECUTE FUNCTION response_tabled_after_presentation();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS petition_presented_before_responses ON petitions_petition;
DROP TRIGGER IF EXISTS response_tabled_after_presentation ON responses_governmentresponse;
DROP FUNCTION IF EXISTS response_tabled_after_presentation();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("responses", "0001_initial"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
