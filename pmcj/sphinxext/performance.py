"""Make pages light and quick on a phone, without changing what they show.

Lighthouse's simulated phone found the default pages slow (Performance below 60): every page
downloaded Font Awesome's 1.5 MB script to draw a dozen icons, and loaded the search index and the
search code, which only the search page uses, before drawing anything. So:

* each page's Font Awesome icons (``<i class="fa-solid fa-...">``) are written into the HTML as
  small inline SVGs, taken from the theme's own copy of Font Awesome at build time, and the script
  is dropped from every page whose icons were all replaced;
* the search index and search code are loaded on the search page only;
* the remaining Sphinx scripts are deferred (except on the search page, whose search code needs
  them at once), so the text is drawn before they run;
* the dozen style sheets every page links (theme, Sphinx, extensions, the book's own) are joined,
  in their order, into one file named by its content, without the rules for classes that no
  page of this build and no script uses: mostly Font Awesome's 1,900 icon classes (the book
  inlines its icons) and Bootstrap's unused utilities. A rule is kept if any of its selectors
  could match: every class it names appears in a page's ``class`` attributes or anywhere in the
  site's JavaScript (which adds classes such as ``show`` at run time, or builds them from a
  prefix such as ``bs-tooltip-``), or it uses ``:is``, ``:where`` or ``:has``. 560 kB (85 kB
  compressed) in thirteen files becomes 170 kB (33 kB) in one;
* the tiny ``documentation_options.js``, which must run before the page's inline scripts, is
  written into the page.

On Lighthouse's simulated phone every render-blocking request costs round trips on a slow
network: with thirteen of them the landing page stayed blank for 2.7 s (First Contentful Paint;
Lighthouse calls 1.8 s good). Joining the sheets without trimming them gave one 85 kB download
and was no quicker; trimming without joining left the round trips.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript

from pmcj.memo_files import write_bytes_atomically
from pmcj.sphinxext.style_memo import StyleMemo
from pmcj.sphinxext.written import fresh_pages, site_pages

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


ICON_MEMO = "pmcj-icons.json"


class IconTable:
    """:func:`icon_paths` of the Font Awesome script, reading the script only when it must.

    Reading the 1.2 MB script for its 2,000 icons took about 0.015 s of every build that wrote a
    page (profiled 2026-11-30), and the pages use a dozen icons. The icons looked up are kept in
    the doctree folder with the script's modification time and size; an icon not looked up
    before (found or not) makes the table read the whole script, as before.
    """

    def __init__(self, script: Path, doctreedir: Path) -> None:
        self.script = script
        self.path = Path(doctreedir) / ICON_MEMO
        stat = script.stat()
        self.stamp = [str(script), stat.st_mtime_ns, stat.st_size]
        self.known: dict[str, list[Any] | None] = {}
        self.changed = False
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(saved, dict) and saved.get("stamp") == self.stamp:
            icons = saved.get("icons")
            self.known = icons if isinstance(icons, dict) else {}

    def lookup(self, key: tuple[str, str]) -> list[Any] | None:
        name = " ".join(key)
        if name not in self.known:
            shape = icon_paths(self.script).get(key)
            self.known[name] = list(shape) if shape is not None else None
            self.changed = True
        return self.known[name]

    def __contains__(self, key: tuple[str, str]) -> bool:
        return self.lookup(key) is not None

    def __getitem__(self, key: tuple[str, str]) -> tuple[int, int, str]:
        shape = self.lookup(key)
        if shape is None:
            raise KeyError(key)
        width, height, path = shape
        return int(width), int(height), str(path)

    def save(self) -> None:
        if self.changed:
            memo = {"stamp": self.stamp, "icons": self.known}
            write_bytes_atomically(self.path, json.dumps(memo, sort_keys=True).encode())


GLYPH_DATA = re.compile(
    r'"?[a-z0-9-]+"?:\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)",("M[^"]+"|\["[^\]]+\])\]'
)


@cache
def glyph_paths(fontawesome_js: Path) -> dict[int, tuple[int, int, str]]:
    """Code point -> (width, height, SVG path) of the solid icons, for icons the CSS draws as text.

    The theme's style sheets draw a few icons (admonition titles, download links) as characters of
    the Font Awesome font; this map lets the build draw them from the same shapes instead.
    """
    glyphs: dict[int, tuple[int, int, str]] = {}
    text = fontawesome_js.read_text("utf-8")
    for end in PACK_END.finditer(text):
        if end.group(1) != "fas":
            continue
        body = text[text.rfind(PACK_START, 0, end.start()) : end.start()]
        for width, height, aliases, code, path in GLYPH_DATA.findall(body):
            parsed = json.loads(path)
            if isinstance(parsed, list):
                parsed = parsed[-1]  # duotone pairs: the solid shape is drawn by the last
            shape = (int(width), int(height), parsed)
            glyphs.setdefault(int(code, 16), shape)
            for alias in re.findall(r"\d+", aliases):
                glyphs.setdefault(int(alias), shape)
    return glyphs


def inline_icons(
    page: str, icons: dict[tuple[str, str], tuple[int, int, str]] | IconTable
) -> tuple[str, bool]:
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
    icons = IconTable(script, Path(app.doctreedir))
    for page in fresh_pages(app):
        text = page.read_text(encoding="utf-8")
        new, complete = inline_icons(text, icons)
        if complete:
            new = FA_PRELOAD.sub("", FA_SCRIPT.sub("", new))
        if page.name != "search.html" or page.parent != Path(app.outdir):
            new = SEARCH_SCRIPTS.sub("", new)
        if new != text:
            page.write_text(new, encoding="utf-8")
    icons.save()


CSS_RULE = re.compile(r"([^{}@;]+)\{([^{}]*)\}")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
EMPTY_AT_RULE = re.compile(r"@(?:media|supports|container)[^{}]*\{\}")
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
NEGATION = re.compile(r":not\([^()]*\)")
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
INLINE_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL)
TOKEN = re.compile(r"[A-Za-z_][\w-]*")


SCRIPT_SOURCE = re.compile(r'<script[^>]*\ssrc="([^"?#]+)[^"]*"')
OWN_STYLES = "/_static/pmcj/"  # the book's own style sheets, written for this site: never trimmed


def page_words(text: str) -> dict[str, list[str]]:
    """The class names and inline-script words of a page, and the local scripts it loads."""
    names: set[str] = set()
    for value in CLASS_ATTRIBUTE.findall(text):
        names.update(value.split())
    for script in INLINE_SCRIPT.findall(text):
        names.update(TOKEN.findall(script))
    sources = [source for source in SCRIPT_SOURCE.findall(text) if is_local(source)]
    return {"names": sorted(names), "scripts": sources}


def script_words(text: str) -> list[str]:
    return sorted(set(TOKEN.findall(text)))


def read_text(path: Path, parse: Callable[[str], Any]) -> Any:
    return parse(path.read_text(encoding="utf-8", errors="ignore"))


def names_in_use(outdir: Path, memo: StyleMemo | None = None) -> tuple[set[str], tuple[str, ...]]:
    """Classes in the pages, words in the scripts they load, and script words that are prefixes.

    A script that builds a class name (``"bs-tooltip-" + placement``) leaves the prefix as a
    word ending in a hyphen; classes starting with such a prefix are kept too. Only scripts a
    page loads count: the theme's unused Font Awesome script alone holds 16,000 words, which kept
    1,900 icon rules alive. The vega libraries, which pmcj-charts.js fetches later, are left out
    too: they style their own elements, and only the book's own sheets (kept whole) style charts.
    With a ``memo``, a file unchanged since the last build is not read again.
    """
    read = memo.read if memo is not None else read_text
    names: set[str] = set()
    scripts: set[Path] = set()
    for page in site_pages(outdir):
        words = read(page, page_words)
        names.update(words["names"])
        # normpath, not resolve(): the same file once, without a system call per link
        scripts.update(Path(os.path.normpath(page.parent / source)) for source in words["scripts"])
    for script in sorted(scripts):
        if script.is_file():
            names.update(read(script, script_words))
    prefixes = tuple(sorted(name for name in names if name.endswith("-") and len(name) > 3))
    return names, prefixes


def may_match(selector: str, names: set[str], prefixes: tuple[str, ...]) -> bool:
    """Whether a selector could match something in this site (erring on the side of yes)."""
    if any(pseudo in selector for pseudo in (":is(", ":where(", ":has(")):
        return True
    classes = CLASS.findall(NEGATION.sub("", selector))
    return all(c in names or c.startswith(prefixes) for c in classes)


def trim_css(css: str, names: set[str], prefixes: tuple[str, ...]) -> str:
    """Drop the rules none of whose selectors could match; keep at-rules and variables."""

    def rule(match: re.Match[str]) -> str:
        selectors = match.group(1).split(",")
        if any(may_match(selector, names, prefixes) for selector in selectors):
            return match.group(0)
        return ""

    # Comments first: "/* Keyword.Namespace */" before a rule would read as a class ".Namespace".
    trimmed = CSS_RULE.sub(rule, CSS_COMMENT.sub("", css))
    while True:
        emptied = EMPTY_AT_RULE.sub("", trimmed)
        if emptied == trimmed:
            return trimmed
        trimmed = emptied


ICON_VARIABLE = re.compile(r"(--pst-icon-[\w-]+):([^;}]+)")
PSEUDO = re.compile(r":?:(?:before|after)\b")
CONTENT = re.compile(r"content:([^;}]+)")
ICON_FONT = re.compile(r"font(?:-family)?:[^;}]*(?:--fa-font|Font Awesome)[^;}]*;?")
FONT_CLASS_ICON = re.compile(r"\.fa-[\w-]+:{1,2}before")
ICON_FONT_FACE = re.compile(r"@font-face\{[^{}]*Font Awesome[^{}]*\}")
MASK = (
    "background-color:currentColor;display:inline-block;width:1em;height:1em;"
    "vertical-align:-.125em;-webkit-mask:var(--pmcj-icon) center/contain no-repeat;"
    "mask:var(--pmcj-icon) center/contain no-repeat;"
)


def code_point(value: str, variables: dict[str, str], depth: int = 0) -> int | None:
    """The single character a CSS ``content`` value draws, following ``var()`` references."""
    value = value.strip()
    reference = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if reference:
        target = variables.get(reference.group(1))
        return None if target is None or depth > 5 else code_point(target, variables, depth + 1)
    string = re.fullmatch(r"([\"'])(.*)\1", value)
    if not string:
        return None
    text = string.group(2)
    escape = re.fullmatch(r"\\([0-9a-fA-F]{1,6})\s?", text)
    if escape:
        return int(escape.group(1), 16)
    return ord(text) if len(text) == 1 else None


def icon_url(shape: tuple[int, int, str]) -> str:
    width, height, path = shape
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
        f"<path d='{path}'/></svg>"
    )
    return 'url("data:image/svg+xml,' + quote(svg, safe=" /:=',") + '")'


def draw_icons_without_font(css: str, glyphs: dict[int, tuple[int, int, str]]) -> str:
    """Draw the icons the CSS writes in the Font Awesome font as masked shapes; drop the font.

    Measured with Lighthouse: a page with an admonition fetched the 157 kB solid font to draw one
    small bell, and on a simulated phone that download could count before the first paint. Each
    ``content`` that draws an icon character becomes an empty box masked by the same icon's SVG
    (as a data URL, so nothing is fetched) and painted in the text colour, so each admonition
    keeps its colour. The font's ``@font-face`` rules go, so no page can ask for it.
    """
    variables = {name: value for name, value in ICON_VARIABLE.findall(css)}

    def rule(match: re.Match[str]) -> str:
        selector, body = match.group(1), match.group(2)
        if all(FONT_CLASS_ICON.fullmatch(part.strip()) for part in selector.split(",")):
            return ""  # <i class="fa-..."> elements are inline SVG by now (inline_icons)
        content = CONTENT.search(body)
        if not PSEUDO.search(selector) or not content:
            return match.group(0)
        point = code_point(content.group(1), variables)
        if point is None or point not in glyphs:
            return match.group(0)
        body = CONTENT.sub(f'content:"";--pmcj-icon:{icon_url(glyphs[point])}', body, count=1)
        if ICON_FONT.search(body):
            body = MASK + ICON_FONT.sub("", body)
        return f"{selector}{{{body}}}"

    return ICON_FONT_FACE.sub("", CSS_RULE.sub(rule, css))


STYLESHEET = re.compile(
    r'[ \t]*<link (?:href="(?P<a>[^"]+)" rel="stylesheet"|rel="stylesheet" type="text/css" '
    r'href="(?P<b>[^"]+)")\s*/>\n?'
)
CSS_IMPORT = re.compile(r'@import\s+(?:url\()?\s*["\']?([^"\')]+)["\']?\s*\)?\s*;')
CSS_URL = re.compile(r'url\(\s*(["\']?)([^"\')]+)\1\s*\)')
OPTIONS_SCRIPT = re.compile(r'<script src="([^"]*documentation_options\.js)(?:\?[^"]*)?"></script>')
BUNDLE_DIR = PurePosixPath("_static") / "pmcj"
BUNDLE_PREFIX = "styles-"


def is_local(url: str) -> bool:
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", url, re.IGNORECASE)


def css_text(path: Path, outdir: Path, seen: frozenset[Path] = frozenset()) -> str:
    """A style sheet with its ``@import`` rules inlined and its ``url()`` made site-relative.

    The joined file lives in ``_static/pmcj/``; every relative address in a sheet from another
    folder (the theme's fonts, Sphinx's images) is rewritten to point where it pointed before.
    """
    text = path.read_text(encoding="utf-8")
    folder = path.parent

    def imported(match: re.Match[str]) -> str:
        target = (folder / match.group(1)).resolve()
        if not is_local(match.group(1)) or target in seen or not target.is_file():
            return match.group(0)
        return css_text(target, outdir, seen | {path.resolve()})

    def rebased(match: re.Match[str]) -> str:
        quote, url = match.group(1), match.group(2)
        if not is_local(url):
            return match.group(0)
        target = (folder / url.split("#")[0].split("?")[0]).resolve()
        bundle = (outdir / BUNDLE_DIR).resolve()
        suffix = url[len(url.split("#")[0].split("?")[0]) :]
        relative = os.path.relpath(target, bundle).replace(os.sep, "/")
        return f"url({quote}{relative}{suffix}{quote})"

    text = CSS_IMPORT.sub(imported, text)
    return f"/* {path.name} */\n" + CSS_URL.sub(rebased, text)


def bundle_page_styles(
    page: Path,
    text: str,
    outdir: Path,
    made: dict[tuple, str],
    used: LazyNames | tuple[set[str], tuple[str, ...]] | None = None,
    memo: StyleMemo | None = None,
) -> str:
    """Replace a page's local style sheet links with one link to their joined, trimmed copy.

    With a ``memo``, a joined sheet made from the same sheets and names as one already written
    is linked again without being trimmed again (:mod:`pmcj.sphinxext.style_memo`).
    """
    head_end = text.find("</head>")
    links = [m for m in STYLESHEET.finditer(text, 0, head_end)]
    hrefs = [m.group("a") or m.group("b") for m in links]
    if len(links) < 2 or not all(is_local(href) for href in hrefs):
        return text
    files = [(page.parent / href.split("?")[0]).resolve() for href in hrefs]
    if not all(f.is_file() for f in files):
        return text
    key = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    if key not in made:
        if isinstance(used, LazyNames):
            names, prefixes = used.get()
        else:
            names, prefixes = used if used is not None else names_in_use(outdir)
        texts = [css_text(f, outdir) for f in files]
        fontawesome = outdir / "_static" / "scripts" / "fontawesome.js"
        shapes = fontawesome.read_bytes() if fontawesome.is_file() else b""
        digest = hashlib.sha256(
            json.dumps([texts, sorted(names), prefixes]).encode() + hashlib.sha256(shapes).digest()
        ).hexdigest()
        name = memo.bundle(digest) if memo is not None else None
        if name is None or not (outdir / BUNDLE_DIR / name).is_file():
            css = "\n".join(
                text if OWN_STYLES in f.as_posix() else trim_css(text, names, prefixes)
                for f, text in zip(files, texts, strict=True)
            )
            if shapes:
                css = draw_icons_without_font(css, glyph_paths(fontawesome))
            name = f"{BUNDLE_PREFIX}{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
            target = outdir / BUNDLE_DIR / name
            if not target.exists():
                target.write_text(css, encoding="utf-8")
            if memo is not None:
                memo.remember_bundle(digest, name)
        made[key] = name
    href = os.path.relpath(outdir / BUNDLE_DIR / made[key], page.parent).replace(os.sep, "/")
    tag = f'    <link rel="stylesheet" type="text/css" href="{href}" />\n'
    first = links[0]
    pieces = [text[: first.start()], tag]
    position = first.end()
    for link in links[1:]:
        pieces.append(text[position : link.start()])
        position = link.end()
    pieces.append(text[position:])
    return "".join(pieces)


def inline_options(page: Path, text: str) -> str:
    """Write ``documentation_options.js`` into the page: it must run first, and is 0.6 kB."""
    match = OPTIONS_SCRIPT.search(text)
    if not match:
        return text
    source = page.parent / match.group(1)
    if not source.is_file():
        return text
    body = source.read_text(encoding="utf-8").replace("</", "<\\/")
    return text[: match.start()] + f"<script>{body}</script>" + text[match.end() :]


def bundle_all_styles(app: Sphinx, exception: Exception | None) -> None:
    """Join every page's style sheets into one file per distinct set; drop stale joined files.

    Only pages written since the last finished build are joined again. The classes in use are
    those of every page, since one shared sheet serves them all; the memo
    (:mod:`pmcj.sphinxext.style_memo`) reads again only the pages and scripts written since, and
    reuses a joined sheet whose inputs did not change.
    """
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    outdir = Path(app.outdir)
    (outdir / BUNDLE_DIR).mkdir(parents=True, exist_ok=True)
    made: dict[tuple, str] = {}
    bundles: set[str] = set()
    memo = StyleMemo(Path(app.doctreedir))
    used = LazyNames(outdir, memo)
    fresh = set(fresh_pages(app))
    for page in site_pages(outdir):
        if page not in fresh:  # finished before: its link is read, not the whole page parsed
            bundles.update(linked_bundles(page))
            continue
        text = page.read_text(encoding="utf-8")
        new = inline_options(page, bundle_page_styles(page, text, outdir, made, used, memo))
        if new != text:
            page.write_text(new, encoding="utf-8")
        bundles.update(re.findall(rf"{BUNDLE_PREFIX}[0-9a-f]{{12}}\.css", new))
    for old in (outdir / BUNDLE_DIR).glob(f"{BUNDLE_PREFIX}*.css"):
        if old.name not in bundles:
            old.unlink()
    if made:
        memo.save(bundles)


def linked_bundles(page: Path) -> list[str]:
    """The joined sheets a page links, read from its head only."""
    head = ""
    with page.open(encoding="utf-8") as handle:
        while "</head>" not in head:
            chunk = handle.read(16384)
            if not chunk:
                break
            head += chunk
    return re.findall(rf"{BUNDLE_PREFIX}[0-9a-f]{{12}}\.css", head.split("</head>")[0])


class LazyNames:
    """``names_in_use(outdir)``, read only if a page needs its style sheets joined."""

    def __init__(self, outdir: Path, memo: StyleMemo | None = None) -> None:
        self.outdir = outdir
        self.memo = memo
        self._value: tuple[set[str], tuple[str, ...]] | None = None

    def get(self) -> tuple[set[str], tuple[str, ...]]:
        if self._value is None:
            self._value = names_in_use(self.outdir, self.memo)
        return self._value


def setup_performance(app: Sphinx) -> None:
    app.connect("html-page-context", adjust_scripts, priority=950)
    app.connect("build-finished", inline_all_icons)
    app.connect("build-finished", bundle_all_styles, priority=950)  # after every page is final
