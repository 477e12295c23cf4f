"""Writing the House's XML export of petitions (reading it: xml.py).

Writing keeps the House's layout and adds what a lossless round trip needs and the
House does not print: `Presenter`, `Topic`, `Outcome`, `OutcomeDate`, `SourceUrl`,
`SourceNote`, the session's dates (`SessionStartedOn`, `SessionEndedOn`), a `PersonId`
on Members, French names as `fr` attributes, a `Prayer lang="fr"` beside the English
one, `para lang="fr"` in responses and each response's `Position`, `TabledDate` and
`Ministry`. A time the House's words cannot give back exactly (seconds, the repeated
hour when clocks fall back) is written in ISO 8601, which reading also accepts.
"""

import re

from petitions.house.dates import OTTAWA, format_house_date, format_house_datetime
from petitions.house.records import (
    LANGUAGE_LABELS,
    PROVINCE_NAMES_EN,
    STATUS_IDS,
    split_name,
    to_datetime,
)
from petitions.house.xml import STATUS_NAMES, TYPE_ID_BY_KIND, addressee_line

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text, field):
    text = str(text)
    if _INVALID_XML.search(text):
        raise ValueError(f"{field} holds a control character that XML cannot carry")
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attr(text, field):
    return _escape(text, field).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _attrs(pairs, field):
    return "".join(f' {name}="{_attr(value, field)}"' for name, value in pairs if value is not None)


def _leaf(name, value, indent, field=None, attrs=()):
    attributes = _attrs(attrs, field or name)
    if value is None or value == "":
        return f"{indent}<{name}{attributes} />\n"
    return f"{indent}<{name}{attributes}>{_escape(value, field or name)}</{name}>\n"


def house_datetime(value):
    """The House's words for a time when they give it back exactly, else ISO 8601."""
    if value is None:
        return ""
    text = format_house_datetime(value)
    if to_datetime(text, "") == value:
        return text
    return value.astimezone(OTTAWA).isoformat()


def _member_xml(name, member, riding, indent, extra=""):
    if member is None:
        return f"{indent}<{name} />\n"
    first, last = member["first_name"], member["last_name"]
    attributes = _attrs([("PersonId", member["house_person_id"])], name)
    inner = indent + "  "
    return (
        f"{indent}<{name}{attributes}>\n"
        + _leaf("FirstName", first, inner)
        + _leaf("LastName", last, inner)
        + _leaf("Constituency", riding, inner)
        + extra
        + f"{indent}</{name}>\n"
    )


# The heading's words before its addressee, the House's forms and this project's.
_ADDRESSEE_PREFIX = re.compile(
    r"^(?:e-)?p[eé]tition\s+(?:to\s+(?:the\s+)?"
    r"|(?:adressée\s+)?(?:à\s+la\s+|à\s+l['’]|aux\s+|au\s+|à\s+))",
    re.IGNORECASE,
)


def _prayer_xml(record, language, indent):
    whereas = record[f"whereas_{language}"]
    prayer = record[f"prayer_{language}"]
    ministry = record["ministry"] or {}
    member = record["addressee_member"] or {}
    line = record[f"addressee_heading_{language}"] or addressee_line(record, language)
    found = _ADDRESSEE_PREFIX.match(line)
    prefix = found[0] if found else ""
    addressee = line[len(prefix) :]
    tag_attrs = [
        ("kind", record["addressee_kind"]),
        ("ministry", ministry.get("en") or None),
        ("ministryFr", ministry.get("fr") or None),
        ("memberFirstName", member.get("first_name") or None),
        ("memberLastName", member.get("last_name") or None),
        ("memberPersonId", member.get("house_person_id")),
    ]
    inner = indent + "  "
    out = [
        f"{indent}<Prayer{_attrs([('lang', language)], 'Prayer')}>\n",
        f"{inner}<Para>{_escape(prefix, 'Prayer')}<Addressee{_attrs(tag_attrs, 'Addressee')}>"
        f"{_escape(addressee, 'Addressee')}</Addressee></Para>\n",
    ]
    if whereas:
        out.append(f"{inner}<Grievances>\n")
        for item in whereas.split("\n"):
            out.append(_leaf("WhereAs", item, inner + "  ", f"whereas_{language}"))
        out.append(f"{inner}</Grievances>\n")
    if prayer:
        out.append(_leaf("Para", prayer, inner, f"prayer_{language}"))
    out.append(f"{indent}</Prayer>\n")
    return "".join(out)


def _response_xml(response, indent):
    inner = indent + "  "
    ministry = response["ministry"]
    title = f"Response by the {ministry['en']}" if ministry else ""
    out = [
        f"{indent}<Response>\n",
        _leaf("Title", title, inner),
        _leaf("SignedBy", response["signed_by"], inner),
    ]
    for language, attrs in (("en", ()), ("fr", [("lang", "fr")])):
        text = response[f"text_{language}"]
        if text:
            for para in text.split("\n\n"):
                out.append(_leaf("para", para, inner, f"text_{language}", attrs))
    out += [
        _leaf("SessionalPaperNumber", response["sessional_paper_number"], inner),
        _leaf("Position", str(response["position"]), inner),
        _leaf("TabledDate", format_house_date(response["tabled_on"]), inner),
        _leaf(
            "Ministry",
            ministry["en"] if ministry else "",
            inner,
            attrs=[("fr", ministry["fr"] if ministry else None)],
        ),
        f"{indent}</Response>\n",
    ]
    return "".join(out)


