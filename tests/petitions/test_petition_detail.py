"""A petition's page shows every field the House's page shows, for an e-petition and a
paper petition, in a fixed number of queries."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from petitions.models import AddresseeKind, Petition
from petitions.services.related import related_petitions_compute
from tests.factories import (
    CaucusFactory,
    GovernmentResponseFactory,
    KeywordFactory,
    MemberFactory,
    PetitionFactory,
    ProvinceSignatureCountFactory,
    SignatureWindowFactory,
)

# Queries are counted: no new period of kept values begins within a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_period")]


def text_of(html):
    """The page's visible text on one line, tags removed, for reading assertions."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_e_4172_shows_every_field_of_the_houses_page(client, sample_petitions):
    response = client.get("/petitions/e-4172/")
    assert response.status_code == 200
    html = response.text
    page = text_of(html)
    assert "<title>Petition e-4172 (Public safety)" in html
    assert "e-4172 (Public safety)" in page
    assert "E-petition · 44th Parliament, 1st Session" in page
    assert "Initiated by Tsz Lok Chan from Saskatoon, Saskatchewan" in page
    assert "Original language of petition English" in page
    assert "Petition to the Minister of Public Safety" in page
    for whereas in (
        "Chinese police operate three extrajudicial police stations in Toronto, Ontario;",
        "some 230,000 Chinese citizens were persuaded to return to China",
        "Extrajudicial police stations violate international law",
        "threaten fundamental freedoms enjoyed on Canadian soil.",
    ):
        assert whereas in page
    assert "We, the undersigned, citizens and residents of Canada, call upon the Minister" in page
    requests = re.search(r'<div class="prayer" lang="en">.*?<ol>(.*?)</ol>', html, re.S)[1]
    assert requests.count("<li>") == 3
    assert "<li>Direct the RCMP and CSIS to investigate" in requests
    assert "<li>Protect Canada’s sovereignty" in requests
    assert "<li>Be proactive in protecting public safety" in requests
    # The response.
    assert "Response by the Minister of Public Safety" in page
    assert "Signed by (Minister or Parliamentary Secretary) Pam Damoff, M.P." in page
    assert "Tabled May 3, 2023" in page
    assert "Our government is aware that some foreign governments" in page
    assert "foreign influence transparency registry in Canada." in page
    # The history, the House's dates and the 45-day rule.
    # Ottawa's time, with the zone in force (the House says EDT all year).
    assert "Open for signature November 16, 2022, at 2:23 p.m. (EST)" in page
    assert "Closed for signature January 15, 2023, at 2:23 p.m. (EST)" in page
    assert (
        "Presented to the House of Commons Melissa Lantsman (Thornhill) "
        "March 20, 2023 (Petition No. 441-01184)" in page
    )
    assert "Response due May 4, 2023 (45 days after presentation)" in page
    assert "Met: the response was tabled within 45 days." in page
    assert "Government response tabled May 3, 2023" in page
    # The sponsor as at sponsorship.
    assert "Sponsor Melissa Lantsman Riding Thornhill Caucus Conservative Caucus" in page
    assert "Province Ontario" in page
    assert 'href="/members/melissa-lantsman/"' in html
    # The House's own pages.
    assert 'href="https://www.ourcommons.ca/petitions/en/Petition/Details?Petition=e-4172"' in html
    assert 'href="https://www.noscommunes.ca/petitions/fr/Petition/Details?Petition=e-4172"' in html


def test_441_00264_shows_a_paper_petition_and_its_two_responses(client, sample_petitions):
    response = client.get("/petitions/441-00264/")
    assert response.status_code == 200
    html = response.text
    page = text_of(html)
    assert "441-00264 (Health)" in page
    assert "Paper petition · 44th Parliament, 1st Session" in page
    assert "Original language of petition English" in page
    assert "Petition to the Prime Minister" in page
    assert "Charter of Rights and Freedoms" in page
    assert "encouraged hatred and contempt" in page
    assert "<li>End pandemic mandates on the members of our Public Service" in html
    assert "<li>Lift border restrictions related to the pandemic" in html
    assert "Response by the Minister of National Defence" in page
    assert "Signed by (Minister or Parliamentary Secretary) Bryan May" in page
    assert "Protecting the readiness of the Canadian Armed Forces" in page
    assert "Response by the President of the Treasury Board" in page
    assert "Signed by (Minister or Parliamentary Secretary) Greg" in page
    assert page.index("National Defence") < page.index("Treasury Board")
    assert "Certified" in page
    assert "(Petition No. 441-00264)" in page
    # A paper petition has no petitioner, window, sponsor or counts: nothing empty shows.
    for absent in (
        "Initiated by",
        "Open for signature",
        "Closed for signature",
        "Sponsor",
        "Signatures by province",
        "Response due",
    ):
        assert absent not in page


