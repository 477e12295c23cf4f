"""This project's JSON and CSV exports, and the House page records of a scrape.

JSON: an array with one petition object per line, so that a file of any size is read
and written one petition at a time and is still plain JSON to any other reader. CSV:
one row per petition with the same fields flattened; the lists (keywords, responses)
are JSON in their cell so that nothing is lost. Both read back to the same records.

A JSON file whose objects look like a House petition page (`petition_type`,
`initiated_by_name`, `presented_petition_no`, ...) is read as such, so records kept
from the House's pages load the same way as its XML export.
"""

import csv
import json
import re

from petitions.house.records import (
    OUTCOME_BY_STATUS_ID,
    PROVINCE_CODES,
    RecordError,
    jsonable,
    language_code,
    province_code,
    read_export_record,
    split_name,
    to_date,
    to_datetime,
    to_int,
)
from petitions.house.xml import _ministry_from_title, read_addressee_line, unknown_heading, warn

# JSON -----------------------------------------------------------------------------------


def write_json(records, stream):
    stream.write("[")
    separator = "\n"
    for record in records:
        stream.write(separator)
        stream.write(json.dumps(jsonable(record), ensure_ascii=False))
        separator = ",\n"
    stream.write("\n]\n")


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
            if isinstance(item, dict) and _is_page_record(item):
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


# CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "number",
    "kind",
    "parliament",
    "session",
    "session_started_on",
    "session_ended_on",
    "house_id",
    "status",
    "topic_en",
    "topic_fr",
    "keywords",
    "petitioner_name",
    "petitioner_city",
    "petitioner_province",
    "original_language",
    "addressee_kind",
    "ministry_en",
    "ministry_fr",
    "addressee_member_first_name",
    "addressee_member_last_name",
    "addressee_member_house_person_id",
    "whereas_en",
    "whereas_fr",
    "prayer_en",
    "prayer_fr",
    "sponsor_first_name",
    "sponsor_last_name",
    "sponsor_house_person_id",
    "sponsor_riding",
    "sponsor_caucus_short",
    "sponsor_caucus_en",
    "sponsor_caucus_fr",
    "sponsor_province",
    "presenter_first_name",
    "presenter_last_name",
    "presenter_house_person_id",
    "presenter_riding",
    "presentation_number",
    "presented_on",
    "outcome",
    "outcome_on",
    "signature_count",
    "opens_at",
    "closes_at",
    *[f"signatures_{code}" for code in PROVINCE_CODES],
    "responses",
    "source_url",
    "source_note",
]
MEMBER_COLUMNS = ("first_name", "last_name", "house_person_id")
NAME_COLUMNS = {
    "topic": ("en", "fr"),
    "ministry": ("en", "fr"),
    "sponsor_caucus": ("short", "en", "fr"),
}


