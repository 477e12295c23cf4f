"""Each petition's line in the CSV and in the JSON export, built once and kept.

Gathering every field of a petition (its keywords, counts by province and responses as
JSON, its Members and names) costs about a hundred microseconds a row in the database
and as much again in Python: two thousand rows a second at best. A researcher's export
of a hundred thousand petitions instead reads the lines kept in ExportLine, built the
first time they are asked for, and only joins in each petition's address, which
depends on the language asked.

A kept line stays valid until the data it was built from changes (database triggers
empty it: migration 0010) or until the clock alone changes one of its cells: a window
opens or closes, or a response falls overdue (`csv_valid_until`, `json_valid_until`).
Each format's line is built the first time that format is asked for."""

import csv
import datetime
import io
import itertools
import json

import psycopg
from django.conf import settings
from django.db import connections, router
from django.db.models import Q
from django.utils import timezone
from psycopg.adapt import Loader

from petitions.exports.fields import CSV_COLUMNS
from petitions.exports.table import AT, csv_cells, export_record, export_table
from petitions.house.records import jsonable
from petitions.models import ExportLine, Petition, response_due_on

# Rows read, built or written at a time.
CHUNK_SIZE = 1000
URL_PLACEHOLDER = "e-0"
_CSV_URL = CSV_COLUMNS.index("url")
# The address's value in a JSON line as built; a string's own quotes are escaped, so
# this text stands only for the top-level key.
_JSON_URL = '"url": null'
# Excel reads a CSV as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"


def petition_url(petition):
    return settings.SITE_URL.rstrip("/") + petition.get_absolute_url()


def csv_text(cells):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def _csv_line(row, today):
    """The CSV line (no line end) and where the address goes in it, in bytes of UTF-8:
    the cells after it are written as they are in the whole line (two or more cells: a
    row of one empty cell would be written `""`), so its place is found from the end."""
    cells = csv_cells(row, today)
    text = csv_text(cells)
    after = csv_text(cells[_CSV_URL + 1 :]).encode()
    return text, len(text.encode()) - len(after) - 1


def _json_line(row, today):
    """The JSON line, as json.dumps writes the record, less the address's value; and
    where that value goes, in bytes of UTF-8."""
    text = _json_text(export_record(row, today))
    at = text.index(_JSON_URL) + len(_JSON_URL) - len("null")
    return text[:at] + text[at + len("null") :], len(text[:at].encode())


def _valid_until(row, at):
    """The first moment after `at` when the clock alone changes a cell of the row."""
    moments = [row[AT["opens_at"]], row[AT["closes_at"]]]
    presented_on = row[AT["presented_on"]]
    if presented_on is not None and row[AT["first_response_on"]] is None:
        overdue_on = response_due_on(presented_on) + datetime.timedelta(days=1)
        moments.append(timezone.make_aware(datetime.datetime.combine(overdue_on, datetime.time())))
    return min((moment for moment in moments if moment is not None and moment > at), default=None)


LINE_BUILDERS = {"csv": _csv_line, "json": _json_line}


def build_lines(petitions, format, *, at):
    """(key, stamp, line, where the address goes, valid until) in `format` for each
    petition, as of `at`; the stamp is read with the data, in the same statement."""
    today, line = timezone.localdate(at), LINE_BUILDERS[format]
    for row in export_table(petitions, at=at, then=("pk", "export_line__stamp")):
        yield (row[-2], row[-1], *line(row, today), _valid_until(row, at))


# Written back only where the stamp is still the one read with the data: a line built
# while a clerk's change was being saved is left for the next export to build again.
# {text} is a column name: "csv" or "json".
STORE_SQL = """
UPDATE petitions_exportline AS line
SET {text} = built.text, {text}_url_at = built.url_at, {text}_valid_until = built.valid_until
FROM unnest(%b::bigint[], %b::integer[], %b::text[], %b::integer[], %b::timestamptz[])
    AS built (petition_id, stamp, text, url_at, valid_until)
WHERE line.petition_id = built.petition_id AND line.stamp = built.stamp
"""


def _store(lines, format):
    # On the primary, whichever database the lines were built from: a replica is read
    # only, and the stamp read with the data keeps a line built from a replica that lags
    # behind a clerk's save from being stored.
    connection = connections[router.db_for_write(ExportLine)]
    # Bound on the server, in binary (%b): the project's cursors quote parameters into
    # the statement (client-side binding), and escaping a thousand lines of text into
    # an array's text form took longer than building them.
    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)
    cursor = (
        connection.make_debug_cursor(cursor)
        if connection.queries_logged
        else connection.make_cursor(cursor)
    )
    with cursor:
        columns = [list(column) for column in zip(*lines, strict=True)]
        cursor.execute(STORE_SQL.format(text=format), columns)


