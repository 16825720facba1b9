"""Every page links one trimmed style sheet, so a phone draws text after one request, not 13.

:mod:`pmcj.sphinxext.performance` joins the theme's, Sphinx's and the book's style sheets into
one file and drops rules for classes nothing on the site uses. These tests check the trimming
rule on small examples (a wrong trim silently unstyles a page) and the built site's links.
"""

from __future__ import annotations

import re

import pytest

from pmcj.sphinxext.performance import BUNDLE_PREFIX, trim_css
from tests.build_support import built_html, built_instructor_html

NAMES = {"used", "show", "highlight", "kn"}
PREFIXES = ("bs-tooltip-",)
STYLESHEET = re.compile(r'<link[^>]*rel="stylesheet"[^>]*>')


def test_rules_for_unused_classes_go_and_the_rest_stay() -> None:
    css = (
        ".used{color:red}.unused{color:blue}"
        ".used.show{display:block}.used.unused{margin:0}"
        ".a-unused,.used{padding:0}"  # one selector that may match keeps the rule
        "@media (min-width:10px){.unused{top:0}.used{top:1px}}"
        "@media print{.unused{left:0}}"
        ":root{--x:1}html[data-theme=dark] .highlight .kn{color:#fff}"
        ".bs-tooltip-top .tooltip-arrow{top:0}"  # built by a script from a prefix
        ".used:not(.unused){float:left}"  # a class in :not() is not required
        ":is(.unused,.used) p{x:1}"
        "@font-face{font-family:x}"
    )
    trimmed = trim_css(css, NAMES | {"tooltip-arrow"}, PREFIXES)
    assert ".unused{color:blue}" not in trimmed
    assert ".used.unused" not in trimmed
    assert "@media print" not in trimmed  # emptied at-rules go too
    for kept in (
        ".used{color:red}",
        ".used.show",
        ".a-unused,.used",
        ".used{top:1px}",
        ":root{--x:1}",
        ".highlight .kn",
        ".bs-tooltip-top",
        ":not(.unused)",
        ":is(.unused,.used)",
        "@font-face",
    ):
        assert kept in trimmed, kept


def test_a_comment_before_a_rule_is_not_read_as_its_selector() -> None:
    """Pygments writes "/* Keyword.Namespace */" between rules; ".Namespace" is not a class."""
    css = ".highlight .kn { color: #6730C5 } /* Keyword.Namespace */\n.highlight .kn { x: 1 }"
    assert trim_css(css, NAMES, PREFIXES).count(".highlight .kn") == 2


@pytest.mark.build
@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_every_page_links_one_joined_style_sheet(edition: str) -> None:
    site = built_html() if edition == "student" else built_instructor_html()
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts or 'http-equiv="Refresh"' in page.read_text("utf-8"):
            continue
        text = page.read_text(encoding="utf-8")
        links = STYLESHEET.findall(text[: text.find("</head>")])
        assert len(links) == 1 and BUNDLE_PREFIX in links[0], f"{page}: {links}"
        href = re.search(r'href="([^"]+)"', links[0]).group(1)  # type: ignore[union-attr]
        assert (page.parent / href).is_file(), f"{page}: {href} is missing"
        assert "documentation_options.js" not in text, f"{page}: options script not inlined"
