"""Related petitions, kept by the database (see petitions/models/related.py).

petition_ask(config, prayer) is what a prayer asks: its lexemes under the text search
configuration (stemmed, accents and stop words out) less those of the formula petitions
open with ("We, the undersigned, citizens of Canada, call upon the Government of
Canada to"), sorted, in one string. pg_trgm's similarity compares the words of two
such strings whatever their order: "same request" is a similarity of SAME_REQUEST or
more, in English (where both have it) or in French.

related_petitions_of(petition) reads a bounded set of candidates through btree indexes
(the petitions nearest by number under each of its ask's hashes and each of its
keywords) and scores them: the ask's similarity, the keywords shared (Jaccard), the
same topic. Up to five, same requests first (those of another session or kind before
those of its own), then close subjects; among equals, nearest in time first, then
those of its own session (a paper copy's e-petition). A trigram index on the
asks was tried first: with the many petitions that share words, its scans read a large
part of the index (17-30 ms a lookup at 50,000 petitions).

The keys of petitions stored before this migration, and their lists, are computed by
`manage.py compute_related_petitions`."""

import django.db.models.deletion
from django.db import migrations, models

# An ask of fewer words says too little to relate it ("to act"): it is left empty.
MIN_ASK_WORDS = 3
# Similarity of two asks from which they make the same request.
SAME_REQUEST = 0.8
# A close subject scores at least this: 0.6 x the asks' similarity + 0.3 x the share of
# keywords in common + 0.1 for the same topic. Sharing a topic and one keyword of
# three is not enough (0.2 and a little); the same topic and keywords is.
CLOSE_SUBJECT = 0.35
# Candidates read on each side of a petition's number, under each hash and keyword: a
# bound on a petition's cost whatever the archive's size.
NEIGHBOURS = 5

# The lexemes of the formula a prayer opens with, which say nothing of what it asks:
# to_tsvector of "We, the undersigned, citizens and residents of Canada, call upon the
# Government of Canada to; Therefore, your petitioners call upon the House of Commons
# in Parliament assembled to; request that the Prime Minister, the Minister, ask, urge,
# hereby petition" and of "Nous, soussignés, citoyens et résidents du Canada, prions le
# gouvernement du Canada de; Par conséquent, nous, soussignés, demandons à la Chambre
# des communes réunie en Parlement de; vos pétitionnaires prient demandent exhortent le
# premier ministre, la ministre".
OPENING_EN = (
    "ask assembl call canada citizen common govern herebi hous minist ministri "
    "parliament petit petition prime request resid therefor undersign upon urg"
)
OPENING_FR = (
    "a canad chambr citoyen commun consequent demandent demandon exhortent gouvern "
    "ministr parl petitionnair premi prient prion resident reun soussign"
)

# The columns of a petition its key and list read; the trigger's WHEN clause fires
# only when one of them changes (an import saves every column of every record).
READ_COLUMNS = ("prayer_en", "prayer_fr", "topic_id", "session_id", "kind")