def _build_and_store(keys, format, *, at):
    """The lines of the petitions `keys` in `format` as of `at` (see build_lines), stored
    where their stamp still holds."""
    built = list(build_lines(Petition.objects.filter(pk__any=keys).order_by(), format, at=at))
    _store(built, format)
    return built


class _Utf8Loader(Loader):
    """Text as the database sends it, UTF-8 bytes: a line goes out as it came in,
    without being decoded and encoded again."""

    def load(self, data):
        return bytes(data)


# {text} is a column name: "csv" or "json".
LINES_SQL = """
SELECT petition_id, {text}, {text}_url_at, {text}_valid_until FROM petitions_exportline
WHERE petition_id = ANY(%s::bigint[])
"""


def kept_lines(keys, format, *, at):
    """{key: (UTF-8 text, the byte where the address goes)} of the petitions `keys` in
    `format`, from their kept lines; those missing or out of date at `at` are built and
    stored. Read from the database the petitions are read from (a replica's lines are
    those of its data)."""
    with connections[router.db_for_read(ExportLine)].cursor() as cursor:
        cursor.cursor.adapters.register_loader("text", _Utf8Loader)
        # The keys as one array literal: psycopg adapts a list of a thousand numbers
        # one by one.
        cursor.execute(LINES_SQL.format(text=format), ["{" + ",".join(map(str, keys)) + "}"])
        lines = {
            key: (text, url_at)
            for key, text, url_at, valid_until in cursor.fetchall()
            if text and (valid_until is None or valid_until > at)
        }
    missing = [key for key in keys if key not in lines]
    if missing:
        built = _build_and_store(missing, format, at=at)
        lines.update((key, (text.encode(), url_at)) for key, _, text, url_at, _ in built)
    return lines


def keep_lines(format, *, tick=None):
    """Build and keep every line of `format` that is missing or out of date, so that no
    export has to: after a large import, or each night (lines of open petitions and of
    responses falling due run out by the clock). Returns how many were built; `tick(n)`
    is called as they are."""
    at = timezone.now()
    stale = Q(**{format: ""}) | Q(**{f"{format}_valid_until__lte": at})
    keys = list(ExportLine.objects.filter(stale).order_by("pk").values_list("pk", flat=True))
    for chunk in itertools.batched(keys, CHUNK_SIZE):
        _build_and_store(list(chunk), format, at=at)
        if tick:
            tick(len(chunk))
    return len(keys)


def _json_text(value):
    # Dates through `default`: only they need it, and the rest is encoded in C.
    return json.dumps(value, ensure_ascii=False, default=jsonable)


def _address_parts(format):
    """The text before and after a petition's number in its address, in the active
    language, written as a cell of `format` is."""
    before, after = petition_url(Petition(number=URL_PLACEHOLDER)).split(URL_PLACEHOLDER)
    if format == "json":
        return _json_text(before)[:-1], _json_text(after)[1:]
    if any(character in before + after for character in ',"\r\n'):
        return '"' + before.replace('"', '""'), after.replace('"', '""') + '"'
    return before, after


def export_lines(petitions, format, *, between):
    """The lines of `petitions` in `format` ("csv" or "json"), UTF-8, in the queryset's
    order: one bytes object a chunk, its lines separated by `between`.

    The keys come first, sorted alone (sorting the lines with them spilled a hundred
    megabytes to disk); then each chunk's lines by key. Outside a transaction the keys'
    cursor is read whole on the server before the first chunk (WITH HOLD): a few bytes a
    petition, and the lines built meanwhile are stored at once, holding no lock. A line
    emptied by a clerk's save while it is being built is built, used and not kept; a
    petition deleted since the keys were read is left out."""
    before, after = (part.encode() for part in _address_parts(format))
    keys = petitions.values_list("pk", "number").iterator(chunk_size=CHUNK_SIZE)
    for chunk in itertools.batched(keys, CHUNK_SIZE):
        lines = kept_lines([key for key, _ in chunk], format, at=timezone.now())
        # Views of the lines, copied once into the chunk.
        parts = []
        for key, number in chunk:
            if key in lines:
                text, url_at = lines[key]
                line = memoryview(text)
                parts += (line[:url_at], before, number.encode(), after, line[url_at:], between)
        if parts:
            yield b"".join(parts[:-1])


def csv_stream(petitions):
    """The CSV export of `petitions`, UTF-8 with a byte order mark, as the site serves
    it and the export command writes it."""
    yield (BOM + csv_text(CSV_COLUMNS) + "\r\n").encode()
    for lines in export_lines(petitions, "csv", between=b"\r\n"):
        yield lines + b"\r\n"


def json_stream(petitions):
    """The JSON export of `petitions`: one petition a line, which the import command and
    any JSON reader take back."""
    separator = b"[\n"
    for lines in export_lines(petitions, "json", between=b",\n"):
        yield separator + lines
        separator = b",\n"
    yield b"[\n]\n" if separator == b"[\n" else b"\n]\n"


STREAMS = {"csv": csv_stream, "json": json_stream}
