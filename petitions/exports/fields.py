"""The fields of the archive's export record and the CSV columns they flatten into,
written once: the JSON export, the CSV export, the export command, the data dictionary
and the import of this project's own files all read these lists.

A record's stored fields are what an import reads back; the derived ones are what a
researcher computes anyway (response times, the 45-day deadline, the petition's
address), written after the responses and ignored on import. In a CSV a name becomes
a column per part (topic_en, topic_fr), a Member a column per part
(sponsor_first_name, ...), the counts by province a column per province
(signatures_ON, ...); keywords and responses stay JSON in their cell, so nothing is
lost."""

from petitions.models import PROVINCES

PROVINCE_CODES = [code for code, _, _ in PROVINCES]

STORED_FIELDS = [
    "number",
    "kind",
    "parliament",
    "session",
    "session_started_on",
    "session_ended_on",
    "house_id",
    "status",
    "topic",
    "keywords",
    "petitioner_name",
    "petitioner_city",
    "petitioner_province",
    "original_language",
    "addressee_kind",
    "ministry",
    "addressee_member",
    "addressee_heading_en",
    "addressee_heading_fr",
    "whereas_en",
    "whereas_fr",
    "prayer_en",
    "prayer_fr",
    "sponsor",
    "sponsor_riding",
    "sponsor_caucus",
    "sponsor_province",
    "presenter",
    "presenter_riding",
    "presentation_number",
    "presented_on",
    "outcome",
    "outcome_on",
    "signature_count",
    "opens_at",
    "closes_at",
    "province_counts",
    "responses",
    "source_url",
    "source_note",
]
DERIVED_FIELDS = [
    "response_count",
    "first_response_on",
    "last_response_on",
    "response_due_on",
    "days_to_respond",
    "responded_within_45_days",
    "url",
]
_AFTER = STORED_FIELDS.index("responses") + 1
# The record's fields in the order every format writes them.
RECORD_FIELDS = [*STORED_FIELDS[:_AFTER], *DERIVED_FIELDS, *STORED_FIELDS[_AFTER:]]

# A name's parts, by its field; a Member's parts.
NAME_PARTS = {
    "topic": ("en", "fr"),
    "ministry": ("en", "fr"),
    "sponsor_caucus": ("short", "en", "fr"),
}
MEMBER_FIELDS = ("addressee_member", "sponsor", "presenter")
MEMBER_PARTS = ("first_name", "last_name", "house_person_id")
# Lists, kept as JSON text in a CSV cell.
JSON_CELLS = ("keywords", "responses")
# Aware datetimes, written as ISO 8601 on Ottawa's clock.
DATETIME_FIELDS = ("opens_at", "closes_at")


def field_columns(field):
    """The CSV columns a record field is written in."""
    if field in NAME_PARTS:
        return [f"{field}_{part}" for part in NAME_PARTS[field]]
    if field in MEMBER_FIELDS:
        return [f"{field}_{part}" for part in MEMBER_PARTS]
    if field == "province_counts":
        return [f"signatures_{code}" for code in PROVINCE_CODES]
    return [field]


CSV_COLUMNS = [column for field in RECORD_FIELDS for column in field_columns(field)]
STORED_COLUMNS = [column for field in STORED_FIELDS for column in field_columns(field)]
