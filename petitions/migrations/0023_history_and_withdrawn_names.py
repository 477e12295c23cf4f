"""Signature history, the public change history, and withdrawn petitioners' names.

A withdrawn name is left out of the search document too: petition_search_document
(migration 0021) reads the name only while it is not withdrawn, and its row trigger
runs again when the flag is set. No name is withdrawn yet, so no document is rewritten."""

import django.db.models.deletion
from django.db import migrations, models

# As migration 0021, and the flag: setting it writes the document again.
SEARCHED_COLUMNS = (
    "number, presentation_number, prayer_en, prayer_fr, whereas_en, whereas_fr, "
    "topic_id, petitioner_name, petitioner_city, sponsor_id, sponsor_riding, "
    "presenter_id, presenter_riding, search_document"
)

DOCUMENT = """
CREATE OR REPLACE FUNCTION petition_search_document(petition petitions_petition)
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
            CASE WHEN NOT petition.is_petitioner_name_withdrawn THEN petition.petitioner_name END,
            petition.petitioner_city,
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
"""

TRIGGER = """
DROP TRIGGER petition_search_document ON petitions_petition;
CREATE TRIGGER petition_search_document
    BEFORE INSERT OR UPDATE OF {columns} ON petitions_petition
    FOR EACH ROW EXECUTE FUNCTION petition_search_document_write();
ALTER TABLE petitions_petition ENABLE ALWAYS TRIGGER petition_search_document;
"""

FORMER_DOCUMENT = """
CREATE OR REPLACE FUNCTION petition_search_document(petition petitions_petition)
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0022_search_rewrite_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="is_petitioner_name_withdrawn",
            field=models.BooleanField(
                default=False,
                help_text="On the petitioner's request: the name stays in the admin only.",
                verbose_name="withdraw the petitioner's name from public view",
            ),
        ),
        migrations.CreateModel(
            name="PetitionChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("changed_at", models.DateTimeField()),
                ("fields", models.JSONField(blank=True, default=list)),
                ("imported_from", models.CharField(blank=True, max_length=255)),
                (
                    "petition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="petitions.petition",
                    ),
                ),
            ],
            options={
                "ordering": ["petition", "-changed_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["petition", "-changed_at", "-id"], name="petition_change_newest"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SignatureSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("taken_at", models.DateTimeField()),
                ("signature_count", models.IntegerField(null=True)),
                ("province_counts", models.JSONField(blank=True, default=dict)),
                ("imported_from", models.CharField(blank=True, max_length=255)),
                (
                    "petition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signature_snapshots",
                        to="petitions.petition",
                    ),
                ),
            ],
            options={
                "ordering": ["petition", "taken_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("petition", "taken_at"), name="signature_snapshot_one_per_moment"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("signature_count__gte", 0)),
                        name="signature_snapshot_count_not_negative",
                    ),
                ],
            },
        ),
        migrations.RunSQL(
            DOCUMENT + TRIGGER.format(columns=SEARCHED_COLUMNS + ", is_petitioner_name_withdrawn"),
            TRIGGER.format(columns=SEARCHED_COLUMNS) + FORMER_DOCUMENT,
        ),
        migrations.RunSQL(
            DOCUMENT + TRIGGER.format(columns=SEARCHED_COLUMNS + ", is_petitioner_name_withdrawn"),
            TRIGGER.format(columns=SEARCHED_COLUMNS) + FORMER_DOCUMENT,
        ),
    ]
