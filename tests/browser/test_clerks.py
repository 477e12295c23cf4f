"""A clerk corrects petitions in the real admin, in Chromium: every field group of an
existing petition saved and seen on the public site, two clerks at once, and the
House's timeline refused next to the field, in English and in French."""

import re

import pytest
from playwright.sync_api import expect

from petitions.models import Petition
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, TIMEOUT_MS
from tests.browser.test_journeys import choose, field

pytestmark = pytest.mark.browser


@pytest.fixture
def clerks(archive, django_user_model):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Clerk")
    for username in ("clerk", "other"):
        user = django_user_model.objects.create_user(
            username, password="a-long-clerk-password", is_staff=True
        )
        user.groups.add(group)
    return archive


def log_in(page, username, prefix=""):
    page.goto(f"{prefix}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("a-long-clerk-password")
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_load_state("domcontentloaded")


def open_petition(page, number, prefix=""):
    pk = Petition.objects.get(number=number).pk
    page.goto(f"{prefix}/admin/petitions/petition/{pk}/change/")


def save(page):
    page.get_by_role("button", name=re.compile(r"^(Save|Enregistrer)$")).click()
    page.wait_for_load_state("domcontentloaded")


def errors(page):
    return "\n".join(page.locator(".errornote, .errorlist").all_inner_texts())


def test_a_clerk_corrects_every_part_of_a_petition_and_sees_it_published(browser, clerks):
    context = browser.new_context(base_url=clerks.url, viewport=DESKTOP, locale="en-CA")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, "clerk")
    open_petition(page, "e-4172")
    for size, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.screenshot(path=SCREENSHOTS / f"admin-petition-change-{name}.png", full_page=True)

    field(page, "Petitioner's city").fill("Regina")
    field(page, "Whereas (English)").fill("Public safety matters;\nThe report says so.")
    field(page, "Heading naming several addressees (English)").fill(
        "Petition to the Minister of Public Safety and the Minister of Justice"
    )
    choose(page, "id_sponsor", "Lantsman")
    # Choosing the sponsor fills in the Member's current riding, still editable.
    expect(field(page, "Sponsor's riding")).to_have_value("Thornhill")
    page.locator("#id_window_closes_at_1").fill("15:00")
    field(page, "Saskatchewan").fill("31")
    page.locator("#id_responses-0-text_en").fill("The corrected response of the Minister.")
    save(page)
    assert not errors(page), errors(page)
    expect(page.locator(".messagelist .success")).to_contain_text("e-4172")

    page.goto("/petitions/e-4172/")
    expect(page.locator("body")).to_contain_text("Regina")
    expect(page.locator(".whereas li")).to_have_count(2)
    expect(page.locator("#addressee")).to_have_text(
        "Petition to the Minister of Public Safety and the Minister of Justice"
    )
    expect(page.locator("section.response")).to_contain_text("The corrected response")
    expect(page.locator(".province-table")).to_contain_text(re.compile(r"Saskatchewan\s*31"))
    expect(page.locator(".history")).to_contain_text("3:00 p.m.")

    # A second edit, then the history names the clerk and reverting to the first
    # restores its city.
    open_petition(page, "e-4172")
    field(page, "Petitioner's city").fill("Moose Jaw")
    save(page)
    assert not errors(page), errors(page)
    open_petition(page, "e-4172")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history")).to_contain_text("clerk")
    page.locator("#change-history a").first.click()
    save(page)
    assert not errors(page), errors(page)
    assert Petition.objects.get(number="e-4172").petitioner_city == "Regina"
    context.close()


def test_two_clerks_at_once_the_second_is_refused_and_nothing_is_lost(browser, clerks):
    pages = []
    for username in ("clerk", "other"):
        context = browser.new_context(base_url=clerks.url, viewport=DESKTOP, locale="en-CA")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        log_in(page, username)
        open_petition(page, "e-4172")
        pages.append(page)
    first, second = pages

    field(first, "Petitioner's city").fill("Regina")
    save(first)
    assert not errors(first), errors(first)

    field(second, "Prayer (English)").fill("A prayer typed by the second clerk.")
    save(second)
    note = second.locator(".errornote, .errorlist.nonfield")
    expect(note.last).to_contain_text("Someone else saved “e-4172” while you were editing it")
    expect(note.last).to_contain_text("clerk")
    expect(note.last).to_contain_text("Petitioner's city")
    # Their text is still in the form.
    expect(field(second, "Prayer (English)")).to_have_value("A prayer typed by the second clerk.")
    petition = Petition.objects.get(number="e-4172")
    assert petition.petitioner_city == "Regina"
    assert petition.prayer_en != "A prayer typed by the second clerk."
    for page in pages:
        page.context.close()


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "An e-petition is presented once its window has closed"),
        ("/fr", "Une pétition électronique est présentée une fois sa période de signature"),
    ],
)
def test_a_presentation_before_the_window_closed_is_refused_next_to_its_field(
    browser, clerks, prefix, message
):
    context = browser.new_context(base_url=clerks.url, viewport=PHONE, locale="fr-CA")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, "clerk", prefix)
    open_petition(page, "e-4172", prefix)
    page.locator("#id_presented_on").fill("2023-01-14")
    save(page)
    expect(page.locator("#id_presented_on_error")).to_contain_text(message)
    language = "fr" if prefix else "en"
    page.screenshot(
        path=SCREENSHOTS / f"admin-timeline-error-{language}-phone.png", full_page=False
    )
    assert Petition.objects.get(number="e-4172").presented_on.isoformat() == "2023-03-20"
    context.close()


def test_a_clerk_uploads_a_house_file_sees_a_rejected_record_then_loads_a_good_one(
    browser, clerks, tmp_path
):
    from pathlib import Path

    xml = (Path(__file__).resolve().parents[1] / "data" / "hoc_sample.xml").read_text("utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text(xml.replace("March 20, 2023</Presented", "March 20, 9999</Presented", 1))
    good = tmp_path / "hoc_sample.xml"
    good.write_text(xml)
    context = browser.new_context(base_url=clerks.url, viewport=DESKTOP, locale="en-CA")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, "clerk")
    page.goto("/admin/petitions/petition/")
    page.get_by_role("link", name="Import a House file").click()

    page.get_by_label("House file").set_input_files(bad)
    page.get_by_role("button", name="Check the file").click()
    rejected = page.locator(".import-report__rejected")
    expect(rejected).to_contain_text("petition 1")
    expect(rejected).to_contain_text("presented_on")
    expect(page.get_by_role("button", name="Write these petitions")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "admin-import-rejected-desktop.png", full_page=True)

    page.get_by_role("link", name="Import a House file").click()
    page.get_by_label("House file").set_input_files(good)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".import-report")).to_contain_text("Updated petitions")
    page.get_by_role("button", name="Write these petitions").click()
    expect(page.locator(".import-report__state")).to_contain_text("Written")
    page.screenshot(path=SCREENSHOTS / "admin-import-written-desktop.png", full_page=True)
    context.close()


def test_only_fields_with_a_time_carry_a_time_zone_note(browser, clerks):
    # A clerk whose computer keeps another time zone than Ottawa's.
    context = browser.new_context(
        base_url=clerks.url, viewport=DESKTOP, locale="en-CA", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, "clerk")
    open_petition(page, "e-4172")
    notes = page.locator(".timezonewarning:visible")
    expect(notes.first).to_be_visible()
    where = notes.evaluate_all("notes => notes.map(n => n.parentElement.querySelector('input').id)")
    assert sorted(where) == ["id_window_closes_at_0", "id_window_opens_at_0"]
    context.close()