def petition_xml(record):
    """One `Petition` element, indented as the House's export is, from an export record."""
    indent, inner = "  ", "    "
    topic = record["topic"]
    title = f"{record['number']} ({topic['en']})" if topic else record["number"]
    status = record.get("status") or ""
    outcome = record["outcome"]
    responses = record["responses"]
    first_name, last_name = split_name(record["petitioner_name"])
    caucus = record["sponsor_caucus"]
    sponsor_extra = _leaf(
        "Caucus",
        caucus["en"] if caucus else "",
        inner + "  ",
        attrs=[("short", caucus["short"]), ("fr", caucus["fr"])] if caucus else (),
    ) + _leaf("ProvinceCode", record["sponsor_province"], inner + "  ")
    attributes = _attrs(
        [
            ("Id", "" if record["house_id"] is None else record["house_id"]),
            ("Title", title),
            ("TypeId", TYPE_ID_BY_KIND[record["kind"]]),
            ("ParliamentNumber", record["parliament"]),
            ("Session", record["session"]),
            (
                "SignatureCount",
                "" if record["signature_count"] is None else record["signature_count"],
            ),
            ("SessionStartedOn", format_house_date(record["session_started_on"])),
            ("SessionEndedOn", format_house_date(record["session_ended_on"])),
        ],
        "Petition",
    )
    out = [
        f"{indent}<Petition{attributes}>\n",
        _leaf("PetitionNumber", record["number"], inner),
        _leaf("StatusId", STATUS_IDS.get(status, ""), inner),
        _leaf("StatusName", STATUS_NAMES.get(status, ""), inner),
        _leaf(
            "StatusReachedDateTime",
            format_house_date(record["outcome_on"]) if outcome else "",
            inner,
        ),
        _leaf("PetitionerFirstName", first_name, inner, "petitioner_name"),
        _leaf("PetitionerLastName", last_name, inner, "petitioner_name"),
        _leaf("PetitionerCity", record["petitioner_city"], inner),
        _leaf(
            "PetitionerProvince", PROVINCE_NAMES_EN.get(record["petitioner_province"], ""), inner
        ),
        _member_xml("Sponsor", record["sponsor"], record["sponsor_riding"], inner, sponsor_extra),
        _member_xml("Presenter", record["presenter"], record["presenter_riding"], inner),
        _leaf("SignatureOpeningDateTime", house_datetime(record["opens_at"]), inner),
        _leaf("SignatureClosingDateTime", house_datetime(record["closes_at"]), inner),
        _leaf(
            "CertificationDateTime",
            format_house_date(record["outcome_on"]) if outcome == "certified" else "",
            inner,
        ),
        _leaf("PresentedDateTime", format_house_date(record["presented_on"]), inner),
        _leaf("PresentedPetitionNumber", record["presentation_number"], inner),
        _leaf(
            "GovernmentResponseDateTime",
            format_house_date(responses[0]["tabled_on"]) if responses else "",
            inner,
        ),
        _leaf("OriginalLanguage", LANGUAGE_LABELS.get(record["original_language"], ""), inner),
    ]
    counts = record["province_counts"]
    if counts:
        out.append(f"{inner}<SignaturesByProvince>\n")
        for code, count in counts.items():
            out.append(
                f'{inner}  <ProvinceSignatures Province="{code}" SignatureCount="{count}" />\n'
            )
        out.append(f"{inner}</SignaturesByProvince>\n")
    else:
        out.append(f"{inner}<SignaturesByProvince />\n")
    has_french = record["whereas_fr"] or record["prayer_fr"]
    if record["whereas_en"] or record["prayer_en"] or not has_french:
        out.append(_prayer_xml(record, "en", inner))
    if has_french:
        out.append(_prayer_xml(record, "fr", inner))
    out.extend(_response_xml(response, inner) for response in responses)
    for keyword in record["keywords"]:
        out.append(_leaf("Term", keyword["en"], inner, "keywords", [("fr", keyword["fr"])]))
    out += [
        _leaf(
            "Topic",
            topic["en"] if topic else "",
            inner,
            attrs=[("fr", topic["fr"])] if topic else (),
        ),
        _leaf("Outcome", outcome, inner),
        _leaf("OutcomeDate", format_house_date(record["outcome_on"]), inner),
        _leaf("SourceUrl", record["source_url"], inner),
        _leaf("SourceNote", record["source_note"], inner),
        f"{indent}</Petition>\n",
    ]
    return "".join(out)


XML_HEAD = "<?xml version='1.0' encoding='utf-8'?>\n<ArrayOfPetition>\n"
XML_TAIL = "</ArrayOfPetition>\n"


def write_xml(records, stream):
    """Write export records to a text stream as the House's XML, one petition at a time."""
    stream.write(XML_HEAD)
    for record in records:
        stream.write(petition_xml(record))
    stream.write(XML_TAIL)
