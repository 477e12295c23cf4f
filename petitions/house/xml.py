"""The House's XML export of petitions: read it, and write it back with what it lacks.

The House's layout: an `ArrayOfPetition` of `Petition` elements, one language per
export. The French export has the English one's element and attribute names and layout,
with French content in them:

- dates "16 novembre 2022 à 14 h 23 (HAE)", "20 mars 2023", "1er mars 2023";
- `StatusName` "Réponse du gouvernement déposée", "Certifiée", "Non certifiée";
- `PetitionerProvince` "Colombie-Britannique", `Caucus` "Caucus conservateur",
  `OriginalLanguage` "Français";
- the topic in `Title` ("e-1961 (Patrimoine canadien)"), `Term` index terms in French;
- the `Prayer`'s first `Para` the French heading ("Pétition au gouvernement du Canada",
  see headings.py), its `WhereAs` items and prayer in French;
- `Response/Title` "Réponse de la ministre de la Santé", its `para`s in French.

A record's language is its heading's, else its dates'. Its texts go to the `_fr` fields
and the names it gives (topic, keywords, ministries, caucus) are French names, so that
the English record of the same petition, loaded before or after, completes the same
petition and the same rows (services/imports.py). Reading streams the file, so its
size does not matter. An element that is missing leaves its field as it is; one that
is present but empty clears it.

Writing it: xml_export.py.
"""

import re
import xml.etree.ElementTree as ET

from petitions.house.headings import heading_language, names_several, read_heading
from petitions.house.records import (
    OUTCOME_BY_STATUS_ID,
    RecordError,
    fold,
    join_name,
    language_code,
    province_code,
    to_date,
    to_datetime,
    to_int,
)

PETITION_ATTRIBUTES = {
    "Id",
    "Title",
    "TypeId",
    "ParliamentNumber",
    "Session",
    "SignatureCount",
    "SessionStartedOn",
    "SessionEndedOn",
}
PETITION_CHILDREN = {
    "PetitionNumber",
    "StatusId",
    "StatusName",
    "StatusReachedDateTime",
    "PetitionerFirstName",
    "PetitionerLastName",
    "PetitionerCity",
    "PetitionerProvince",
    "Sponsor",
    "Presenter",
    "SignatureOpeningDateTime",
    "SignatureClosingDateTime",
    "CertificationDateTime",
    "PresentedDateTime",
    "PresentedPetitionNumber",
    "GovernmentResponseDateTime",
    "OriginalLanguage",
    "SignaturesByProvince",
    "ProvinceSignatures",
    "Prayer",
    "Response",
    "Term",
    "Topic",
    "Outcome",
    "OutcomeDate",
    "SourceUrl",
    "SourceNote",
}
MEMBER_CHILDREN = {"FirstName", "LastName", "Constituency", "Caucus", "ProvinceCode"}
PRAYER_CHILDREN = {"Para", "Grievances"}
RESPONSE_CHILDREN = {
    "Title",
    "SignedBy",
    "para",
    "SessionalPaperNumber",
    "Position",
    "TabledDate",
    "Ministry",
}

KIND_BY_TYPE_ID = {"1": "electronic", "2": "paper"}
TYPE_ID_BY_KIND = {"electronic": "1", "paper": "2"}

# The House's status names that say how the Clerk decided.
OUTCOME_BY_STATUS_NAME = {
    "certified": "certified",
    "certifiee": "certified",
    "not certified": "not_certified",
    "non certifiee": "not_certified",
    "closed upon dissolution": "closed_on_dissolution",
    "fermee a la dissolution": "closed_on_dissolution",
    "fermee lors de la dissolution": "closed_on_dissolution",
}
STATUS_NAMES = {
    "not_yet_open": "Not yet open for signature",
    "open": "Open for signature",
    "closed": "Closed for signature",
    "certified": "Certified",
    "not_certified": "Not certified",
    "closed_on_dissolution": "Closed upon dissolution",
    "presented": "Presented to the House of Commons",
    "responded": "Government response tabled",
}

