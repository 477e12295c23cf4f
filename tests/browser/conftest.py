"""Browser tests: Debian's Chromium (never a downloaded build) driven by Playwright
against pytest-django's live server, with axe-core and the Nu HTML Checker from
node_modules (`make browser-deps`).

A missing tool skips these tests with a message naming it; under REQUIRE_BROWSER=1 (set
by CI) it fails them instead, so CI cannot pass by skipping.

The live server runs in a thread of this process against the test database, so the
tests' data must be committed: every browser test is transactional (the live_server
fixture sees to that) and loads the archive's data itself. The flush after each
transactional test, these or others in the suite, also empties the Clerk group that a
migration made: the browser tests make it again before they start and after the last."""

import datetime
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import clerk_group_as_migrated

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Headless, and nothing that reaches out of the machine on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = ROOT / "tests" / "screenshots"
# Playwright's default of 30 s only hides a hang; a page of this site answers in well
# under a second.
TIMEOUT_MS = 10_000

LANGUAGES = ["en", "fr"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the browser tests say so below
    sync_playwright = None


def require(ok, what, remedy):
    """Skip the test when `what` is missing, or fail it under REQUIRE_BROWSER=1."""
    if ok:
        return
    message = f"Browser test not run: {what} is missing ({remedy})."
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} REQUIRE_BROWSER=1 makes this a failure.", pytrace=False)
    pytest.skip(message)


def page_path(name, language="en", **kwargs):
    """The path of a page by its URL name, in `language`."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@dataclass(frozen=True)
class PageType:
    """One kind of page a citizen, researcher or clerk uses, by an example of it."""

    name: str
    url_name: str
    kwargs: dict = field(default_factory=dict)
    query: str = ""
    status: int = 200
    # What to wait for before looking at a page that scripts draw.
    ready: str = ""

    def path(self, language="en"):
        return page_path(self.url_name, language, **self.kwargs) + self.query

    def paths(self):
        """(language, path) for each language that has a path of its own."""
        english = self.path("en")
        return [("en", english)] + [
            (language, path)
            for language in LANGUAGES[1:]
            if (path := self.path(language)) != english
        ]


# Every public page type, with data from the `archive` fixture. The list is shown with
# filters in force, as a search, and refusing a bad value (the error summary).
FILTERED_LIST = PageType(
    "petition-list",
    "petitions:petition_list",
    query="?status=responded&ministry=minister-of-public-safety&kind=electronic",
)
PUBLIC_PAGES = [
    PageType("home", "petitions:home"),
    FILTERED_LIST,
    PageType("petition-search", "petitions:petition_list", query="?q=police"),
    PageType(
        "petition-list-error", "petitions:petition_list", query="?min_signatures=-5", status=400
    ),
    PageType("e-petition", "petitions:petition_detail", {"number": "e-4172"}),
    PageType("paper-petition", "petitions:petition_detail", {"number": "441-00264"}),
    PageType("open-petition", "petitions:petition_detail", {"number": "e-9001"}),
    PageType("member-list", "petitions:member_list"),
    PageType("member", "petitions:member_detail", {"slug": "melissa-lantsman"}),
    PageType("ministry-list", "petitions:ministry_list"),
    PageType("ministry", "petitions:ministry_detail", {"slug": "minister-of-public-safety"}),
    PageType("stats", "petitions:stats"),
    PageType("data-dictionary", "petitions:data_dictionary"),
    PageType("releases", "petitions:release_list"),
    PageType("api-docs", "petitions:api_docs"),
    PageType("not-found", "petitions:petition_detail", {"number": "e-999999"}, status=404),
]
ADMIN_LOGIN = PageType("admin-login", "admin:login")
HOME, API_DOCS = PUBLIC_PAGES[0], PUBLIC_PAGES[-2]
# A person's download link refused (the bounds of a range the wrong way round): a page
# of the site, for a browser that asks for HTML.
REFUSED_EXPORT = PageType(
    "export-refused",
    "petitions:export_csv",
    query="?opened_after=2024-02-02&opened_before=2024-02-01",
    status=400,
)


@pytest.fixture(scope="session")
def browser():
    require(sync_playwright is not None, "the Python package playwright", "make install")
    require(CHROMIUM.exists(), f"Chromium at {CHROMIUM}", "apt-get install chromium")
    # Playwright's sync API keeps an event loop in this thread, which Django would take
    # for an async context and refuse its ORM; the tests' own queries are plain sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def _clerk_group_kept_after_the_last_browser_test(django_db_setup, django_db_blocker):
    """Later tests of this run, and the next --reuse-db run, expect the Clerk group."""
    yield
    with django_db_blocker.unblock():
        clerk_group_as_migrated()


@pytest.fixture
def archive(_clerk_group_kept_after_the_last_browser_test, live_server, settings, tmp_path):
    """The Clerk group, the reference data, the ten real House records, one petition
    open for signature now (the real ones are all closed), committed for the live
    server, and a release of them."""
    from petitions.models import ParliamentarySession, Topic
    from tests.factories import PetitionFactory, SignatureWindowFactory

    clerk_group_as_migrated()
    call_command("loaddata", "sample_petitions", verbosity=0)
    open_petition = PetitionFactory(
        number="e-9001",
        session=ParliamentarySession.objects.get(parliament=45, session=1),
        topic=Topic.objects.get(slug="environment"),
        prayer_en="We, the undersigned, call upon the Government to protect wetlands.",
        prayer_fr="Nous, soussignés, prions le gouvernement de protéger les milieux humides.",
    )
    SignatureWindowFactory(
        petition=open_petition,
        opens_at=timezone.now() - datetime.timedelta(days=10),
        closes_at=timezone.now() + datetime.timedelta(days=20),
    )
    settings.RELEASES_DIR = tmp_path / "releases"
    call_command("release_dataset", stdout=io.StringIO())
    return live_server


@pytest.fixture
def context(browser, archive):
    """A fresh browser context (cookies, language) per test, on the live server."""
    context = browser.new_context(base_url=archive.url, viewport=DESKTOP, locale="en-CA")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page that fails its test on a script error or a console error, such as a
    resource the Content-Security-Policy refused."""
    page = context.new_page()
    problems = []

    def on_console(message):
        # Failed loads are judged by their response below: a page may be a 404 on purpose.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error: {message.text} ({message.location['url']})")

    def on_response(response):
        request = response.request
        if (
            response.status >= 400
            and request.resource_type != "document"
            and not request.url.endswith("/favicon.ico")
        ):
            problems.append(f"{response.status} for {request.resource_type} {request.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    assert not problems, "The browser reported:\n" + "\n".join(problems)
