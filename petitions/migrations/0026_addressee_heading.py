"""The House's heading, kept when it names several addressees ("Petition to the Minister
of Health and the Minister of Finance"): the addressee fields hold the first, this the
rest, so an import loses none of them.

The export record gains the two fields, so every kept export line is emptied (it is
built again, with the new columns, when next asked for) and the data version moves, so
no kept page or file answers with the old columns. At 1,000,000 petitions the emptying
rewrites each line once."""

from django.db import migrations, models

EMPTY_LINES = """
    UPDATE petitions_exportline
    SET stamp = stamp + 1, csv = '', json = '', csv_valid_until = NULL, json_valid_until = NULL;
    UPDATE petitions_data_version
    SET version = GREATEST(version + 1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1e6)::bigint);
"""


def heading(language, **options):
    return models.CharField(
        f"heading naming several addressees ({language})",
        max_length=500,
        blank=True,
        default="",
        db_default="",
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0025_search_document_parallel_safe")]

    operations = [
        migrations.AddField(
            "petition",
            "addressee_heading_en",
            heading(
                "English",
                help_text=(
                    "The heading as the House printed it, when it names more than one "
                    "addressee; the fields above hold the first. Pages show it instead of "
                    "the usual heading."
                ),
            ),
        ),
        migrations.AddField("petition", "addressee_heading_fr", heading("French")),
        # Lines built with either set of columns are wrong under the other.
        migrations.RunSQL(EMPTY_LINES, EMPTY_LINES),
    ]
