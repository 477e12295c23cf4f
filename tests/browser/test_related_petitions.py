"""A petition page with related petitions, as a reader sees it on a phone (390 px) and a
desktop (1280 px), in English and French: e-4172's request made again in the 43rd
Parliament and as a paper petition, listed first and labelled, with nothing wider than
the screen, no axe-core violation, and valid HTML to the Nu HTML Checker. Screenshots go
to tests/screenshots/."""

import datetime

import pytest

from tests.browser.conftest import (
    AXE_SCRIPT,
    DESKTOP,
    LANGUAGES,
    PHONE,
    SCREENSHOTS,
    VNU_JAR,
    page_path,
    require,
)
from tests.browser.test_accessibility import RUN_AXE, WCAG_TAGS, described

pytestmark = pytest.mark.browser

LABELS = {
    "en": ("Related petitions", "Same request, 43rd Parliament", "Same request, 44th Parliament"),
    "fr": ("Pétitions connexes", "Même demande, 43e législature", "Même demande, 44e législature"),
}


@pytest.fixture
def made_again(archive):
    """e-4172's request made again: an e-petition of the 43rd Parliament and a paper
    petition of the 44th, committed for the live server."""
    from petitions.models import Petition
    from tests.factories import PaperPetitionFactory, PetitionFactory, SessionFactory

    original = Petition.objects.get(number="e-4172")
    earlier = SessionFactory(parliament=43, session=2, started_on=datetime.date(2020, 9, 23))
    texts = {
        "topic": original.topic,
        "prayer_en": original.prayer_en,
        "prayer_fr": original.prayer_fr,
        "whereas_en": original.whereas_en,
        "whereas_fr": original.whereas_fr,
    }
    PetitionFactory(number="e-2950", session=earlier, **texts)
    PaperPetitionFactory(
        number="441-01999",
        session=original.session,
        presented_on=datetime.date(2023, 3, 20),
        **texts,
    )
    return archive


def test_a_petition_page_lists_its_related_petitions_at_both_widths(page, made_again):
    require(AXE_SCRIPT.exists(), "axe-core in node_modules", "make browser-deps")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.add_init_script(path=AXE_SCRIPT)
    found = []
    for language in LANGUAGES:
        heading, earlier, paper = LABELS[language]
        for device, viewport in {"phone": PHONE, "desktop": DESKTOP}.items():
            page.set_viewport_size(viewport)
            path = page_path("petitions:petition_detail", language, number="e-4172")
            assert page.goto(path).status == 200
            where = f"{language} at {viewport['width']} px"
            section = page.locator("section.related")
            assert section.locator("h2").inner_text() == heading, where
            items = section.locator("li").all_inner_texts()
            # The two of the same request first, in either order, each labelled.
            assert {items[0].split()[0], items[1].split()[0]} == {"e-2950", "441-01999"}, where
            assert any(earlier in item for item in items[:2]), where
            assert any(paper in item for item in items[:2]), where
            section.screenshot(path=SCREENSHOTS / f"related.{language}.{device}.png")
            page.screenshot(path=SCREENSHOTS / f"related-page.{language}.{device}.png")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                found.append(f"{where}: the page is {width} px wide")
            if violations := page.evaluate(RUN_AXE, WCAG_TAGS):
                found.append(described({where: violations}))
            # A related petition's link leads to its page.
            section.get_by_role("link", name="e-2950").click()
            assert page.url.endswith(
                page_path("petitions:petition_detail", language, number="e-2950")
            )
    assert not found, "\n".join(found)


def test_the_page_with_related_petitions_is_valid_html(context, made_again, tmp_path):
    from tests.browser.test_html_valid import described as described_message
    from tests.browser.test_html_valid import nu_html_check

    require(VNU_JAR.exists(), "the Nu HTML Checker in node_modules", "make browser-deps")
    files = []
    for language in LANGUAGES:
        path = page_path("petitions:petition_detail", language, number="e-4172")
        body = context.request.get(path).text()
        assert 'class="related"' in body
        file = tmp_path / f"related.{language}.html"
        file.write_text(body)
        files.append(file)
    errors = nu_html_check(files)
    assert not errors, "\n".join(
        f"{name}:\n" + "\n".join(described_message(m) for m in messages)
        for name, messages in errors.items()
    )
