"""Select2's own words in Chinese, in Chromium: the clear button's title, placeholders, “no matches”.

Select2 writes these into the page from JavaScript (`Remove all items`,
FAB's placeholder `Select a State`), so only a browser sees them. Skipped
without Playwright or Chromium, like tests/test_browser.py.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from extensions import db
from models import StaffUser
from tests.browser_support import browser, live, session  # noqa: F401  (fixtures)

WORDS = """() => {
  const parts = [];
  document.querySelectorAll('.select2-container [title], .select2-container [placeholder], .select2-container')
    .forEach(el => parts.push(el.getAttribute('title') || '', el.getAttribute('placeholder') || '',
                              el.classList.contains('select2-container') ? el.innerText : ''));
  document.querySelectorAll('.select2-results').forEach(el => parts.push(el.innerText));
  return parts.join(' ');
}"""


@pytest.fixture
def page(session) -> object:
    """The admin's browser tab on a live server with CSRF on (tests/browser_support.py)."""
    tab = session("admin").page
    tab.base = tab.url.rsplit("/dashboard/", 1)[0]
    return tab


def english(text: str) -> list[str]:
    from tests.helpers import english_words

    return english_words(f"<p>{text}</p>")


def test_select_boxes_on_the_user_forms_speak_chinese(app, page):
    with app.app_context():
        leader = db.session.execute(sa.select(StaffUser.id).where(StaffUser.username == "leader")).scalar_one()
    for path in ("/users/add", f"/users/edit/{leader}"):
        page.goto(page.base + path)
        page.wait_for_load_state("networkidle")
        assert page.locator(".select2-container").count() >= 2, path
        if path != "/users/add":
            assert page.locator(".select2-selection__clear").count() >= 1, "a chosen department can be cleared"
        page.locator(".select2-selection").first.click()
        page.keyboard.type("zzzz-无此单位")
        page.wait_for_timeout(600)
        seen = page.evaluate(WORDS)
        assert not english(seen), f"{path}: {english(seen)} in {seen!r}"
        assert "Remove" not in seen and "Select a State" not in seen
