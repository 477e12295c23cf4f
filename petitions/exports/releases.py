"""Citable releases of the whole archive: a dated folder that never changes once
written, holding the archive as CSV, JSON and Parquet, the data dictionary, SHA-256
checksums, a CITATION.cff and a changelog against the release before it.

Releases live in RELEASES_DIR (shared storage when several web nodes run): one folder a
release, named by its date (`2026-12-04`, then `2026-12-04.2` for a second that day),
written under a hidden name and renamed when complete, its files made read-only. Its
`manifest.json` lists the files with their sizes and checksums and is what the
releases page reads; `digests.csv` holds a short digest of each petition's JSON line,
from which the next release tells what was added, changed and removed.

A release is one state of the archive: the data version (petitions/cache.py) is read
before and after it is written, and a release written while the archive changed is
written again. The CSV and JSON are the site's exports line for line (lines.py); the
Parquet has the CSV's columns with their types, read from the same export table
(table.py) a chunk at a time, so memory stays flat whatever the archive's size."""

import csv
import datetime
import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from petitions.cache import read_version
from petitions.exports.fields import (
    CSV_COLUMNS,
    DATETIME_FIELDS,
    JSON_CELLS,
    MEMBER_FIELDS,
    NAME_PARTS,
    RECORD_FIELDS,
    field_columns,
)
from petitions.exports.lines import csv_stream, json_stream, petition_url
from petitions.exports.table import export_records
from petitions.house.dates import HOUSE_TIME_ZONE
from petitions.house.records import jsonable
from petitions.models import Petition

NAME = re.compile(r"\A(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\Z")
DATA_FILES = ("petitions.csv", "petitions.json", "petitions.parquet")
MANIFEST = "manifest.json"
DIGESTS = "digests.csv"
ATTEMPTS = 3
PARQUET_ROWS = 10_000

INTEGERS = {
    "parliament",
    "session",
    "house_id",
    "signature_count",
    "response_count",
    "days_to_respond",
    *(f"{member}_house_person_id" for member in MEMBER_FIELDS),
    *field_columns("province_counts"),
}
DATES = {
    "session_started_on",
    "session_ended_on",
    "presented_on",
    "outcome_on",
    "first_response_on",
    "last_response_on",
    "response_due_on",
}


class ReleaseError(Exception):
    """A release that cannot be written; the message says why."""


def releases_dir():
    return Path(settings.RELEASES_DIR)


def release_list():
    """The manifests of the releases written, newest first."""
    directory = releases_dir()
    if not directory.is_dir():
        return []
    manifests = []
    for path in directory.iterdir():
        if NAME.match(path.name) and (path / MANIFEST).is_file():
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            manifest["released_on"] = datetime.date.fromisoformat(_order(path.name)[0])
            manifests.append(manifest)
    return sorted(manifests, key=lambda manifest: _order(manifest["name"]), reverse=True)


def release_file(name, file_name):
    """The path of a release's file, or None unless both name one that exists."""
    manifest = next((m for m in release_list() if m["name"] == name), None)
    if manifest is None or file_name not in {f["name"] for f in manifest["files"]}:
        return None
    return releases_dir() / name / file_name


def _order(name):
    day, number = NAME.match(name).groups()
    return day, int(number or 1)


def _next_name(directory, day):
    taken = [path.name for path in directory.iterdir() if NAME.match(path.name)]
    numbers = [_order(name)[1] for name in taken if _order(name)[0] == day.isoformat()]
    if not numbers:
        return day.isoformat()
    return f"{day.isoformat()}.{max(numbers) + 1}"


def release_build(*, tick=None):
    """Write a new release of the whole archive and return its manifest."""
    directory = releases_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReleaseError(f"{directory}: cannot be written ({error.strerror}).") from None
    previous = next(iter(release_list()), None)
    for _attempt in range(ATTEMPTS):
        version = read_version()
        name = _next_name(directory, timezone.localdate())
        building = directory / f".building-{name}-{os.getpid()}"
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir()
        try:
            manifest = _write(building, name, previous, tick)
            if read_version() != version:
                shutil.rmtree(building)
                continue
            for path in building.iterdir():
                path.chmod(0o444)
            building.rename(directory / name)
            return manifest
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    raise ReleaseError(
        f"The archive changed while each of {ATTEMPTS} releases was being written; "
        "try again when no import or edit is running."
    )


