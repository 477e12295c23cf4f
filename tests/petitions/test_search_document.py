"""What search reads: each field of a petition, and of the rows it names, finds it, in
English and French; a write anywhere the document reads from shows in the next search,
whoever writes (the admin, an import, a delete)."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from petitions.models import Petition, normalize_petition_number, petition_number_readings
from responses.models import GovernmentResponse
from tests.factories import (
    GovernmentResponseFactory,
    KeywordFactory,
    MemberFactory,
    PaperPetitionFactory,
    PetitionFactory,
    TopicFactory,
)
from tests.rendered_form import rendered_form

pytestmark = pytest.mark.django_db

LIST = "/petitions/"


def found(text):
    return sorted(Petition.objects.search(text).values_list("number", flat=True))


def listed(client, text, language=""):
    response = client.get(f"{language}{LIST}", {"q": text})
    assert response.status_code == 200
    return [petition.number for petition in response.context["page"]]


# Each field, alone in one petition: (how the petition gets it, the words that find it).
FIELDS = {
    "prayer in English": (lambda: {"prayer_en": "Plant more trees by rivers."}, "rivers"),
    "prayer in French": (
        lambda: {"prayer_fr": "Planter des arbres près des rivières."},
        "riviere",
    ),
    "grievances in English": (lambda: {"whereas_en": "Wildfires are worsening."}, "wildfire"),
    "grievances in French": (lambda: {"whereas_fr": "Les incendies s'aggravent."}, "incendie"),
    "topic in English": (lambda: {"topic": TopicFactory(name_en="Taxation")}, "Taxation"),
    "topic in French": (
        lambda: {"topic": TopicFactory(name_en="Public safety", name_fr="Sécurité publique")},
        '"securite publique"',
    ),
    "petitioner's name": (lambda: {"petitioner_name": "Tsz Lok Chan"}, "Chan"),
    "petitioner's city": (lambda: {"petitioner_city": "Saskatoon"}, "Saskatoon"),
    "sponsor's riding at the time": (lambda: {"sponsor_riding": "Thornhill"}, "Thornhill"),
    "presenter's riding at the time": (
        lambda: {"presenter_riding": "Rosemont–La Petite-Patrie"},
        "Rosemont",
    ),
}


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_of_the_petition_finds_it_alone(field):
    values, words = FIELDS[field]
    PetitionFactory(number="e-1", **({"prayer_en": ""} | values()))
    PetitionFactory(number="e-2", prayer_en="Nothing alike.", prayer_fr="Rien de pareil.")
    assert found(words) == ["e-1"]


def test_keywords_find_their_petitions_in_english_and_french():
    petition = PetitionFactory(number="e-1", prayer_en="")
    petition.keywords.add(KeywordFactory(name_en="Pipelines", name_fr="Oléoducs"))
    PetitionFactory(number="e-2")
    assert found("pipeline") == ["e-1"]
    assert found("oleoducs") == ["e-1"]


def test_a_response_finds_its_petition_by_its_text_in_both_languages_and_its_signer():
    GovernmentResponseFactory(
        petition=PetitionFactory(
            number="e-1",
            prayer_en="",
            presented_on=datetime.date(2023, 3, 20),
            presentation_number="441-01184",
        ),
        signed_by="Pam Damoff, M.P.",
        text_en="The Government strengthened the ombudsperson's mandate.",
        text_fr="Le gouvernement a renforcé le mandat de l'ombudsman.",
    )
    PetitionFactory(number="e-2")
    assert found("ombudsperson") == ["e-1"]
    assert found("renforcé mandat") == ["e-1"]
    assert found("Damoff") == ["e-1"]


def test_the_sponsor_and_the_presenter_find_their_petitions_by_name_and_riding():
    lantsman = MemberFactory(first_name="Melissa", last_name="Lantsman", riding="Thornhill")
    boulerice = MemberFactory(
        first_name="Alexandre", last_name="Boulerice", riding="Rosemont–La Petite-Patrie"
    )
    PetitionFactory(number="e-1", prayer_en="", sponsor=lantsman)
    PetitionFactory(number="e-2", prayer_en="", presenter=boulerice)
    PetitionFactory(number="e-3")
    assert found("Lantsman") == ["e-1"]
    assert found("Thornhill") == ["e-1"]
    assert found("Boulerice") == ["e-2"]
    assert found("petite-patrie") == ["e-2"]


def test_words_from_different_fields_combine():
    lantsman = MemberFactory(first_name="Melissa", last_name="Lantsman")
    boulerice = MemberFactory(first_name="Alexandre", last_name="Boulerice")
    PetitionFactory(number="e-1", sponsor=lantsman, prayer_en="Fund the police.")
    PetitionFactory(number="e-2", sponsor=lantsman, prayer_en="Fund the schools.")
    PetitionFactory(number="e-3", sponsor=boulerice, prayer_fr="Un cessez-le-feu immédiat.")
    PetitionFactory(number="e-4", prayer_en="An immediate ceasefire.")
    assert found("Lantsman police") == ["e-1"]
    # Boulerice's petition says it in French only; stemmed and unaccented under both.
    assert found("Boulerice cessez-le-feu") == ["e-3"]


def test_bare_digits_read_as_an_e_petition_number_and_as_a_presentation_number():
    assert petition_number_readings("4172") == ["e-4172", "417-00002"]
    assert petition_number_readings("e4172") == ["e-4172"]
    assert petition_number_readings("441-01184") == ["441-01184"]
    # A filter's value is still read one way.
    assert normalize_petition_number("4172") == "417-00002"


def test_bare_digits_go_to_the_one_petition_they_name(client):
    PetitionFactory(number="e-4172")
    response = client.get(LIST, {"q": "4172"})
    assert response.status_code == 302
    assert response["Location"] == "/petitions/e-4172/"


def test_bare_digits_naming_two_petitions_list_both(client):
    PetitionFactory(number="e-4172")
    PaperPetitionFactory(number="417-00002")
    PetitionFactory(number="e-9")
    assert sorted(listed(client, "4172")) == ["417-00002", "e-4172"]


def test_a_presentation_number_finds_its_e_petition_with_other_words():
    PetitionFactory(
        number="e-4172",
        presentation_number="441-01184",
        presented_on=datetime.date(2023, 3, 20),
        prayer_en="Investigate the police stations.",
    )
    PetitionFactory(number="e-9", prayer_en="Investigate the police stations.")
    assert found("441-01184") == ["e-4172"]
    assert found("44101184 police") == ["e-4172"]
    assert found("4172 police") == ["e-4172"]


def test_search_stays_accent_and_case_insensitive_and_stemmed_in_both_languages():
    PetitionFactory(number="e-1", prayer_fr="Les forêts électroniques protégées.")
    PetitionFactory(number="e-2", prayer_en="Protecting the forests.")
    assert found("FORETS") == ["e-1"]
    assert found("électronique") == ["e-1"]
    assert found("protect") == ["e-2"]
    assert found('"the forests"') == ["e-2"]
    assert found("forests -protecting") == []


def test_a_misspelled_member_name_still_finds_their_petitions():
    PetitionFactory(number="e-1", sponsor=MemberFactory(first_name="Melissa", last_name="Lantsman"))
    assert found("Lantsmann") == ["e-1"]


# Writes through the real paths, each committed as in production: the admin's forms,
# an import, deletes.


@pytest.fixture
def admin_posts(admin_client):
    def post(url, **changes):
        data = rendered_form(admin_client.get(url), f"{url.split('/')[3]}_form") | changes
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    return post


@pytest.mark.django_db(transaction=True)
def test_renaming_a_member_in_the_admin_rewrites_their_petitions_documents(admin_posts):
    member = MemberFactory(first_name="Melissa", last_name="Lantsman", slug="melissa-lantsman")
    PetitionFactory(number="e-1", sponsor=member)
    PetitionFactory(number="e-2", presenter=member)
    PetitionFactory(number="e-3")
    admin_posts(f"/admin/petitions/member/{member.pk}/change/", last_name="Quellette")
    assert found("Quellette") == ["e-1", "e-2"]
    # Only the trigram match of the old name is gone too: no document holds it.
    assert not Petition.objects.filter(search_document="lantsman").exists()


@pytest.mark.django_db(transaction=True)
def test_renaming_a_topic_in_the_admin_rewrites_its_petitions_documents(admin_posts):
    topic = TopicFactory(name_en="Taxation", name_fr="Fiscalité")
    PetitionFactory(number="e-1", topic=topic)
    PetitionFactory(number="e-2")
    admin_posts(f"/admin/petitions/topic/{topic.pk}/change/", name_fr="Impôts et taxes")
    assert found("impots") == ["e-1"]
    assert found("fiscalite") == []


@pytest.mark.django_db(transaction=True)
def test_renaming_a_keyword_in_the_admin_rewrites_its_petitions_documents(admin_posts):
    keyword = KeywordFactory(name_en="Pipelines", name_fr="Oléoducs")
    petition = PetitionFactory(number="e-1")
    petition.keywords.add(keyword)
    admin_posts(f"/admin/petitions/keyword/{keyword.pk}/change/", name_en="Aqueducts")
    assert found("aqueduct") == ["e-1"]
    assert found("pipeline") == []


@pytest.mark.django_db(transaction=True)
def test_a_response_added_edited_and_deleted_in_the_admin_shows_in_the_next_search(
    admin_client,
):
    petition = PetitionFactory(
        number="e-1", presented_on=datetime.date(2023, 3, 20), presentation_number="441-01184"
    )
    url = f"/admin/petitions/petition/{petition.pk}/change/"

    def save(**changes):
        data = rendered_form(admin_client.get(url), "petition_form") | changes
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]

    save(
        **{
            "responses-TOTAL_FORMS": "1",
            "responses-0-position": "1",
            "responses-0-signed_by": "Pam Damoff, M.P.",
            "responses-0-tabled_on": "2023-05-03",
            "responses-0-text_en": "The ombudsperson will review it.",
        }
    )
    assert found("ombudsperson Damoff") == ["e-1"]
    save(**{"responses-0-text_en": "The commissioner will review it."})
    assert found("commissioner") == ["e-1"]
    assert found("ombudsperson") == []
    save(**{"responses-0-DELETE": "on"})
    assert not GovernmentResponse.objects.exists()
    assert found("commissioner") == []
    assert found("Damoff") == []


def test_deleting_a_response_or_a_keyword_link_outside_the_admin_updates_the_document():
    response = GovernmentResponseFactory(text_en="The ombudsperson will review it.")
    petition = response.petition
    petition.keywords.add(KeywordFactory(name_en="Pipelines"))
    assert found("ombudsperson pipeline") == [petition.number]
    GovernmentResponse.objects.all().delete()
    petition.keywords.clear()
    assert found("ombudsperson") == []
    assert found("pipeline") == []


@pytest.mark.django_db(transaction=True)
def test_an_import_that_changes_a_response_and_a_city_updates_the_document(tmp_path):
    GovernmentResponseFactory(
        petition=PetitionFactory(
            number="e-1",
            presented_on=datetime.date(2023, 3, 20),
            presentation_number="441-01184",
            petitioner_city="Regina",
        ),
        text_en="The ombudsperson will review it.",
    )
    out = StringIO()
    call_command("export_petitions", "--format", "json", stdout=out)
    records = json.loads(out.getvalue())
    records[0]["petitioner_city"] = "Saskatoon"
    records[0]["responses"][0]["text_en"] = "The commissioner will review it."
    path = tmp_path / "petitions.json"
    path.write_text(json.dumps(records))
    call_command("import_petitions", str(path), stdout=StringIO(), stderr=StringIO())
    assert found("Saskatoon commissioner") == ["e-1"]
    assert found("Regina") == []
    assert found("ombudsperson") == []


def stale_documents():
    """Petitions whose stored document is not what the rule computes now."""
    return Petition.objects.extra(
        where=["search_document IS DISTINCT FROM petition_search_document(petitions_petition)"]
    )


def test_every_document_reads_as_the_rule_computes_it_after_a_seed():
    from petitions.services.demo import demo_petitions_seed

    demo_petitions_seed(count=300, seed=3, as_of=datetime.date(2024, 6, 1))
    stale = stale_documents()
    assert Petition.objects.count() == 300
    assert not stale.exists()


def test_a_big_load_computes_its_documents_by_the_rule_and_leaves_the_trigger_on(monkeypatch):
    from django.db import connection

    from petitions.services import demo

    monkeypatch.setattr(demo, "INDEX_REBUILD_FROM", 50)
    demo.demo_petitions_seed(count=300, seed=3, as_of=datetime.date(2024, 6, 1))
    stale = stale_documents()
    assert Petition.objects.count() == 300
    assert not stale.exists()
    assert not Petition.objects.filter(search_document__isnull=True).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'petition_search_document'")
        assert cursor.fetchone()[0] == "A"  # fires always, as migration 0023 left it
        cursor.execute("SELECT to_regclass(%s)", [demo.STAGING])
        assert cursor.fetchone()[0] is None
    petition = Petition.objects.order_by("pk").first()
    petition.petitioner_city = "Tuktoyaktuk"
    petition.save()
    assert found("Tuktoyaktuk") == [petition.number]


def rewrite_at_once(limit, scope="LOCAL"):
    """How many petitions a rename rewrites in its own transaction (migration 0022)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET {scope} petitions.search_rewrite_at_once = %s", [str(limit)])


