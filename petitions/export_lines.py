"""Each petition's line in the CSV and in the JSON export, built once and kept.

Gathering every field of a petition (its keywords, counts by province and responses as
JSON, its Members and names) costs about a hundred microseconds a row in the database
and as much again in Python: two thousand rows a second at best. A researcher's export
of a hundred thousand petitions instead reads the lines kept in ExportLine, built the
first time they are asked for, and only joins in each petition's address, which
depends on the language asked.

A kept line stays valid until the data it was built from changes (database triggers
empty it: migration 0010) or until the clock alone changes one of its cells: a window
opens or closes, or a response falls overdue (`valid_until`)."""

import csv
import datetime
import io
import itertools
import json

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from petitions.house.codecs import CSV_COLUMNS
from petitions.house.records import EXPORT_FIELDS, jsonable
from petitions.house.table import AT, TABLE_COLUMNS, csv_cells, export_record_from_row, export_table
from petitions.models import RESPONSE_DAYS, Petition

# Rows read, built or written at a time.
CHUNK_SIZE = 1000
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
URL_PLACEHOLDER = "e-0"

# Derived from the facts, for researchers; after the responses in the CSV.
DERIVED_FIELDS = [
    "response_count",
    "first_response_on",
    "last_response_on",
    "response_due_on",
    "days_to_respond",
    "responded_within_45_days",
    "url",
]
_CSV_AFTER = CSV_COLUMNS.index("responses") + 1
COLUMNS = [*CSV_COLUMNS[:_CSV_AFTER], *DERIVED_FIELDS, *CSV_COLUMNS[_CSV_AFTER:]]
_AFTER = EXPORT_FIELDS.index("responses") + 1
JSON_FIELDS = [*EXPORT_FIELDS[:_AFTER], *DERIVED_FIELDS, *EXPORT_FIELDS[_AFTER:]]
_CSV_URL = COLUMNS.index("url")
# The address's value in a JSON line as built; a string's own quotes are escaped, so
# this text stands only for the top-level key.
_JSON_URL = '"url": null'


def deadline_facts(presented_on, first_response_on, today=None):
    """The 45-day deadline of Standing Order 36(8): when it falls, how long the first
    response took, and whether it was met (None while not presented or not yet due)."""
    if presented_on is None:
        return {"response_due_on": None, "days_to_respond": None, "responded_within_45_days": None}
    due = presented_on + datetime.timedelta(days=RESPONSE_DAYS)
    within = None
    if first_response_on is not None:
        within = first_response_on <= due
    elif due < (today or timezone.localdate()):
        within = False
    return {
        "response_due_on": due,
        "days_to_respond": (first_response_on - presented_on).days if first_response_on else None,
        "responded_within_45_days": within,
    }


def response_facts(row, today=None):
    """Responses tabled, when, and the deadline facts, from a row of the export table."""
    first = row[AT["first_response_on"]]
    return {
        "response_count": row[AT["response_count"]],
        "first_response_on": first,
        "last_response_on": row[AT["last_response_on"]],
        **deadline_facts(row[AT["presented_on"]], first, today),
    }


def petition_url(petition):
    return settings.SITE_URL.rstrip("/") + petition.get_absolute_url()


def _csv_text(cells):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def _csv_cells(row, today):
    """The row's cells in COLUMNS order, the address left empty."""
    cells = csv_cells(row)
    facts = response_facts(row, today)
    within = facts["responded_within_45_days"]
    facts["responded_within_45_days"] = None if within is None else str(within).lower()
    # As text, so that a negative number of days would be made harmless like any cell.
    if facts["days_to_respond"] is not None:
        facts["days_to_respond"] = str(facts["days_to_respond"])
    facts["url"] = None
    cells[_CSV_AFTER:_CSV_AFTER] = [facts[field] for field in DERIVED_FIELDS]
    # A cell a spreadsheet would run as a formula is shown as text. (Numbers never start
    # with "-": the database refuses negative counts and ids.)
    return [
        "'" + cell if type(cell) is str and cell.startswith(FORMULA_PREFIXES) else cell
        for cell in cells
    ]


def _csv_line(row, today):
    """The CSV line (no line end) and where the address goes in it: the cells before
    it are written as they are in the whole line, so its place is their length."""
    cells = _csv_cells(row, today)
    return _csv_text(cells), len(_csv_text(cells[:_CSV_URL])) + 1


