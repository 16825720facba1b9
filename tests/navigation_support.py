"""Press the menu buttons a reader sees, as a reader would: the checks behind the menu tests.

Since pydata-sphinx-theme 0.17 the themes bound their handlers to a hidden duplicate button, so
the visible ☰ and contents buttons did nothing on a phone (pydata-sphinx-theme#2451,
sphinx-book-theme#988; the fix is :mod:`pmcj.sphinxext.navigation`). These helpers find the
buttons that are *visible*, press each with a mouse, a finger or the keyboard, and check that what
they control appears on screen (a dialog with focus inside it, or the side bar shown and hidden in
place), that it closes again (its Close button, Escape, a tap outside), and that focus comes back
to the button. A check that pressed the first ``.primary-toggle`` in the DOM would have passed on
the broken pages. This file has no tests; ``tests/test_reader_views.py`` and
``tests/test_navigation.py`` use it.
"""

from __future__ import annotations

from typing import Any

from tests.browser_support import FAILING_IMPACTS, PageReport, format_violation, run_axe

WIDE = 992  # sphinx-book-theme's breakpoint: from here the ☰ works in place
TIMEOUT_MS = 3000
TOGGLES = {"primary": "Book contents", "secondary": "Contents of this page"}
INPUTS = ("mouse", "touch", "keyboard")

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
        page.touchscreen.tap(x, page.viewport_size["height"] // 2)
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


def navigation_problems(page: Any, inputs: tuple[str, ...] = INPUTS) -> list[str]:
    """Press every visible menu button with each of ``inputs``; one line per thing that failed."""
    width = page.viewport_size["width"]
    visible = {which: page.evaluate(VISIBLE, f".{which}-toggle") for which in TOGGLES}
    problems: list[str] = []
    if visible["primary"] != 1:
        problems.append(f"{visible['primary']} visible ☰ buttons (expected 1)")
    has_page_toc = bool(page.query_selector("#pst-page-toc-nav"))
    if width < WIDE and has_page_toc and visible["secondary"] != 1:
        problems.append(f"{visible['secondary']} visible contents buttons (expected 1)")
    for how in inputs:
        if visible["primary"] == 1:
            if width < WIDE:
                problems += dialog_problems(page, "primary", width, how)
            else:
                problems += in_place_problems(page, how)
        if visible["secondary"] == 1:
            problems += dialog_problems(page, "secondary", width, how)
    return problems
