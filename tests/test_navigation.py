"""The menu dialogs pass axe-core, and the fix that makes the menu buttons work is stable.

The buttons themselves are pressed on every page, at every width, by
``tests/test_reader_views.py`` (with the helpers in ``tests/navigation_support.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from pmcj.sphinxext.navigation import fix_navigation
from tests.browser_support import site_dir, toc_pages
from tests.navigation_support import TOGGLES, axe_in_dialog

PAGES = toc_pages(site_dir())
PHONE = (390, 844)


@pytest.mark.browser
@pytest.mark.parametrize(
    "page_name", [PAGES[0], next(p for p in PAGES if p.startswith("chapters/"))]
)
def test_open_menu_dialogs_pass_axe(browser: Any, base_url: str, page_name: str) -> None:
    """Each side-bar dialog, open on a phone, has no serious or critical axe-core violation."""
    context = browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]}, reduced_motion="reduce"
    )
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(base_url + page_name, wait_until="load")
        for which in TOGGLES:
            problems += axe_in_dialog(page, which, page_name)
    finally:
        context.close()
    assert not problems, f"{page_name} at {PHONE[0]} px:\n  " + "\n  ".join(problems)


@pytest.mark.build
def test_every_built_page_has_one_of_each_menu_button_and_the_fix_is_idempotent() -> None:
    """The hidden duplicates are gone from every page, and fixing a fixed page changes nothing.

    Incremental builds run the fix over pages that Sphinx did not rewrite, so it must be a no-op
    there; and the themes' ``querySelector`` must find the visible button first.
    """
    site = site_dir()
    pages = [site / page for page in PAGES if (site / page).exists()]
    assert pages, f"no built pages in {site}: run make book first"
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert 'class="pst-navbar-icon sidebar-toggle' not in html, path
        assert html.count("sidebar-toggle primary-toggle") == 1, path
        assert html.count("sidebar-toggle secondary-toggle") <= 1, path
        assert html.count('class="pmcj-dialog-close"') == html.count('-sidebar-modal"'), path
        assert fix_navigation(html) == html, f"{path}: fixing a fixed page changed it"