FUNCTIONS = f"""
CREATE FUNCTION petition_ask(config regconfig, prayer text) RETURNS text
IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
    SELECT CASE WHEN cardinality(words) >= {MIN_ASK_WORDS}
        THEN array_to_string(words, ' ') ELSE '' END
    FROM (SELECT ARRAY(
        SELECT word FROM unnest(tsvector_to_array(ts_delete(
            to_tsvector(config, coalesce(prayer, '')),
            string_to_array(CASE config WHEN 'french_unaccent'::regconfig
                THEN '{OPENING_FR}' ELSE '{OPENING_EN}' END, ' ')
        ))) AS word
        -- The numbers of numbered requests ("1.", "2-") say nothing either.
        WHERE word !~ '^[0-9]{{1,2}}$'
        ORDER BY word
    ) AS words) AS ask
$$;

-- The hashes of an ask in two languages: each whole ask's, and three MinHashes of its
-- words in each (salted apart from the whole ask's).
CREATE FUNCTION related_hashes(ask_en text, ask_fr text) RETURNS integer[]
IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
    SELECT coalesce(array_agg(DISTINCT hash), '{{}}') FROM (
        SELECT hashtext('=' || ask) AS hash
        FROM unnest(ARRAY[ask_en, ask_fr]) AS ask WHERE ask <> ''
        UNION ALL
        SELECT (SELECT min(hashtext(salt || ':' || word))
                FROM unnest(string_to_array(ask, ' ')) AS word)
        FROM unnest(ARRAY[ask_en, ask_fr]) AS ask, generate_series(1, 3) AS salt
        WHERE ask <> ''
    ) AS hashes
$$;

-- A petition's key and hashes, written again from its prayer.
CREATE FUNCTION related_key_store(target bigint, prayer_en text, prayer_fr text, mark text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    ask_en text := petition_ask('english_unaccent', prayer_en);
    ask_fr text := petition_ask('french_unaccent', prayer_fr);
BEGIN
    INSERT INTO petitions_relatedkey (petition_id, ask_en, ask_fr, state)
    VALUES (target, ask_en, ask_fr, mark)
    ON CONFLICT (petition_id) DO UPDATE
        SET ask_en = EXCLUDED.ask_en, ask_fr = EXCLUDED.ask_fr, state = EXCLUDED.state;
    DELETE FROM petitions_relatedhash WHERE petition_id = target;
    INSERT INTO petitions_relatedhash (hash, petition_id)
    SELECT hash, target FROM unnest(related_hashes(ask_en, ask_fr)) AS hash;
END;
$$;

-- Up to five petitions related to `target`, ranked.
CREATE FUNCTION related_petitions_of(target bigint)
RETURNS TABLE (related_id bigint, kind text, score double precision, rank integer)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    me record;
    candidates bigint[];
BEGIN
    SELECT p.id, p.session_id, p.kind, p.topic_id, p.activity_on, k.ask_en, k.ask_fr,
        ARRAY(SELECT l.keyword_id FROM petitions_petition_keywords l
              WHERE l.petition_id = p.id) AS keywords
    INTO me
    FROM petitions_petition p JOIN petitions_relatedkey k ON k.petition_id = p.id
    WHERE p.id = target;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    candidates := ARRAY(SELECT n.petition_id
        FROM (SELECT h.hash FROM petitions_relatedhash h WHERE h.petition_id = target) AS key
        CROSS JOIN LATERAL (
            (SELECT x.petition_id FROM petitions_relatedhash x
             WHERE x.hash = key.hash AND x.petition_id < target
             ORDER BY x.petition_id DESC LIMIT {NEIGHBOURS})
            UNION ALL
            (SELECT x.petition_id FROM petitions_relatedhash x
             WHERE x.hash = key.hash AND x.petition_id > target
             ORDER BY x.petition_id LIMIT {NEIGHBOURS})
        ) AS n)
        || ARRAY(SELECT n.petition_id FROM unnest(me.keywords) AS keyword(id)
        CROSS JOIN LATERAL (
            (SELECT l.petition_id FROM petitions_petition_keywords l
             WHERE l.keyword_id = keyword.id AND l.petition_id < target
             ORDER BY l.petition_id DESC LIMIT {NEIGHBOURS})
            UNION ALL
            (SELECT l.petition_id FROM petitions_petition_keywords l
             WHERE l.keyword_id = keyword.id AND l.petition_id > target
             ORDER BY l.petition_id LIMIT {NEIGHBOURS})
        ) AS n);
    RETURN QUERY
    WITH scored AS (
        SELECT p.id,
            -- In English where both have it, else in French; the same ask without
            -- comparing its trigrams.
            (CASE
                WHEN me.ask_en <> '' AND k.ask_en <> '' THEN
                    CASE WHEN k.ask_en = me.ask_en THEN 1 ELSE similarity(me.ask_en, k.ask_en) END
                WHEN me.ask_fr <> '' AND k.ask_fr <> '' THEN
                    CASE WHEN k.ask_fr = me.ask_fr THEN 1 ELSE similarity(me.ask_fr, k.ask_fr) END
                ELSE 0
            END)::double precision AS ask,
            coalesce(shared.n::double precision / nullif(
                cardinality(me.keywords) + shared.total - shared.n, 0), 0) AS keywords,
            coalesce(p.topic_id = me.topic_id, false) AS same_topic,
            p.session_id <> me.session_id OR p.kind <> me.kind AS elsewhere,
            p.session_id = me.session_id AS same_session,
            abs(coalesce(p.activity_on - me.activity_on, 100000)) AS days_apart
        FROM (SELECT DISTINCT c.id FROM unnest(candidates) AS c(id)) AS c
        JOIN petitions_petition p ON p.id = c.id
        JOIN petitions_relatedkey k ON k.petition_id = p.id
        CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE l.keyword_id = ANY(me.keywords)) AS n,
                count(*) AS total
            FROM petitions_petition_keywords l WHERE l.petition_id = p.id
        ) AS shared
    ), kinds AS (
        SELECT scored.*,
            CASE WHEN scored.ask >= {SAME_REQUEST} THEN 'same' ELSE 'similar' END AS kind,
            CASE WHEN scored.ask >= {SAME_REQUEST} THEN scored.ask
                ELSE 0.6 * scored.ask + 0.3 * scored.keywords + 0.1 * scored.same_topic::int
            END AS score
        FROM scored
    )
    SELECT kinds.id, kinds.kind, kinds.score,
        (row_number() OVER (ORDER BY kinds.kind = 'same' DESC,
            CASE WHEN kinds.kind = 'same' THEN round(kinds.score::numeric, 1) END DESC,
            CASE WHEN kinds.kind = 'same' THEN kinds.elsewhere END DESC,
            round(kinds.score::numeric, 2) DESC, kinds.days_apart,
            kinds.same_session DESC, kinds.id DESC))::integer
    FROM kinds
    WHERE kinds.kind = 'same' OR kinds.score >= {CLOSE_SUBJECT}
    ORDER BY 4
    LIMIT 5;
END;
$$;

-- The lists of `ids` not current, computed again (those another transaction is
-- computing are skipped). With tell_listed, the petitions a changed petition now lists
-- and that do not list it are marked stale, to find it in turn. Returns how many.
CREATE FUNCTION related_petitions_refresh(ids bigint[], tell_listed boolean)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    todo bigint[];
    changed bigint[];
    missing record;
BEGIN
    FOR missing IN
        SELECT p.id, p.prayer_en, p.prayer_fr FROM petitions_petition p
        WHERE p.id = ANY(ids)
            AND NOT EXISTS (SELECT FROM petitions_relatedkey k WHERE k.petition_id = p.id)
    LOOP
        PERFORM related_key_store(missing.id, missing.prayer_en, missing.prayer_fr, 'changed');
    END LOOP;
    SELECT array_agg(mine.petition_id),
        array_agg(mine.petition_id) FILTER (WHERE mine.state = 'changed')
    INTO todo, changed
    FROM (SELECT k.petition_id, k.state FROM petitions_relatedkey k
          WHERE k.petition_id = ANY(ids) AND k.state <> 'current'
          FOR UPDATE SKIP LOCKED) AS mine;
    IF todo IS NULL THEN
        RETURN 0;
    END IF;
    DELETE FROM petitions_relatedpetition WHERE petition_id = ANY(todo);
    INSERT INTO petitions_relatedpetition (petition_id, related_id, kind, score, rank)
    SELECT t.id, r.related_id, r.kind, r.score, r.rank
    FROM unnest(todo) AS t(id) CROSS JOIN LATERAL related_petitions_of(t.id) AS r;
    UPDATE petitions_relatedkey SET state = 'current' WHERE petition_id = ANY(todo);
    IF tell_listed AND changed IS NOT NULL THEN
        UPDATE petitions_relatedkey k SET state = 'stale'
        FROM petitions_relatedpetition r
        WHERE r.petition_id = ANY(changed) AND k.petition_id = r.related_id
            AND k.state = 'current'
            AND NOT EXISTS (SELECT FROM petitions_relatedpetition back
                WHERE back.petition_id = r.related_id AND back.related_id = r.petition_id);
    END IF;
    RETURN cardinality(todo);
END;
$$;

-- A petition stored or changed: its key and hashes written again and its list marked
-- changed; the lists that name it, stale.
CREATE FUNCTION related_key_write() RETURNS trigger AS $$
BEGIN
    PERFORM related_key_store(NEW.id, NEW.prayer_en, NEW.prayer_fr, 'changed');
    IF TG_OP = 'UPDATE' THEN
        UPDATE petitions_relatedkey SET state = 'stale'
        WHERE state = 'current' AND petition_id IN (
            SELECT r.petition_id FROM petitions_relatedpetition r WHERE r.related_id = NEW.id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Keywords added to or taken from petitions: theirs changed, the lists naming them stale.
CREATE FUNCTION related_keywords_changed() RETURNS trigger AS $$
BEGIN
    UPDATE petitions_relatedkey SET state = 'changed'
    WHERE state <> 'changed' AND petition_id IN (SELECT petition_id FROM changed_links);
    UPDATE petitions_relatedkey SET state = 'stale'
    WHERE state = 'current' AND petition_id IN (
        SELECT r.petition_id FROM petitions_relatedpetition r
        WHERE r.related_id IN (SELECT petition_id FROM changed_links));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER related_key_on_insert AFTER INSERT ON petitions_petition
    FOR EACH ROW EXECUTE FUNCTION related_key_write();
CREATE TRIGGER related_key_on_update AFTER UPDATE OF {", ".join(READ_COLUMNS)}
    ON petitions_petition FOR EACH ROW
    WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in READ_COLUMNS)})
    EXECUTE FUNCTION related_key_write();
CREATE TRIGGER related_on_insert AFTER INSERT ON petitions_petition_keywords
    REFERENCING NEW TABLE AS changed_links FOR EACH STATEMENT
    EXECUTE FUNCTION related_keywords_changed();
CREATE TRIGGER related_on_delete AFTER DELETE ON petitions_petition_keywords
    REFERENCING OLD TABLE AS changed_links FOR EACH STATEMENT
    EXECUTE FUNCTION related_keywords_changed();
"""

