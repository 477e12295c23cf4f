"""French pages: every interface string, the House's French dates, content in French
where it exists and marked where it does not, a language switch that stays on the page,
and hreflang links."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

CATALOG = Path(settings.BASE_DIR, "locale", "fr", "LC_MESSAGES", "django.po")


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request to /fr/ leaves French active in this thread; later tests expect English."""
    yield
    translation.activate("en")


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_french_home_page_is_in_french(client):
    response = client.get("/fr/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html
    assert "Passer au contenu principal" in html
    assert "Archives des pétitions" in html
    for label in ("Pétitions", "Députés", "Ministères", "Statistiques"):
        assert f">{label}</a>" in html
    assert 'href="/fr/petitions/"' in html
    assert "Chercher des pétitions" in html


def test_the_french_petition_page_uses_the_houses_french_dates_and_wording(
    client, sample_petitions
):
    response = client.get("/fr/petitions/e-4172/")
    page = text_of(response.text)
    assert "e-4172 (Sécurité publique)" in page
    assert "Pétition électronique · 44e législature, 1re session" in page
    assert "Lancée par Tsz Lok Chan de Saskatoon, Saskatchewan" in page
    assert "Langue originale de la pétition Anglais" in page
    assert "Pétition adressée au ministre de la Sécurité publique" in page
    assert "Réponse du ministre de la Sécurité publique" in page
    assert "Signée par (ministre ou secrétaire parlementaire) Pam Damoff, M.P." in page
    # Ottawa's time, with the zone in force (the House says HAE all year).
    assert "Ouverte à la signature 16 novembre 2022 à 14 h 23 (HNE)" in page
    assert "Fermée à la signature 15 janvier 2023 à 14 h 23 (HNE)" in page
    assert "20 mars 2023 (Pétition no 441-01184)" in page
    assert "Réponse attendue 4 mai 2023" in page
    assert "Respecté : la réponse a été déposée dans les 45 jours." in page
    assert "Circonscription Thornhill Caucus Caucus conservateur" in page


def test_english_only_text_on_a_french_page_is_marked_in_english(client, sample_petitions):
    html = client.get("/fr/petitions/e-4172/").text
    assert "Cette pétition n’est publiée qu’en anglais." in html
    assert '<div class="prayer" lang="en">' in html
    assert '<ul class="whereas" lang="en">' in html
    assert '<div class="response__text" lang="en">' in html


def test_french_text_is_shown_on_the_french_page_when_it_exists(client):
    PetitionFactory(
        number="e-1", prayer_en="We ask for parks.", prayer_fr="Nous demandons des parcs."
    )
    html = client.get("/fr/petitions/e-1/").text
    assert "Nous demandons des parcs." in html
    assert "We ask for parks." not in html
    assert "n’est publiée qu’en" not in html


def test_numbers_and_list_dates_follow_french_usage(client, sample_petitions):
    page = text_of(client.get("/fr/petitions/e-4649/").text)
    assert "283 835 signatures validées" in page.replace("\xa0", " ")
    listing = text_of(client.get("/fr/petitions/", {"sort": "signatures"}).text)
    assert "Présentée le 1er décembre 2023" in listing
    assert "10 pétitions" in listing


def test_the_language_switch_stays_on_the_same_page_and_keeps_the_query(client):
    PetitionFactory(number="e-4172")
    english = client.get("/petitions/e-4172/").text
    assert re.search(
        r'<a href="/language/fr/\?next=%2Ffr%2Fpetitions%2Fe-4172%2F" rel="nofollow" lang="fr"'
        r' hreflang="fr">Français</a>',
        english,
    )
    french = client.get("/fr/petitions/e-4172/").text
    assert re.search(
        r'<a href="/language/en/\?next=%2Fpetitions%2Fe-4172%2F" rel="nofollow" lang="en"'
        r' hreflang="en">English</a>',
        french,
    )
    listing = client.get("/petitions/", {"q": "parks", "kind": "paper"}).text
    assert 'href="/language/fr/?next=%2Ffr%2Fpetitions%2F%3Fq%3Dparks%26kind%3Dpaper"' in listing
    switched = client.get("/language/fr/", {"next": "/fr/petitions/?q=parks&kind=paper"})
    assert switched.status_code == 302
    assert switched["Location"] == "/fr/petitions/?q=parks&kind=paper"


def test_each_page_names_its_canonical_address_and_its_other_language(client):
    PetitionFactory(number="e-4172")
    html = client.get("/fr/petitions/e-4172/").text
    site = settings.SITE_URL.rstrip("/")
    assert f'<link rel="canonical" href="{site}/fr/petitions/e-4172/">' in html
    assert f'<link rel="alternate" hreflang="en" href="{site}/petitions/e-4172/">' in html
    assert f'<link rel="alternate" hreflang="fr" href="{site}/fr/petitions/e-4172/">' in html


def test_a_missing_petition_is_a_french_404_on_the_french_site(client):
    response = client.get("/fr/petitions/e-99999/")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.text
    assert "Page introuvable" in response.text
    assert "Rien dans les archives n’a cette adresse." in response.text


def test_filter_labels_choices_and_errors_are_in_french(client):
    response = client.get("/fr/petitions/", {"status": "bogus"})
    assert response.status_code == 400
    html = response.text
    assert "Certaines valeurs n’ont pas pu être utilisées" in html
    assert "Sélectionnez un choix valide" in html
    assert "Ouverte à la signature" in html
    assert "Législature et session" in html
    assert "Tous" in html


def test_sort_names_and_result_counts_are_in_french(client):
    PetitionFactory.create_batch(2)
    page = text_of(client.get("/fr/petitions/").text)
    assert "2 pétitions" in page
    assert "Trier : Plus récentes d’abord" in page


def test_members_and_ministries_pages_are_in_french(client):
    from petitions.models import Ministry

    Ministry.objects.all().delete()
    assert "Trouver un député" in client.get("/fr/members/").text
    ministries = client.get("/fr/ministries/").text
    assert "Le gouvernement doit déposer une réponse dans les 45 jours" in ministries
    assert "Aucun ministère dans les archives pour l’instant." in ministries


def test_every_entry_of_the_french_catalog_is_translated():
    catalog = CATALOG.read_text()
    entries = catalog.split("\n\n")[1:]
    assert "#, fuzzy" not in catalog
    untranslated = [
        entry
        for entry in entries
        if re.search(r'^msgstr(\[0\])? ""$', entry, re.M)
        and not re.search(r'^msgstr(\[0\])? ""\n"', entry, re.M)
    ]
    assert untranslated == []


def test_counts_of_one_read_in_the_singular_in_both_languages(client):
    import datetime

    from django.utils import timezone

    from tests.factories import (
        GovernmentResponseFactory,
        MinistryFactory,
        PetitionFactory,
        SignatureWindowFactory,
    )

    ministry = MinistryFactory(title_en="Minister of Health", slug="minister-of-health")
    petition = PetitionFactory(
        ministry=ministry, signature_count=1, presented_on=datetime.date(2023, 3, 20)
    )
    GovernmentResponseFactory(petition=petition, ministry=ministry)
    open_one = PetitionFactory()
    SignatureWindowFactory(
        petition=open_one,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=29),
    )

    def text(path):
        return " ".join(re.sub(r"<[^>]+>", " ", client.get(path).text).split())

    assert "1 petition addressed" in text("/ministries/minister-of-health/")
    assert "1 response " in text("/ministries/minister-of-health/")
    assert "1 ouverte à la signature" in text("/fr/")
    assert "1 open for signature" in text("/")
    stats = text("/stats/")
    assert "1 presented in the House" in stats and "2 petitions" in stats
    assert "1 présentée à la Chambre" in text("/fr/stats/")