def test_a_rename_naming_more_petitions_than_it_rewrites_at_once_is_queued_then_written():
    from petitions.models import StaleSearchDocument
    from petitions.services.search_rewrite import rewrite_queued_now

    rewrite_at_once(2)
    two, three = TopicFactory(name_en="Taxation"), TopicFactory(name_en="Fisheries")
    for number in (1, 2):
        PetitionFactory(number=f"e-{number}", topic=two)
    for number in (3, 4, 5):
        PetitionFactory(number=f"e-{number}", topic=three)

    two.name_en = "Revenue"
    two.save()
    assert found("revenue") == ["e-1", "e-2"]
    assert not StaleSearchDocument.objects.exists()

    three.name_en = "Oceans"
    three.save()
    assert StaleSearchDocument.objects.count() == 3
    # Found by the old name until they are written again.
    assert found("oceans") == []
    assert found("fisheries") == ["e-3", "e-4", "e-5"]
    assert rewrite_queued_now() == 3
    assert found("oceans") == ["e-3", "e-4", "e-5"]
    assert found("fisheries") == []
    assert not StaleSearchDocument.objects.exists()


def test_an_import_writes_what_a_rename_left_queued(tmp_path):
    from petitions.models import StaleSearchDocument

    rewrite_at_once(0)
    member = MemberFactory(first_name="Melissa", last_name="Lantsman", slug="melissa-lantsman")
    PetitionFactory(number="e-1", sponsor=member)
    member.last_name = "Quellette"
    member.save()
    assert StaleSearchDocument.objects.count() == 1
    path = tmp_path / "none.json"
    path.write_text("[]")
    call_command("import_petitions", str(path), stdout=StringIO(), stderr=StringIO())
    assert found("Quellette") == ["e-1"]
    assert not StaleSearchDocument.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_big_rename_in_the_admin_is_searchable_by_its_new_name_soon_after(admin_posts):
    import time

    rewrite_at_once(1, scope="SESSION")
    topic = TopicFactory(name_en="Taxation", name_fr="Fiscalité")
    PetitionFactory(number="e-1", topic=topic)
    PetitionFactory(number="e-2", topic=topic)
    admin_posts(f"/admin/petitions/topic/{topic.pk}/change/", name_fr="Impôts et taxes")
    deadline = time.monotonic() + 10
    while found("impots") != ["e-1", "e-2"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert found("impots") == ["e-1", "e-2"]
    assert found("fiscalite") == []
