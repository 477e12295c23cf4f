"""This project's own JSON and CSV files, read back into records (the export views and
the export command write them: see lines.py).

JSON: an array with one petition object per line, so that a file of any size is read
one petition at a time and is still plain JSON to any other reader. CSV: one row per
petition with the same fields flattened (fields.py); the lists (keywords, responses)
are JSON in their cell so that nothing is lost. Both read back to the same records;
the derived columns (response times, the address) are not read.

A JSON file whose objects look like a House petition page (`petition_type`,
`initiated_by_name`, `presented_petition_no`, ...) is read as such, so records kept
from the House's pages load the same way as its XML export.
"""

import csv
import json

from petitions.exports.fields import (
    JSON_CELLS,
    MEMBER_FIELDS,
    MEMBER_PARTS,
    NAME_PARTS,
    PROVINCE_CODES,
    STORED_FIELDS,
)
from petitions.house.pages import is_page_record, read_page_record
from petitions.house.records import RecordError, read_export_record


class JsonFileError(ValueError):
    """The file is not JSON, or not a list of petitions."""


def read_json(stream):
    """(position, record) for each petition of a JSON file; a record that cannot be
    read is a RecordError. `stream` is a seekable text file."""
    items = _json_lines(stream)
    if items is None:
        stream.seek(0)
        try:
            data = json.load(stream)
        except json.JSONDecodeError as error:
            raise JsonFileError(
                f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            ) from None
        if isinstance(data, dict):
            data = data.get("petitions", data.get("results"))
        if not isinstance(data, list):
            raise JsonFileError("expected a list of petitions")
        items = ((f"record {index + 1}", item) for index, item in enumerate(data))
    for position, item in items:
        try:
            if isinstance(item, dict) and is_page_record(item):
                record = read_page_record(item)
            else:
                record = read_export_record(item)
        except RecordError as error:
            record = error
        yield position, record


def _json_lines(stream):
    """Items of a file in this project's one-object-per-line layout, read as they are
    needed, or None when the file has another layout (it is then read whole)."""
    if stream.readline().strip() != "[":
        return None
    line = stream.readline()
    text = line.strip().removesuffix(",")
    if text == "]":
        return iter(())
    try:
        first = json.loads(text)
    except json.JSONDecodeError:
        return None
    return _rest_of_lines(first, stream)


def _rest_of_lines(first, stream):
    yield "line 2", first
    for number, line in enumerate(stream, start=3):
        text = line.strip().removesuffix(",")
        if not text:
            continue
        if text == "]":
            return
        try:
            yield f"line {number}", json.loads(text)
        except json.JSONDecodeError as error:
            raise JsonFileError(f"not valid JSON at line {number}: {error.msg}") from None


def raw_from_csv_row(row):
    """The JSON-export object a CSV row stands for; columns that are missing stay missing."""
    for key, value in row.items():
        if key is None:
            raise RecordError("row", "has more cells than the header has columns")
        if value is None:
            raise RecordError(key, "missing cell: the row is shorter than the header")
    raw = {}
    for field in STORED_FIELDS:
        if field in NAME_PARTS or field in MEMBER_FIELDS:
            parts = NAME_PARTS.get(field, MEMBER_PARTS)
            if any(f"{field}_{part}" in row for part in parts):
                raw[field] = {part: row.get(f"{field}_{part}", "") for part in parts}
        elif field == "province_counts":
            if any(f"signatures_{code}" in row for code in PROVINCE_CODES):
                raw[field] = {
                    code: row[f"signatures_{code}"]
                    for code in PROVINCE_CODES
                    if row.get(f"signatures_{code}", "") != ""
                }
        elif field in JSON_CELLS:
            if field in row:
                text = row[field].strip()
                try:
                    raw[field] = json.loads(text) if text else []
                except json.JSONDecodeError as error:
                    raise RecordError(field, f"not valid JSON: {error.msg}") from None
        elif field in row:
            raw[field] = row[field]
    return raw


def read_csv(stream):
    """(position, record) for each row of a CSV file with this project's columns."""
    reader = csv.DictReader(stream)
    if not reader.fieldnames or "number" not in reader.fieldnames:
        raise JsonFileError("a CSV of petitions needs a header row with a 'number' column")
    for row in reader:
        position = f"line {reader.line_num}"
        try:
            record = read_export_record(raw_from_csv_row(row))
        except RecordError as error:
            record = error
        yield position, record