_RESPONSE_BY_EN = re.compile(r"^response by (?:the )?(?P<who>.+)$", re.IGNORECASE)
_RESPONSE_BY_FR = re.compile(r"^réponse (?:du |de la |de l'|de l’|des |de )(?P<who>.+)$", re.I)
ADDRESSEE_LINES = {
    "en": {
        "house": "Petition to the House of Commons",
        "government": "Petition to the Government of Canada",
        "prime_minister": "Petition to the Prime Minister",
        "minister": "Petition to the {ministry}",
        "member": "Petition to {member}",
    },
    "fr": {
        "house": "Pétition adressée à la Chambre des communes",
        "government": "Pétition adressée au gouvernement du Canada",
        "prime_minister": "Pétition adressée au premier ministre",
        "minister": "Pétition adressée au {ministry}",
        "member": "Pétition adressée à {member}",
    },
}


class XmlFileError(ValueError):
    """The file is not well-formed XML: nothing in it can be trusted."""


def _text(element):
    return "" if element is None else (element.text or "")


def _line(element):
    """A single-line value: surrounding whitespace is layout, not data."""
    return _text(element).strip()


def _has(element, name):
    return element.find(name) is not None


def _language_of_dates(petition):
    for name in ("SignatureOpeningDateTime", "PresentedDateTime", "GovernmentResponseDateTime"):
        text = fold(_line(petition.find(name)))
        if text and not text[0].isalpha():
            return "fr"  # "5 decembre 2018": the French form starts with the day
        if text:
            return "en"
    return None


def read_xml(stream, unknown):
    """(position, record) for each Petition element, where a record that cannot be read
    is a RecordError. Names of elements and attributes the reader does not know go into
    `unknown` with the position they were first seen at."""
    stack = []
    index = 0
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                stack.append(element)
                continue
            stack.pop()
            # An export with a default namespace names its elements "{uri}Petition".
            element.tag = element.tag.rpartition("}")[2]
            if element.tag != "Petition" or any(
                e.tag.rpartition("}")[2] == "Petition" for e in stack
            ):
                continue
            index += 1
            position = f"petition {index}"
            names = []
            try:
                record = read_petition(element, names)
            except RecordError as error:
                record = error
            for name in names:
                unknown.setdefault(name, position)
            yield position, record
            # Forget the element so a file of any size reads in flat memory.
            if stack:
                stack[-1].remove(element)
    except ET.ParseError as error:
        line, column = error.position
        raise XmlFileError(f"not well-formed XML at line {line}, column {column}") from None


def read_petition(petition, unknown):
    """A record from one House `Petition` element."""
    for name in petition.attrib:
        if name not in PETITION_ATTRIBUTES:
            unknown.append(f"@{name}")
    for child in petition:
        if child.tag not in PETITION_CHILDREN:
            unknown.append(child.tag)
    record = {}
    number = _line(petition.find("PetitionNumber"))
    if not number:
        raise RecordError("PetitionNumber", "every petition needs its number")
    record["number"] = number

    attributes = petition.attrib
    type_id = attributes.get("TypeId", "").strip()
    if type_id:
        if type_id not in KIND_BY_TYPE_ID:
            raise RecordError("TypeId", f"{type_id!r} is not 1 (e-petition) or 2 (paper)")
        record["kind"] = KIND_BY_TYPE_ID[type_id]
    else:
        record["kind"] = "electronic" if number.startswith("e-") else "paper"
    if "Id" in attributes:
        record["house_id"] = to_int(attributes["Id"], "Id")
    if "ParliamentNumber" in attributes:
        record["parliament"] = to_int(attributes["ParliamentNumber"], "ParliamentNumber", minimum=1)
    if "Session" in attributes:
        record["session"] = to_int(attributes["Session"], "Session", minimum=1)
    for name, key in (
        ("SessionStartedOn", "session_started_on"),
        ("SessionEndedOn", "session_ended_on"),
    ):
        if name in attributes:
            record[key] = to_date(attributes[name], name)
    if "SignatureCount" in attributes:
        record["signature_count"] = to_int(attributes["SignatureCount"], "SignatureCount")

    prayers = petition.findall("Prayer")
    language = _page_language(petition, prayers)
    if not any(prayer.get("lang") for prayer in prayers):
        # A House page, in one language (this project's export gives both).
        record["language"] = language
    _read_petitioner(petition, record)
    _read_members(petition, record, unknown, language)
    _read_dates(petition, record)
    _read_outcome(petition, record)
    if _has(petition, "OriginalLanguage"):
        record["original_language"] = language_code(
            _line(petition.find("OriginalLanguage")), "OriginalLanguage"
        )
    _read_counts(petition, record)
    for prayer in prayers:
        _read_prayer(prayer, record, prayer.get("lang") or language, unknown)
    _read_responses(petition, record, language, unknown)
    terms = petition.findall("Term")
    record["keywords"] = [_term(term, language) for term in terms if _line(term)]
    _read_topic(petition, record, language)
    for name, key in (("SourceUrl", "source_url"), ("SourceNote", "source_note")):
        if _has(petition, name):
            record[key] = _text(petition.find(name))
    return record


