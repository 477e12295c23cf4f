"""Full-text search in English and French, accents ignored, phrases and exclusions; a
typed petition number goes to the petition; an MP's name finds their petitions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from petitions.models import Member, Petition
from tests.factories import (
    MemberFactory,
    PaperPetitionFactory,
    PetitionFactory,
    SignatureWindowFactory,
)

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request to /fr/ leaves French active in this thread; later tests expect English."""
    yield
    translation.activate("en")


def found(text, **options):
    return sorted(petition.number for petition in Petition.objects.search(text, **options))


def test_english_words_match_other_forms_of_the_same_word():
    PetitionFactory(number="e-1", prayer_en="We call upon the RCMP to investigate these stations.")
    PetitionFactory(number="e-2", prayer_en="We call for a national day of remembrance.")
    assert found("investigation") == ["e-1"]
    assert found("station") == ["e-1"]


def test_french_words_match_with_french_stemming():
    PetitionFactory(number="e-1", prayer_fr="Nous demandons de retirer les armoiries des édifices.")
    PetitionFactory(number="e-2", prayer_fr="Nous demandons un congé parental prolongé.")
    assert found("armoirie") == ["e-1"]
    assert found("édifice") == ["e-1"]


def test_accents_are_ignored_both_ways():
    PetitionFactory(number="e-1", whereas_fr="Les pétitions électroniques sont signées en ligne.")
    PetitionFactory(number="e-2", whereas_en="Paper ballots are reliable.")
    assert found("electronique") == ["e-1"]
    assert found("électroniques") == ["e-1"]
    assert found("pétition") == ["e-1"]
    assert found("petition") == ["e-1"]


def test_a_quoted_phrase_needs_its_words_together_and_in_order():
    PetitionFactory(number="e-1", prayer_en="Close the police stations in Toronto.")
    PetitionFactory(number="e-2", prayer_en="The stations of the national police.")
    assert found('"police stations"') == ["e-1"]
    assert found("police stations") == ["e-1", "e-2"]


def test_a_minus_word_leaves_out_petitions_that_contain_it():
    PetitionFactory(number="e-1", prayer_en="Foreign police stations operated by China.")
    PetitionFactory(number="e-2", prayer_en="Fund the Toronto police.")
    assert found("police -china") == ["e-2"]


def test_an_excluded_word_is_left_out_in_the_other_language_too():
    PetitionFactory(
        number="e-1",
        prayer_en="Close the police stations.",
        prayer_fr="Fermer les postes de police de la Chine.",
    )
    PetitionFactory(number="e-2", prayer_en="Fund the police.", prayer_fr="Financer la police.")
    assert found("police -chine") == ["e-2"]


def test_or_finds_either_word():
    PetitionFactory(number="e-1", prayer_en="Extend maternity leave.")
    PetitionFactory(number="e-2", prayer_en="Protect the police.")
    PetitionFactory(number="e-3", prayer_en="Build housing.")
    assert found("maternity or police") == ["e-1", "e-2"]


def test_the_petitioners_name_and_the_number_are_searchable():
    PetitionFactory(number="e-4172", petitioner_name="Tsz Lok Chan")
    PetitionFactory(number="e-2", petitioner_name="Someone Else")
    assert found("Chan") == ["e-4172"]


@pytest.mark.parametrize("text", ['"', "-", "!!", "'", ":*", "&|", "the", "a -", '"unclosed', "()"])
def test_odd_or_empty_text_finds_nothing_without_error(text):
    PetitionFactory(number="e-1", prayer_en="Protect the police.")
    assert found(text) in ([], ["e-1"])


def test_a_member_name_with_a_typo_finds_the_petitions_they_sponsored_or_presented():
    lantsman = MemberFactory(first_name="Melissa", last_name="Lantsman", riding="Thornhill")
    PetitionFactory(number="e-1", sponsor=lantsman)
    PetitionFactory(number="e-2", presenter=lantsman)
    PetitionFactory(number="e-3", sponsor=MemberFactory(first_name="Jenny", last_name="Kwan"))
    assert found("Lantsmann") == ["e-1", "e-2"]
    assert found("Melissa Lantsman") == ["e-1", "e-2"]
    assert found("Thornhill") == ["e-1", "e-2"]


def test_an_ordinary_word_does_not_match_a_member_by_accident():
    MemberFactory(first_name="John", last_name="Heath", riding="Humber River—Black Creek")
    assert not Member.objects.matching("health").exists()
    assert not Member.objects.matching("river pollution").exists()


