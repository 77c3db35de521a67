"""A live console and a headless Chromium for the browser tests.

Debian's Chromium driven by Playwright (Playwright's own browser download does
not work here). Set CHROMIUM to another browser binary; without Playwright or a
browser, modules importing this are skipped (`.ci/run` installs both).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.live_support import live  # noqa: F401  (fixture)

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

ROLES = ["admin", "window", "coordinator", "handler_tax", "leader"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


class Session:
    """A logged-in browser tab that records every failure the page meets."""

    def __init__(self, browser: Any, base: str, username: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.failures: list[str] = []
        self.page.on("pageerror", lambda error: self.failures.append(f"script error: {error}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("request", self._request)
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
        self.page.goto(f"{base}/login/")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.locator("form [type=submit]").click()
        self.page.wait_for_url(f"{base}/dashboard/")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.failures.append(f"console: {message.text} at {self.page.url}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.failures.append(f"{response.status} {response.url}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.base, "data:", "about:")):
            self.failures.append(f"outside request: {request.url}")

    def go(self, path: str) -> Any:
        """Open a console page and wait until its scripts and requests are done."""
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def pick(self, select_id: str, typed: str, option: str) -> None:
        """Choose `option` in a searchable select by typing `typed` into it."""
        self.page.locator(f"#{select_id} + .select2").click()
        self.page.keyboard.type(typed)
        self.page.locator(".select2-results__option", has_text=option).first.click()

    def flashes(self) -> list[str]:
        """The flash messages on the current page."""
        return [text.replace("×", "").strip() for text in self.page.locator(".alert").all_inner_texts()]


@pytest.fixture
def session(browser: Any, live: str) -> Iterator[Any]:
    """`session("coordinator")` → a Session; fails the test if any page met a failure."""
    opened: list[Session] = []

    def make(username: str) -> Session:
        opened.append(Session(browser, live, username))
        return opened[-1]

    yield make
    for s in opened:
        s.context.close()
    failures = [f for s in opened for f in s.failures]
    assert failures == [], failures