def _page_language(petition, prayers):
    for prayer in prayers:
        if prayer.get("lang"):
            return "en"  # this project's own export says which Prayer is which
        para = prayer.find("Para")
        if para is not None:
            found = heading_language("".join(para.itertext()))
            if found:
                return found
    return _language_of_dates(petition) or "en"


def _read_petitioner(petition, record):
    if _has(petition, "PetitionerFirstName") or _has(petition, "PetitionerLastName"):
        record["petitioner_name"] = join_name(
            _line(petition.find("PetitionerFirstName")), _line(petition.find("PetitionerLastName"))
        )
    if _has(petition, "PetitionerCity"):
        record["petitioner_city"] = _line(petition.find("PetitionerCity"))
    if _has(petition, "PetitionerProvince"):
        record["petitioner_province"] = province_code(
            _line(petition.find("PetitionerProvince")), "PetitionerProvince"
        )


def _member(element, name):
    first, last = _line(element.find("FirstName")), _line(element.find("LastName"))
    person_id = to_int(element.get("PersonId"), f"{name}@PersonId")
    if not (first or last or person_id):
        return None
    return {"first_name": first, "last_name": last, "house_person_id": person_id}


def _read_members(petition, record, unknown, language):
    sponsor = petition.find("Sponsor")
    if sponsor is not None:
        unknown.extend(f"Sponsor/{c.tag}" for c in sponsor if c.tag not in MEMBER_CHILDREN)
        record["sponsor"] = _member(sponsor, "Sponsor")
        record["sponsor_riding"] = _line(sponsor.find("Constituency")) if record["sponsor"] else ""
        caucus = sponsor.find("Caucus")
        name = _line(caucus)
        record["sponsor_caucus"] = None
        if name:
            # A French page names the caucus in French ("Caucus conservateur").
            own_export = caucus.get("short") is not None or caucus.get("fr") is not None
            record["sponsor_caucus"] = {"en" if own_export else language: name}
            for attribute in ("short", "fr"):
                if caucus.get(attribute):
                    record["sponsor_caucus"][attribute] = caucus.get(attribute)
        record["sponsor_province"] = province_code(
            _line(sponsor.find("ProvinceCode")), "Sponsor/ProvinceCode"
        )
    presenter = petition.find("Presenter")
    if presenter is not None:
        unknown.extend(f"Presenter/{c.tag}" for c in presenter if c.tag not in MEMBER_CHILDREN)
        record["presenter"] = _member(presenter, "Presenter")
        record["presenter_riding"] = _line(presenter.find("Constituency"))
    elif record.get("sponsor") and (
        _line(petition.find("PresentedDateTime")) or _line(petition.find("PresentedPetitionNumber"))
    ):
        # The House's export names only the sponsor; for a presented petition that is
        # the Member who presented it (a paper petition's only Member).
        record["presenter"] = record["sponsor"]
        record["presenter_riding"] = record["sponsor_riding"]


def _read_dates(petition, record):
    opening = petition.find("SignatureOpeningDateTime")
    closing = petition.find("SignatureClosingDateTime")
    if opening is not None or closing is not None:
        opens_at = to_datetime(_line(opening), "SignatureOpeningDateTime")
        closes_at = to_datetime(_line(closing), "SignatureClosingDateTime")
        if (opens_at is None) != (closes_at is None):
            missing = "SignatureOpeningDateTime" if opens_at is None else "SignatureClosingDateTime"
            raise RecordError(missing, "a signature window needs both its opening and closing")
        record["opens_at"], record["closes_at"] = opens_at, closes_at
    if _has(petition, "PresentedDateTime"):
        record["presented_on"] = to_date(
            _line(petition.find("PresentedDateTime")), "PresentedDateTime"
        )
    if _has(petition, "PresentedPetitionNumber"):
        record["presentation_number"] = _line(petition.find("PresentedPetitionNumber"))


