"""Full-text search: reading the search words, and petition numbers as typed."""

import re

from django.contrib.postgres.search import SearchQuery

# Full-text search looks each term up under the English, French and simple
# configurations that feed the stored vector. An excluded term must be absent under all
# three, which websearch_to_tsquery over the whole text cannot say, so the websearch
# syntax (words, "quoted phrases", -exclusions, or) is read here, term by term.
SEARCH_CONFIGS = ("english_unaccent", "french_unaccent", "simple")
SEARCH_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
MAX_SEARCH_TERMS = 16
# Ranking reads every match's vector: the slow path for a common word at a million rows.
# Up to FEW_MATCHES matches are all ranked; past that, only the RANK_CANDIDATES newest
# matches, the others following them by date (see PetitionQuerySet.search).
RANK_CANDIDATES = 200
FEW_MATCHES = 2000
# pg_trgm word similarity at which a Member's name or riding matches the search text,
# so that "Lantsmann" finds Melissa Lantsman.
MEMBER_MATCH_SIMILARITY = 0.6
MAX_MEMBER_MATCHES = 50

_TYPED_E_NUMBER = re.compile(r"^e\s*-?\s*0*([1-9][0-9]{0,5})$", re.IGNORECASE)
_TYPED_PRESENTATION_NUMBER = re.compile(r"^([0-9]{3})\s*-?\s*([0-9]{1,5})$")


def normalize_petition_number(text):
    """The canonical number for what a person typed ("E 4172" → "e-4172",
    "441-264" → "441-00264"), or "" when the text is not a petition number."""
    text = (text or "").strip()
    if match := _TYPED_E_NUMBER.match(text):
        return f"e-{match[1]}"
    if match := _TYPED_PRESENTATION_NUMBER.match(text):
        return f"{match[1]}-{int(match[2]):05d}"
    return ""


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
