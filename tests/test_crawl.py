"""Every role opens every screen of its menu AND its records, in a real browser.

For each of the five demo roles: every list page of the menu, the show page and
the edit page (where offered) of its first three rows, every link on those
record pages (the case page's tabs, document downloads), and the list's
exports. A page fails the crawl on any response ≥ 400, script error, CSP
violation, request leaving the host, or English word a Chinese user would read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser_support import ROLES, browser, live, session  # noqa: F401  (fixtures)
from tests.helpers import english_words

ROWS = 3
SKIP = ("/logout", "/lang", "/swagger", "/api/")
"""Links the crawl does not follow: ending the session, and the API (crawled by schemathesis)."""


def _same_origin_links(where: Any, selector: str) -> list[str]:
    """The console links under `where` (a page or a part of one) matching `selector`."""
    hrefs = where.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/") and not h.startswith(SKIP)]


class Crawl:
    """One role's walk through its screens, collecting what went wrong."""

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.page = tab.page
        self.seen: set[str] = set()
        self.problems: list[str] = []
        self.opened = {"list": 0, "show": 0, "edit": 0, "download": 0, "link": 0}

    def open(self, path: str, kind: str) -> bool:
        """Open an HTML page once and check what a person reads on it."""
        if path in self.seen:
            return False
        self.seen.add(path)
        response = self.page.goto(self.tab.base + path)
        self.page.wait_for_load_state("networkidle")
        self.opened[kind] += 1
        if response is None or response.status >= 400:
            self.problems.append(f"{response.status if response else 'no answer'} {path}")
            return False
        if "html" not in (response.headers.get("content-type") or ""):
            return True
        english = english_words(self.page.content())
        if english:
            self.problems.append(f"English on {path}: {sorted(set(english))[:8]}")
        return True

    def download(self, path: str) -> None:
        """Fetch a file link with the tab's cookies (a browser would save it)."""
        if path in self.seen:
            return
        self.seen.add(path)
        response = self.page.request.get(self.tab.base + path)
        self.opened["download"] += 1
        kind = response.headers.get("content-type", "")
        if response.status >= 400:
            self.problems.append(f"{response.status} {path}")
        elif "html" in kind:
            self.problems.append(f"download {path} answered a page instead of a file")

    def record(self, path: str, kind: str) -> None:
        """A show or edit page, and (for show pages) every link in its content."""
        if not self.open(path, kind) or kind != "show":
            return
        for href in _same_origin_links(self.page, ".container a[href^='/']:not(.navbar a)"):
            # The 受理回执's and 不予受理告知书's print pages are pages (crawled like one); their .docx are files.
            if urlsplit(href).path.endswith((".docx", ".xlsx", ".csv")) or any(
                    part in href for part in ("/notice/", "/document/", "/export/")):
                self.download(href)
            else:
                self.link(href)

    def link(self, href: str) -> None:
        """A page linked from a record; opened once, not crawled further."""
        if "/list/" in urlsplit(href).path:
            return
        self.open(href, "link")

    def screen(self, list_path: str) -> None:
        """A list page, its first rows' show and edit pages, and its exports."""
        if not self.open(list_path, "list"):
            return
        rows = []
        for row in self.page.locator("table.console-list tbody tr").all()[:ROWS]:
            rows.append(_same_origin_links(row, "a[href*='/show/'], a[href*='/edit/']"))
        exports = _same_origin_links(self.page, "a[href*='/export/']")
        for links in rows:
            for href in links:
                self.record(href, "edit" if "/edit/" in href else "show")
        for href in exports:
            self.download(href)


@pytest.mark.parametrize("username", ROLES)
def test_every_screen_and_record_of_every_role_opens_cleanly(app, session, username):
    tab = session(username)
    tab.go("/dashboard/")
    menu = sorted(set(_same_origin_links(tab.page, ".navbar .dropdown-menu a[href^='/']")))
    assert len(menu) >= 4, menu
    crawl = Crawl(tab)
    crawl.open("/dashboard/", "link")
    for path in menu:
        crawl.screen(path)
    assert not crawl.problems, "\n".join(crawl.problems)
    # The crawl really reached the records, not only the menus.
    assert crawl.opened["show"] >= 3, crawl.opened
    # The browser-level failures (script errors, CSP, outside requests) are checked by the `session` fixture.
