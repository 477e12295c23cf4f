"""A petition's signature history and the changes to its record as a reader sees them,
on a phone (390 px) and a desktop (1280 px), in English and French: no axe violation,
valid HTML, nothing wider than the screen, the chart as wide as its section."""

import datetime

import pytest
from django.utils import timezone

from petitions.models import Petition, PetitionChange, SignatureSnapshot
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
from tests.browser.test_html_valid import described as described_html
from tests.browser.test_html_valid import nu_checker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

DEVICES = {"phone": PHONE, "desktop": DESKTOP}
OPEN_DETAILS = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"


def give_history(number):
    """Five daily counts from imports, and two changes: a count from a file and a
    clerk's fix of the prayer."""
    petition = Petition.objects.get(number=number)
    now = timezone.now()
    counts = [120, 480, 910, 1204, 1388]
    for day, count in enumerate(counts):
        SignatureSnapshot.objects.create(
            petition=petition,
            taken_at=now - datetime.timedelta(days=len(counts) - day),
            signature_count=count,
            province_counts={"ON": count // 2, "QC": count // 3},
            imported_from=f"petitions-2026-11-{day + 10}.xml",
        )
    PetitionChange.objects.create(
        petition=petition,
        changed_at=now - datetime.timedelta(days=2),
        fields=[{"field": "signature_count", "before": 910, "after": 1204}],
        imported_from="a-very-long-file-name-of-the-house-export-2026-11-13.xml",
    )
    PetitionChange.objects.create(
        petition=petition,
        changed_at=now - datetime.timedelta(days=1),
        fields=[
            {
                "field": "prayer_en",
                "before": "We call upon the Government to protect wetlands.",
                "after": petition.prayer_en,
            },
            {
                "field": "topic",
                "before": None,
                "after": {"en": "Environment", "fr": "Environnement"},
            },
        ],
    )


def test_the_history_pages_read_well_at_both_widths_in_both_languages(page, nu_checker, tmp_path):  # noqa: F811
    require(AXE_SCRIPT.exists(), "axe-core in node_modules", "make browser-deps")
    give_history("e-9001")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.add_init_script(path=AXE_SCRIPT)
    found, files = [], {}
    for language in LANGUAGES:
        for name, url_name in (
            ("petition-with-history", "petitions:petition_detail"),
            ("petition-changes", "petitions:petition_changes"),
        ):
            path = page_path(url_name, language, number="e-9001")
            for device, viewport in DEVICES.items():
                page.set_viewport_size(viewport)
                response = page.goto(path)
                assert response.status == 200, path
                where = f"{path} at {viewport['width']} px"
                page.evaluate(OPEN_DETAILS)
                page.screenshot(
                    path=SCREENSHOTS / f"{name}.{language}.{device}.png", full_page=True
                )
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    found.append(f"{where}: the page is {width} px wide")
                if name == "petition-with-history":
                    chart = page.locator(".line-chart").bounding_box()
                    section = page.locator(".signature-history").bounding_box()
                    if chart is None or chart["width"] < section["width"] - 2:
                        found.append(f"{where}: the chart is narrower than its section")
                    if chart is not None and chart["height"] < 60:
                        found.append(f"{where}: the chart is {chart['height']:.0f} px high")
                else:
                    assert page.locator(".change").count() == 2
                    assert page.locator(".change__diff ins").count() >= 1
                if violations := page.evaluate(RUN_AXE, WCAG_TAGS):
                    found.append(described({where: violations}))
            file = tmp_path / f"{name}.{language}.html"
            file.write_text(page.content())
            files[file.name] = path
    errors = nu_checker(list(map(tmp_path.joinpath, files)))
    for name, messages in errors.items():
        found.append(f"{files[name]}:\n" + "\n".join(map(described_html, messages)))
    assert not found, "\n".join(found)