def _read_outcome(petition, record):
    if _has(petition, "Outcome"):
        outcome = _line(petition.find("Outcome"))
        if outcome not in OUTCOME_BY_STATUS_ID.values() and outcome:
            raise RecordError("Outcome", f"unknown outcome {outcome!r}")
        record["outcome"] = outcome
        record["outcome_on"] = to_date(_line(petition.find("OutcomeDate")), "OutcomeDate")
        return
    if record["kind"] == "paper":
        record["outcome"] = "certified"  # certified before it could be presented
        return
    status_id = _line(petition.find("StatusId"))
    outcome = OUTCOME_BY_STATUS_ID.get(status_id) or OUTCOME_BY_STATUS_NAME.get(
        fold(_line(petition.find("StatusName")))
    )
    certified_on = to_date(_line(petition.find("CertificationDateTime")), "CertificationDateTime")
    reached_on = to_date(_line(petition.find("StatusReachedDateTime")), "StatusReachedDateTime")
    if outcome:
        record["outcome"] = outcome
        record["outcome_on"] = (certified_on if outcome == "certified" else None) or reached_on
        if reached_on is not None:
            # Certified, not certified or closed: the counts are final as of that day,
            # the record's own date for them (see petitions/services/history.py).
            record["counted_at"] = to_datetime(reached_on, "StatusReachedDateTime")
    elif certified_on:
        record["outcome"] = "certified"
        record["outcome_on"] = certified_on


def _read_counts(petition, record):
    rows = petition.findall("ProvinceSignatures") + petition.findall(
        "SignaturesByProvince/ProvinceSignatures"
    )
    if not rows and not _has(petition, "SignaturesByProvince"):
        return
    counts = {}
    for row in rows:
        code = province_code(row.get("Province"), "ProvinceSignatures@Province")
        if code in counts:
            raise RecordError("ProvinceSignatures@Province", f"{code} is counted twice")
        field = f"ProvinceSignatures[{code}]@SignatureCount"
        count = to_int(row.get("SignatureCount"), field)
        if count is None:
            raise RecordError(field, "missing count")
        counts[code] = count
    record["province_counts"] = counts


def _read_prayer(prayer, record, language, unknown):
    unknown.extend(f"Prayer/{c.tag}" for c in prayer if c.tag not in PRAYER_CHILDREN)
    if language not in ("en", "fr"):
        raise RecordError("Prayer@lang", f"unknown language {language!r}")
    paras = []
    grievances = []
    seen_grievances = False
    for child in prayer:
        if child.tag == "Grievances":
            seen_grievances = True
            grievances.extend(_text(item) for item in child.findall("WhereAs"))
        elif child.tag == "Para":
            paras.append((child, seen_grievances))
    body = []
    for index, (para, after_grievances) in enumerate(paras):
        line = " ".join("".join(para.itertext()).split())
        if index == 0 and not after_grievances and heading_language(line):
            if _read_addressee(para, line, record):
                kept = _says_more(para, line, record, language)
                record[f"addressee_heading_{language}"] = line if kept else ""
            else:
                # Kept where a reader finds it, with a warning, rather than guessed.
                body.append(line)
                warn(record, "Prayer/Para", unknown_heading(line))
        else:
            body.append(_text(para) if para.find("Addressee") is None else line)
    record[f"whereas_{language}"] = "\n".join(grievances)
    record[f"prayer_{language}"] = "\n".join(body)


def _read_addressee(para, line, record):
    """Whom the heading `line` addresses, into `record`; False when it cannot tell."""
    tag = para.find("Addressee")
    if tag is not None and tag.get("kind"):
        kind = tag.get("kind")
        if kind not in ADDRESSEE_LINES["en"]:
            raise RecordError("Addressee@kind", f"unknown addressee {kind!r}")
        record["addressee_kind"] = kind
        ministry = tag.get("ministry")
        record["ministry"] = {"en": ministry, "fr": tag.get("ministryFr", "")} if ministry else None
        member = tag.get("memberFirstName", "") or tag.get("memberLastName", "")
        record["addressee_member"] = (
            {
                "first_name": tag.get("memberFirstName", ""),
                "last_name": tag.get("memberLastName", ""),
                "house_person_id": to_int(tag.get("memberPersonId"), "Addressee@memberPersonId"),
            }
            if member
            else None
        )
        return True
    return read_addressee_line(line, record)


def _says_more(para, line, record, language):
    """Whether a heading says more than the addressee read from it: the House's names
    several addressees; in this project's own layout (`Addressee` with its `kind`), it
    is not the line the addressee gives, so it was kept."""
    tag = para.find("Addressee")
    if tag is not None and tag.get("kind"):
        return line != addressee_line(record, language)
    return names_several(line)


