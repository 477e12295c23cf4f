"""A petition's page and its API record list up to five related petitions: the same
request made again (in another session, or as a paper petition) first, then close
subjects; never an unrelated one; kept up to date when texts or keywords change."""

import datetime
import io
import json
import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from petitions.models import Petition, RelatedKey, RelatedPetition, RelatedState
from petitions.services.related import related_petitions_compute
from tests.factories import (
    KeywordFactory,
    PaperPetitionFactory,
    PetitionFactory,
    SessionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"

COAL_EN = (
    "We, the undersigned, citizens and residents of Canada, call upon the Government of "
    "Canada to ban the export of thermal coal through Canadian ports by 2030."
)
COAL_FR = (
    "Nous, soussignés, citoyens et résidents du Canada, demandons au gouvernement du Canada "
    "d'interdire l'exportation de charbon thermique par les ports canadiens d'ici 2030."
)
# The same request in other words of the formula, as a petition made again reads.
COAL_AGAIN_EN = (
    "Therefore, your petitioners call upon the House of Commons in Parliament assembled to "
    "ban the export of thermal coal through Canadian ports by 2030."
)
COAL_MINES_EN = (
    "We, the undersigned, call upon the Government of Canada to end subsidies for thermal "
    "coal mines and close coal power plants."
)
DOCTORS_EN = (
    "We, the undersigned, call upon the Government of Canada to fund more family doctors "
    "in rural communities."
)


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def related_section(html):
    match = re.search(r'<section class="related".*?</section>', html, re.S)
    return text_of(match.group(0)) if match else ""


@pytest.fixture
def petitions(settings):
    """A petition on thermal coal (44th Parliament), the same request made in the 43rd
    and as a paper petition, a close subject (coal mines, same topic and keywords), and
    an unrelated one (family doctors)."""
    settings.PAGE_CACHE_SECONDS = 0
    energy, health = (
        TopicFactory(name_en="Energy", slug="energy"),
        TopicFactory(name_en="Health", name_fr="Santé", slug="health"),
    )
    coal, climate, doctors = (
        KeywordFactory(name_en="Coal", name_fr="Charbon"),
        KeywordFactory(name_en="Climate change", name_fr="Changements climatiques"),
        KeywordFactory(name_en="Physicians", name_fr="Médecins"),
    )
    forty_fourth = SessionFactory()
    forty_third = SessionFactory(parliament=43, session=2, started_on=datetime.date(2020, 9, 23))
    made = {
        "original": PetitionFactory(
            number="e-4000",
            session=forty_fourth,
            topic=energy,
            prayer_en=COAL_EN,
            prayer_fr=COAL_FR,
        ),
        "again": PetitionFactory(
            number="e-2900",
            session=forty_third,
            topic=energy,
            prayer_en=COAL_AGAIN_EN,
            prayer_fr=COAL_FR,
        ),
        "paper": PaperPetitionFactory(
            number="441-00500", session=forty_fourth, topic=energy, prayer_en=COAL_EN
        ),
        "close": PetitionFactory(
            number="e-4100", session=forty_fourth, topic=energy, prayer_en=COAL_MINES_EN
        ),
        "unrelated": PetitionFactory(
            number="e-4200", session=forty_fourth, topic=health, prayer_en=DOCTORS_EN
        ),
    }
    for name in ("original", "again", "close"):
        made[name].keywords.add(coal, climate)
    made["unrelated"].keywords.add(doctors)
    return made


def numbers_related_to(petition):
    return list(
        RelatedPetition.objects.filter(petition=petition)
        .order_by("rank")
        .values_list("related__number", flat=True)
    )


def test_the_same_request_made_again_is_listed_first(client, petitions):
    html = client.get("/petitions/e-4000/").text
    related = related_section(html)
    assert related.startswith("Related petitions")
    # Both of the same request come before the close subject, each labelled.
    assert set(numbers_related_to(petitions["original"])[:2]) == {"e-2900", "441-00500"}
    assert "e-2900 Same request, 43rd Parliament" in related
    assert "441-00500 Same request, 44th Parliament" in related
    assert max(related.index("e-2900"), related.index("441-00500")) < related.index("e-4100")


def test_a_paper_copy_lists_the_e_petition_it_copies_first(client, petitions):
    related = related_section(client.get("/petitions/441-00500/").text)
    assert related.split()[2:7] == ["e-4000", "Same", "request,", "44th", "Parliament"]


def test_a_close_subject_is_listed_after_the_same_requests(client, petitions):
    related = related_section(client.get("/petitions/e-4000/").text)
    assert "e-4100 Similar subject" in related
    # What it asks, without the formula it opens with.
    assert "End subsidies for thermal coal mines" in related


def test_an_unrelated_petition_is_never_listed(client, petitions):
    assert "e-4200" not in client.get("/petitions/e-4000/").text
    # Nothing relates to it: no section at all.
    assert 'class="related"' not in client.get("/petitions/e-4200/").text


def test_a_changed_prayer_takes_a_petition_out_of_the_lists_that_named_it(client, petitions):
    assert "e-2900" in related_section(client.get("/petitions/e-4000/").text)
    again = petitions["again"]
    again.prayer_en = again.prayer_fr = DOCTORS_EN
    again.keywords.clear()
    again.save()
    related = related_section(client.get("/petitions/e-4000/").text)
    assert "e-2900" not in related
    assert "441-00500 Same request" in related


def test_a_prayer_changed_to_the_same_request_joins_the_lists(client, petitions):
    client.get("/petitions/e-4000/")
    unrelated = petitions["unrelated"]
    unrelated.prayer_en = COAL_EN
    unrelated.save()
    # The import computes the lists of what it changed, and the petitions those list
    # are told; a clerk's edit does the same when the page is next shown.
    related_petitions_compute(fill_keys=False)
    assert "e-4200 Same request, 44th Parliament" in related_section(
        client.get("/petitions/e-4000/").text
    )


def test_keywords_added_make_a_close_subject(client, petitions):
    topic_only = PetitionFactory(
        number="e-4300",
        session=petitions["original"].session,
        topic=petitions["original"].topic,
        prayer_en="We call upon the Government of Canada to build high-speed rail lines.",
    )
    assert "e-4300" not in client.get("/petitions/e-4000/").text
    topic_only.keywords.add(*petitions["original"].keywords.all())
    client.get("/petitions/e-4300/")
    assert "e-4300 Similar subject" in related_section(client.get("/petitions/e-4000/").text)


def test_at_most_five_are_listed(client, petitions):
    for number in range(10):
        PaperPetitionFactory(
            number=f"441-{600 + number:05d}",
            session=petitions["original"].session,
            prayer_en=COAL_EN,
        )
    call_command("compute_related_petitions", "--all", "--workers=1", stdout=io.StringIO())
    html = client.get("/petitions/e-4000/").text
    assert related_section(html).count("Same request") == 5


def test_the_api_gives_the_related_petitions(client, petitions):
    record = client.get("/api/petitions/e-4000/").json()
    first = next(item for item in record["related"] if item["number"] == "e-2900")
    assert first == {
        "rank": first["rank"],
        "relation": "same",
        "score": pytest.approx(1.0),
        "number": "e-2900",
        "kind": "electronic",
        "session": "432",
        "url": "http://testserver/petitions/e-2900/",
        "api_url": "http://testserver/api/petitions/e-2900/",
    }
    assert [item["relation"] for item in record["related"]] == ["same", "same", "similar"]
    assert [item["rank"] for item in record["related"]] == [1, 2, 3]
    assert "e-4200" not in {item["number"] for item in record["related"]}


def test_the_page_in_french(client, petitions):
    related = related_section(client.get("/fr/petitions/e-4000/").text)
    assert related.startswith("Pétitions connexes")
    assert "e-2900 Même demande, 43e législature" in related
    assert "e-4100 Sujet semblable" in related
    # What the French petition asks, in French.
    assert "Interdire l'exportation de charbon thermique" in related.replace("&#x27;", "'")


def test_the_command_computes_every_list_ahead(petitions):
    RelatedKey.objects.all().delete()
    output = io.StringIO()
    call_command("compute_related_petitions", "--workers=1", stdout=output)
    assert "5 lists computed" in output.getvalue()
    assert set(RelatedKey.objects.values_list("state", flat=True)) == {RelatedState.CURRENT}
    assert set(numbers_related_to(petitions["original"])[:2]) == {"e-2900", "441-00500"}


@pytest.mark.django_db(transaction=True)
def test_several_workers_compute_each_list_once(petitions, monkeypatch):
    # Each worker reads the committed rows on a connection of its own; a batch of two
    # petitions gives each of the two workers batches to take in turn.
    from django.db import connection

    from petitions.services import related

    monkeypatch.setattr(related, "LIST_BATCH", 2)
    RelatedKey.objects.all().delete()
    # The server ends a connection idle longer than idle_session_timeout: the command's
    # own, while the workers compute, must not be the one it writes with after them.
    with connection.cursor() as cursor:
        cursor.execute("SET idle_session_timeout = 300")
    refresh = related.related_petitions_refresh

    def slow_refresh(ids, **options):
        time.sleep(0.2)
        return refresh(ids, **options)

    monkeypatch.setattr(related, "related_petitions_refresh", slow_refresh)
    output = io.StringIO()
    call_command("compute_related_petitions", "--workers=2", stdout=output)
    assert "5 lists computed" in output.getvalue()
    assert set(RelatedKey.objects.values_list("state", flat=True)) == {RelatedState.CURRENT}
    assert set(numbers_related_to(petitions["original"])[:2]) == {"e-2900", "441-00500"}
    assert RelatedPetition.objects.filter(petition=petitions["original"]).count() == 3


def test_a_current_list_is_read_in_one_query(client, petitions, django_assert_num_queries):
    related_petitions_compute()
    # The petition with its list's state, keywords, counts, responses, and the related
    # petitions; the data version and the signature history (kept once read).
    with django_assert_num_queries(7):
        response = client.get("/petitions/e-4000/")
    assert related_section(response.text).count("Same request") == 2


def test_the_database_refuses_a_petition_related_to_itself_or_a_sixth(petitions):
    original = petitions["original"]
    for fields in ({"related": original, "rank": 1}, {"related": petitions["close"], "rank": 6}):
        with pytest.raises(IntegrityError), transaction.atomic():
            RelatedPetition.objects.create(petition=original, kind="same", score=1, **fields)
    assert Petition.objects.count() == 5


def test_an_import_relates_what_it_brings_to_the_petitions_already_there(tmp_path):
    call_command("import_petitions", str(DATA / "hoc_sample.json"), stdout=io.StringIO())
    related_petitions_compute()
    record = next(
        r for r in json.loads((DATA / "hoc_sample.json").read_text()) if r["number"] == "e-4172"
    )
    # The same petition made again in the next Parliament, not presented yet.
    record |= {
        "number": "e-6100",
        "parliament": 45,
        "session": 1,
        "presented_to_house_by": "",
        "presented_by_riding": "",
        "presented_date": "",
        "presented_petition_no": "",
        "government_response_tabled_date": "",
        "responses": [],
        "open_for_signature": "June 2, 2025, at 9:00 a.m. (EDT)",
        "closed_for_signature": "August 1, 2025, at 9:00 a.m. (EDT)",
        "derived_status": "Closed for signature",
    }
    path = tmp_path / "again.json"
    path.write_text(json.dumps([record]))
    call_command("import_petitions", str(path), stdout=io.StringIO())
    # Computed by the import, with no page shown: the new one's list, and the list of
    # the petition it makes again, which now names it first.
    assert numbers_related_to(Petition.objects.get(number="e-6100"))[0] == "e-4172"
    assert numbers_related_to(Petition.objects.get(number="e-4172"))[0] == "e-6100"
    assert not RelatedKey.objects.exclude(state=RelatedState.CURRENT).exists()


def test_a_deleted_petition_leaves_the_lists_that_named_it(client, petitions):
    assert "e-2900" in related_section(client.get("/petitions/e-4000/").text)
    client.get("/petitions/e-2900/")
    petitions["again"].delete()
    related = related_section(client.get("/petitions/e-4000/").text)
    assert "e-2900" not in related
    assert "441-00500 Same request" in related


def test_a_clerks_edit_to_the_same_request_shows_on_the_first_petitions_page(
    client, clerk_client, petitions
):
    from tests.rendered_form import rendered_form

    assert "e-4200" not in client.get("/petitions/e-4000/").text
    url = f"/admin/petitions/petition/{petitions['unrelated'].pk}/change/"
    data = rendered_form(clerk_client.get(url), "petition_form") | {"prayer_en": COAL_EN}
    assert clerk_client.post(url, data).status_code == 302
    # No one has opened e-4200's page: its list was computed by the save.
    assert "e-4200 Same request, 44th Parliament" in related_section(
        client.get("/petitions/e-4000/").text
    )


def test_a_request_made_again_in_french_only_is_found_by_its_french_text(client, petitions):
    PetitionFactory(
        number="e-2800",
        session=petitions["again"].session,
        prayer_en="",
        prayer_fr=COAL_FR.replace("Nous, soussignés,", "Par conséquent, nous, soussignés,"),
    )
    related = related_section(client.get("/fr/petitions/e-4000/").text)
    assert "e-2800 Même demande, 43e législature" in related
