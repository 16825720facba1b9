"""The printed book: `make pdf` prints each edition's website to one A4 PDF with Chromium.

No LaTeX and no network: the pages are the built website's own, served on 127.0.0.1
(``pmcj.localserver``) and printed by Debian's Chromium through Playwright, with the book's print
styles (``@media print`` in ``pmcj/sphinxext/static/pmcj/pmcj.css``: code wraps, folded tables
and code print open, menus and buttons go). For each edition:

1. Every page in ``_toc.yml`` is opened in reading order as it prints (print media, a window as
   wide as the printed column, so each chart is drawn by the site's own vega, as SVG, fitted to
   the page), its charts are waited for, and it is printed with running headers (the book, the
   chapter) and page numbers that carry on from the page before (CSS ``@page`` margin boxes).
   Before printing, an invisible link to each of its section headings, and to each place other
   pages link to, makes Chromium record where that place is printed (a named destination).
2. A title page and a contents list with the page numbers from step 1 are printed (numbered i,
   ii, ... before the book's 1).
3. pypdf joins them; every link into the book becomes a link to the page (and place) where its
   target is printed, a link to a file the PDF does not hold (a notebook, the student pack) is
   dropped, and bookmarks are added for each part, page, section and exercise. Links to other
   sites stay, and the print styles write their addresses after them.

``python -m pmcj.pdf`` builds both editions first, prints them to ``_build/pdf/``, then builds
them again, so that How to use offers each edition's own PDF (``pmcj.sphinxext.printing``).
``--print-only`` prints the sites as they are built.
"""

from __future__ import annotations

import argparse
import html
import io
import math
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from pmcj.editions import Edition, edition
from pmcj.pages import toc_outline
from pmcj.paths import ROOT, TOC

# A4 with the margins of pmcj.css's @page rule; the header and footer sit in the margins.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_MM = {"top": 18, "right": 16, "bottom": 16, "left": 16}
CSS_PX_PER_MM = 96 / 25.4
COLUMN_PX = math.floor((PAGE_WIDTH_MM - MARGIN_MM["left"] - MARGIN_MM["right"]) * CSS_PX_PER_MM)
CHART_TIMEOUT_MS = 30_000
ROOT_TITLE = "About this book"  # the landing page's title is the book's own
RUNNING_TITLE_MAX = 64
EDITION_LABELS = {"student": "Student edition", "instructor": "Instructor edition"}
MARGIN_FONT = 'font-family: "DejaVu Sans", sans-serif; font-size: 8pt; color: #555;'


class PrintError(Exception):
    """A page that cannot be printed as it should (a chart not drawn, no browser), explained."""


@dataclass
class Entry:
    """One page of _toc.yml: its name, the caption of its part, and its depth under a chapter."""

    docname: str
    part: str | None
    depth: int


@dataclass
class Printed:
    """One page printed to PDF, and what the contents and bookmarks need to know of it."""

    entry: Entry
    title: str
    data: bytes
    pages: int
    first: int  # the number printed on its first page
    headings: list[dict[str, Any]] = field(default_factory=list)


def entries(toc: Path = TOC) -> list[Entry]:
    return [Entry(docname, part, depth) for docname, part, depth in toc_outline(toc)]


