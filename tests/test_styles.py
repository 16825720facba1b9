"""Every page links one trimmed style sheet, so a phone draws text after one request, not 13.

:mod:`pmcj.sphinxext.performance` joins the theme's, Sphinx's and the book's style sheets into
one file and drops rules for classes nothing on the site uses. These tests check the trimming
rule on small examples (a wrong trim silently unstyles a page) and the built site's links.
"""

from __future__ import annotations

import re

import pytest

from pmcj.sphinxext.performance import BUNDLE_PREFIX, draw_icons_without_font, trim_css
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


BELL, INFO = 0xF0F3, 0xF05A
GLYPHS = {BELL: (448, 512, "M1 1h2"), INFO: (512, 512, "M5 5h6")}


def test_icons_drawn_in_the_icon_font_become_masked_shapes_and_the_font_goes() -> None:
    css = (
        ':root{--pst-icon-bell:"\uf0f3";--pst-icon-admonition-default:var(--pst-icon-bell);'
        '--pst-icon-info-circle:"\\f05a";--pst-icon-admonition-note:var(--pst-icon-info-circle)}'
        ".admonition>.admonition-title:after{color:blue;content:var(--pst-icon-admonition-default);"
        "font:var(--fa-font-solid);top:.4rem}"
        ".admonition.note>.admonition-title:after{color:red;content:var(--pst-icon-admonition-note)}"
        '.fa-bell:before{content:"\\f0f3"}'  # <i class="fa-bell"> is inline SVG by now
        '.toggle:after{content:"\u25b6"}'  # a character of the page's own font stays
        '@font-face{font-family:"Font Awesome 6 Free";src:url(fa-solid-900.woff2)}'
        '@font-face{font-family:"Book";src:url(book.woff2)}'
    )
    drawn = draw_icons_without_font(css, GLYPHS)
    base = re.search(r"\.admonition>\.admonition-title:after\{([^}]*)\}", drawn).group(1)  # type: ignore[union-attr]
    assert 'content:""' in base and "mask:var(--pmcj-icon)" in base
    assert "--fa-font" not in base and "top:.4rem" in base and "color:blue" in base
    assert "viewBox='0 0 448 512'" in base and "M1 1h2" in base  # the bell's own shape
    note = re.search(r"\.admonition\.note>\.admonition-title:after\{([^}]*)\}", drawn).group(1)  # type: ignore[union-attr]
    assert "M5 5h6" in note and "color:red" in note  # its own icon, painted in its own colour
    assert ".fa-bell:before" not in drawn
    assert '.toggle:after{content:"\u25b6"}' in drawn
    assert "fa-solid-900" not in drawn and "book.woff2" in drawn


@pytest.mark.build
def test_no_page_asks_for_the_icon_font() -> None:
    """Every icon character in the built style sheets is drawn from its shape, not the font."""
    for sheet in sorted(built_html().glob(f"_static/pmcj/{BUNDLE_PREFIX}*.css")):
        css = sheet.read_text(encoding="utf-8")
        assert not re.search(r"\.(?:woff2?|ttf)\b", css), f"{sheet.name} still loads a font"
        private_use = re.findall(r'content:"(?:[\ue000-\uf8ff]|\\f[0-9a-f]{3})"', css)
        assert not private_use, f"{sheet.name}: icon characters left {private_use[:3]}"
        assert css.count("--pmcj-icon:url(") >= 8, sheet.name  # the admonition icons at least
