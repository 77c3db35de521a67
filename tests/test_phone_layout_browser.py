"""Every role's 工作台 on a phone (粤政易, 390×844): the page never scrolls sideways and the menu is reachable
through the navbar's toggle (its three bars are drawn, and tapping it shows the menu) — issue 13."""

from __future__ import annotations

import pytest

from tests.browser_support import ROLES, browser, live, session  # noqa: F401  (fixtures)

WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
TOGGLE = """() => { const t = document.querySelector('.navbar .navbar-toggle'); const r = t.getBoundingClientRect();
  return {visible: r.width > 0 && r.height > 0 && r.right <= innerWidth,
          bars: [...t.querySelectorAll('.icon-bar')].map(b => getComputedStyle(b).backgroundColor)}; }"""


@pytest.mark.parametrize("username", ROLES)
def test_the_dashboard_fits_a_phone_and_its_menu_opens(session, username):
    s = session(username)
    s.page.set_viewport_size({"width": 390, "height": 844})
    page = s.go("/dashboard/")
    scroll_width, client_width = page.evaluate(WIDTHS)
    assert scroll_width <= client_width == 390
    toggle = page.evaluate(TOGGLE)
    # transparent bars (rgba(0, 0, 0, 0)) draw an invisible button: a phone user never finds the menu
    assert toggle["visible"] and toggle["bars"] and all(c not in ("rgba(0, 0, 0, 0)", "transparent")
                                                        for c in toggle["bars"]), toggle
    menu = page.locator(".navbar-collapse .navbar-nav > li > a").first
    assert not menu.is_visible()
    page.locator(".navbar .navbar-toggle").click()
    menu.wait_for(state="visible")
    assert not s.failures, s.failures