def book_config(root: Path = ROOT) -> dict[str, str]:
    """The title, author and licence line the website shows, from _config.yml."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    footer = re.sub(r"<[^>]+>", "", (config.get("html") or {}).get("extra_footer") or "")
    return {
        "title": str(config.get("title", "")),
        "author": str(config.get("author", "")),
        "licence": " ".join(footer.split()),
    }


def running_title(entry: Entry, title: str) -> str:
    """The header over a page's later pages: its title, shortened to fit beside the book's."""
    if entry.docname == entries()[0].docname:
        return ROOT_TITLE
    if len(title) > RUNNING_TITLE_MAX and ": " in title:
        title = title.split(": ", 1)[0]
    if len(title) > RUNNING_TITLE_MAX:
        title = title[: RUNNING_TITLE_MAX - 1].rsplit(" ", 1)[0] + "\u2026"
    return title


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_rules(book: str, running: str, first_number: int, style: str = "decimal") -> str:
    """@page rules: A4, the margins, running headers, numbers that start at `first_number`.

    The first page of each printed part has its title at the top, so it carries no header.
    """
    margins = " ".join(f"{MARGIN_MM[side]}mm" for side in ("top", "right", "bottom", "left"))
    return (
        f"@page {{ size: A4; margin: {margins};"
        f" @top-left {{ content: {css_string(book)}; {MARGIN_FONT} }}"
        f" @top-right {{ content: {css_string(running)}; {MARGIN_FONT} text-align: right; }}"
        f" @bottom-center {{ content: counter(page, {style}); {MARGIN_FONT} color: #222; }} }}"
        f" @page :first {{ counter-increment: page {first_number};"
        " @top-left { content: none; } @top-right { content: none; } }"
    )


# Gather the page's title and its section headings and exercises (for bookmarks), and add an
# invisible link to each of those and to each id other pages link to: Chromium then records where
# each is printed as a named destination, which links and bookmarks point at.
PREPARE_JS = """(targets) => {
  const article = document.querySelector('article.bd-article');
  if (!article) return null;
  const text = element => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach(link => link.remove());
    return copy.textContent.replace(/\\s+/g, ' ').trim();
  };
  const h1 = article.querySelector('h1');
  const headings = [];
  for (const element of article.querySelectorAll(
      'section[id] > h2, section[id] > h3, div.exercise[id]')) {
    if (element.matches('div.exercise')) {
      const title = element.querySelector('.admonition-title');
      headings.push({id: element.id, level: 2, text: title ? text(title) : element.id,
                     exercise: true});
    } else {
      headings.push({id: element.parentElement.id, level: Number(element.tagName[1]),
                     text: text(element), exercise: false});
    }
  }
  const ids = new Set(headings.map(heading => heading.id));
  for (const id of targets) if (document.getElementById(id)) ids.add(id);
  const box = document.createElement('div');
  box.setAttribute('aria-hidden', 'true');
  box.style.cssText = 'position:absolute;left:0;top:0;width:1px;height:1px;overflow:hidden;' +
    'font-size:1px;line-height:1px;color:transparent';
  for (const id of ids) {
    const link = document.createElement('a');
    link.href = '#' + id;
    link.textContent = '.';
    link.style.cssText = 'color:transparent;text-decoration:none';
    box.appendChild(link);
  }
  document.body.appendChild(box);
  return {title: h1 ? text(h1) : document.title, headings};
}"""

# Chromium shrinks a whole printed page to fit anything wider than the paper: find such things
# first (the print styles should leave none), so the book never prints in smaller type unasked.
TOO_WIDE_JS = """(column) => {
  const article = document.querySelector('article.bd-article');
  const left = article.getBoundingClientRect().left;
  const wide = [];
  for (const element of article.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (!box.width || box.right - left <= column + 1) continue;
    const parent = element.parentElement.getBoundingClientRect();
    if (parent.right - left > column + 1) continue;  // its parent is reported
    const text = element.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50);
    wide.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} ` +
      `(${Math.round(box.right - left)} px) "${text}"`);
  }
  return wide;
}"""

CHARTS_DONE_JS = """() => [...document.querySelectorAll('figure.pmcj-chart')].every(figure =>
  figure.classList.contains('pmcj-chart-ready') || figure.querySelector('.pmcj-chart-error'))"""


def link_targets(site: Path, docnames: Iterable[str]) -> dict[str, set[str]]:
    """For each page, the ids that links anywhere in the book point at (``page.html#id``)."""
    known = set(docnames)
    targets: dict[str, set[str]] = {name: set() for name in known}
    for name in known:
        path = site / f"{name}.html"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#]*)#([^"]+)"', text):
            target = urljoin(f"http://book/{name}.html", html.unescape(href[0]) or f"{name}.html")
            doc = urlsplit(target).path.lstrip("/").removesuffix(".html")
            if doc in targets:
                targets[doc].add(unquote(html.unescape(href[1])))
    return targets


def open_page(context: Any, url: str) -> Any:
    """A page opened as it prints, with every chart drawn (or a PrintError naming the chart)."""
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(url, wait_until="load")
    figures = page.locator("figure.pmcj-chart")
    for index in range(figures.count()):
        figures.nth(index).scroll_into_view_if_needed()  # charts are drawn as they near the screen
    try:
        page.wait_for_function(CHARTS_DONE_JS, timeout=CHART_TIMEOUT_MS)
    except Exception as error:  # noqa: BLE001 - Playwright's TimeoutError
        seconds = CHART_TIMEOUT_MS / 1000
        raise PrintError(f"{url}: a chart was not drawn within {seconds:.0f} s") from error
    failed = page.locator(".pmcj-chart-error")
    if failed.count():
        raise PrintError(f"{url}: {failed.first.text_content()}")
    # What a reader's print command does: pmcj-a11y.js opens every folded part before printing.
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page


def print_part(
    context: Any, base: str, entry: Entry, targets: set[str], book: str, first: int
) -> Printed:
    from pypdf import PdfReader

    url = f"{base}{entry.docname}.html"
    page = open_page(context, url)
    try:
        found = page.evaluate(PREPARE_JS, sorted(targets))
        if found is None:
            raise PrintError(f"{url}: no article on the page (was the site built?)")
        wide = page.evaluate(TOO_WIDE_JS, COLUMN_PX)
        if wide:
            raise PrintError(
                f"{url}: wider than the printed column ({COLUMN_PX} px), so Chromium would "
                f"shrink the page; make it wrap in print (pmcj.css): {'; '.join(wide[:3])}"
            )
        title = found["title"]
        shown = ROOT_TITLE if entry.docname == entries()[0].docname else title
        page.add_style_tag(content=page_rules(book, running_title(entry, title), first))
        data = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    return Printed(entry, shown, data, pages, first, found["headings"])


FRONT_CSS = """
body { font-family: "DejaVu Sans", sans-serif; color: #111; margin: 0; font-size: 11pt; }
a { color: inherit; text-decoration: none; }
.title-page { break-after: page; padding-top: 45mm; }
.title-page h1 { font-size: 30pt; line-height: 1.15; margin: 0 0 4mm; font-weight: 700; }
.title-page .subtitle { font-size: 18pt; margin: 0 0 14mm; color: #333; }
.title-page .edition { font-size: 13pt; font-weight: 700; margin: 0 0 2mm; }
.title-page .variant { font-weight: 700; margin: 0 0 2mm; }
.title-page .for { margin: 0 0 30mm; color: #333; }
.title-page .author { font-size: 12pt; margin: 0 0 40mm; }
.title-page .notes p { font-size: 9.5pt; line-height: 1.45; margin: 0 0 3mm; color: #333; }
.contents h2 { font-size: 20pt; margin: 0 0 8mm; }
.contents ol { list-style: none; margin: 0; padding: 0; }
.contents li { margin: 0; padding: 0; }
.contents .part { font-weight: 700; margin: 6mm 0 2mm; font-size: 11pt; break-after: avoid; }
.contents a { display: flex; align-items: baseline; gap: 2mm; padding: 0.9mm 0; }
.contents .depth-1 a { padding-left: 7mm; font-size: 10pt; color: #333; }
.contents .dots { flex: 1; border-bottom: 1px dotted #888; transform: translateY(-1mm); }
.contents .number { min-width: 8mm; text-align: right; }
"""


def front_matter_html(
    base: str,
    config: dict[str, str],
    label: str,
    parts: list[Printed],
    student: bool,
    variant: str = "",
) -> str:
    title, _, subtitle = config["title"].partition(": ")
    audience = (
        "Without worked solutions: for students."
        if student
        else "With every worked solution and the teaching notes: for lecturers only. Do not give "
        "it to students or publish it where they can find it."
    )
    rows: list[str] = []
    caption = None
    for part in parts:
        if part.entry.part and part.entry.part != caption:
            caption = part.entry.part
            rows.append(f'<li class="part">{html.escape(caption)}</li>')
        rows.append(
            f'<li class="depth-{min(part.entry.depth, 1)}"><a href="{part.entry.docname}.html">'
            f'<span class="title">{html.escape(part.title)}</span><span class="dots"></span>'
            f'<span class="number">{part.first}</span></a></li>'
        )
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<base href="{html.escape(base)}"><title>{html.escape(config["title"])}</title>
<style>{FRONT_CSS}</style></head><body>
<section class="title-page">
<h1>{html.escape(title)}</h1>
<p class="subtitle">{html.escape(subtitle)}</p>
<p class="edition">{html.escape(label)}</p>
{variant_note(variant)}<p class="for">{html.escape(audience)}</p>
<p class="author">{html.escape(config["author"])}</p>
<div class="notes">
<p>This is the printed form of the book's website. Each chart is printed as the website first
draws it, with its description and the numbers behind it as a table; the website's charts also
answer to the mouse and keyboard. The addresses of other websites are printed after their links.
</p>
<p>{html.escape(config["licence"])}</p>
</div>
</section>
<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>
{"".join(rows)}
</ol></nav></body></html>"""


def variant_note(variant: str) -> str:
    """The title page's line for a class variant: which data its numbers come from."""
    if not variant:
        return ""
    return (
        f'<p class="variant">{html.escape(variant[0].upper() + variant[1:])}: the numbers in '
        "this copy come from the class's own synthetic data, so they differ from the published "
        "book's.</p>\n"
    )


def print_front_matter(
    context: Any,
    base: str,
    config: dict[str, str],
    label: str,
    parts: list[Printed],
    student: bool,
    variant: str = "",
) -> bytes:
    page = context.new_page()
    try:
        page.emulate_media(media="print")
        page.set_content(front_matter_html(base, config, label, parts, student, variant))
        # The title page is i (not shown), the contents ii, iii, ...; the book starts at 1.
        rules = page_rules(config["title"].partition(": ")[0], "Contents", 1, "lower-roman")
        rules += " @page :first { @bottom-center { content: none; } }"
        page.add_style_tag(content=rules)
        return page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.close()


@dataclass
class Span:
    """Where one printed part sits in the joined PDF, and its named places."""

    name: str
    start: int
    count: int
    places: dict[str, tuple[int, float, float]]  # id -> (page index within it, left, top)


def named_places(reader: Any) -> dict[str, tuple[int, float, float]]:
    places = {}
    for name, destination in reader.named_destinations.items():
        try:
            index = reader.get_destination_page_number(destination)
        except Exception:  # noqa: BLE001 - a destination without a page is of no use
            continue
        places[str(name).lstrip("/")] = (
            index,
            float(destination.left or 0),
            float(destination.top or 0),
        )
    return places


def join(front: bytes, parts: list[Printed], base: str, metadata: dict[str, str]) -> Any:
    """One PDF: front matter, then the pages; links into the book resolved; bookmarks added."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject, TextStringObject

    writer = PdfWriter()
    spans: dict[str, Span] = {}
    owners: list[str] = []
    root = parts[0].entry.docname
    for name, data in [("", front), *((part.entry.docname, part.data) for part in parts)]:
        reader = PdfReader(io.BytesIO(data))
        spans[name] = Span(name, len(writer.pages), len(reader.pages), named_places(reader))
        for page in reader.pages:
            writer.add_page(page)
            owners.append(name)

    def place(docname: str, fragment: str) -> tuple[int, float, float] | None:
        span = spans.get(docname)
        if span is None:
            return None
        if fragment and fragment in span.places:
            index, left, top = span.places[fragment]
            return span.start + index, left, top
        return span.start, 0.0, PAGE_HEIGHT_MM * 72 / 25.4

    def local_target(uri: str) -> tuple[str, str] | None:
        if not uri.startswith(base):
            return None
        parts_of = urlsplit(uri)
        path = unquote(parts_of.path).lstrip("/")
        if path in ("", "index.html"):
            path = f"{root}.html"
        if not path.endswith(".html"):
            return ("", "")  # a file the PDF does not hold (a notebook, the student pack)
        return path.removesuffix(".html"), unquote(parts_of.fragment)

    for index, page in enumerate(writer.pages):
        annotations = page.get("/Annots")
        if not annotations:
            continue
        kept = ArrayObject()
        for reference in annotations:
            annotation = reference.get_object()
            if annotation.get("/Subtype") != "/Link":
                kept.append(reference)
                continue
            left, bottom, right, top = (float(value) for value in annotation["/Rect"])
            if (right - left) * (top - bottom) < 4:  # the invisible links that mark places
                continue
            target: tuple[int, float, float] | None = None
            if "/Dest" in annotation:
                target = place(owners[index], str(annotation["/Dest"]).lstrip("/"))
            else:
                action = annotation.get("/A", {})
                uri = str(action.get("/URI", "")) if action.get("/S") == "/URI" else ""
                local = local_target(uri)
                if local is None:
                    kept.append(reference)  # another site: the link stays
                    continue
                target = place(*local) if local[0] else None
            if target is None:
                continue  # nowhere in the PDF to go: the text stays, the link goes
            page_index, x, y = target
            annotation[NameObject("/Dest")] = ArrayObject(
                [
                    writer.pages[page_index].indirect_reference,
                    NameObject("/XYZ"),
                    FloatObject(x),
                    FloatObject(y),
                    NullObject(),
                ]
            )
            if "/A" in annotation:
                del annotation["/A"]
            kept.append(reference)
        page[NameObject("/Annots")] = kept

    add_bookmarks(writer, spans, parts)
    front_pages = spans[""].count
    writer.set_page_label(0, front_pages - 1, style="/r", start=1)
    writer.set_page_label(front_pages, len(writer.pages) - 1, style="/D", start=1)
    writer.add_metadata(metadata)
    writer.root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    return writer


def add_bookmarks(writer: Any, spans: dict[str, Span], parts: list[Printed]) -> None:
    """Bookmarks: Contents; each part; each page under its part (exercises under their chapter);
    each section heading and exercise under its page."""
    from pypdf.generic import Fit

    writer.add_outline_item(title="Contents", page_number=1 if spans[""].count > 1 else 0)
    caption, part_item, chapter_item = None, None, None
    for part in parts:
        span = spans[part.entry.docname]
        if part.entry.part != caption:
            caption = part.entry.part
            part_item = (
                writer.add_outline_item(title=caption, page_number=span.start) if caption else None
            )
        parent = chapter_item if part.entry.depth > 0 and chapter_item is not None else part_item
        item = writer.add_outline_item(
            title=part.title, page_number=span.start, parent=parent, is_open=False
        )
        if part.entry.depth == 0:
            chapter_item = item
        section = None
        for heading in part.headings:
            spot = span.places.get(heading["id"])
            if spot is None:
                continue
            index, left, top = spot
            under = section if heading["level"] > 2 and section is not None else item
            added = writer.add_outline_item(
                title=heading["text"],
                page_number=span.start + index,
                parent=under,
                fit=Fit.xyz(left, top),
                is_open=False,
            )
            if heading["level"] == 2 and not heading["exercise"]:
                section = added


def pdf_title_suffix(label: str, student: bool, variant: str) -> str:
    """ " (instructor edition, class variant, seed 7)", or nothing for the student edition."""
    notes = ([] if student else [label.lower()]) + ([variant] if variant else [])
    return f" ({', '.join(notes)})" if notes else ""


def shown_path(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def print_edition(browser: Any, target: Edition, verbose: bool = True) -> Path:
    """Print one built edition to its PDF; return the PDF's path."""
    from pmcj.localserver import serve_directory

    if target.pdf is None:
        raise PrintError(
            f"the {target.name} edition has no PDF path (make pdf prints the book's own; "
            "make variant SEED=N PDF=1 a class's)"
        )
    site = target.html
    pages = entries()
    missing = [entry.docname for entry in pages if not (site / f"{entry.docname}.html").is_file()]
    if missing:
        raise PrintError(f"{site} lacks {', '.join(missing[:3])}: build the site first")
    student = target.kind == "student"
    config = book_config()
    label = EDITION_LABELS.get(target.kind, target.kind)
    book = config["title"].partition(": ")[0] + ("" if student else f" \u00b7 {label}")
    if target.variant:  # every page of a class's copy says whose data it shows, in one line
        book = book.removesuffix(" edition") + f" \u00b7 {target.variant.split(', ')[-1]}"
    targets = link_targets(site, [entry.docname for entry in pages])
    started = time.perf_counter()
    printed: list[Printed] = []
    with serve_directory(site) as base:
        context = browser.new_context(
            viewport={"width": COLUMN_PX, "height": 1000}, service_workers="block", locale="en-GB"
        )
        try:
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if urlsplit(route.request.url).hostname in {"127.0.0.1", None}
                    else route.abort()
                ),
            )
            number = 1
            for entry in pages:
                part = print_part(context, base, entry, targets[entry.docname], book, number)
                printed.append(part)
                number += part.pages
                if verbose:
                    print(
                        f"pdf: {target.name} {entry.docname}: {part.pages} pages "
                        f"(from page {part.first})",
                        flush=True,
                    )
            front = print_front_matter(
                context, base, config, label, printed, student, target.variant
            )
        finally:
            context.close()
        writer = join(
            front,
            printed,
            base,
            {
                "/Title": config["title"] + pdf_title_suffix(label, student, target.variant),
                "/Author": config["author"],
                "/Subject": "Peer mentoring in criminal justice, with synthetic coded "
                "qualitative data analysed in pandas and altair",
                "/Creator": "make pdf (pmcj.pdf): Chromium and pypdf",
            },
        )
    target.pdf.parent.mkdir(parents=True, exist_ok=True)
    partial = target.pdf.with_suffix(".pdf.part")
    with partial.open("wb") as handle:
        writer.write(handle)
    partial.replace(target.pdf)
    if verbose:
        size = target.pdf.stat().st_size / 1_000_000
        print(
            f"pdf: {shown_path(target.pdf)}: {len(writer.pages)} pages, {size:.1f} MB, "
            f"printed in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return target.pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pmcj.pdf", description=__doc__.split("\n")[0])
    parser.add_argument(
        "editions", nargs="*", metavar="EDITION", help="student or instructor (default: both)"
    )
    parser.add_argument(
        "--print-only", action="store_true", help="print the sites as built; build nothing"
    )
    args = parser.parse_args(argv)
    args.editions = list(dict.fromkeys(args.editions or EDITION_LABELS))
    unknown = [name for name in args.editions if name not in EDITION_LABELS]
    if unknown:
        parser.error(f"no edition {', '.join(unknown)}: choose student or instructor")
    import os

    if os.environ.get("PMCJ_DATA"):
        print(
            "pdf: make pdf prints the book's own data; for a class variant's PDFs run "
            "make variant SEED=N PDF=1",
            file=sys.stderr,
        )
        return 2
    from pmcj.browser import INSTALL_HINT, find_chromium, launch
    from pmcj.build import build_book

    chromium = find_chromium()
    if chromium is None:
        print(f"pdf: no Chromium found: {INSTALL_HINT}", file=sys.stderr)
        return 2
    if not args.print_only:
        for name in args.editions:
            if build_book(name=name) != 0:
                return 1
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = launch(playwright, chromium)
            try:
                for name in args.editions:
                    print_edition(browser, edition(name))
            finally:
                browser.close()
    except PrintError as error:
        print(f"pdf: {error}", file=sys.stderr)
        return 1
    if not args.print_only:  # each site now offers its own PDF on How to use
        for name in args.editions:
            if build_book(name=name) != 0:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
