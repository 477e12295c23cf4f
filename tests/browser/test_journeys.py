"""What a citizen, a researcher and a clerk do on the site, done in a real browser by
clicking, typing and pressing keys as they would; and the same list page driven by the
keyboard alone."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def petition_numbers_listed(page):
    """The numbers listed once the page, whose address the caller has awaited, is read."""
    page.wait_for_load_state("domcontentloaded")
    return page.locator("ol.petition-list .petition__title a").all_inner_texts()


def open_filters(page):
    filters = page.locator("details.filters")
    if filters.get_attribute("open") is None:
        filters.locator("summary").click()
    expect(filters).to_have_attribute("open", "")


def filter_by_status_and_ministry(page, status, ministry):
    open_filters(page)
    page.get_by_role("checkbox", name=status, exact=True).check()
    page.get_by_label("Ministry (addressed or responding)").select_option(label=ministry)
    page.get_by_role("button", name="Apply filters").click()


def test_a_citizen_searches_filters_reads_a_response_and_switches_to_french(page):
    page.goto("/")
    page.get_by_role("search").get_by_label("Search petitions").fill("police")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/petitions/\?q=police$"))
    assert "e-4172" in petition_numbers_listed(page)

    filter_by_status_and_ministry(page, "Government response tabled", "Minister of Public Safety")

    expect(page).to_have_url(re.compile(r"status=responded"))
    expect(page).to_have_url(re.compile(r"ministry=minister-of-public-safety"))
    expect(page.get_by_role("searchbox", name="Search petitions")).to_have_value("police")
    assert petition_numbers_listed(page) == ["e-4172"]
    chips = page.locator(".active-filters .chip")
    expect(chips).to_contain_text(["Government response tabled", "Minister of Public Safety"])

    page.get_by_role("link", name="e-4172", exact=True).click()
    expect(page).to_have_url(re.compile(r"/petitions/e-4172/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("e-4172")
    response = page.locator("section.response")
    expect(response.get_by_role("heading")).to_have_text(
        "Response by the Minister of Public Safety"
    )
    expect(response).to_contain_text("Our government is aware that some foreign governments")
    expect(response).to_contain_text("May 3, 2023")

    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/petitions/e-4172/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("e-4172")
    french_response = page.locator("section.response")
    expect(french_response.get_by_role("heading")).to_contain_text(
        "ministre de la Sécurité publique"
    )
    expect(french_response).to_contain_text("3 mai 2023")
    # The response exists only in English: said so, in French, and marked as English.
    expect(french_response.locator(".language-note")).to_be_visible()
    expect(french_response.locator(".response__text")).to_have_attribute("lang", "en")


def test_a_researcher_downloads_the_csv_of_a_filter_and_opens_it_in_the_api(page):
    page.goto("/petitions/")
    open_filters(page)
    page.get_by_label("Kind").select_option(label="E-petition")
    page.get_by_role("checkbox", name="Government response tabled", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=electronic"))
    listed = petition_numbers_listed(page)
    assert sorted(listed) == ["e-154", "e-1947", "e-1961", "e-4172"]
    statuses = page.locator("ol.petition-list .status").all_inner_texts()
    assert set(statuses) == {"Government response tabled"}

    downloads = page.get_by_role("navigation", name="Download these petitions")
    with page.expect_download() as download_info:
        downloads.get_by_role("link", name="CSV (spreadsheet)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert sorted(row["number"] for row in rows) == sorted(listed)
    assert {row["kind"] for row in rows} == {"electronic"}
    assert {row["status"] for row in rows} == {"responded"}
    by_number = {row["number"]: row for row in rows}
    assert by_number["e-4172"]["presentation_number"] == "441-01184"
    assert by_number["e-4172"]["first_response_on"] == "2023-05-03"

    with page.expect_navigation() as navigation:
        downloads.get_by_role("link", name="API", exact=True).click()
    expect(page).to_have_url(re.compile(r"/api/petitions/\?.*kind=electronic"))
    body = navigation.value.json()
    assert body["count"] == len(listed)
    assert [petition["number"] for petition in body["results"]] == listed


def choose(page, select_id, text):
    """Picks `text` in one of the admin's autocomplete fields, typing as a clerk does."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    expect(page.locator(f"#{select_id} option:checked")).to_contain_text(text)