def test_signatures_show_the_total_and_a_bar_for_each_province(client, sample_petitions):
    html = client.get("/petitions/e-4649/").text
    page = text_of(html)
    assert "283,835 validated signatures" in page
    assert "Ontario 139,535" in page
    assert "Nunavut 77" in page
    assert html.count('<svg class="bar"') == 13
    # Ontario has the most signatures: the longest bar.
    assert '<rect width="100" height="8"/>' in html
    assert "Foreign policy" in page and 'href="/petitions/?keyword=israel"' in html


def test_a_petition_in_french_only_is_marked_as_such_on_the_english_page(client, sample_petitions):
    html = client.get("/petitions/e-1961/").text
    assert "This petition is published in French only." in html
    assert '<div class="prayer" lang="fr">' in html


def test_an_overdue_response_is_flagged_with_the_days_late(client):
    presented = timezone.localdate() - datetime.timedelta(days=50)
    PetitionFactory(number="e-1", presented_on=presented, presentation_number="441-00001")
    page = text_of(client.get("/petitions/e-1/").text)
    assert "Overdue by 5 days: no response yet." in page


def test_a_late_response_is_flagged(client):
    GovernmentResponseFactory(
        petition__number="e-1",
        petition__presented_on=datetime.date(2023, 1, 2),
        tabled_on=datetime.date(2023, 2, 20),
    )
    page = text_of(client.get("/petitions/e-1/").text)
    assert "Response due February 16, 2023" in page
    assert "Missed: the response was tabled 4 days late." in page


def test_the_deadline_is_judged_by_the_response_tabled_first(client):
    """Whatever the responses' order on the page, and with one undated among them."""
    petition = PetitionFactory(
        number="e-1", presented_on=datetime.date(2023, 1, 2), presentation_number="441-00001"
    )
    GovernmentResponseFactory(petition=petition, position=1, tabled_on=None)
    GovernmentResponseFactory(petition=petition, position=2, tabled_on=datetime.date(2023, 3, 1))
    GovernmentResponseFactory(petition=petition, position=3, tabled_on=datetime.date(2023, 2, 20))
    page = text_of(client.get("/petitions/e-1/").text)
    assert "Missed: the response was tabled 4 days late." in page
    record = client.get("/api/petitions/441-00001/").json()
    assert record["number"] == "e-1"
    assert record["first_response_on"] == "2023-02-20"
    assert record["days_to_respond"] == 49
    assert record["responded_within_45_days"] is False


def test_an_open_petition_shows_its_window_and_no_presentation(client):
    SignatureWindowFactory(petition__number="e-1")
    page = text_of(client.get("/petitions/e-1/").text)
    assert "Open for signature" in page
    assert "Presented to the House of Commons" not in page


def test_a_presentation_number_redirects_to_its_e_petition(client):
    PetitionFactory(number="e-4172", presentation_number="441-01184")
    response = client.get("/petitions/441-01184/")
    assert response.status_code == 301
    assert response["Location"] == "/petitions/e-4172/"


