"""Make pages light and quick on a phone, without changing what they show.

Lighthouse's simulated phone found the default pages slow (Performance below 60): every page
downloaded Font Awesome's 1.5 MB script to draw a dozen icons, and loaded the search index and the
search code, which only the search page uses, before drawing anything. So:

* each page's Font Awesome icons (``<i class="fa-solid fa-...">``) are written into the HTML as
  small inline SVGs, taken from the theme's own copy of Font Awesome at build time, and the script
  is dropped from every page whose icons were all replaced;
* the search index and search code are loaded on the search page only;
* the remaining Sphinx scripts are deferred (except on the search page, whose search code needs
  them at once), so the text is drawn before they run.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript

SEARCH_ONLY = ("searchindex.js", "searchtools.js", "language_data.js")
KEEP_BLOCKING = ("documentation_options.js",)  # inline scripts on the page need it at once
ICON = re.compile(r'<(i|span) class="([^"]*\bfa-(?:solid|regular|brands)\b[^"]*)"([^>]*)>\s*</\1>')
FA_SCRIPT = re.compile(
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'
)
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:searchtools|language_data|searchindex)\.js[^"]*"></script>'
)
FA_PRELOAD = re.compile(r'\s*<link rel="preload" as="script" href="[^"]*fontawesome\.js[^"]*"\s*/>')
ICON_DATA = re.compile(
    r'"?([a-z0-9-]+)"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+",("M[^"]+"|\["[^\]]+\])\]'
)
NOT_NAMES = {
    "fa-solid",
    "fa-regular",
    "fa-brands",
    "fa-lg",
    "fa-fw",
    "fa-xs",
    "fa-sm",
    "fa-xl",
    "fa-2x",
    "fa-3x",
    "fa-spin",
}


def adjust_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not scripts or pagename == "search":
        return  # the search page's own scripts expect doctools.js to have run first
    adjusted = []
    for script in scripts:
        name = str(script.filename).split("?")[0]
        attributes = dict(script.attributes)
        if name.endswith(SEARCH_ONLY):
            continue
        inline = not script.filename
        if (
            not inline
            and not name.endswith(KEEP_BLOCKING)
            and not {"async", "defer"} & set(attributes)
        ):
            attributes["defer"] = "defer"
            script = _JavaScript(script.filename, priority=script.priority, **attributes)
        adjusted.append(script)
    scripts[:] = adjusted


PACK_START = "var p={"
PACK_END = re.compile(r'd\("(fa[srb])",p\)')
STYLES = {"fa-solid": "fas", "fa-regular": "far", "fa-brands": "fab"}


@cache
def icon_paths(fontawesome_js: Path) -> dict[tuple[str, str], tuple[int, int, str]]:
    """(style, icon name) -> (width, height, SVG path), from the theme's Font Awesome script.

    The script defines one object of icons per style (solid, regular, brands) and then registers
    it with its prefix, so each icon is read together with the style it belongs to.
    """
    icons: dict[tuple[str, str], tuple[int, int, str]] = {}
    text = fontawesome_js.read_text("utf-8")
    for end in PACK_END.finditer(text):
        style = end.group(1)
        body = text[text.rfind(PACK_START, 0, end.start()) : end.start()]
        for name, width, height, path in ICON_DATA.findall(body):
            parsed = json.loads(path)
            if isinstance(parsed, list):
                parsed = " ".join(parsed)
            icons.setdefault((style, name), (int(width), int(height), parsed))
    return icons


def inline_icons(page: str, icons: dict[tuple[str, str], tuple[int, int, str]]) -> tuple[str, bool]:
    """Replace Font Awesome elements with inline SVG; report whether every one was replaced."""
    complete = True

    def svg(match: re.Match[str]) -> str:
        nonlocal complete
        classes, rest = match.group(2).split(), match.group(3)
        names = [c[3:] for c in classes if c.startswith("fa-") and c not in NOT_NAMES]
        style = next((STYLES[c] for c in classes if c in STYLES), "fas")
        if len(names) != 1 or (style, names[0]) not in icons:
            complete = False
            return match.group(0)
        width, height, path = icons[(style, names[0])]
        hidden = "" if "aria-hidden" in rest else ' aria-hidden="true"'
        return (
            f'<svg class="svg-inline--fa {" ".join(classes)}"{rest}{hidden} focusable="false" '
            f'role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
            f'<path fill="currentColor" d="{html.escape(path)}"></path></svg>'
        )

    return ICON.sub(svg, page), complete


def inline_all_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    script = Path(app.outdir) / "_static" / "scripts" / "fontawesome.js"
    if not script.exists():
        return
    icons = icon_paths(script)
    for page in Path(app.outdir).rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        new, complete = inline_icons(text, icons)
        if complete:
            new = FA_PRELOAD.sub("", FA_SCRIPT.sub("", new))
        if page.name != "search.html" or page.parent != Path(app.outdir):
            new = SEARCH_SCRIPTS.sub("", new)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup_performance(app: Sphinx) -> None:
    app.connect("html-page-context", adjust_scripts, priority=950)
    app.connect("build-finished", inline_all_icons)
