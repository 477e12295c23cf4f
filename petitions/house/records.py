"""One petition as a plain dict: what every reader produces and every writer consumes.

A record holds the petition's own fields under their model names, plus its session by
numbers, its topic, keywords, ministry, caucus and Members by name, its signature
window, its counts by province and its responses. A key that is missing means "the file
does not say": an import leaves that field as it is. The House's XML says less than this
project's own exports, which carry every key.

Names of things (topics, keywords, ministries) travel as {"en": ..., "fr": ...} so a
record can be loaded into a database that has never seen them.
"""

import datetime
import unicodedata

from petitions.house.dates import OTTAWA, DateParseError, parse_house_date
from petitions.models import PROVINCES

KINDS = ("electronic", "paper")
OUTCOMES = ("", "certified", "not_certified", "closed_on_dissolution")
ADDRESSEE_KINDS = ("house", "government", "prime_minister", "minister", "member")
ORIGINAL_LANGUAGES = ("", "en", "fr", "bilingual")
# The House's own status ids, where it publishes one; those of an outcome say how the
# Clerk decided.
STATUS_IDS = {"open": 207, "certified": 220, "not_certified": 229, "closed_on_dissolution": 289}
OUTCOME_BY_STATUS_ID = {str(i): status for status, i in STATUS_IDS.items() if status in OUTCOMES}

PROVINCE_NAMES_EN = {code: english for code, english, _ in PROVINCES}

LANGUAGE_NAMES = {
    "english": "en",
    "anglais": "en",
    "french": "fr",
    "français": "fr",
    "bilingual": "bilingual",
    "bilingue": "bilingual",
}
LANGUAGE_LABELS = {"en": "English", "fr": "French", "bilingual": "Bilingual"}


class RecordError(ValueError):
    """A field of one record that cannot be read; `field` names it as the file does."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def fold(text):
    """Case- and accent-insensitive form of a name, for matching spellings."""
    text = unicodedata.normalize("NFKD", " ".join((text or "").split()))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


_PROVINCE_LOOKUP = {}
for _code, _english, _french in PROVINCES:
    for _name in (_code, _english, _french):
        _PROVINCE_LOOKUP[fold(_name)] = _code
_PROVINCE_LOOKUP[fold("PEI")] = "PE"


def province_code(text, field):
    """A province or territory from its code or its English or French name."""
    text = (text or "").strip()
    if not text:
        return ""
    code = _PROVINCE_LOOKUP.get(fold(text))
    if code is None:
        raise RecordError(field, f"unknown province or territory {text!r}")
    return code


def language_code(text, field):
    text = (text or "").strip()
    if not text:
        return ""
    if text in ORIGINAL_LANGUAGES:
        return text
    code = LANGUAGE_NAMES.get(text.casefold())
    if code is None:
        raise RecordError(field, f"unknown language {text!r} (English, French or Bilingual)")
    return code


def to_int(value, field, *, minimum=0):
    """An integer from a JSON number or digits; None for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(field, f"not a number: {value!r}")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(",", "")
        if not text.lstrip("-").isdigit():
            raise RecordError(field, f"not a number: {value!r}")
        number = int(text)
    if minimum is not None and number < minimum:
        raise RecordError(field, f"must be {minimum} or more, not {number}")
    return number


def to_date(value, field):
    """A date from any form the House prints, or ISO 8601; a datetime gives its Ottawa date."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(OTTAWA).date()
    if isinstance(value, datetime.date) or value is None:
        return value
    try:
        parsed = parse_house_date(str(value))
    except DateParseError as error:
        raise RecordError(field, str(error)) from None
    if isinstance(parsed, datetime.datetime):
        return parsed.astimezone(OTTAWA).date()
    return parsed


def to_datetime(value, field):
    """An aware datetime; a date alone means midnight on Ottawa's clock."""
    if isinstance(value, datetime.datetime) or value is None:
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(), tzinfo=OTTAWA)
    try:
        parsed = parse_house_date(str(value))
    except DateParseError as error:
        raise RecordError(field, str(error)) from None
    if parsed is None or isinstance(parsed, datetime.datetime):
        return parsed
    return datetime.datetime.combine(parsed, datetime.time(), tzinfo=OTTAWA)


def split_name(name):
    """First and last name as the House separates them: the last word is the last name."""
    name = (name or "").strip()
    if " " not in name:
        return name, ""
    first, last = name.rsplit(" ", 1)
    return first, last


def join_name(first, last):
    return " ".join(part for part in ((first or "").strip(), (last or "").strip()) if part)


# This project's own record, read back ---------------------------------------------------

TEXT_FIELDS = [
    "petitioner_name",
    "petitioner_city",
    "addressee_heading_en",
    "addressee_heading_fr",
    "whereas_en",
    "whereas_fr",
    "prayer_en",
    "prayer_fr",
    "sponsor_riding",
    "presenter_riding",
    "presentation_number",
    "source_url",
    "source_note",
]


def _name_pair(value, field, *, keys=("en", "fr")):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return {"en": value.strip()}
    if not isinstance(value, dict):
        raise RecordError(field, f"expected a name, not {value!r}")
    pair = {key: str(value.get(key) or "").strip() for key in keys if key in value}
    if not any(pair.values()):
        return None
    return pair


