"""Whom a petition is addressed to, from the heading the House prints above it.

The heading takes many forms, in English or French, in any case, with the addressee
sometimes inside an `<Addressee>` element (the caller passes the heading's text, markup
taken out):

- "Petition to the House of Commons", "Petition to the House of Commons in Parliament
  Assembled" (paper petitions, "assembled" in either case), "PETITION TO THE HOUSE OF
  COMMONS IN PARLIAMENT ASSEMBLED", "Pétition à la Chambre des communes réunie en
  Parlement";
- "Petition to the Government of Canada", "Pétition au gouvernement du Canada",
  "Pétition adressée au gouvernement du Canada";
- "Petition to the Prime Minister", "Pétition au premier ministre";
- "Petition to the Minister of Public Safety", "Pétition à la ministre de la Santé",
  "Petition to the President of the Treasury Board";
- "Petition to Elizabeth May" (a Member, named without an article);
- several of these joined: "Pétition au premier ministre et au gouvernement du Canada",
  "Petition to the Minister of Health and the Minister of Finance".

The first addressee named gives the kind, and for a minister the ministry (a petition
has one); a heading that names several (`names_several`) is kept whole beside them, so
the others are not lost. A conjunction splits two addressees only when an addressee's
own words follow it, so "Minister of Justice and Attorney General of Canada" stays one
title. A heading whose addressee the reader does not know is not classified: the caller
keeps it as text and warns.
"""

import re
import unicodedata

_LEAD = re.compile(
    r"^(?:e-)?petition\s+(?:(?P<en>to)|(?P<fr>(?:adressee\s+)?(?:a\s+la|a\s+l['’]|au|aux|a)))"
    r"\s+(?P<the>(?:the|la|le|les)\s+)?"
)
_HONOURABLE = re.compile(r"^(?:(?:right\s+)?honou?rable|(?:tres\s+)?honorable)\s+")
_KINDS = [
    ("house", re.compile(r"^(?:house\s+of\s+commons|chambre\s+des\s+communes)\b")),
    (
        "government",
        re.compile(
            r"^(?:government\s+of\s+canada|gouvernement\s+du\s+canada|federal\s+government"
            r"|gouvernement\s+federal|canadian\s+government)\b"
        ),
    ),
    ("prime_minister", re.compile(r"^(?:prime\s+minister|premier(?:e)?\s+ministre)\b")),
    ("minister", re.compile(r"^(?:minister|ministre|president|presidente)s?\b")),
]
# Where a second addressee begins: a conjunction, then the words of one.
_NEXT = re.compile(
    r"(?:,\s*|\s+)(?:and|et)\s+(?:to\s+|au\s+|aux\s+|a\s+la\s+|a\s+l['’]|a\s+)?"
    r"(?:the\s+)?(?=(?:house|chambre|government|gouvernement|federal|prime|premier"
    r"|minister|ministre|president)\b)"
)
# Several ministers under one title: "Ministers of Health and Finance", "ministres des ...".
_PLURAL = re.compile(r"^(?:ministers|ministres|presidents|presidentes)\b")
_MEMBER = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+){1,4}$")


def _fold_char(char):
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded(text):
    """The text case and accents aside, with each folded character's place in `text`."""
    chars, places = [], []
    for place, char in enumerate(text):
        for folded in _fold_char(char):
            chars.append(folded)
            places.append(place)
    return "".join(chars), places


def heading_language(line):
    """ "en" or "fr" when `line` reads as a House heading ("Petition to ...",
    "Pétition au ..."), else None."""
    match = _LEAD.match(_folded(" ".join(line.split()))[0])
    if not match:
        return None
    return "en" if match["en"] else "fr"


def _addressees(line):
    """(the lead's match, the heading folded, each folded character's place in `line`,
    where the first addressee starts and ends, whether another follows), or None when
    `line` is not a House heading."""
    folded, places = _folded(line)
    match = _LEAD.match(folded)
    if not match:
        return None
    start = match.end()
    honourable = _HONOURABLE.match(folded[start:])
    if honourable:
        start += honourable.end()
    following = _NEXT.search(folded[start:])
    end = start + following.start() if following else len(folded)
    return match, folded, places, start, end, following is not None


def _heading_text(line):
    return " ".join(line.split()).rstrip(" .:;")


def names_several(line):
    """Whether a House heading names more than one addressee: "... and the Minister of
    Finance", "au premier ministre et au gouvernement du Canada", "aux ministres ..."."""
    found = _addressees(_heading_text(line))
    if found is None:
        return False
    _, folded, _, start, _, following = found
    return following or bool(_PLURAL.match(folded[start:]))


def read_heading(line):
    """{"addressee_kind", "ministry", "addressee_member"} from a heading, or None when
    it names no addressee the reader knows."""
    line = _heading_text(line)
    found = _addressees(line)
    if found is None:
        return None
    match, folded, places, start, end, following = found
    language = "en" if match["en"] else "fr"
    first = folded[start:end]
    for kind, pattern in _KINDS:
        if not pattern.match(first):
            continue
        ministry = None
        if kind == "prime_minister":
            ministry = {"en": "Prime Minister"} if language == "en" else {"fr": "premier ministre"}
        elif kind == "minister":
            ministry = {language: line[places[start] : places[end - 1] + 1]}
        return {"addressee_kind": kind, "ministry": ministry, "addressee_member": None}
    original = line[places[start] :]
    # A Member is named without an article: "to Elizabeth May", "à Elizabeth May" (not
    # "au Sénat").
    article = match["the"] or (match["fr"] and match["fr"].split()[-1] != "a")
    if article or following or not _MEMBER.match(original):
        return None
    first_name, _, last_name = original.rpartition(" ")
    return {
        "addressee_kind": "member",
        "ministry": None,
        "addressee_member": {
            "first_name": first_name,
            "last_name": last_name,
            "house_person_id": None,
        },
    }
