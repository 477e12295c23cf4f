"""Every public page type, photographed whole on a phone (390 px) and a desktop
(1280 px) into tests/screenshots/ for a person to look at, and checked for what a
person would see at once: nothing wider than the screen, no text cut off."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, PUBLIC_PAGES, REFUSED_EXPORT, SCREENSHOTS

pytestmark = pytest.mark.browser

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}

# Elements wider than the screen, other than those inside a container that scrolls
# sideways on purpose (a wide table in its own scroll region).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && (box.right > width + 1 || box.left < -1) && !scrolls(element);
    })
    .filter((element) => getComputedStyle(element).position !== "absolute")
    .map((element) => element.tagName.toLowerCase() +
      (element.className && typeof element.className === "string"
        ? "." + element.className.trim().split(/\\s+/).join(".") : "") +
      " (" + Math.round(element.getBoundingClientRect().right) + " px)")
    .slice(0, 10);
}"""


def test_every_public_page_type_fits_a_phone_and_a_desktop(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wide = {}
    for page_type in [*PUBLIC_PAGES, REFUSED_EXPORT]:
        languages = dict(page_type.paths())
        for language, device in [
            ("en", "phone"),
            ("en", "desktop"),
            ("fr", "phone"),
            ("fr", "desktop"),
        ]:
            if language not in languages:
                continue
            page.set_viewport_size(WIDTHS[device])
            response = page.goto(languages[language])
            assert response.status == page_type.status, f"{response.url}: {response.status}"
            if page_type.ready:
                page.locator(page_type.ready).first.wait_for()
            page.screenshot(
                path=SCREENSHOTS / f"{page_type.name}.{language}.{device}.png", full_page=True
            )
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            overflowing = page.evaluate(OVERFLOWING)
            if scroll_width > WIDTHS[device]["width"] or overflowing:
                wide[f"{languages[language]} at {device} width"] = (
                    f"page {scroll_width} px wide; " + ", ".join(overflowing)
                )
    assert not wide, "Wider than the screen:\n" + "\n".join(f"{k}: {v}" for k, v in wide.items())
