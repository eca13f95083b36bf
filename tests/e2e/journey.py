"""Walking a journey: every page visited is checked with axe-core for accessibility problems
of every impact, and on a phone also at 200% text size for a page wider than the screen."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.accounts.factories import TEST_PASSWORD

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const found = await window.axe.run(document, {resultTypes: ["violations"]});
  return found.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    where: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""

WIDER_AT_LARGE_TEXT = """() => {
  const root = document.documentElement;
  const before = root.style.fontSize;
  root.style.fontSize = "200%";
  const overflow = root.scrollWidth - root.clientWidth;
  root.style.fontSize = before;
  return overflow;
}"""


def violations(page: Page) -> list[str]:
    """axe-core's violations on the page, of every impact, one line each."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['where'])}"
        for v in page.evaluate(RUN_AXE)
    ]


def audit(page: Page) -> None:
    """Fail on any axe-core violation (names, labels, contrast, landmarks, empty headers ...)."""
    found = violations(page)
    assert not found, f"{page.url}: " + "; ".join(found)


def overflow_at_large_text(page: Page) -> int:
    """How many pixels wider than the screen the page is at 200% text size."""
    return page.evaluate(WIDER_AT_LARGE_TEXT)


def fits_at_large_text(page: Page) -> None:
    """At 200% text size the page still fits the screen's width (no sideways scrolling)."""
    overflow = overflow_at_large_text(page)
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen at 200% text"


class Walk:
    """One person's browser tab: ``open`` a page or ``check`` the one a click led to."""

    def __init__(self, page: Page, base_url: str, *, phone: bool = False):
        self.page, self.base_url, self.phone = page, base_url, phone

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        self.check()
        return self.page

    def check(self) -> None:
        self.page.wait_for_load_state()
        audit(self.page)
        if self.phone:
            fits_at_large_text(self.page)

    def follow(self, name: str) -> Page:
        """Follow a link of the header's main navigation."""
        self.page.locator("nav.main-nav").get_by_role("link", name=name, exact=True).click()
        self.check()
        return self.page

    def sign_in(self, username: str, password: str = TEST_PASSWORD) -> None:
        """Through the sign-in page, as a person would."""
        self.open("/login/")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        self.page.locator("#id_password").press("Enter")
        expect(self.page).not_to_have_url(re.compile(r"/login/"))
        self.check()


def thai(text: str) -> str:
    """The Thai the pages show for ``text`` (labels and buttons are found by what they say)."""
    from django.utils import translation

    with translation.override("th"):
        return translation.gettext(text)
