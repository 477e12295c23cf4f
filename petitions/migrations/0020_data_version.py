"""The data version that kept pages and values are keyed by (petitions/cache.py): one row,
moved on after each commit that changes the data. In the database rather than the cache,
so that every process reads the same number."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("petitions", "0019_reference_data")]

    operations = [
        migrations.RunSQL(
            """
            CREATE TABLE petitions_data_version (version bigint NOT NULL);
            INSERT INTO petitions_data_version
            VALUES ((EXTRACT(EPOCH FROM clock_timestamp()) * 1e6)::bigint);
            """,
            "DROP TABLE petitions_data_version;",
        )
    ]