def field(page, label):
    """An admin form field by its label, which the admin ends with a colon."""
    return page.get_by_label(f"{label}:", exact=True)


@pytest.fixture
def clerk_account(archive, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "clerk", password="a-long-clerk-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Clerk"))
    return user


def test_a_clerk_enters_a_petition_with_its_window_counts_and_response_and_sees_it_published(
    page, clerk_account
):
    page.goto("/admin/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill("a-long-clerk-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Clerks' desk")).to_be_visible()

    page.locator("#petitions-petition").get_by_role("link", name="Petitions").click()
    page.get_by_role("link", name="Add petition").click()

    field(page, "Number").fill("e-5001")
    field(page, "Kind").select_option(label="E-petition")
    field(page, "Session").select_option(label="44th Parliament, 1st Session")
    choose(page, "id_topic", "Environment")
    field(page, "Original language").select_option(label="English")
    field(page, "Petitioner's name").fill("Aiyana Whitehorse")
    field(page, "Petitioner's city").fill("Whitehorse")
    field(page, "Petitioner's province").select_option(label="Yukon")
    field(page, "Addressed to").select_option(label="a Minister of the Crown")
    choose(page, "id_ministry", "Minister of Environment and Climate Change")
    field(page, "Whereas (English)").fill(
        "Wetlands store carbon and shelter migrating birds;\nHalf of them have been lost."
    )
    field(page, "Prayer (English)").fill(
        "We, the undersigned, residents of Canada, call upon the Minister of Environment "
        "and Climate Change to protect the remaining wetlands of the Yukon."
    )
    choose(page, "id_sponsor", "Lantsman")
    field(page, "Signatures").fill("620")
    field(page, "Outcome").select_option(label="Certified")
    field(page, "Outcome on").fill("2023-12-03")
    choose(page, "id_presenter", "Lantsman")
    field(page, "Presentation number").fill("441-02999")
    field(page, "Presented on").fill("2024-03-04")

    page.locator("#id_window_opens_at_0").fill("2023-10-02")
    page.locator("#id_window_opens_at_1").fill("10:00")
    page.locator("#id_window_closes_at_0").fill("2023-12-01")
    page.locator("#id_window_closes_at_1").fill("10:00")

    field(page, "Yukon").fill("400")
    field(page, "Ontario").fill("220")

    page.get_by_text("Add another Government response", exact=True).click()
    page.locator("#id_responses-0-position").fill("1")
    choose(page, "id_responses-0-ministry", "Minister of Environment and Climate Change")
    page.locator("#id_responses-0-signed_by").fill("Julie Dabrusin, M.P.")
    page.locator("#id_responses-0-tabled_on").fill("2024-04-15")
    page.locator("#id_responses-0-sessional_paper_number").fill("8545-441-2999-01")
    page.locator("#id_responses-0-text_en").fill(
        "The Government of Canada is committed to conserving wetlands across the country."
    )

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, "The admin refused the petition:\n" + "\n".join(
        errors.all_inner_texts()
    )
    expect(page.locator(".messagelist .success")).to_contain_text("e-5001")

    # On the public site, found by its number from the home page's search.
    page.get_by_role("link", name="View site").click()
    page.get_by_role("search").get_by_label("Search petitions").fill("e-5001")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/petitions/e-5001/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("e-5001")
    expect(page.locator(".prayer")).to_contain_text("protect the remaining wetlands")
    expect(page.locator(".whereas li")).to_have_count(2)
    expect(page.locator(".petition-detail__header .status")).to_have_text(
        "Government response tabled"
    )
    history = page.locator(".history")
    expect(history).to_contain_text("October 2, 2023, at 10:00 a.m. (EDT)")
    # The House labels its times EDT all year; the archive names the zone in force.
    expect(history).to_contain_text("December 1, 2023, at 10:00 a.m. (EST)")
    expect(history).to_contain_text("441-02999")
    signatures = page.locator(".province-table tbody tr")
    expect(signatures).to_have_text([re.compile(r"Ontario\s*220"), re.compile(r"Yukon\s*400")])
    response = page.locator("section.response")
    expect(response.get_by_role("heading")).to_have_text(
        "Response by the Minister of Environment and Climate Change"
    )
    expect(response).to_contain_text("committed to conserving wetlands")
    expect(response).to_contain_text("April 15, 2024")


# Every control a keyboard should reach: links, buttons, fields, the filters' summary
# and scroll regions; each is tagged with its position so the Tab walk can name it.
TAG_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary,'
    + ' [tabindex]:not([tabindex="-1"])';
  const controls = [...document.querySelectorAll(selector)]
    .filter((element) => element.checkVisibility() && !element.disabled);
  controls.forEach((element, index) => { element.dataset.control = index; });
  return controls.map((element) =>
    `${element.tagName.toLowerCase()} "${(element.textContent || element.name || '').trim()
      .replace(/\\s+/g, ' ').slice(0, 40)}"`);
}"""
FOCUSED = "() => document.activeElement.dataset.control ?? null"


def tab_through(page, controls):
    """Presses Tab until focus has gone round the page once; the controls it reached."""
    reached = []
    # A date field takes a Tab for each of its parts, so some controls take several.
    for _ in range(len(controls) * 4 + 10):
        page.keyboard.press("Tab")
        control = page.evaluate(FOCUSED)
        if reached and control == reached[0]:
            break
        if control is not None and control not in reached:
            reached.append(control)
    return reached


def tab_to(page, locator, limit=200):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {locator}")


def test_a_keyboard_alone_skips_to_the_content_and_reaches_and_operates_every_control(page):
    page.goto("/petitions/?page_size=4")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search petitions")).to_be_focused()

    # Every control, with the filters folded and then unfolded from the keyboard.
    for unfold in (False, True):
        if unfold:
            summary = page.locator("details.filters summary")
            tab_to(page, summary)
            page.keyboard.press("Enter")
            expect(page.locator("details.filters")).to_have_attribute("open", "")
        page.locator("body").focus()
        controls = page.evaluate(TAG_CONTROLS)
        reached = tab_through(page, controls)
        missed = [controls[int(i)] for i in map(str, range(len(controls))) if i not in reached]
        assert not missed, f"Tab never reaches: {missed}"

    # Operated from the keyboard: a status ticked with Space, a ministry chosen by
    # typing, the filters applied with Enter.
    page.locator("body").focus()
    responded = page.get_by_role("checkbox", name="Government response tabled", exact=True)
    tab_to(page, responded)
    page.keyboard.press("Space")
    expect(responded).to_be_checked()
    ministry = page.get_by_label("Ministry (addressed or responding)")
    tab_to(page, ministry)
    page.keyboard.type("Minister of Public Safety")
    expect(ministry).to_have_value("minister-of-public-safety")
    apply = page.get_by_role("button", name="Apply filters")
    tab_to(page, apply)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"status=responded.*ministry=minister-of-public-safety"))
    assert petition_numbers_listed(page) == ["e-4172"]

    # A result opens with Enter, and a sort link and the next page work the same way.
    tab_to(page, page.get_by_role("link", name="e-4172", exact=True))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/petitions/e-4172/$"))
    page.goto("/petitions/?page_size=4")
    tab_to(page, page.get_by_role("link", name="Most signatures"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=signatures"))
    tab_to(page, page.get_by_role("link", name="Next"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 2 of 3")
