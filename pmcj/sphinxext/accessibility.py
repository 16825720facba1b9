"""Fix, at build time, what axe-core and the browser console report on the stock theme.

The default Jupyter Book template fails axe-core on every page (TECH-NOTES, "Browser tests"), and
this book promises an accessible page to every reader, so the fixes live here rather than as
disabled rules. Each fix changes the HTML Sphinx writes, so it works without JavaScript and is
checked by ``tests/test_browser.py`` on every page:

* ``label-content-name-mismatch`` (serious): pydata-sphinx-theme 0.17.1's search field button is
  named "Search" by ``aria-label`` while it shows "Search Ctrl+K", so speech-input users who say
  what they see cannot press it. Dropping the ``aria-label`` lets the name come from the visible
  text. The colour-mode switch has the same problem: its icons carry ``title`` text ("Light",
  "Dark") that differs from its name "Color mode"; the icons are decorative, so they are hidden
  from assistive technology and the button keeps its name and tooltip.
* ``aria-required-children`` (critical) and ``aria-deprecated-role`` (minor): docutils writes the
  bibliography as ``role="list"`` whose entries have the deprecated DPUB role
  ``doc-biblioentry`` instead of ``listitem``, so screen readers announce an empty list.
* ``region`` (moderate): the book title link at the top of the primary sidebar sits outside
  every landmark; the sidebar becomes a labelled ``complementary`` landmark (its "Main"
  navigation stays inside it).
* ``summary-name`` (serious): the sidebar's toggle that expands a chapter's sub-pages is a
  ``summary`` holding only an icon; it is named after the chapter ("Pages under ...").
* Console error "Got invalid theme mode" (pydata-sphinx-theme 0.17.1 on a first visit, when
  ``localStorage`` is empty and the template's ``default_mode`` is empty): the page now starts in
  ``auto`` mode, which follows the reader's system setting, as the theme intends.

The theme's markup comes from its Jinja components, which Sphinx offers no hook to change per
page, so those fixes rewrite the written HTML files once at ``build-finished``. Every rewrite is
idempotent (an incremental build finds earlier pages already fixed) and matches the exact markup
of the pinned theme; if a theme upgrade changes that markup, the browser tests fail and name the
rule again.

The phone menu's buttons did nothing at all (pydata-sphinx-theme#2451); :mod:`.navigation`
explains that fix, which runs with these.

``pmcj-a11y.js`` repairs what only a script can: vega-embed prepares its "Save as" links on
``mousedown``, so a keyboard user pressing Enter opened an empty tab instead of saving the chart;
and the side-bar dialogs get a Close button and return focus to the button that opened them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from pmcj.sphinxext.navigation import fix_navigation
from pmcj.sphinxext.written import fresh_pages

LOGGER = logging.getLogger(__name__)
STATIC_PREFIX = "pmcj/"
SIDEBAR_LABEL = "Book contents"

# (pattern, replacement) pairs for the theme's markup; each is a no-op on already-fixed HTML.
SEARCH_FIELD_BUTTON = re.compile(
    r'(<button class="btn search-button-field search-button__button[^"]*" title="[^"]*") '
    r'aria-label="[^"]*"'
)
THEME_SWITCH_ICON = re.compile(
    r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"(?: aria-hidden="true")?>'
)
PRIMARY_SIDEBAR = re.compile(r'<div id="pst-primary-sidebar" class="([^"]*)">')
BIBLIOGRAPHY_ENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry">')

SIDEBAR_TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">([^<]*)</a><details[^>]*>)<summary>'
    r'(<span class="toctree-toggle" role="presentation">)'
)

HIDDEN_CODE_TOGGLE = re.compile(r'<summary aria-label="Toggle hidden content">')

HtmlFix = Callable[[str], str]


def fix_search_button(html: str) -> str:
    """Name the search field button by its visible text ("Search Ctrl+K")."""
    return SEARCH_FIELD_BUTTON.sub(r"\1", html)


def fix_theme_switch(html: str) -> str:
    """Hide the colour-mode icons (and their titles) from assistive technology."""
    return THEME_SWITCH_ICON.sub(r'\1 aria-hidden="true">', html)


def fix_sidebar_landmark(html: str) -> str:
    """Make the primary sidebar a labelled landmark so the title link is inside one."""
    return PRIMARY_SIDEBAR.sub(
        rf'<div id="pst-primary-sidebar" class="\1" role="complementary" '
        rf'aria-label="{SIDEBAR_LABEL}">',
        html,
    )


def fix_bibliography_roles(html: str) -> str:
    """Give bibliography entries the ``listitem`` role their ``role="list"`` parent requires."""
    return BIBLIOGRAPHY_ENTRY.sub(r'\1 role="listitem">', html)


def fix_sidebar_toggles(html: str) -> str:
    """Name the sidebar's expand/collapse toggles after their page (axe ``summary-name``)."""
    return SIDEBAR_TOGGLE.sub(
        lambda m: f'{m.group(1)}<summary aria-label="Pages under {m.group(2)}">{m.group(3)}', html
    )


def fix_hidden_code_toggles(html: str) -> str:
    """Name myst-nb's folded-code toggles by their visible prompt ("Show the code").

    myst-nb labels every such ``<summary>`` "Toggle hidden content" whatever it shows, which axe
    reports as ``label-content-name-mismatch`` (serious); without it the visible text names it.
    """
    return HIDDEN_CODE_TOGGLE.sub("<summary>", html)


THEME_FIXES: tuple[HtmlFix, ...] = (
    fix_hidden_code_toggles,
    fix_search_button,
    fix_theme_switch,
    fix_sidebar_landmark,
    fix_sidebar_toggles,
    fix_navigation,  # the visible menu buttons (pydata-sphinx-theme#2451); see navigation.py
)


def fix_page_html(html: str) -> str:
    """Apply every markup fix to one written page; safe to run on a page more than once."""
    for fix in THEME_FIXES:
        html = fix(html)
    return html


def fix_body(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Fix the page body (docutils' output) and the theme's first-visit colour mode."""
    body = context.get("body")
    if body and "doc-biblioentry" in body:
        context["body"] = fix_bibliography_roles(body)
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


def fix_written_pages(app: Sphinx, exception: Exception | None) -> None:
    """Rewrite the theme's markup in every HTML file of the finished build."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    changed = 0
    for path in fresh_pages(app):  # pages finished in an earlier build keep their fixes
        text = path.read_text(encoding="utf-8")
        fixed = fix_page_html(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed += 1
    LOGGER.verbose("pmcj: accessibility fixes applied to %d page(s)", changed)


def setup_accessibility(app: Sphinx) -> None:
    """Connect the fixes and add the small script and style sheet (called from ``setup``)."""
    app.connect("html-page-context", fix_body)
    app.connect("build-finished", fix_written_pages)
    app.add_css_file(STATIC_PREFIX + "pmcj-a11y.css")
    app.add_js_file(STATIC_PREFIX + "pmcj-a11y.js", defer="defer")