def addressee_line(record, language):
    """ "Petition to the Minister of Public Safety", in the House's words, from the
    record's addressee."""
    kind = record["addressee_kind"]
    ministry = record["ministry"] or {}
    member = record["addressee_member"]
    title = ministry.get(language) or ministry.get("en") or ""
    if kind == "minister" and not title:
        return ("Petition to a Minister of the Crown", "Pétition adressée à un ministre")[
            language == "fr"
        ]
    names = join_name(member["first_name"], member["last_name"]) if member else ""
    line = ADDRESSEE_LINES[language][kind]
    return line.format(ministry=title, member=names)


def read_addressee_line(line, record):
    """Addressee kind, ministry or Member from a House heading, into `record`; False
    (and `record` unchanged) when the heading names no addressee the reader knows."""
    addressee = read_heading(line)
    if addressee is None:
        return False
    record.update(addressee)
    return True


def unknown_heading(line):
    return (
        f"cannot tell who the petition is addressed to: {line!r}; kept as the prayer's first line"
    )


def warn(record, field, message):
    """A fact the record loads without, said in the import's report."""
    record.setdefault("warnings", []).append((field, message))


def _read_responses(petition, record, language, unknown):
    elements = petition.findall("Response")
    date_element = petition.find("GovernmentResponseDateTime")
    tabled_on = to_date(_line(date_element), "GovernmentResponseDateTime")
    if not elements:
        if tabled_on:
            record["responses"] = [{"position": 1, "tabled_on": tabled_on}]
            record["responses_partial"] = True
        return
    responses = []
    for index, element in enumerate(elements):
        field = f"Response[{index + 1}]"
        unknown.extend(f"Response/{c.tag}" for c in element if c.tag not in RESPONSE_CHILDREN)
        response = {"position": index + 1}
        if _has(element, "Position"):
            response["position"] = to_int(
                _line(element.find("Position")), f"{field}/Position", minimum=1
            )
        ministry = element.find("Ministry")
        if ministry is not None:
            name = _line(ministry)
            response["ministry"] = {"en": name, "fr": ministry.get("fr", "")} if name else None
        elif _has(element, "Title"):
            response["ministry"] = _ministry_from_title(_line(element.find("Title")))
        if _has(element, "SignedBy"):
            response["signed_by"] = _line(element.find("SignedBy"))
        if _has(element, "SessionalPaperNumber"):
            response["sessional_paper_number"] = _line(element.find("SessionalPaperNumber"))
        if _has(element, "TabledDate"):
            response["tabled_on"] = to_date(
                _line(element.find("TabledDate")), f"{field}/TabledDate"
            )
        elif index == 0 and date_element is not None:
            response["tabled_on"] = tabled_on
        paras = {"en": [], "fr": []}
        for para in element.findall("para"):
            para_language = para.get("lang") or language
            if para_language not in paras:
                raise RecordError(f"{field}/para@lang", f"unknown language {para_language!r}")
            paras[para_language].append(_text(para))
        for code, texts in paras.items():
            if texts or code == language:
                response[f"text_{code}"] = "\n\n".join(texts)
        responses.append(response)
    positions = [response["position"] for response in responses]
    if len(positions) != len(set(positions)):
        raise RecordError("Response/Position", "two responses have the same position")
    record["responses"] = responses


def _ministry_from_title(title):
    if not title:
        return None
    match = _RESPONSE_BY_EN.match(title)
    if match:
        return {"en": match["who"]}
    match = _RESPONSE_BY_FR.match(title)
    if match:
        return {"fr": match["who"]}
    raise RecordError("Response/Title", f"cannot tell which minister responds: {title!r}")


def _term(term, language):
    name = _line(term)
    if term.get("fr") is not None:
        return {"en": name, "fr": term.get("fr")}
    return {language: name}


def _read_topic(petition, record, language):
    topic = petition.find("Topic")
    if topic is not None:
        name = _line(topic)
        record["topic"] = {"en": name, "fr": topic.get("fr", "")} if name else None
        return
    match = re.search(r"\((?P<topic>[^()]+)\)\s*$", petition.get("Title", ""))
    if match:
        record["topic"] = {language: match["topic"].strip()}


# Writing -------------------------------------------------------------------------------