def write_csv(rows, stream):
    """The header, then each row's cells in CSV_COLUMNS order (see house/table.py)."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)


def raw_from_csv_row(row):
    """The JSON-export object a CSV row stands for; columns that are missing stay missing."""
    raw = {}
    for key, value in row.items():
        if key is None:
            raise RecordError("row", "has more cells than the header has columns")
        if value is None:
            raise RecordError(key, "missing cell: the row is shorter than the header")
    for column in CSV_COLUMNS:
        if column in row and "_" not in column:
            raw[column] = row[column]
    for column in (
        "session_started_on",
        "session_ended_on",
        "house_id",
        "petitioner_name",
        "petitioner_city",
        "petitioner_province",
        "original_language",
        "addressee_kind",
        "whereas_en",
        "whereas_fr",
        "prayer_en",
        "prayer_fr",
        "sponsor_riding",
        "sponsor_province",
        "presenter_riding",
        "presentation_number",
        "presented_on",
        "outcome_on",
        "signature_count",
        "opens_at",
        "closes_at",
        "source_url",
        "source_note",
    ):
        if column in row:
            raw[column] = row[column]
    for key, parts in NAME_COLUMNS.items():
        if any(f"{key}_{part}" in row for part in parts):
            raw[key] = {part: row.get(f"{key}_{part}", "") for part in parts}
    for key in ("sponsor", "presenter", "addressee_member"):
        if any(f"{key}_{part}" in row for part in MEMBER_COLUMNS):
            raw[key] = {part: row.get(f"{key}_{part}", "") for part in MEMBER_COLUMNS}
    if any(f"signatures_{code}" in row for code in PROVINCE_CODES):
        raw["province_counts"] = {
            code: row[f"signatures_{code}"]
            for code in PROVINCE_CODES
            if row.get(f"signatures_{code}", "") != ""
        }
    for key in ("keywords", "responses"):
        if key in row:
            text = row[key].strip()
            try:
                raw[key] = json.loads(text) if text else []
            except json.JSONDecodeError as error:
                raise RecordError(key, f"not valid JSON: {error.msg}") from None
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


# House page records ---------------------------------------------------------------------

PAGE_KINDS = {
    "e-petition": "electronic",
    "petition electronique": "electronic",
    "pétition électronique": "electronic",
    "paper petition": "paper",
    "petition papier": "paper",
    "pétition papier": "paper",
}
_TAG = re.compile(r"<[^>]+>")


def _is_page_record(item):
    return "petition_type" in item or "initiated_by_name" in item


def read_page_record(page):
    """A record from what a House petition page shows (keys as a scrape keeps them).
    A null means the page did not show it: the field is left as it is."""
    record = {}
    number = str(page.get("number") or "").strip()
    if not number:
        raise RecordError("number", "every petition needs its number")
    record["number"] = number
    language = page.get("page_language") or "en"
    if language not in ("en", "fr"):
        raise RecordError("page_language", f"unknown language {language!r}")
    record["language"] = language
    kind = page.get("petition_type")
    if kind:
        if kind.strip().casefold() not in PAGE_KINDS:
            raise RecordError("petition_type", f"unknown petition type {kind!r}")
        record["kind"] = PAGE_KINDS[kind.strip().casefold()]
    else:
        record["kind"] = "electronic" if number.startswith("e-") else "paper"

    def given(key):
        return page.get(key) is not None

    for key in ("parliament", "session"):
        if given(key):
            record[key] = to_int(page[key], key, minimum=1)
    if given("topic"):
        record["topic"] = {language: page["topic"]}
    if given("initiated_by_name"):
        record["petitioner_name"] = page["initiated_by_name"].strip()
    if given("initiated_by_city"):
        record["petitioner_city"] = page["initiated_by_city"].strip()
    if given("initiated_by_province"):
        record["petitioner_province"] = province_code(
            page["initiated_by_province"], "initiated_by_province"
        )
    if given("original_language"):
        record["original_language"] = language_code(page["original_language"], "original_language")
    heading = ""
    if given("addressee_line"):
        line = " ".join(_TAG.sub("", page["addressee_line"]).split())
        if line and not read_addressee_line(line, record):
            # Kept where a reader finds it, with a warning, rather than guessed.
            heading = line
            warn(record, "addressee_line", unknown_heading(line))
    if given("whereas"):
        record[f"whereas_{language}"] = "\n".join(page["whereas"])
    if given("prayer") or heading:
        record[f"prayer_{language}"] = "\n".join(
            text for text in (heading, page.get("prayer") or "") if text
        )
    terms = (page.get("keywords") or []) + (page.get("index_terms") or [])
    if given("keywords") or given("index_terms"):
        record["keywords"] = [{language: term} for term in dict.fromkeys(terms) if term]

    sponsor = page.get("sponsor_name")
    if sponsor:
        first, last = split_name(sponsor)
        record["sponsor"] = {"first_name": first, "last_name": last, "house_person_id": None}
        record["sponsor_riding"] = page.get("sponsor_riding") or ""
    caucus = page.get("sponsor_caucus") or page.get("sponsor_party_short")
    if caucus:
        record["sponsor_caucus"] = {language: caucus}
    province = page.get("sponsor_province") or page.get("sponsor_province_code")
    if province:
        record["sponsor_province"] = province_code(province, "sponsor_province")
    presenter = page.get("presented_to_house_by")
    if presenter:
        first, last = split_name(presenter)
        record["presenter"] = {"first_name": first, "last_name": last, "house_person_id": None}
        record["presenter_riding"] = page.get("presented_by_riding") or ""
    if given("presented_date"):
        record["presented_on"] = to_date(page["presented_date"], "presented_date")
    if given("presented_petition_no"):
        record["presentation_number"] = page["presented_petition_no"].strip()
    if given("open_for_signature") or given("closed_for_signature"):
        record["opens_at"] = to_datetime(page.get("open_for_signature"), "open_for_signature")
        record["closes_at"] = to_datetime(page.get("closed_for_signature"), "closed_for_signature")
        if record["opens_at"] is None or record["closes_at"] is None:
            missing = "open_for_signature" if record["opens_at"] is None else "closed_for_signature"
            raise RecordError(missing, "a signature window needs both its opening and closing")
    if given("signature_total"):
        record["signature_count"] = to_int(page["signature_total"], "signature_total")
    if page.get("signatures_by_province"):
        counts = {}
        for name, count in page["signatures_by_province"].items():
            code = province_code(name, "signatures_by_province")
            counts[code] = to_int(count, f"signatures_by_province.{name}")
            if counts[code] is None:
                raise RecordError(f"signatures_by_province.{name}", "missing count")
        record["province_counts"] = counts

    if record["kind"] == "paper":
        record["outcome"] = "certified"
    elif str(page.get("status_id") or "") in OUTCOME_BY_STATUS_ID:
        record["outcome"] = OUTCOME_BY_STATUS_ID[str(page["status_id"])]
        record["outcome_on"] = to_date(
            page.get("certification_or_last_date") or page.get("status_date"), "status_date"
        )
    _read_page_responses(page, record, language)
    source = page.get("source") or ""
    if source.startswith(("http://", "https://")):
        record["source_url"] = source
    elif source:
        record["source_note"] = source
    return record


def _read_page_responses(page, record, language):
    tabled_on = to_date(
        page.get("government_response_tabled_date"), "government_response_tabled_date"
    )
    paper_number = (page.get("sessional_paper_no") or "").strip()
    responses = []
    for index, item in enumerate(page.get("responses") or []):
        response = {"position": index + 1}
        heading = (item.get("heading") or "").strip()
        if heading:
            response["ministry"] = _ministry_from_title(heading)
        if item.get("signed_by") is not None:
            response["signed_by"] = item["signed_by"].strip()
        if item.get("text") is not None:
            response[f"text_{language}"] = item["text"]
        responses.append(response)
    if responses:
        record["responses"] = responses
    elif tabled_on or paper_number:
        record["responses"] = [{"position": 1}]
        record["responses_partial"] = True
    if record.get("responses"):
        first = record["responses"][0]
        if tabled_on:
            first["tabled_on"] = tabled_on
        if paper_number:
            first["sessional_paper_number"] = paper_number