def test_an_unknown_petition_is_a_404_page(client):
    response = client.get("/petitions/e-99999/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert client.get("/petitions/not-a-number/").status_code == 404


# The data version moves once a change commits.
@pytest.mark.django_db(transaction=True)
def test_the_number_of_queries_does_not_grow_with_responses_counts_or_keywords(
    client, django_assert_num_queries
):
    def petition(number, responses, keywords):
        window = SignatureWindowFactory(
            petition__number=number,
            petition__presented_on=datetime.date(2023, 1, 2),
            petition__presentation_number=f"441-0000{number[-1]}",
        )
        for position in range(1, responses + 1):
            GovernmentResponseFactory(
                petition=window.petition, position=position, tabled_on=datetime.date(2023, 2, 1)
            )
        for province in ("AB", "BC", "MB", "NB", "NL", "NT", "NS", "NU", "ON", "PE", "QC")[
            :keywords
        ]:
            ProvinceSignatureCountFactory(petition=window.petition, province=province)
        window.petition.keywords.add(*KeywordFactory.create_batch(keywords))

    petition("e-1", responses=1, keywords=1)
    petition("e-2", responses=50, keywords=11)
    # A presenter with a party and a Member addressed come with the petition's row.
    Petition.objects.filter(number="e-2").update(
        presenter=MemberFactory(caucus=CaucusFactory()),
        addressee_kind=AddresseeKind.MEMBER,
        addressee_member=MemberFactory(),
    )
    # Their related petitions computed ahead, as compute_related_petitions does.
    related_petitions_compute()
    # The data version; the petition with the list's joins, its presenter, the Member
    # addressed and its related petitions' state; its keywords, counts, responses and
    # related petitions; its signature history (a fragment kept under the data version
    # once read).
    with django_assert_num_queries(7):
        client.get("/petitions/e-1/")
    with django_assert_num_queries(7):
        response = client.get("/petitions/e-2/")
    assert response.text.count('class="response"') == 50
    # Rendered again without the page cache, the kept history costs no query: the
    # data version, then the petition as above.
    with override_settings(PAGE_CACHE_SECONDS=0), django_assert_num_queries(6):
        client.get("/petitions/e-2/")


def test_the_page_has_a_print_stylesheet_and_no_inline_style(client, sample_petitions):
    html = client.get("/petitions/e-4172/").text
    assert 'media="print"' in html
    assert " style=" not in html and "<style" not in html and "<script" not in html


def _petition_with_window(opens_at, closes_at, **fields):
    petition = PetitionFactory(**fields)
    SignatureWindowFactory(petition=petition, opens_at=opens_at, closes_at=closes_at)
    return petition


def _end_of_day(days_ahead):
    """The last moment of the day `days_ahead` from today, on Ottawa's clock."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


@pytest.mark.parametrize(
    ("days_ahead", "says"),
    [(0, "Last day to sign."), (1, "1 day left to sign."), (2, "2 days left to sign.")],
)
def test_an_open_petition_says_when_it_closes_and_how_to_sign(client, days_ahead, says):
    closes = _end_of_day(days_ahead)
    petition = _petition_with_window(closes - datetime.timedelta(days=30), closes)
    page = text_of(client.get(f"/petitions/{petition.number}/").text)
    assert "Open for signature" in page
    assert f"Closes for signature {closes:%B} {closes.day}, {closes.year}" in page
    assert says in page
    assert "Closed for signature" not in page
    assert "Sign it on the House of Commons website" in page
    assert "The number of signatures is not published." in page


def test_a_petition_not_yet_open_says_when_it_opens(client):
    opens = _end_of_day(3)
    petition = _petition_with_window(opens, opens + datetime.timedelta(days=30))
    page = text_of(client.get(f"/petitions/{petition.number}/").text)
    assert "Opens for signature" in page
    assert "Closes for signature" in page
    assert "Open for signature " not in page and "Closed for signature" not in page
    assert "Sign it on" not in page


def test_a_closed_petition_speaks_of_its_window_in_the_past(client):
    closes = timezone.now() - datetime.timedelta(minutes=1)
    petition = _petition_with_window(
        closes - datetime.timedelta(days=30), closes, signature_count=612
    )
    page = text_of(client.get(f"/petitions/{petition.number}/").text)
    assert "Open for signature" in page and "Closed for signature" in page
    assert "left to sign" not in page and "Sign it on" not in page
    assert "612 validated signatures" in page and "as of" not in page


def test_the_summary_comes_before_the_long_texts_in_the_page(client, sample_petitions):
    html = client.get("/petitions/e-4172/").text
    assert html.index('class="history"') < html.index('class="petition-text"')
    assert html.index('class="sponsor"') < html.index('class="response"')


def test_the_french_page_lets_the_sessional_paper_phrase_wrap(client):
    # The phrase wraps at its spaces on a phone; the number's hyphens never break.
    petition = PetitionFactory(presented_on=datetime.date(2023, 3, 20))
    GovernmentResponseFactory(petition=petition, sessional_paper_number="8545-441-76-05")
    html = client.get(f"/fr/petitions/{petition.number}/").text
    assert "8545-441-76-05" in html
    assert not re.search(r'class="nowrap">\([^)]*8545-441-76-05', html)


def test_the_days_left_are_counted_in_french_too(client):
    closes = _end_of_day(2)
    petition = _petition_with_window(closes - datetime.timedelta(days=30), closes)
    page = text_of(client.get(f"/fr/petitions/{petition.number}/").text)
    assert "Il reste 2 jours pour signer." in page
    assert "La signer sur le site de la Chambre des communes" in page


def test_the_history_lists_a_response_within_45_days_before_its_deadline(client, sample_petitions):
    page = text_of(client.get("/petitions/e-4172/").text)
    assert page.index("Government response tabled May 3, 2023") < page.index("Response due")


def test_a_late_response_comes_after_its_deadline(client):
    petition = PetitionFactory(presented_on=datetime.date(2023, 3, 20))
    GovernmentResponseFactory(petition=petition, tabled_on=datetime.date(2023, 6, 1))
    page = text_of(client.get(f"/petitions/{petition.number}/").text)
    assert page.index("Response due") < page.index("Government response tabled June 1, 2023")


def test_a_decision_without_a_date_says_the_date_is_not_published(client):
    petition = PetitionFactory(outcome="certified", outcome_on=None)
    page = text_of(client.get(f"/petitions/{petition.number}/").text)
    assert "Certified Date not published" in page


def test_a_printed_petition_carries_a_citation_line(client, sample_petitions, settings):
    settings.SITE_URL = "https://petitions.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "petitions.example.org"]
    page = text_of(client.get("/petitions/e-4172/").text)
    today = timezone.localdate()
    assert (
        f"Petition e-4172, Petition Archive, https://petitions.example.org/petitions/e-4172/, "
        f"printed {today:%b}. {today.day}, {today.year}."
        in page
        or f"printed {today:%B} {today.day}, {today.year}." in page
    )
