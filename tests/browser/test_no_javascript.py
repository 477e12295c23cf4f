"""With JavaScript off the list, its filters, a petition and the exports all work: the
site is HTML first, and scripts may only add to it."""

import csv
import io
import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS

pytestmark = pytest.mark.browser


@pytest.fixture
def page_without_javascript(browser, archive):
    context = browser.new_context(base_url=archive.url, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def listed(page):
    """The numbers listed once the page, whose address the caller has awaited, is read."""
    page.wait_for_load_state("domcontentloaded")
    return page.locator("ol.petition-list .petition__title a").all_inner_texts()


def test_without_javascript_a_citizen_filters_opens_a_petition_and_downloads(
    page_without_javascript,
):
    page = page_without_javascript
    page.goto("/petitions/")
    assert len(listed(page)) == 11

    # The filters fold and unfold as plain HTML, on a phone.
    page.locator("details.filters summary").click()
    page.get_by_role("checkbox", name="Government response tabled", exact=True).check()
    page.get_by_label("Parliament and session").select_option(label="44th Parliament, 1st Session")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=responded.*session=441"))
    assert sorted(listed(page)) == ["441-00264", "e-4172"]

    # Sorting is a link.
    page.get_by_role("link", name="Oldest first").click()
    expect(page).to_have_url(re.compile(r"sort=oldest"))
    expect(page.locator('.sort [aria-current="true"]')).to_have_text("Oldest first")
    order = listed(page)
    assert sorted(order) == ["441-00264", "e-4172"]

    # The exports of the same filter download as files.
    downloads = page.get_by_role("navigation", name="Download these petitions")
    with page.expect_download() as csv_download:
        downloads.get_by_role("link", name="CSV (spreadsheet)").click()
    rows = csv.DictReader(io.StringIO(csv_download.value.path().read_text(encoding="utf-8-sig")))
    assert [row["number"] for row in rows] == order
    with page.expect_download() as json_download:
        downloads.get_by_role("link", name="JSON", exact=True).click()
    petitions = json.loads(json_download.value.path().read_text(encoding="utf-8"))
    assert [petition["number"] for petition in petitions] == order

    # A petition, its two responses, and the same page in French.
    page.get_by_role("link", name="441-00264", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("441-00264")
    expect(page.locator("section.response")).to_have_count(2)
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/petitions/441-00264/$"))
    expect(page.locator("section.response")).to_have_count(2)


def test_without_javascript_the_search_finds_by_word_and_by_number(page_without_javascript):
    page = page_without_javascript
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    search = page.get_by_role("search")
    search.get_by_label("Search petitions").fill("wetlands")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/petitions/\?q=wetlands$"))
    assert listed(page) == ["e-9001"]

    search = page.get_by_role("search")
    search.get_by_label("Search petitions").fill("441-01184")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/petitions/e-4172/$"))