def test_relevance_puts_the_members_petitions_then_prayer_matches_first():
    PetitionFactory(
        number="e-1",
        whereas_en="Housing costs are high.",
        presented_on=datetime.date(2024, 1, 1),
    )
    PetitionFactory(
        number="e-2",
        prayer_en="Build housing now; housing for all.",
        presented_on=datetime.date(2020, 1, 1),
    )
    ranked = [p.number for p in Petition.objects.ranked_search("housing")[0]]
    assert ranked == ["e-2", "e-1"]


def test_searching_ranks_by_relevance_unless_another_sort_is_asked(client):
    PetitionFactory(
        number="e-1", whereas_en="Housing costs.", presented_on=datetime.date(2024, 1, 1)
    )
    PetitionFactory(
        number="e-2", prayer_en="Housing, housing.", presented_on=datetime.date(2020, 1, 1)
    )
    url = reverse("petitions:petition_list")
    assert [p.number for p in client.get(url, {"q": "housing"}).context["page"]] == ["e-2", "e-1"]
    newest = client.get(url, {"q": "housing", "sort": "newest"}).context["page"]
    assert [p.number for p in newest] == ["e-1", "e-2"]


@pytest.mark.parametrize("typed", ["e-4172", "E-4172", "e4172", "E 4172", " e-4172 ", "441-01184"])
def test_a_petition_number_in_the_search_box_goes_to_the_petition(client, typed):
    PetitionFactory(number="e-4172", presentation_number="441-01184")
    response = client.get(reverse("petitions:petition_list"), {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == "/petitions/e-4172/"


def test_a_paper_petition_number_in_the_search_box_goes_to_it(client):
    PetitionFactory(number="e-1")
    PaperPetitionFactory(number="441-00264")
    response = client.get(reverse("petitions:petition_list"), {"q": "441-264"})
    assert response["Location"] == "/petitions/441-00264/"


def test_the_jump_keeps_the_french_pages_in_french(client):
    PetitionFactory(number="e-4172")
    response = client.get("/fr/petitions/", {"q": "e-4172"})
    assert response["Location"] == "/fr/petitions/e-4172/"


def test_an_unknown_number_shows_the_empty_list_instead_of_jumping(client):
    response = client.get(reverse("petitions:petition_list"), {"q": "e-99999"})
    assert response.status_code == 200
    assert "No petition matches." in response.text


def test_search_combines_with_the_other_filters(client):
    PetitionFactory(number="e-1", prayer_en="Police funding.", petitioner_province="SK")
    PetitionFactory(number="e-2", prayer_en="Police funding.", petitioner_province="ON")
    page = client.get(reverse("petitions:petition_list"), {"q": "police", "province": "SK"})
    assert [p.number for p in page.context["page"]] == ["e-1"]


def candidates_read_from_a_bitmap(queries):
    """Whether the query that read the newest matches ran with index scans off."""
    bitmap = False
    for query in queries:
        sql = query["sql"]
        if "set_config('enable_indexscan'" in sql:
            bitmap = "set_config('enable_indexscan', 'off'" in sql
        elif 'ORDER BY "petitions_petition"."activity_on" DESC' in sql and "LIMIT 2" in sql:
            return bitmap
    raise AssertionError("no query read the newest matches")


@pytest.mark.parametrize(
    ("some_matches", "from_the_indexes"),
    # Four matches: at the bound, the newest are found from the indexes' bitmap (as for
    # a Member's name and a common word); past it, by walking the newest first (as for a
    # common word).
    [(4, True), (3, False)],
)
def test_best_match_ranks_the_newest_candidates_then_lists_the_rest_by_date(
    client, monkeypatch, some_matches, from_the_indexes
):
    # More matches than are all ranked.
    monkeypatch.setattr("petitions.models.querysets.FEW_MATCHES", 3)
    monkeypatch.setattr("petitions.models.querysets.SOME_MATCHES", some_matches)
    monkeypatch.setattr("petitions.models.querysets.RANK_CANDIDATES", 2)
    for n, (text, year) in enumerate(
        [
            ("Housing.", 2024),
            ("Housing, housing, housing now.", 2023),
            ("Housing, housing, housing, housing.", 2019),
            ("Housing.", 2018),
        ],
        start=1,
    ):
        PetitionFactory(number=f"e-{n}", prayer_en=text, presented_on=datetime.date(year, 1, 1))
    url = reverse("petitions:petition_list")
    with CaptureQueriesContext(connection) as queries:
        everything = client.get(url, {"q": "housing", "page_size": 10}).context["page"]
    # e-1 and e-2, the two newest, are ranked; e-3 and e-4 follow by date.
    assert [p.number for p in everything] == ["e-2", "e-1", "e-3", "e-4"]
    assert candidates_read_from_a_bitmap(queries) == from_the_indexes
    pages = [
        [
            p.number
            for p in client.get(url, {"q": "housing", "page_size": 1, "page": n}).context["page"]
        ]
        for n in range(1, 5)
    ]
    assert pages == [["e-2"], ["e-1"], ["e-3"], ["e-4"]]


def test_best_match_ranks_every_match_when_they_are_few(client, monkeypatch):
    monkeypatch.setattr("petitions.models.querysets.RANK_CANDIDATES", 1)
    for n, (text, year) in enumerate(
        [("Housing.", 2024), ("Housing, housing, housing.", 2019), ("Housing now.", 2018)],
        start=1,
    ):
        PetitionFactory(number=f"e-{n}", prayer_en=text, presented_on=datetime.date(year, 1, 1))
    page = client.get(reverse("petitions:petition_list"), {"q": "housing"}).context["page"]
    assert [p.number for p in page][0] == "e-2"


def test_a_search_that_finds_nothing_is_an_empty_page_everywhere(client):
    PetitionFactory(number="e-987654", prayer_en="Housing.")
    for url in ("/petitions/", "/petitions/export.csv", "/api/petitions/"):
        response = client.get(url, {"q": "zebra", "sort": "relevance"})
        assert response.status_code == 200, url
        assert b"987654" not in body_of(response), url
        found = client.get(url, {"q": "housing", "sort": "relevance"})
        assert b"987654" in body_of(found), url


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_with_many_matches_the_newest_open_petitions_are_ranked_too(client, monkeypatch):
    # As for a common word: more matches than are all ranked, and one candidate.
    monkeypatch.setattr("petitions.models.querysets.FEW_MATCHES", 2)
    monkeypatch.setattr("petitions.models.querysets.RANK_CANDIDATES", 1)
    for n, year in enumerate((2024, 2023, 2022), start=1):
        PetitionFactory(
            number=f"e-{n}", prayer_en="Housing.", presented_on=datetime.date(year, 1, 1)
        )
    SignatureWindowFactory(
        petition__number="e-9", petition__prayer_en="Housing, housing, housing, housing."
    )
    url = reverse("petitions:petition_list")
    page = client.get(url, {"q": "housing", "page_size": 10}).context["page"]
    # The open petition moved last (it opened after the newest was presented): it is
    # the one ranked; the presented ones follow by date.
    assert [p.number for p in page] == ["e-9", "e-1", "e-2", "e-3"]


def test_keys_given_as_one_array_find_exactly_those_petitions():
    first, second, _ = PetitionFactory(), PetitionFactory(), PetitionFactory()
    assert set(Petition.objects.filter(pk__any=[first.pk, second.pk])) == {first, second}
    assert list(Petition.objects.filter(pk__any=[second.pk])) == [second]
    assert list(Petition.objects.filter(pk__any=[])) == []


def test_what_a_search_learns_from_its_words_serves_their_other_filters(client):
    for n in range(1, 4):
        PetitionFactory(number=f"e-{n}", prayer_en="Housing.", petitioner_province="ON")
    url = reverse("petitions:petition_list")
    client.get(url, {"q": "housing"})
    with CaptureQueriesContext(connection) as other_filter:
        page = client.get(url, {"q": "housing", "province": "ON"}).context["page"]
    assert [p.number for p in page] == ["e-3", "e-2", "e-1"]
    # Neither the Members named nor the first look through the text (the words without
    # the filters) is read again.
    statements = [query["sql"] for query in other_filter]
    assert not [sql for sql in statements if "%>" in sql]  # pg_trgm: a Member named
    searched = [sql for sql in statements if "search_document" in sql]
    assert searched and all("petitioner_province" in sql for sql in searched)


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_a_petition_saved_after_a_search_is_found_by_the_same_words(client):
    PetitionFactory(number="e-1", prayer_en="Housing.")
    url = reverse("petitions:petition_list")
    client.get(url, {"q": "housing"})
    PetitionFactory(number="e-2", prayer_en="Housing, housing, housing.")
    page = client.get(url, {"q": "housing"}).context["page"]
    assert [p.number for p in page] == ["e-2", "e-1"]


def test_a_new_search_typed_on_a_sorted_results_page_is_in_best_match_order(
    sample_petitions, client
):
    from tests.rendered_form import rendered_form

    page = client.get("/petitions/", {"q": "police", "sort": "signatures"})
    data = rendered_form(page, "search-form") | {"q": "safety"}
    assert "sort" not in data
    answer = client.get("/petitions/", data)
    assert answer.context["filter"].sort_value == "relevance"