def _member_ref(value, field):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        first, last = split_name(value)
        return {"first_name": first, "last_name": last, "house_person_id": None}
    if not isinstance(value, dict):
        raise RecordError(field, f"expected a Member, not {value!r}")
    member = {
        "first_name": str(value.get("first_name") or "").strip(),
        "last_name": str(value.get("last_name") or "").strip(),
        "house_person_id": to_int(value.get("house_person_id"), f"{field}.house_person_id"),
    }
    if not (member["first_name"] or member["last_name"] or member["house_person_id"]):
        return None
    return member


def _choice(value, field, choices):
    value = "" if value is None else str(value).strip()
    if value not in choices:
        raise RecordError(field, f"{value!r} is not one of {', '.join(c for c in choices if c)}")
    return value


def read_export_record(raw):
    """A record from one object of this project's JSON export (or a CSV row made into
    one): each value checked for its type, each missing key left missing."""
    if not isinstance(raw, dict):
        raise RecordError("record", "expected an object with a petition's fields")
    record = {}
    for key in TEXT_FIELDS:
        if key in raw:
            value = raw[key]
            if value is not None and not isinstance(value, str | int):
                raise RecordError(key, f"expected text, not {value!r}")
            record[key] = "" if value is None else str(value)
    if "number" in raw:
        record["number"] = str(raw["number"] or "").strip()
    if "kind" in raw:
        record["kind"] = _choice(raw["kind"], "kind", KINDS)
    for key in ("parliament", "session", "house_id"):
        if key in raw:
            record[key] = to_int(raw[key], key, minimum=1 if key != "house_id" else 0)
    for key in ("session_started_on", "session_ended_on", "presented_on", "outcome_on"):
        if key in raw:
            record[key] = to_date(raw[key], key)
    for key in ("opens_at", "closes_at"):
        if key in raw:
            record[key] = to_datetime(raw[key], key)
    if "opens_at" in record or "closes_at" in record:
        opens_at, closes_at = record.get("opens_at"), record.get("closes_at")
        if (opens_at is None) != (closes_at is None):
            missing = "opens_at" if opens_at is None else "closes_at"
            raise RecordError(missing, "a signature window needs both its opening and closing")
        record["opens_at"], record["closes_at"] = opens_at, closes_at
    if "topic" in raw:
        record["topic"] = _name_pair(raw["topic"], "topic")
    if "ministry" in raw:
        record["ministry"] = _name_pair(raw["ministry"], "ministry")
    if "keywords" in raw:
        keywords = raw["keywords"] or []
        if not isinstance(keywords, list):
            raise RecordError("keywords", "expected a list of keywords")
        record["keywords"] = [
            pair
            for index, keyword in enumerate(keywords)
            if (pair := _name_pair(keyword, f"keywords[{index}]")) is not None
        ]
    if "sponsor_caucus" in raw:
        record["sponsor_caucus"] = _name_pair(
            raw["sponsor_caucus"], "sponsor_caucus", keys=("short", "en", "fr")
        )
    for key in ("sponsor", "presenter", "addressee_member"):
        if key in raw:
            record[key] = _member_ref(raw[key], key)
    for key in ("petitioner_province", "sponsor_province"):
        if key in raw:
            record[key] = province_code(raw[key], key)
    if "original_language" in raw:
        record["original_language"] = language_code(raw["original_language"], "original_language")
    if "addressee_kind" in raw:
        record["addressee_kind"] = _choice(raw["addressee_kind"], "addressee_kind", ADDRESSEE_KINDS)
    if "outcome" in raw:
        record["outcome"] = _choice(raw["outcome"], "outcome", OUTCOMES)
    if "signature_count" in raw:
        record["signature_count"] = to_int(raw["signature_count"], "signature_count")
    if "province_counts" in raw:
        counts = raw["province_counts"] or {}
        if not isinstance(counts, dict):
            raise RecordError("province_counts", "expected counts by province")
        record["province_counts"] = {}
        for province, count in counts.items():
            code = province_code(province, "province_counts")
            value = to_int(count, f"province_counts.{province}")
            if value is not None:
                record["province_counts"][code] = value
    if "responses" in raw:
        record["responses"] = _read_responses(raw["responses"])
    return record


def _read_responses(raw):
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RecordError("responses", "expected a list of responses")
    responses = []
    for index, item in enumerate(raw):
        field = f"responses[{index}]"
        if not isinstance(item, dict):
            raise RecordError(field, "expected a response")
        response = {"position": to_int(item.get("position"), f"{field}.position") or index + 1}
        if "ministry" in item:
            response["ministry"] = _name_pair(item["ministry"], f"{field}.ministry")
        if "tabled_on" in item:
            response["tabled_on"] = to_date(item["tabled_on"], f"{field}.tabled_on")
        for key in ("signed_by", "sessional_paper_number", "text_en", "text_fr"):
            if key in item:
                value = item[key]
                if value is not None and not isinstance(value, str):
                    raise RecordError(f"{field}.{key}", f"expected text, not {value!r}")
                response[key] = value or ""
        responses.append(response)
    positions = [response["position"] for response in responses]
    if len(positions) != len(set(positions)):
        raise RecordError("responses", "two responses have the same position")
    return responses


def jsonable(value):
    """Dates and datetimes as ISO 8601, for JSON and CSV."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(OTTAWA).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    return value
