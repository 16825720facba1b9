"""Make the visible navigation buttons open the book's contents and the page's contents.

Upstream bug: pydata-sphinx-theme#2451 (open since 0.17.0, "impact: high") and
sphinx-book-theme#988. Since pydata-sphinx-theme 0.17.0 every page has *two* buttons of class
``primary-toggle`` (and two of ``secondary-toggle``): pydata's own in the top bar, which
sphinx-book-theme hides with ``display: none`` at every width, and sphinx-book-theme's ☰ and
contents buttons in the article header, which readers see. Both themes attach their handlers
with ``document.querySelector(".primary-toggle")``, i.e. to the first, hidden, button, so on a
phone the visible ☰ did nothing (the side bar stayed at x = -292 px and its dialog never
opened), and on a desktop it did not hide the side bar either. pydata-sphinx-theme 0.24.0 and
sphinx-book-theme 1.4.0, the newest releases when this was written, still select the first
button, so no theme version avoids it.

The fix removes the two hidden top-bar buttons from the written HTML, so the themes' own code
attaches to the buttons readers see, exactly as it does when a theme renders one button:

* below 992 px each button opens its side bar as a modal ``<dialog>`` (pydata-sphinx-theme),
  which closes with Escape or a click or tap outside it;
* from 992 px the ☰ hides and shows the side bar in place (sphinx-book-theme), and the page
  contents button, shown between 992 and 1199 px, opens its dialog.

``pmcj-a11y.js`` adds what the themes leave out: a "Close" button at the top of each dialog (so a
touch or screen-reader user has something to press), and focus back on the button that opened
the dialog when it closes (sphinx-book-theme blurs the button on every click to dismiss its
tooltip, so pydata's own focus return went to the page's body). Each dialog gets a name, and each
button a name that says what it opens rather than "Toggle primary sidebar".

Like the accessibility fixes, this rewrites the written pages at ``build-finished``; every rewrite
is idempotent and matches the pinned themes' exact markup, and ``tests/test_browser.py`` presses
the visible buttons on every page, so a theme upgrade that changes the markup fails a test
instead of silently breaking the menu again. Remove this module when #2451 is fixed upstream.
"""

from __future__ import annotations

import re

UPSTREAM_ISSUES = (
    "https://github.com/pydata/pydata-sphinx-theme/issues/2451",
    "https://github.com/executablebooks/sphinx-book-theme/issues/988",
)
PRIMARY_NAME = "Book contents"
SECONDARY_NAME = "Contents of this page"

# pydata-sphinx-theme's top-bar toggles, hidden by sphinx-book-theme at every width.
HIDDEN_TOGGLE = re.compile(
    r'\s*<button class="pst-navbar-icon sidebar-toggle (?:primary|secondary)-toggle"'
    r"[^>]*>.*?</button>",
    re.DOTALL,
)
VISIBLE_TOGGLE = re.compile(
    r'<button class="sidebar-toggle (primary|secondary)-toggle btn btn-sm([^"]*)" '
    r'title="Toggle (?:primary|secondary) sidebar"'
)
DIALOG = re.compile(r'<dialog id="pst-(primary|secondary)-sidebar-modal"></dialog>')
SIDEBAR_START = re.compile(r'(<div id="pst-(primary|secondary)-sidebar" class="[^"]*"[^>]*>)')
CLOSE_BUTTON = (
    '<button type="button" class="pmcj-dialog-close" aria-label="Close {name}">'
    '<span aria-hidden="true">×</span> Close</button>'
)


def names(which: str) -> str:
    """The accessible name of a side bar, its dialog and the button that opens it."""
    return PRIMARY_NAME if which == "primary" else SECONDARY_NAME


def remove_hidden_toggles(html: str) -> str:
    """Drop pydata's hidden top-bar toggles so the themes bind to the visible ones."""
    return HIDDEN_TOGGLE.sub("", html)


def name_toggles(html: str) -> str:
    """Name the visible buttons after what they open ("Toggle primary sidebar" is jargon)."""
    return VISIBLE_TOGGLE.sub(
        lambda m: (
            f'<button class="sidebar-toggle {m.group(1)}-toggle btn btn-sm{m.group(2)}" '
            f'title="{names(m.group(1))}"'
        ),
        html,
    )


def name_dialogs(html: str) -> str:
    """Give each side-bar dialog a name, which screen readers announce when it opens."""
    return DIALOG.sub(
        lambda m: (
            f'<dialog id="pst-{m.group(1)}-sidebar-modal" aria-label="{names(m.group(1))}">'
            "</dialog>"
        ),
        html,
    )


def add_close_buttons(html: str) -> str:
    """Put a Close button first in each side bar; CSS shows it only inside the open dialog.

    pydata-sphinx-theme moves the side bar's children into the dialog when it opens and back
    when it closes, so the button travels with them and is the first thing focused.
    """

    def insert(match: re.Match[str]) -> str:
        start = match.group(1)
        following = html[match.end() : match.end() + 200]
        if 'class="pmcj-dialog-close"' in following:
            return start
        return start + CLOSE_BUTTON.format(name=names(match.group(2)).lower())

    return SIDEBAR_START.sub(insert, html)


NAVIGATION_FIXES = (remove_hidden_toggles, name_toggles, name_dialogs, add_close_buttons)


def fix_navigation(html: str) -> str:
    """Apply every navigation fix to one written page; safe to run more than once."""
    for fix in NAVIGATION_FIXES:
        html = fix(html)
    return html