def _json_line(row, today):
    """The JSON line, as json.dumps writes the record, less the address's value; and
    where that value goes."""
    record = export_record_from_row(row[: len(TABLE_COLUMNS)])
    record.update(response_facts(row, today), url=None)
    text = _json_text(jsonable({field: record[field] for field in JSON_FIELDS}))
    at = text.index(_JSON_URL) + len(_JSON_URL) - len("null")
    return text[:at] + text[at + len("null") :], at


def _valid_until(row, at):
    """The first moment after `at` when the clock alone changes a cell of the row."""
    moments = [row[AT["opens_at"]], row[AT["closes_at"]]]
    presented_on = row[AT["presented_on"]]
    if presented_on is not None and row[AT["first_response_on"]] is None:
        overdue_on = presented_on + datetime.timedelta(days=RESPONSE_DAYS + 1)
        moments.append(timezone.make_aware(datetime.datetime.combine(overdue_on, datetime.time())))
    return min((moment for moment in moments if moment is not None and moment > at), default=None)


def build_lines(petitions, *, at):
    """(key, stamp, csv, csv_url_at, json, json_url_at, valid_until) for each petition,
    as of `at`; the stamp is read with the data, in the same statement."""
    today = timezone.localdate(at)
    for row in export_table(petitions, at=at, then=("pk", "export_line__stamp")):
        yield (
            row[-2],
            row[-1],
            *_csv_line(row, today),
            *_json_line(row, today),
            _valid_until(row, at),
        )


# Written back only where the stamp is still the one read with the data: a line built
# while a clerk's change was being saved is left for the next export to build again.
STORE_SQL = """
UPDATE petitions_exportline AS line
SET csv = built.csv, csv_url_at = built.csv_url_at, json = built.json,
    json_url_at = built.json_url_at, valid_until = built.valid_until
FROM unnest(%s::bigint[], %s::integer[], %s::text[], %s::integer[], %s::text[],
            %s::integer[], %s::timestamptz[])
    AS built (petition_id, stamp, csv, csv_url_at, json, json_url_at, valid_until)
WHERE line.petition_id = built.petition_id AND line.stamp = built.stamp
"""


def keep_lines(petitions):
    """Build and store the lines of `petitions` that are missing or out of date, a
    chunk at a time, each in a statement of its own (no lock is held for the export)."""
    at = timezone.now()
    # (A petition without a line at all would have been written with the triggers off.)
    stale = Q(export_line__csv="") | Q(export_line=None) | Q(export_line__valid_until__lte=at)
    keys = list(petitions.order_by().filter(stale).values_list("pk", flat=True))
    for chunk in itertools.batched(keys, CHUNK_SIZE):
        lines = list(build_lines(Petition.objects.filter(pk__any=list(chunk)), at=at))
        with connection.cursor() as cursor:
            cursor.execute(STORE_SQL, [list(column) for column in zip(*lines, strict=True)])


def _json_text(value):
    return json.dumps(value, ensure_ascii=False)


def _address_parts(format):
    """The text before and after a petition's number in its address, in the active
    language, written as a cell of `format` is."""
    before, after = petition_url(Petition(number=URL_PLACEHOLDER)).split(URL_PLACEHOLDER)
    if format == "json":
        return json.dumps(before, ensure_ascii=False)[:-1], json.dumps(after, ensure_ascii=False)[
            1:
        ]
    if any(character in before + after for character in ',"\r\n'):
        return '"' + before.replace('"', '""'), after.replace('"', '""') + '"'
    return before, after


def export_lines(petitions, format):
    """The lines of `petitions` in `format` ("csv" or "json"), in the queryset's order,
    a chunk of them at a time. A line found out of date while reading (a clerk saved
    since keep_lines) is built again, not stored."""
    keep_lines(petitions)
    before, after = _address_parts(format)
    fields = [f"export_line__{format}", f"export_line__{format}_url_at"]
    text_at = 0 if format == "csv" else 2
    rows = petitions.values_list("pk", "number", *fields, "export_line__valid_until")
    # A transaction of its own: the server-side cursor computes each chunk as it is
    # fetched (outside one, it computes every row before the first).
    with transaction.atomic():
        for chunk in itertools.batched(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
            at = timezone.now()
            stale = [row[0] for row in chunk if not row[2] or (row[4] and row[4] <= at)]
            built = {}
            if stale:
                for line in build_lines(Petition.objects.filter(pk__any=stale), at=at):
                    built[line[0]] = line[2 + text_at : 4 + text_at]
            lines = []
            for pk, number, text, url_at, _valid_until in chunk:
                if pk in built:
                    text, url_at = built[pk]
                lines.append(text[:url_at] + before + number + after + text[url_at:])
            yield lines
