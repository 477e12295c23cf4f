"""What a list's row says of each petition: the words a search matched, marked, in the
page's language where they are; without a search, what the petition asks, its shared
opening left out; never nothing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    GovernmentResponseFactory,
    MemberFactory,
    PetitionFactory,
    TopicFactory,
)

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]

LIST = "/petitions/"


def row_texts(response):
    assert response.status_code == 200
    return re.findall(r'<p class="petition__summary"([^>]*)>(.*?)</p>', response.text, re.S)


def row_text(response):
    (attributes, text), *others = row_texts(response)
    assert not others
    return attributes, text


def test_a_search_shows_the_words_around_the_match_marked(client):
    PetitionFactory(
        prayer_en="We, the undersigned, call upon the Government of Canada to build "
        "affordable housing near transit in every province and territory."
    )
    attributes, text = row_text(client.get(LIST, {"q": "housing"}))
    assert attributes == ""
    assert "<mark>housing</mark> near transit" in text


def test_a_french_page_shows_the_french_passage(client):
    PetitionFactory(
        prayer_en="Protect the old-growth forests of British Columbia.",
        prayer_fr="Protéger les vieilles forêts de la Colombie-Britannique.",
    )
    attributes, text = row_text(client.get("/fr" + LIST, {"q": "forets"}))
    assert attributes == ""
    assert "<mark>forêts</mark>" in text
    attributes, text = row_text(client.get(LIST, {"q": "forests"}))
    assert "<mark>forests</mark>" in text


def test_a_match_only_in_the_other_language_is_shown_in_it_and_says_so(client):
    PetitionFactory(prayer_en="Protect the rivers.", prayer_fr="Protéger les rivières.")
    attributes, text = row_text(client.get(LIST, {"q": "rivières"}))
    assert attributes == ' lang="fr"'
    assert "<mark>rivières</mark>" in text


def test_a_passage_can_come_from_a_response(client):
    GovernmentResponseFactory(text_en="The ombudsperson will review every complaint.")
    attributes, text = row_text(client.get(LIST, {"q": "ombudsperson"}))
    assert "<mark>ombudsperson</mark> will review" in text


def test_hostile_text_is_escaped_and_only_the_matched_words_are_marked(client):
    PetitionFactory(
        prayer_en='<script>alert("housing")</script> <mark>fake</mark> \x02housing\x03 '
        "& housing <img src=x onerror=alert(1)>"
    )
    response = client.get(LIST, {"q": "housing"})
    _, text = row_text(response)
    assert "<script" not in response.text
    assert "<img" not in text
    assert "<mark>fake</mark>" not in text
    assert "\x02" not in text and "\x03" not in text
    marks = re.findall(r"<mark>(.*?)</mark>", text)
    assert marks and set(marks) == {"housing"}
    assert re.sub(r"</?mark>", "", text).count("<") == 0


def test_passages_are_computed_for_the_page_shown_only(client):
    for n in range(1, 31):
        PetitionFactory(number=f"e-{n}", prayer_en="Build housing.")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "housing", "page_size": 10})
    assert len(row_texts(response)) == 10
    headlines = [query["sql"] for query in queries if "ts_headline" in query["sql"]]
    assert len(headlines) == 1
    # The page's ten keys, as one array.
    (keys,) = re.findall(r"'\{([0-9,]+)\}'", headlines[0])
    assert len(keys.split(",")) == 10


def test_a_petition_found_by_its_sponsor_shows_what_it_asks(client):
    PetitionFactory(
        sponsor=MemberFactory(first_name="Melissa", last_name="Lantsman"),
        prayer_en="We, the undersigned, call upon the Government of Canada to fund the police.",
    )
    _, text = row_text(client.get(LIST, {"q": "Lantsmann"}))
    assert text == "Fund the police."


# Without a search: what the petition asks.


@pytest.mark.parametrize(
    "prayer, shown",
    [
        (
            "We, the undersigned, citizens and residents of Canada, call upon the Government "
            "of Canada to designate January 29 as a National Day of Remembrance.",
            "Designate January 29 as a National Day of Remembrance.",
        ),
        (
            "We, the undersigned, residents of the City of Toronto, call upon the House of "
            "Commons to create a fully funded program.",
            "Create a fully funded program.",
        ),
        (
            "Therefore, we, the undersigned, call upon the Minister of Crown-Indigenous "
            "Relations to reduce delays.",
            "Reduce delays.",
        ),
        # As the House's page printed it, "to" glued to the addressee.
        (
            "We, the undersigned, call upon the Government of Canadato put an end to it.",
            "Put an end to it.",
        ),
        (
            "We, the undersigned, call upon the Minister of Public Safety to:\n"
            "1. Direct the RCMP to investigate.\n2. Close the stations.",
            "Direct the RCMP to investigate.",
        ),
        # No shared opening: the text as it is.
        ("Build more housing.", "Build more housing."),
    ],
)
def test_the_row_shows_what_the_petition_asks_without_the_english_opening(client, prayer, shown):
    PetitionFactory(prayer_en=prayer)
    assert row_text(client.get(LIST)) == ("", shown)


@pytest.mark.parametrize(
    "prayer, shown",
    [
        (
            "Nous, soussignés, citoyens du Canada, demandons au gouvernement du Canada de "
            "revoir les armoiries.",
            "Revoir les armoiries.",
        ),
        (
            "Par conséquent, nous, soussignés, demandons au ministre de la Sécurité publique "
            "de prendre des mesures.",
            "Prendre des mesures.",
        ),
        (
            "Nous, soussignées, demandons à la Chambre des communes d’adopter une loi.",
            "Adopter une loi.",
        ),
    ],
)
def test_the_row_shows_what_the_petition_asks_without_the_french_opening(client, prayer, shown):
    PetitionFactory(prayer_en="", prayer_fr=prayer)
    assert row_text(client.get("/fr" + LIST)) == ("", shown)
    # On the English page, the French text, marked as French.
    assert row_text(client.get(LIST)) == (' lang="fr"', shown)


def test_a_long_ask_is_cut_at_a_word_with_an_ellipsis(client):
    words = " ".join(f"word{n}" for n in range(60))
    PetitionFactory(prayer_en=f"We, the undersigned, call upon the Government of Canada to {words}")
    _, text = row_text(client.get(LIST))
    assert text.endswith("…")
    assert len(text) <= 181
    assert text[:-1].split()[-1] in words.split()


def test_a_row_is_never_empty(client):
    PetitionFactory(
        number="e-3",
        prayer_en="We, the undersigned, call upon the Government of Canada to:",
        whereas_en="Rivers are drying up;\nFish are dying.",
    )
    PetitionFactory(number="e-2", prayer_en="", topic=TopicFactory(name_en="Taxation"))
    PetitionFactory(number="e-1", prayer_en="")
    texts = {text for _, text in row_texts(client.get(LIST))}
    assert texts == {"Rivers are drying up;", "Taxation", "No text published"}
    french = {text for _, text in row_texts(client.get("/fr" + LIST))}
    assert "Aucun texte publié" in french


def test_member_pages_show_the_same_rows(client):
    member = MemberFactory(first_name="Melissa", last_name="Lantsman", slug="melissa-lantsman")
    PetitionFactory(
        sponsor=member,
        prayer_en="We, the undersigned, call upon the Government of Canada to fund the police.",
    )
    response = client.get("/members/melissa-lantsman/")
    assert ("", "Fund the police.") in row_texts(response)


def test_a_passage_from_the_middle_of_a_long_text_is_one_short_fragment_with_ellipses(
    client,
):
    before = " ".join(f"word{n}" for n in range(60))
    after = " ".join(f"more{n}" for n in range(60))
    PetitionFactory(prayer_en=f"{before} affordable housing {after}")
    _, text = row_text(client.get(LIST, {"q": "housing"}))
    assert text.startswith("… ") and text.endswith(" …")
    assert text.count("<mark>") == 1
    assert len(text.split()) <= 24 + 3