def _write(folder, name, previous, tick):
    petitions = Petition.objects.order_by("pk")
    created_at = timezone.now()
    for file_name, stream in (("petitions.csv", csv_stream), ("petitions.json", json_stream)):
        with open(folder / file_name, "wb") as out:
            for chunk in stream(petitions):
                out.write(chunk)
    _write_parquet(petitions, folder / "petitions.parquet", tick)
    _write_digests(folder / DIGESTS)
    _write_dictionary(folder / "data-dictionary.csv")
    counts = _write_changelog(folder / "CHANGELOG.md", name, previous)
    citation = _citation(name)
    (folder / "CITATION.cff").write_text(_citation_cff(name, created_at), encoding="utf-8")
    files = [
        *DATA_FILES,
        "data-dictionary.csv",
        "CHANGELOG.md",
        "CITATION.cff",
        DIGESTS,
    ]
    sums = {file_name: _sha256(folder / file_name) for file_name in files}
    (folder / "SHA256SUMS").write_text(
        "".join(f"{digest}  {file_name}\n" for file_name, digest in sums.items()),
        encoding="utf-8",
    )
    manifest = {
        "name": name,
        "created_at": created_at.isoformat(),
        "previous": previous["name"] if previous else None,
        "counts": counts,
        "columns": CSV_COLUMNS,
        "citation": citation,
        "files": [
            {"name": file_name, "size": (folder / file_name).stat().st_size, "sha256": digest}
            for file_name, digest in [*sums.items(), ("SHA256SUMS", _sha256(folder / "SHA256SUMS"))]
        ],
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _parquet_type(column):
    if column in INTEGERS:
        return pa.int64()
    if column in DATES:
        return pa.date32()
    if column in DATETIME_FIELDS:
        return pa.timestamp("s", tz=HOUSE_TIME_ZONE)
    if column == "responded_within_45_days":
        return pa.bool_()
    return pa.string()


PARQUET_SCHEMA = pa.schema([(column, _parquet_type(column)) for column in CSV_COLUMNS])


def flat_cells(record):
    """A record's values under its CSV columns, typed (not made safe for spreadsheets:
    Parquet has no formulas)."""
    cells = {}
    for field in RECORD_FIELDS:
        value = record[field]
        if field in NAME_PARTS or field in MEMBER_FIELDS:
            for column in field_columns(field):
                part = column.removeprefix(f"{field}_")
                cells[column] = value[part] if value else None
        elif field == "province_counts":
            for column in field_columns(field):
                cells[column] = value.get(column.removeprefix("signatures_"))
        elif field in JSON_CELLS:
            cells[field] = json.dumps(jsonable(value), ensure_ascii=False) if value else None
        else:
            cells[field] = value
    return cells


def _write_parquet(petitions, path, tick):
    with pq.ParquetWriter(path, PARQUET_SCHEMA, compression="zstd") as writer:
        batch = []
        for record in export_records(petitions):
            record["url"] = petition_url(Petition(number=record["number"]))
            batch.append(flat_cells(record))
            if len(batch) == PARQUET_ROWS:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=PARQUET_SCHEMA))
                if tick:
                    tick(len(batch))
                batch = []
        if batch:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=PARQUET_SCHEMA))
            if tick:
                tick(len(batch))


# Each petition's digest: the first 16 hex digits of the SHA-256 of its kept JSON line
# (lines.py), which the JSON file was just written from.
DIGESTS_SQL = """
SELECT petition.number, left(encode(sha256(convert_to(line.json, 'UTF8')), 'hex'), 16)
FROM petitions_petition AS petition
JOIN petitions_exportline AS line ON line.petition_id = petition.id
"""
CHANGES_SQL = {
    "added": "SELECT number FROM release_now LEFT JOIN release_before USING (number) "
    "WHERE release_before.number IS NULL ORDER BY number",
    "changed": "SELECT number FROM release_now JOIN release_before USING (number) "
    "WHERE release_now.digest <> release_before.digest ORDER BY number",
    "removed": "SELECT number FROM release_before LEFT JOIN release_now USING (number) "
    "WHERE release_now.number IS NULL ORDER BY number",
}