# A keyword's petitions nearest by number: a petition's neighbours under each keyword.
# Built concurrently: the links of a million petitions are a few million rows, and an
# import or a clerk's save writes links meanwhile.
KEYWORD_INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS related_keyword_petitions
    ON petitions_petition_keywords (keyword_id, petition_id)
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS related_on_delete ON petitions_petition_keywords;
DROP TRIGGER IF EXISTS related_on_insert ON petitions_petition_keywords;
DROP TRIGGER IF EXISTS related_key_on_update ON petitions_petition;
DROP TRIGGER IF EXISTS related_key_on_insert ON petitions_petition;
DROP FUNCTION IF EXISTS related_keywords_changed(), related_key_write(),
    related_petitions_refresh(bigint[], boolean), related_petitions_of(bigint),
    related_key_store(bigint, text, text, text), related_hashes(text, text),
    petition_ask(regconfig, text);
"""


class Migration(migrations.Migration):
    # The keyword index is built concurrently, outside a transaction.
    atomic = False
    dependencies = [
        ("petitions", "0023_history_and_withdrawn_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="RelatedHash",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "hash",
                        "petition",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("hash", models.IntegerField()),
                (
                    "petition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="petitions.petition",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="RelatedKey",
            fields=[
                (
                    "petition",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="related_key",
                        serialize=False,
                        to="petitions.petition",
                    ),
                ),
                ("ask_en", models.TextField(blank=True)),
                ("ask_fr", models.TextField(blank=True)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("current", "current"),
                            ("stale", "out of date"),
                            ("changed", "changed"),
                        ],
                        default="changed",
                        max_length=8,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("state", "current"), _negated=True),
                        fields=["petition"],
                        name="related_not_current",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("state__in", ["current", "stale", "changed"])),
                        name="related_state_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RelatedPetition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("same", "Same request"), ("similar", "Similar subject")],
                        max_length=8,
                    ),
                ),
                ("score", models.FloatField()),
                ("rank", models.PositiveSmallIntegerField()),
                (
                    "petition",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="petitions.petition",
                    ),
                ),
                (
                    "related",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="petitions.petition",
                    ),
                ),
            ],
            options={
                "ordering": ["petition", "rank"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("petition", "rank"), name="related_unique_rank"
                    ),
                    models.UniqueConstraint(
                        fields=("petition", "related"), name="related_unique_pair"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("petition", models.F("related")), _negated=True),
                        name="related_not_itself",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("rank__gte", 1), ("rank__lte", 5)),
                        name="related_rank_in_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["same", "similar"])),
                        name="related_kind_valid",
                    ),
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE_SQL),
        migrations.RunSQL(
            KEYWORD_INDEX, "DROP INDEX CONCURRENTLY IF EXISTS related_keyword_petitions"
        ),
    ]
