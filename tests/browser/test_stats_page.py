"""The statistics page as a reader sees it, on a phone (390 px) and a desktop (1280 px),
in English and French: with the ten real House records (a few petitions over ten years)
and with a few hundred synthetic ones. Screenshots go to tests/screenshots/ for a person
to look at; the test checks what would make the charts unreadable."""

import pytest

from petitions.services.demo import demo_petitions_seed
from tests.browser.conftest import (
    AXE_SCRIPT,
    DESKTOP,
    LANGUAGES,
    PHONE,
    SCREENSHOTS,
    page_path,
    require,
)
from tests.browser.test_accessibility import RUN_AXE, WCAG_TAGS, described

pytestmark = pytest.mark.browser

DEVICES = {"phone": PHONE, "desktop": DESKTOP}

# Each chart's width and the smallest text drawn in it, as shown on the screen.
CHARTS = """() => [...document.querySelectorAll("main .bar-table, main .columns")]
  .filter((chart) => chart.getBoundingClientRect().width > 0)
  .map((chart) => ({
    width: chart.getBoundingClientRect().width,
    smallest: Math.min(...[...chart.querySelectorAll("svg text")]
      .map((text) => text.getBoundingClientRect().height)
      .filter((height) => height > 0)),
  }))"""
OPEN_DETAILS = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"


def look_at_the_stats_page(page, name, query=""):
    """Screenshots, and what would make a chart unreadable or inaccessible, with every
    folded table opened."""
    require(AXE_SCRIPT.exists(), "axe-core in node_modules", "make browser-deps")
    page.add_init_script(path=AXE_SCRIPT)
    found = []
    for language in LANGUAGES:
        for device, viewport in DEVICES.items():
            page.set_viewport_size(viewport)
            response = page.goto(page_path("petitions:stats", language) + query)
            assert response.status == 200
            page.screenshot(path=SCREENSHOTS / f"{name}.{language}.{device}.png", full_page=True)
            # Each section apart too, to look at a chart at its real size.
            sections = page.locator("main section")
            for index in range(sections.count()):
                sections.nth(index).screenshot(
                    path=SCREENSHOTS / f"{name}.{language}.{device}.{index + 1}.png"
                )
            where = f"{language} at {viewport['width']} px"
            height = page.evaluate("document.documentElement.scrollHeight")
            if height > 9000:
                found.append(f"{where}: the page is {height} px tall")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > viewport["width"]:
                found.append(f"{where}: the page is {scroll_width} px wide")
            content = page.locator("main h1").first.bounding_box()["width"]
            shown = page.evaluate(CHARTS)
            assert len(shown) >= 8, f"{where}: {len(shown)} charts shown"
            for chart in shown:
                if chart["width"] < content - 2:
                    found.append(f"{where}: a chart {chart['width']:.0f} px of {content:.0f}")
                if chart["smallest"] < 10:
                    found.append(f"{where}: chart text {chart['smallest']:.0f} px high")
            page.evaluate(OPEN_DETAILS)
            if violations := page.evaluate(RUN_AXE, WCAG_TAGS):
                found.append(described({where: violations}))
    assert not found, "\n".join(found)


def test_the_stats_of_a_few_petitions_over_ten_years_read_at_both_widths(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    look_at_the_stats_page(page, "stats-sample")


def test_the_stats_of_some_hundred_petitions_read_at_both_widths(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    demo_petitions_seed(count=600, seed=2)
    look_at_the_stats_page(page, "stats-demo")
    # Four years of a Parliament, by quarter; and about a year, by month.
    look_at_the_stats_page(page, "stats-demo-42", "?session=421")
    look_at_the_stats_page(page, "stats-demo-45", "?session=451")
