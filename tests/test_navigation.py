"""The menu buttons readers see open and close the book's contents and the page's contents.

Since pydata-sphinx-theme 0.17 the themes bound their handlers to a hidden duplicate button, so
the visible ☰ and contents buttons did nothing on a phone (pydata-sphinx-theme#2451,
sphinx-book-theme#988; the fix is :mod:`pmcj.sphinxext.navigation`). This test is the reader's
check: on every page, at a phone width and two desktop widths, it finds the buttons that are
*visible*, presses each with a mouse, a finger and the keyboard, and checks that what they
control appears on screen (a dialog with focus inside it, or the side bar shown and hidden in
place), that it closes again (Close button, Escape, a tap outside), and that focus comes back
to the button. axe-core also checks each dialog open, on the landing page and the first chapter
(the dialogs hold the same side bars on every page). A test that pressed the first
``.primary-toggle`` in the DOM would have passed on the broken pages.

The pages are opened with reduced motion, as some readers ask for, so the side bar moves at once
instead of in a quarter-second transition; which button works does not depend on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pmcj.sphinxext.navigation import fix_navigation
from tests.browser_support import (
    FAILING_IMPACTS,
    PageReport,
    format_violation,
    run_axe,
    site_dir,
    toc_pages,
    watch_page,
)

PAGES = toc_pages(site_dir())
PHONE = (390, 844)
# 1024 px: the ☰ hides the side bar in place and the page-contents button opens a dialog;
# 1280 px: the page contents are always shown beside the text, so only the ☰ is there.
WIDTHS = {"390": PHONE, "1024": (1024, 768), "1280": (1280, 800)}
WIDE = 992  # sphinx-book-theme's breakpoint: from here the ☰ works in place
TIMEOUT_MS = 3000
TOGGLES = {"primary": "Book contents", "secondary": "Contents of this page"}

VISIBLE = """sel => [...document.querySelectorAll(sel)].filter(e => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility === 'visible' && s.display !== 'none'
    && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight;
}).length"""
DIALOG_STATE = """id => {
  const d = document.getElementById(id);
  if (!d || !d.open) return null;
  const r = d.getBoundingClientRect();
  const links = [...d.querySelectorAll('a[href]')].filter(a => {
    const b = a.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length;
  const focusInside = d.contains(document.activeElement);
  return {left: r.left, right: r.right, links: links, focusInside: focusInside};
}"""
FOCUSED = "sel => document.activeElement === document.querySelector(sel)"
SIDEBAR_SHOWN = """() => {
  const s = document.getElementById('pst-primary-sidebar'), r = s.getBoundingClientRect();
  return getComputedStyle(s).visibility === 'visible' && r.right > 0 && r.width > 100;
}"""


def wait(page: Any, script: str, arg: Any = None) -> bool:
    """Wait until ``script`` is truthy; False (not an exception) if it never is."""
    try:
        page.wait_for_function(script, arg=arg, timeout=TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError
        return False
    return True


def dialog_problems(page: Any, which: str, width: int, how: str) -> list[str]:
    """Open the side-bar dialog with the visible button ``how``, check it, close it the same way."""
    button = f".bd-header-article .{which}-toggle"
    dialog = f"pst-{which}-sidebar-modal"
    name = TOGGLES[which]
    problems: list[str] = []
    if how == "mouse":
        page.click(button)
    elif how == "touch":
        page.tap(button)
    else:
        page.focus(button)
        page.keyboard.press("Enter")
    if not wait(page, "id => document.getElementById(id)?.open", dialog):
        return [f"{how}: the visible '{name}' button did not open its dialog"]
    wait(page, "id => document.getElementById(id).contains(document.activeElement)", dialog)
    state = page.evaluate(DIALOG_STATE, dialog)
    if state["left"] < -1 or state["right"] > width + 1:
        problems.append(f"{how}: the '{name}' dialog is off screen ({state})")
    if not state["links"]:
        problems.append(f"{how}: the '{name}' dialog shows no links")
    if not state["focusInside"]:
        problems.append(f"{how}: focus did not move into the '{name}' dialog")
    if how == "mouse":
        page.click(f"#{dialog} .pmcj-dialog-close")
    elif how == "touch":
        # A tap on the backdrop, on the side of the screen the dialog does not cover.
        x = width - 10 if which == "primary" else 10
        page.touchscreen.tap(x, PHONE[1] // 2)
    else:
        page.keyboard.press("Escape")
    if not wait(page, "id => !document.getElementById(id).open", dialog):
        return [*problems, f"{how}: the '{name}' dialog did not close"]
    if not wait(page, FOCUSED, button):
        problems.append(f"{how}: focus did not return to the '{name}' button")
    return problems


def in_place_problems(page: Any, how: str) -> list[str]:
    """On a wide screen the ☰ hides the side bar, and a second press shows it again."""
    button = ".bd-header-article .primary-toggle"
    problems: list[str] = []
    for expected in (False, True):
        if how == "mouse":
            page.click(button)
        elif how == "touch":
            page.tap(button)
        else:
            page.focus(button)
            page.keyboard.press("Enter")
        shown = f"() => ({SIDEBAR_SHOWN})() === {str(expected).lower()}"
        if not wait(page, shown):
            verb = "show" if expected else "hide"
            problems.append(f"{how}: the visible ☰ did not {verb} the side bar")
            break
        aria = page.get_attribute(button, "aria-expanded")
        if aria != str(expected).lower():
            problems.append(
                f"{how}: the ☰ says aria-expanded={aria!r} with the side bar shown={expected}"
            )
        if how == "keyboard" and not wait(page, FOCUSED, button):
            problems.append("keyboard: focus left the ☰ after pressing it")
    return problems


def axe_in_dialog(page: Any, which: str, url: str) -> list[str]:
    """Open the dialog and run axe-core on the page as a screen-reader user then meets it."""
    page.click(f".bd-header-article .{which}-toggle")
    wait(page, "id => document.getElementById(id)?.open", f"pst-{which}-sidebar-modal")
    report = PageReport(url=url)
    run_axe(page, report)
    page.keyboard.press("Escape")
    wait(page, "id => !document.getElementById(id).open", f"pst-{which}-sidebar-modal")
    return [
        f"with the '{TOGGLES[which]}' dialog open: {format_violation(v)}"
        for v in report.violations
        if v.get("impact") in FAILING_IMPACTS
    ]


def new_context(browser: Any, width: int, height: int) -> Any:
    """A touch screen of this size, with reduced motion."""
    return browser.new_context(
        viewport={"width": width, "height": height},
        has_touch=True,
        reduced_motion="reduce",
        service_workers="block",
    )


@pytest.fixture(scope="module")
def contexts(browser: Any) -> Iterator[dict[str, Any]]:
    """One browser profile per width for the whole module (a new one costs ~0.3 s a page)."""
    made = {label: new_context(browser, *size) for label, size in WIDTHS.items()}
    yield made
    for context in made.values():
        context.close()


@pytest.mark.browser
@pytest.mark.browser
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page_name", PAGES)
def test_visible_menu_buttons_work_by_mouse_touch_and_keyboard(
    contexts: dict[str, Any], base_url: str, page_name: str, width: str
) -> None:
    """Every visible menu button opens and closes what it controls, by every kind of input."""
    w = WIDTHS[width][0]
    page = contexts[width].new_page()
    report = PageReport(url=base_url + page_name)
    problems: list[str] = []
    try:
        watch_page(page, report)
        page.goto(base_url + page_name, wait_until="load")
        visible = {
            which: page.evaluate(VISIBLE, f".{which}-toggle") for which in ("primary", "secondary")
        }
        if visible["primary"] != 1:
            problems.append(f"{visible['primary']} visible ☰ buttons (expected 1)")
        has_page_toc = bool(page.query_selector("#pst-page-toc-nav"))
        if w < WIDE and has_page_toc and visible["secondary"] != 1:
            problems.append(f"{visible['secondary']} visible contents buttons (expected 1)")
        # At 1024 px the buttons run the same code as at 390 px (contents) and 1280 px (☰), each
        # tested there with all three inputs; the mouse alone keeps the suite quick.
        for how in ("mouse",) if width == "1024" else ("mouse", "touch", "keyboard"):
            if visible["primary"] == 1:
                if w < WIDE:
                    problems += dialog_problems(page, "primary", w, how)
                else:
                    problems += in_place_problems(page, how)
            if visible["secondary"] == 1:
                problems += dialog_problems(page, "secondary", w, how)
        problems += [f"console error: {message}" for message in report.console_errors]
    finally:
        page.close()
    assert not problems, f"{page_name} at {width} px:\n  " + "\n  ".join(problems)


@pytest.mark.browser
@pytest.mark.parametrize(
    "page_name", [PAGES[0], next(p for p in PAGES if p.startswith("chapters/"))]
)
def test_open_menu_dialogs_pass_axe(browser: Any, base_url: str, page_name: str) -> None:
    """Each side-bar dialog, open on a phone, has no serious or critical axe-core violation."""
    context = new_context(browser, *PHONE)
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
