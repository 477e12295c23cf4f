"""One rule for bad parameters on every face: a 400 whose message is in the page's
language and names the field by its label; JSON for the API and a program's export,
text for a feed reader, a page of the site for a person's download or feed link.
Reversed ranges, a parameter given twice and a page that is not a number included."""

import datetime
import json

import pytest
from django.utils import translation

from tests.factories import PetitionFactory, SignatureWindowFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}
FILTERED_FACES = [
    "/petitions/",
    "/stats/",
    "/api/petitions/",
    "/api/stats/",
    "/petitions/export.csv",
    "/petitions/export.json",
    "/feeds/petitions/",
    "/feeds/responses/",
]
AWARE_NOON = datetime.time(12)


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def petitions():
    petition = PetitionFactory(
        number="e-1", signature_count=500, presented_on=datetime.date(2024, 3, 1)
    )
    opens = datetime.datetime.combine(datetime.date(2024, 2, 1), AWARE_NOON, tzinfo=datetime.UTC)
    SignatureWindowFactory(
        petition=petition, opens_at=opens, closes_at=opens + datetime.timedelta(days=20)
    )
    return petition


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


BOUNDS = [
    ("opened_after", "opened_before", "2024-02-01", "2024-01-31", "2024-02-01"),
    ("presented_after", "presented_before", "2024-03-01", "2024-02-29", "2024-03-01"),
    ("min_signatures", "max_signatures", "500", "499", "500"),
]


@pytest.mark.parametrize("face", FILTERED_FACES)
@pytest.mark.parametrize(("lower", "upper", "low", "_reversed", "equal"), BOUNDS)
def test_equal_bounds_are_a_range_of_one(
    client, petitions, face, lower, upper, low, _reversed, equal
):
    response = client.get(face, {lower: low, upper: equal})
    assert response.status_code == 200
    if face == "/api/petitions/":
        assert response.json()["count"] == 1


@pytest.mark.parametrize("face", FILTERED_FACES)
@pytest.mark.parametrize(("lower", "upper", "low", "high", "_equal"), BOUNDS)
def test_bounds_reversed_by_one_day_or_one_signature_are_a_400(
    client, petitions, face, lower, upper, low, high, _equal
):
    response = client.get(face, {lower: low, upper: high})
    assert response.status_code == 400
    text = body(response)
    assert "is after" in text or "is more than" in text


def test_the_message_says_which_bound_is_after_which(client, petitions):
    response = client.get(
        "/api/petitions/", {"opened_after": "2024-02-01", "opened_before": "2024-01-31"}
    )
    assert response.json() == {
        "opened_after": ["February 1, 2024 is after “Opened on or before” (January 31, 2024)."]
    }
    response = client.get("/api/petitions/", {"min_signatures": "1000", "max_signatures": "999"})
    assert response.json() == {"min_signatures": ["1,000 is more than “At most signatures” (999)."]}


def test_the_list_page_names_the_field_by_its_label_in_french(client, petitions):
    response = client.get(
        "/fr/petitions/", {"opened_after": "2024-02-01", "opened_before": "2024-01-31"}
    )
    assert response.status_code == 400
    html = response.text
    assert (
        "Ouverte le ou après le</a> : 1er février 2024 est après "
        "«\u00a0Ouverte le ou avant le\u00a0» (31 janvier 2024)." in html
    )


@pytest.mark.parametrize(
    "face",
    [
        "/petitions/",
        "/members/",
        "/fr/members/",
        "/stats/",
        "/api/petitions/",
        "/api/members/",
        "/api/ministries/",
        "/api/sessions/",
    ],
)
def test_a_page_that_is_not_a_number_is_a_400_everywhere(client, face):
    response = client.get(face, {"page": "abc"})
    assert response.status_code == 400
    if face.startswith("/api/"):
        assert list(response.json()) == ["page"]
    else:
        assert (
            ("Page:" in response.text)
            or ("Page :" in response.text)
            or (">Page</a>" in response.text)
        )


@pytest.mark.parametrize(
    "face",
    ["/petitions/", "/members/", "/api/petitions/", "/api/members/", "/api/sessions/", "/stats/"],
)
def test_a_parameter_given_twice_is_a_400(client, face):
    response = client.get(f"{face}?page=1&page=2")
    assert response.status_code == 400
    assert "Given more than once" in body(response)


@pytest.mark.parametrize(
    "face", ["/petitions/", "/api/petitions/", "/petitions/export.csv", "/feeds/petitions/"]
)
def test_a_filter_given_twice_is_a_400_but_the_status_takes_several(client, petitions, face):
    assert client.get(f"{face}?kind=paper&kind=electronic").status_code == 400
    assert client.get(f"{face}?status=open&status=closed").status_code == 200


def test_page_one_and_the_members_pages_still_answer(client):
    assert client.get("/members/", {"page": "1"}).status_code == 200
    assert client.get("/api/members/", {"page": "1"}).status_code == 200
    assert client.get("/api/members/", {"page_size": "abc"}).status_code == 400


@pytest.mark.parametrize("export", ["/petitions/export.csv", "/petitions/export.json"])
def test_a_program_asking_a_bad_export_gets_json(client, export):
    response = client.get(export, {"page": "1", "ministry": "minister-of-nothing"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["errors"]) == {"ministry"}


@pytest.mark.parametrize("export", ["/petitions/export.csv", "/fr/petitions/export.json"])
def test_a_person_clicking_a_bad_export_link_gets_a_page_with_a_way_back(client, export):
    query = {"ministry": "minister-of-nothing", "kind": "paper"}
    response = client.get(export, query, **BROWSER)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.text
    assert 'class="site-header"' in html
    if export.startswith("/fr/"):
        assert "Ministère (destinataire ou répondant) : Sélectionnez un choix valide." in html
        assert 'href="/fr/petitions/?ministry=minister-of-nothing&amp;kind=paper"' in html
    else:
        assert "Ministry (addressed or responding): Select a valid choice." in html
        assert 'href="/petitions/?ministry=minister-of-nothing&amp;kind=paper"' in html
    with pytest.raises(json.JSONDecodeError):
        json.loads(html)


def test_a_person_clicking_a_bad_feed_link_gets_a_page(client):
    response = client.get("/feeds/petitions/", {"session": "999"}, **BROWSER)
    assert response.status_code == 400
    assert "Parliament and session: Select a valid choice." in response.text
    assert 'class="site-footer"' in response.text


def test_too_many_downloads_show_a_person_a_page_and_a_program_json(client, settings):
    settings.RATE_LIMITS = {"exports": 1}
    assert client.get("/fr/petitions/export.csv").status_code == 200
    person = client.get("/fr/petitions/export.csv", {"kind": "paper"}, **BROWSER)
    assert person.status_code == 429
    assert person["Retry-After"]
    assert '<html lang="fr">' in person.text
    assert "Trop de requêtes" in person.text
    assert 'href="/fr/petitions/?kind=paper"' in person.text
    program = client.get("/petitions/export.csv")
    assert program.status_code == 429
    assert "Too many requests" in program.json()["detail"]
