"""Members of Parliament: the list with their counts and a name search, and each
Member's page with the petitions they sponsored and presented."""

import pytest

from tests.factories import CaucusFactory, MemberFactory, PetitionFactory

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]


def test_the_list_shows_each_member_with_sponsored_and_presented_counts(client):
    lantsman = MemberFactory(
        first_name="Melissa", last_name="Lantsman", riding="Thornhill", caucus=CaucusFactory()
    )
    PetitionFactory.create_batch(2, sponsor=lantsman)
    PetitionFactory(presenter=lantsman)
    MemberFactory(first_name="Jenny", last_name="Kwan")
    response = client.get("/members/")
    assert response.status_code == 200
    members = {m.slug: m for m in response.context["page"]}
    assert members["melissa-lantsman"].sponsored_count == 2
    assert members["melissa-lantsman"].presented_count == 1
    assert members["jenny-kwan"].sponsored_count == 0
    assert "Lantsman, Melissa" in response.text
    assert "Thornhill" in response.text
    assert "Conservative Caucus" in response.text


def test_the_list_finds_a_member_despite_a_typo(client):
    MemberFactory(first_name="Melissa", last_name="Lantsman")
    MemberFactory(first_name="Jenny", last_name="Kwan")
    response = client.get("/members/", {"q": "Lantsmann"})
    assert [m.slug for m in response.context["page"]] == ["melissa-lantsman"]


def test_no_member_found_says_so(client):
    response = client.get("/members/", {"q": "zzzz"})
    assert response.status_code == 200
    assert "No Member matches." in response.text


def test_a_members_page_lists_the_petitions_sponsored_and_presented(client):
    lantsman = MemberFactory(first_name="Melissa", last_name="Lantsman", riding="Thornhill")
    PetitionFactory(number="e-1", sponsor=lantsman)
    PetitionFactory(number="e-2", presenter=lantsman)
    PetitionFactory(number="e-3")
    response = client.get("/members/melissa-lantsman/")
    assert response.status_code == 200
    assert [p.number for p in response.context["sponsored"]] == ["e-1"]
    assert [p.number for p in response.context["presented"]] == ["e-2"]
    assert "1 petition sponsored" in response.text
    assert "1 petition presented" in response.text
    assert "<title>Melissa Lantsman" in response.text


def test_a_long_list_links_to_every_petition_of_the_member(client):
    member = MemberFactory(first_name="Jenny", last_name="Kwan")
    PetitionFactory.create_batch(25, sponsor=member)
    response = client.get("/members/jenny-kwan/")
    assert len(response.context["sponsored"]) == 20
    assert 'href="/petitions/?sponsor=jenny-kwan"' in response.text


def test_an_unknown_member_is_a_404_page(client):
    response = client.get("/members/nobody-at-all/")
    assert response.status_code == 404
    assert "Page not found" in response.text


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_the_pages_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    caucus = CaucusFactory()
    member = MemberFactory(first_name="Jenny", last_name="Kwan", caucus=caucus)
    PetitionFactory.create_batch(30, sponsor=member, presenter=member)
    MemberFactory.create_batch(60, caucus=caucus)
    with django_assert_num_queries(3):
        response = client.get("/members/")
    assert len(response.context["page"]) == 50
    # The data version, the Member, then for each list the keys and the rows.
    with django_assert_num_queries(6):
        client.get("/members/jenny-kwan/")


def test_a_nul_character_in_the_search_is_ignored_on_the_page_and_in_the_api(client):
    MemberFactory(first_name="Jenny", last_name="Kwan")
    page = client.get("/members/", {"q": "Jenny\x00 Kwan"})
    assert page.status_code == 200
    assert [m.slug for m in page.context["page"]] == ["jenny-kwan"]
    api = client.get("/api/members/", {"q": "Jenny\x00"})
    assert api.status_code == 200
    assert [member["slug"] for member in api.json()["results"]] == ["jenny-kwan"]
