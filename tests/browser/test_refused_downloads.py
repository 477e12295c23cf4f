"""A person who clicks a download link and is refused (too many downloads this minute)
reads a page of the site in their language, with a way back, not raw JSON or a failed
download."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_refused_download_link_shows_a_page_with_a_way_back(page, settings, language):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "exports": 1}
    prefix = "/fr" if language == "fr" else ""
    page.goto(f"{prefix}/petitions/?kind=electronic")
    links = page.locator("nav.export-links")
    name = "CSV (tableur)" if language == "fr" else "CSV (spreadsheet)"
    with page.expect_download():
        links.get_by_role("link", name=name).click()
    links.get_by_role("link", name=name).click()
    heading = "Trop de requêtes" if language == "fr" else "Too many requests"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    back = (
        "Retour aux pétitions avec ce filtre"
        if language == "fr"
        else ("Back to the petitions with this filter")
    )
    page.get_by_role("link", name=back).click()
    expect(page).to_have_url(f"{page.url.split('/petitions/')[0]}/petitions/?kind=electronic")