def _write_digests(path):
    with connection.cursor() as cursor, open(path, "wb") as out:
        sql = f"COPY ({DIGESTS_SQL} ORDER BY 1) TO STDOUT (FORMAT csv, HEADER)"
        with cursor.copy(sql) as copy:
            for data in copy:
                out.write(data)


def _write_changelog(path, name, previous):
    """The changelog against `previous`, compared in the database (two tables of a
    million short rows), its lists read a thousand numbers at a time; the counts."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Dropped here as well as at commit: inside an outer transaction there is none.
        cursor.execute("DROP TABLE IF EXISTS release_now, release_before")
        cursor.execute(
            "CREATE TEMPORARY TABLE release_now (number text PRIMARY KEY, digest text) "
            f"ON COMMIT DROP; INSERT INTO release_now {DIGESTS_SQL}"
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE release_before (number text PRIMARY KEY, digest text) "
            "ON COMMIT DROP"
        )
        if previous is not None:
            before = releases_dir() / previous["name"] / DIGESTS
            with (
                open(before, "rb") as data,
                cursor.copy("COPY release_before FROM STDIN (FORMAT csv, HEADER)") as copy,
            ):
                while block := data.read(1 << 20):
                    copy.write(block)
        counts = {}
        cursor.execute("SELECT count(*) FROM release_now")
        counts["petitions"] = cursor.fetchone()[0]
        for kind, sql in CHANGES_SQL.items():
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS rows")
            counts[kind] = cursor.fetchone()[0]
        with open(path, "w", encoding="utf-8") as out:
            out.write(_changelog_head(name, previous, counts))
            for kind, sql in CHANGES_SQL.items() if previous else ():
                if counts[kind]:
                    out.write(f"\n## Petitions {kind}\n\n")
                    with connection.connection.cursor(name=f"release_{kind}") as rows:
                        rows.itersize = 1000
                        rows.execute(sql)
                        for (number,) in rows:
                            out.write(f"{number}\n")
    return counts


def _changelog_head(name, previous, counts):
    out = io.StringIO()
    out.write(f"# Release {name}\n\n")
    out.write(f"{counts['petitions']:,} petitions.\n\n")
    if previous is None:
        out.write("The first release: every petition is new.\n")
        return out.getvalue()
    out.write(
        f"Against release {previous['name']} ({previous['counts']['petitions']:,} petitions):\n\n"
    )
    for kind in ("added", "changed", "removed"):
        out.write(f"- {counts[kind]:,} petitions {kind}\n")
    old_columns = previous.get("columns", [])
    added_columns = [c for c in CSV_COLUMNS if c not in old_columns]
    removed_columns = [c for c in old_columns if c not in CSV_COLUMNS]
    moved = not added_columns and not removed_columns and old_columns != CSV_COLUMNS
    out.write(f"- columns added: {', '.join(added_columns) or 'none'}\n")
    out.write(f"- columns removed: {', '.join(removed_columns) or 'none'}\n")
    if moved:
        out.write("- columns reordered\n")
    return out.getvalue()


def _write_dictionary(path):
    from petitions.exports.views import describe

    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["column", "type", "description"])
        for column in CSV_COLUMNS:
            writer.writerow([column, str(_parquet_type(column)), str(describe(column))])


def _citation(name):
    day = datetime.date.fromisoformat(NAME.match(name).group(1))
    url = settings.SITE_URL.rstrip("/") + "/data/releases/"
    return (
        f"Petition Archive. House of Commons of Canada petitions, dataset release {name} "
        f"({day:%B} {day.day}, {day.year}). {url}"
    )


def _citation_cff(name, created_at):
    day = NAME.match(name).group(1)
    url = settings.SITE_URL.rstrip("/") + "/data/releases/"
    return (
        "cff-version: 1.2.0\n"
        'message: "If you use this dataset, please cite it as below."\n'
        "type: dataset\n"
        'title: "House of Commons of Canada petitions"\n'
        f'version: "{name}"\n'
        f"date-released: {day}\n"
        "authors:\n"
        '  - name: "Petition Archive"\n'
        f'url: "{url}"\n'
    )


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        while block := data.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
