"""The House's petition pages, as a scrape keeps them: each page's facts read into a
record. A JSON file of such pages is read by this project's JSON reader
(petitions/exports/codecs.py), which tells them from its own records by their keys."""

import re

from petitions.house.headings import names_several
from petitions.house.records import (
    OUTCOME_BY_STATUS_ID,
    RecordError,
    language_code,
    province_code,
    split_name,
    to_date,
    to_datetime,
    to_int,
)
from petitions.house.xml import _ministry_from_title, read_addressee_line, unknown_heading, warn

PAGE_KINDS = {
    "e-petition": "electronic",
    "petition electronique": "electronic",
    "pétition électronique": "electronic",
    "paper petition": "paper",
    "petition papier": "paper",
    "pétition papier": "paper",
}
_TAG = re.compile(r"<[^>]+>")


def is_page_record(item):
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
        if line and read_addressee_line(line, record):
            # The others a heading names are kept with it; the fields hold the first.
            record[f"addressee_heading_{language}"] = line if names_several(line) else ""
        elif line:
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
