"""Full-text search: reading the search words, and petition numbers as typed."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Full-text search looks each term up under the English, French and simple (names and
# numbers) configurations that feed the stored document. An excluded term must be absent under all
# three, which websearch_to_tsquery over the whole text cannot say, so the websearch
# syntax (words, "quoted phrases", -exclusions, or) is read here, term by term.
SEARCH_CONFIGS = ("english_unaccent", "french_unaccent", "simple_unaccent")
SEARCH_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
MAX_SEARCH_TERMS = 16
# Ranking reads every match's vector: the slow path for a common word at a million rows.
# Up to FEW_MATCHES matches are all ranked; past that, only the RANK_CANDIDATES newest
# matches, the others following them by date (see PetitionQuerySet.search).
RANK_CANDIDATES = 200
FEW_MATCHES = 2000
# Up to SOME_MATCHES, the newest candidates are found by reading the matches' dates
# (by_bitmap); past that, the matches are dense enough to walk the newest first.
SOME_MATCHES = 20_000
# pg_trgm word similarity at which a Member's name or riding matches the search text,
# so that "Lantsmann" finds Melissa Lantsman.
MEMBER_MATCH_SIMILARITY = 0.6
MAX_MEMBER_MATCHES = 50

_TYPED_E_NUMBER = re.compile(r"^e\s*-?\s*0*([1-9][0-9]{0,5})$", re.IGNORECASE)
_TYPED_PRESENTATION_NUMBER = re.compile(r"^([0-9]{3})\s*-?\s*([0-9]{1,5})$")
_BARE_DIGITS = re.compile(r"^[0-9]{1,6}$")


def normalize_petition_number(text):
    """The canonical number for what a person typed ("E 4172" → "e-4172",
    "441-264" → "441-00264"), or "" when the text is not a petition number. Bare digits
    read as a presentation number here (a filter's value); see petition_number_readings
    for every reading."""
    readings = petition_number_readings(text)
    return readings[-1] if readings else ""


def petition_number_readings(text):
    """Every petition number `text` can mean, in canonical form: "e4172" → ["e-4172"],
    "441-01184" → ["441-01184"], bare digits "4172" → ["e-4172", "417-00002"]."""
    text = (text or "").strip()
    readings = []
    if match := _TYPED_E_NUMBER.match(text):
        readings.append(f"e-{match[1]}")
    elif (match := _BARE_DIGITS.match(text)) and int(text) > 0:
        readings.append(f"e-{int(text)}")
    if match := _TYPED_PRESENTATION_NUMBER.match(text):
        readings.append(f"{match[1]}-{int(match[2]):05d}")
    return readings


def search_query(text):
    """A SearchQuery for `text` in websearch syntax, or None when it holds no term."""
    groups, terms = [], []
    for negated_phrase, phrase, negated_word, word in SEARCH_TERM.findall(text or "")[
        :MAX_SEARCH_TERMS
    ]:
        if word.lower() == "or" and not negated_word:
            if terms:
                groups.append(terms)
            terms = []
            continue
        term, negated = (phrase, negated_phrase) if phrase else (word, negated_word)
        if not term.strip():
            continue
        search_type = "phrase" if phrase else "plain"
        queries = [SearchQuery(term, config=c, search_type=search_type) for c in SEARCH_CONFIGS]
        if negated:
            # Absent under every configuration.
            combined = ~queries[0]
            for query in queries[1:]:
                combined &= ~query
        else:
            # Present under any one of them.
            combined = queries[0]
            for query in queries[1:]:
                combined |= query
        terms.append(combined)
    if terms:
        groups.append(terms)
    result = None
    for group in groups:
        conjunction = group[0]
        for term in group[1:]:
            conjunction &= term
        result = conjunction if result is None else result | conjunction
    return result


def search_has_terms(text):
    """Whether `text` holds anything to search for, not only operators and quotes."""
    return search_query(text) is not None


def computed(name, text, compute):
    """The `keep` of a search that keeps nothing: compute() each time."""
    return compute()


# A passage is a few words around the matching ones, from the petition's text (prayer,
# grievances, responses) in one language. The markers ts_headline puts around a match
# are control characters taken out of the text first, so that whatever the text holds
# it is escaped whole and only the markers become <mark>.
MARK_START, MARK_STOP = "\x02", "\x03"
PASSAGE_OPTIONS = {
    "start_sel": MARK_START,
    "stop_sel": MARK_STOP,
    "max_words": 24,
    "min_words": 12,
    "max_fragments": 1,
}
PASSAGE_CONFIGS = {"en": "english_unaccent", "fr": "french_unaccent"}


@dataclass
class Passage:
    html: str
    language: str


def search_passages(petitions, text, language):
    """Set `passage` on each of `petitions` (a page of results, never every match): the
    words around what `text` matched, marked, in `language` where the petition's text
    in it matches, else in the other language; None where neither text holds a match (a
    Member's, a topic's or a number's match)."""
    from django.contrib.postgres.search import SearchHeadline
    from django.db.models import F, OuterRef, StringAgg, Subquery, TextField, Value
    from django.db.models.functions import Coalesce, Concat, Replace

    from petitions.models.petition import Petition

    petitions = list(petitions)
    for petition in petitions:
        petition.passage = None
    query = search_query(text)
    if query is None or not petitions:
        return petitions
    other = "en" if language == "fr" else "fr"
    responses = Petition.responses.rel.related_model.objects.filter(petition=OuterRef("pk"))
    headlines = {}
    for code in (language, other):
        answers = (
            responses.order_by()
            .values("petition")
            .annotate(text=StringAgg(f"text_{code}", delimiter=Value(" ")))
            .values("text")
        )
        line = Value("\n", output_field=TextField())
        body = Concat(
            F(f"prayer_{code}"),
            line,
            F(f"whereas_{code}"),
            line,
            Coalesce(Subquery(answers), Value("", output_field=TextField())),
            output_field=TextField(),
        )
        # Markers in the text itself would become <mark>: taken out.
        for marker in (MARK_START, MARK_STOP):
            body = Replace(
                body, Value(marker, output_field=TextField()), Value("", output_field=TextField())
            )
        headlines[code] = SearchHeadline(
            body, query, config=PASSAGE_CONFIGS[code], **PASSAGE_OPTIONS
        )
    rows = Petition.objects.filter(pk__any=[petition.pk for petition in petitions]).order_by()
    found = {
        pk: (first, second)
        for pk, first, second in rows.annotate(
            first=headlines[language], second=headlines[other]
        ).values_list("pk", "first", "second")
    }
    for petition in petitions:
        for code, headline in zip((language, other), found.get(petition.pk, ("", "")), strict=True):
            if headline and MARK_START in headline:
                petition.passage = Passage(marked(headline), code)
                break
    return petitions


def marked(headline):
    """ts_headline's output as safe HTML: escaped, its markers made <mark>, with an
    ellipsis where it starts or stops mid-sentence."""
    text = " ".join(headline.split())
    plain = text.replace(MARK_START, "").replace(MARK_STOP, "")
    if plain[:1].islower():
        text = f"… {text}"
    if plain[-1:] not in {".", "!", "?", ";", "»", '"', ")"}:
        text = f"{text} …"
    html = escape(text)
    return mark_safe(html.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))
