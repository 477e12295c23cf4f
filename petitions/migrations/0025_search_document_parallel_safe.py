"""The search document's rule, read the same way every time and safe in parallel.

petition_search_document (migration 0023) joined a petition's keywords and responses
in whatever order the scan gave them, so the same petition could be given documents
that differ in their words' positions: a refresh then wrote again documents that had
not changed. Keywords now come in the order they were linked, responses in their
order on the page. Marked PARALLEL SAFE (it only reads), so that seed_demo computes a
big load's documents on every core. Stored documents are left as they are: they find
the same petitions."""

import importlib

from django.db import migrations

FORMER = importlib.import_module("petitions.migrations.0023_history_and_withdrawn_names")

ORDERED = {
    "string_agg(keyword.name_en, ' ')": "string_agg(keyword.name_en, ' ' ORDER BY link.id)",
    "string_agg(keyword.name_fr, ' ')": "string_agg(keyword.name_fr, ' ' ORDER BY link.id)",
    "string_agg(response.text_en, ' ')": (
        "string_agg(response.text_en, ' ' ORDER BY response.position, response.id)"
    ),
    "string_agg(response.text_fr, ' ')": (
        "string_agg(response.text_fr, ' ' ORDER BY response.position, response.id)"
    ),
    "string_agg(response.signed_by, ' ')": (
        "string_agg(response.signed_by, ' ' ORDER BY response.position, response.id)"
    ),
}


def _ordered(document):
    for unordered, ordered in ORDERED.items():
        assert document.count(unordered) == 1, unordered
        document = document.replace(unordered, ordered)
    return document.replace("LANGUAGE plpgsql STABLE;", "LANGUAGE plpgsql STABLE PARALLEL SAFE;")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0024_related_petitions")]

    operations = [migrations.RunSQL(_ordered(FORMER.DOCUMENT), FORMER.DOCUMENT)]
