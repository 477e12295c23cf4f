"""Every name the archive holds in two languages shows in the page's language: no
English name on a French page where a French one exists (filter options, statistics,
tables, feeds, the data dictionary, the API's documentation), and one way to name a
session. Export column names stay English in both languages."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from petitions.models import PROVINCES, Caucus, Keyword, Ministry, ParliamentarySession, Topic
from tests.factories import (
    CaucusFactory,
    GovernmentResponseFactory,
    KeywordFactory,
    MemberFactory,
    MinistryFactory,
    PetitionFactory,
    SignatureWindowFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def bilingual_petitions():
    """Petitions whose every name differs in English and French."""
    topic = TopicFactory(name_en="Lighthouse keeping", name_fr="Gardiennage de phares")
    ministry = MinistryFactory(
        title_en="Minister of Lighthouses", title_fr="ministre des Phares", slug="lighthouses"
    )
    caucus = CaucusFactory(
        short_name="Keepers", name_en="Keepers Caucus", name_fr="Caucus des gardiens"
    )
    keyword = KeywordFactory(name_en="Foghorns", name_fr="Cornes de brume", slug="foghorns")
    member = MemberFactory(first_name="Ada", last_name="Lovelace", slug="ada", caucus=caucus)
    member.province = "BC"
    member.save()
    petition = PetitionFactory(
        number="e-100",
        topic=topic,
        ministry=ministry,
        sponsor=member,
        sponsor_caucus=caucus,
        petitioner_province="BC",
        prayer_fr="Nous demandons des phares.",
        signature_count=900,
    )
    petition.keywords.add(keyword)
    SignatureWindowFactory(
        petition=petition,
        opens_at=timezone.now() - datetime.timedelta(days=200),
        closes_at=timezone.now() - datetime.timedelta(days=100),
    )
    GovernmentResponseFactory(
        petition=PetitionFactory(
            number="e-101",
            topic=topic,
            ministry=ministry,
            sponsor=member,
            presented_on=datetime.date(2023, 3, 20),
            presentation_number="441-01184",
        ),
        ministry=ministry,
    )
    return petition


def english_names():
    """Every English name with a different French one, as the pages would print it."""
    names = {"Keepers Caucus", "Keepers"}
    for model, english, french in [
        (Topic, "name_en", "name_fr"),
        (Keyword, "name_en", "name_fr"),
        (Ministry, "title_en", "title_fr"),
        (Caucus, "name_en", "name_fr"),
    ]:
        for record in model.objects.all():
            en, fr = getattr(record, english), getattr(record, french)
            if fr and en.casefold() != fr.casefold():
                names.add(en)
    names |= {english for _, english, french in PROVINCES if english != french}
    return names


def shown_text(html):
    """What a reader sees or hears: text and the option labels (attributes aside), one
    piece of text per line."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "\n", html, flags=re.S)
    pieces = (" ".join(piece.split()) for piece in re.split(r"<[^>]+>", html))
    return "\n".join(piece for piece in pieces if piece)


FRENCH_PAGES = [
    "/fr/",
    "/fr/petitions/",
    "/fr/petitions/?topic=lighthouse-keeping&ministry=lighthouses&caucus=keepers",
    "/fr/petitions/e-100/",
    "/fr/petitions/e-101/",
    "/fr/members/",
    "/fr/members/ada/",
    "/fr/ministries/",
    "/fr/ministries/lighthouses/",
    "/fr/stats/",
    "/fr/stats/?ministry=lighthouses&topic=lighthouse-keeping&session=441",
    "/fr/data/",
    "/fr/api/docs/",
]


@pytest.mark.parametrize("path", FRENCH_PAGES)
def test_no_english_name_appears_on_a_french_page_where_a_french_one_exists(
    client, bilingual_petitions, path
):
    response = client.get(path)
    assert response.status_code == 200
    text = shown_text(response.text)
    found = sorted(name for name in english_names() if re.search(rf"\b{re.escape(name)}\b", text))
    assert found == []
    assert "Parliament" not in text


@pytest.mark.parametrize("feed", ["/fr/feeds/petitions/", "/fr/feeds/responses/"])
def test_french_feeds_name_things_in_french(client, bilingual_petitions, feed):
    response = client.get(feed, {"ministry": "lighthouses", "topic": "lighthouse-keeping"})
    assert response.status_code == 200
    text = response.content.decode()
    for english in ("Minister of Lighthouses", "Lighthouse keeping"):
        assert english not in text
    assert "ministre des Phares" in text or "Gardiennage de phares" in text


def test_the_french_filter_options_are_named_and_ordered_in_french(client, bilingual_petitions):
    html = client.get("/fr/petitions/").text
    assert '<option value="lighthouse-keeping">Gardiennage de phares</option>' in html
    assert '<option value="lighthouses">ministre des Phares</option>' in html
    assert '<option value="keepers">Caucus des gardiens</option>' in html
    assert '<option value="BC">Colombie-Britannique</option>' in html
    assert '<option value="441">44e législature, 1re session</option>' in html
    topics = re.search(r'<select name="topic".*?</select>', html, re.S)[0]
    labels = re.findall(r">([^<]+)</option>", topics)
    folded = [label.casefold().replace("é", "e").replace("É", "e") for label in labels[1:]]
    assert folded == sorted(folded)


def test_the_english_filter_options_stay_english(client, bilingual_petitions):
    html = client.get("/petitions/").text
    assert '<option value="lighthouse-keeping">Lighthouse keeping</option>' in html
    assert '<option value="keepers">Keepers Caucus</option>' in html
    assert '<option value="441">44th Parliament, 1st Session</option>' in html


def test_a_session_has_one_name_in_each_language():
    session = ParliamentarySession.objects.get(parliament=44, session=1)
    assert str(session) == "44th Parliament, 1st Session"
    with translation.override("fr"):
        assert str(session) == "44e législature, 1re session"
    assert str(ParliamentarySession(parliament=42, session=2)) == "42nd Parliament, 2nd Session"
    assert str(ParliamentarySession(parliament=43, session=3)) == "43rd Parliament, 3rd Session"
    assert str(ParliamentarySession(parliament=41, session=1)) == "41st Parliament, 1st Session"


def test_the_admin_names_sessions_as_the_site_does(admin_client):
    html = admin_client.get("/admin/petitions/parliamentarysession/").text
    assert "44th Parliament, 1st Session" in html
    assert "44 Parliament, session 1" not in html


def test_french_statistics_errors_are_french_and_name_fields_by_their_labels(client, db):
    response = client.get("/fr/stats/", {"session": "999", "page": "abc"})
    assert response.status_code == 400
    text = shown_text(response.text)
    assert "Législature et session :" in text
    assert "Page :" in text
    assert "session:" not in text
    assert "page:" not in text
    assert "Select a valid choice" not in text
    assert "Enter a whole number" not in text


def test_export_column_names_stay_english_in_french(client, bilingual_petitions):
    english = client.get("/petitions/export.csv").getvalue().decode().splitlines()[0]
    french = client.get("/fr/petitions/export.csv").getvalue().decode().splitlines()[0]
    assert french == english
    assert "topic_en" in french and "signatures_BC" in french
