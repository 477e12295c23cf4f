"""Every page type passes axe-core's WCAG 2.2 A and AA rules, in English and French, on
a desktop; the petition list with its filters open passes on a phone too."""

import pytest

from tests.browser.conftest import (
    ADMIN_LOGIN,
    API_DOCS,
    AXE_SCRIPT,
    DESKTOP,
    FILTERED_LIST,
    HOME,
    LANGUAGES,
    PHONE,
    PUBLIC_PAGES,
    REFUSED_EXPORT,
    TIMEOUT_MS,
    require,
)

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(" ") + ": " + node.failureSummary),
  }));
}"""


@pytest.fixture(scope="session")
def axe_script():
    require(AXE_SCRIPT.exists(), "axe-core in node_modules", "make browser-deps")
    return AXE_SCRIPT


@pytest.fixture
def audit_page(axe_script, browser, archive):
    """A page with axe-core loaded into every document before the site's own code. As
    an init script it needs no exception to the site's Content-Security-Policy, so the
    pages are audited exactly as they are served."""
    context = browser.new_context(base_url=archive.url, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(path=axe_script)
    yield context.new_page()
    context.close()


def audit(page):
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def described(found):
    lines = []
    for where, violations in found.items():
        for violation in violations:
            lines.append(f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}")
            lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_has_no_wcag_violation(audit_page, language):
    found = {}
    for page_type in [*PUBLIC_PAGES, REFUSED_EXPORT, ADMIN_LOGIN]:
        path = page_type.path(language)
        response = audit_page.goto(path)
        assert response.status == page_type.status, f"{path} answered {response.status}"
        if violations := audit(audit_page):
            found[path] = violations

    # On a phone: the home page and the API's documentation, and the list with every
    # filter shown.
    audit_page.set_viewport_size(PHONE)
    for page_type in [HOME, API_DOCS]:
        path = page_type.path(language)
        audit_page.goto(path)
        if violations := audit(audit_page):
            found[f"{path} (390 px)"] = violations
    path = FILTERED_LIST.path(language)
    audit_page.goto(path)
    audit_page.locator("details.filters").evaluate("details => { details.open = true; }")
    if violations := audit(audit_page):
        found[f"{path} (390 px, filters open)"] = violations

    assert not found, "axe-core found WCAG 2.2 A/AA violations:\n" + described(found)
