"""A page printed from the browser reads whole on A4 (issue 18, item 2).

Before issue 18, printing Chapter 7 from Chromium cut code lines at the margin, left empty boxes
where a code block split across pages, and printed the tables of each chart's numbers folded
shut. These tests print Chapter 7 as ``make pdf`` does (``pmcj.pdf``: print media, a window as wide
as the printed column, every chart drawn, the page's own ``beforeprint`` handler run) and fail:

* anything in the text column wider than the printed column, and any code block whose lines do
  not fit it (measured in the browser);
* a folded part (``<details>``) left shut, or its "Show ..." line printed; the site's bars, menus,
  buttons and download note printed;
* any line of the page's code missing from the PDF Chromium prints: a line cut at the margin is
  not in the PDF's text.

They need the built site and Chromium, like the other browser tests, and take a few seconds.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest

from pmcj.pdf import COLUMN_PX, PAGE_HEIGHT_MM, PAGE_WIDTH_MM, open_page, page_rules

pytestmark = pytest.mark.browser

CHAPTER = "chapters/07-values-core-conditions.html"
POINTS_PER_MM = 72 / 25.4

# Measured in the browser under print media, after the page's beforeprint handler has run.
PRINT_LAYOUT_JS = """(column) => {
  const problems = [];
  const article = document.querySelector('article.bd-article');
  if (!article) return ['no article on the page'];
  const name = e => e.tagName.toLowerCase() + [...e.classList].slice(0, 3).map(c => '.' + c)
    .join('') + ' "' + e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  const box = article.getBoundingClientRect();
  if (box.width > column + 1) problems.push(`the text column is ${box.width} px, not ${column}`);
  const left = box.left - 1, right = box.left + column + 1;
  for (const e of article.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.left < left || r.right > right) {
      const parent = e.parentElement.getBoundingClientRect();
      if (parent.left >= left && parent.right <= right) {  // report the outermost only
        problems.push(`wider than the page (${Math.round(r.left - box.left)}-` +
          `${Math.round(r.right - box.left)} px of ${column}): ${name(e)}`);
      }
    }
  }
  for (const pre of article.querySelectorAll('pre')) {
    if (pre.scrollWidth > pre.clientWidth + 1) {
      problems.push(`code wider than its box (${pre.scrollWidth} px in ${pre.clientWidth}): ` +
        name(pre));
    }
  }
  for (const details of article.querySelectorAll('details')) {
    if (details.closest('.vega-embed')) continue;  // the chart's "Save as" menu
    if (!details.open) { problems.push(`folded part not opened: ${name(details)}`); continue; }
    const summary = details.querySelector(':scope > summary');
    if (summary && summary.getBoundingClientRect().height) {
      problems.push(`its "Show ..." line is printed: ${name(summary)}`);
    }
    const shown = [...details.children].filter(c => c.tagName !== 'SUMMARY')
      .some(c => c.getBoundingClientRect().height > 0);
    if (!shown) problems.push(`folded part printed empty: ${name(details)}`);
  }
  for (const selector of ['.bd-header', '.bd-sidebar-primary', '.bd-sidebar-secondary',
      '.bd-header-article', '.prev-next-footer', '.pmcj-notebook-download', 'button',
      '#jb-print-docs-body', '.pmcj-scroll-hint']) {
    for (const e of document.querySelectorAll(selector)) {
      if (e.getBoundingClientRect().height) problems.push(`printed, but of no use on paper: ` +
        name(e));
    }
  }
  return problems;
}"""

CODE_LINES_JS = """() => [...document.querySelectorAll('article.bd-article pre')]
  .flatMap(pre => pre.textContent.split('\\n'))"""


@pytest.fixture(scope="module")
def printed(browser: Any, base_url: str) -> Iterator[Any]:
    """Chapter 7, opened as it prints (charts drawn, beforeprint run), in a page-wide window."""
    context = browser.new_context(
        viewport={"width": COLUMN_PX, "height": 1000}, service_workers="block", locale="en-GB"
    )
    page = open_page(context, base_url + CHAPTER)
    yield page
    context.close()


def test_nothing_is_wider_than_the_page_and_folded_parts_print_open(printed: Any) -> None:
    assert printed.locator("figure.pmcj-chart").count() >= 3, "Chapter 7 has its charts"
    assert printed.locator("article details:not(.vega-embed details)").count() >= 3
    problems = printed.evaluate(PRINT_LAYOUT_JS, COLUMN_PX)
    shown = problems[:15] + ([f"... {len(problems)} problems in all"] if len(problems) > 15 else [])
    assert not problems, f"{CHAPTER} in print:\n  " + "\n  ".join(shown)


def test_every_line_of_code_is_whole_in_the_pdf(printed: Any) -> None:
    """Chromium leaves a line cut at the margin out of the PDF's text: each line must be in it."""
    from pypdf import PdfReader

    lines = [line for line in printed.evaluate(CODE_LINES_JS) if len(line.strip()) > 3]
    assert len(lines) > 50, "Chapter 7 shows its code"
    printed.add_style_tag(content=page_rules("Peer Mentoring in Criminal Justice", "Chapter 7", 1))
    reader = PdfReader(io.BytesIO(printed.pdf(prefer_css_page_size=True, print_background=True)))
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - PAGE_WIDTH_MM * POINTS_PER_MM) < 2, f"page {number} is {width} pt wide"
        assert abs(height - PAGE_HEIGHT_MM * POINTS_PER_MM) < 2, f"page {number}: {height} pt"
    assert 12 <= len(reader.pages) <= 45, f"Chapter 7 prints to {len(reader.pages)} A4 pages"
    flat = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    missing = [line.strip() for line in lines if re.sub(r"\s+", "", line) not in flat]
    assert not missing, f"{len(missing)} lines of code cut or missing in print: {missing[:3]}"


def test_printing_opens_folded_parts_and_folds_them_again(browser: Any, base_url: str) -> None:
    """The browser's print command opens them (beforeprint); the page is left as it was."""
    count = (
        "() => [...document.querySelectorAll('article details')].filter(d =>"
        " !d.closest('.vega-embed')).map(d => d.open)"
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(base_url + CHAPTER, wait_until="load")
        page.wait_for_function("() => document.readyState === 'complete'")
        before = page.evaluate(count)
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        during = page.evaluate(count)
        page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
        after = page.evaluate(count)
    finally:
        context.close()
    assert len(before) >= 3 and not all(before), "Chapter 7 has folded parts"
    assert all(during), "a folded part stays shut when the page prints"
    assert after == before, "printing left folded parts open"


def test_links_to_other_sites_print_their_address_once(browser: Any, base_url: str) -> None:
    """A link to another site prints its address after it, unless it shows it already (a DOI or
    an address in the reference list)."""
    context = browser.new_context(viewport={"width": COLUMN_PX, "height": 1000})
    links = []
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        for page_name in ("accessibility.html", "bibliography.html"):
            page.goto(base_url + page_name, wait_until="load")
            links += page.evaluate(
                "() => [...document.querySelectorAll('article a.reference.external')].map(a => "
                "({href: a.getAttribute('href'), text: a.textContent.trim(), "
                "after: getComputedStyle(a, '::after').content}))"
            )
    finally:
        context.close()
    kinds = set()
    for link in links:
        shows = re.match(r"(https?://|10\.\d+/)", link["text"]) is not None
        printed = link["href"] in link["after"]
        kinds.add(shows)
        assert printed != shows, f"{link}: its address should print exactly once"
    assert kinds == {True, False}, f"expected links of both kinds, found {links}"


def test_long_tables_of_chart_numbers_print_their_first_rows_and_say_so(
    browser: Any, base_url: str
) -> None:
    """A chart's table of sixty rows ran to a dozen printed pages: paper shows the first rows and
    says how many there are; the screen still shows them all."""
    from pmcj.sphinxext.vegalite import PRINT_ROW_LIMIT

    rows = """() => [...document.querySelectorAll('article .pmcj-chart-table')].map(t => ({
        all: t.querySelectorAll('tbody tr').length,
        shown: [...t.querySelectorAll('tbody tr')].filter(r => r.getBoundingClientRect().height)
            .length,
        note: [...t.querySelectorAll('.pmcj-print-note')].some(n => n.getBoundingClientRect()
            .height) ? t.querySelector('.pmcj-print-note').textContent : ''}))"""
    context = browser.new_context(viewport={"width": COLUMN_PX, "height": 1000})
    try:
        page = context.new_page()
        page.goto(base_url + "chapters/04-research-field.html", wait_until="load")
        page.evaluate("() => document.querySelectorAll('article details').forEach(d => d.open = 1)")
        on_screen = page.evaluate(rows)
        page.emulate_media(media="print")
        on_paper = page.evaluate(rows)
    finally:
        context.close()
    assert any(t["all"] > PRINT_ROW_LIMIT for t in on_paper), "Chapter 4 has a long table"
    for screen, paper in zip(on_screen, on_paper, strict=True):
        assert screen["shown"] == screen["all"] and not screen["note"], screen
        if paper["all"] > PRINT_ROW_LIMIT:
            assert paper["shown"] == PRINT_ROW_LIMIT, paper
            said = re.search(rf"first {PRINT_ROW_LIMIT} of (\d+) rows", paper["note"])
            assert said and int(said.group(1)) >= paper["all"], paper  # the table's full length
        else:
            assert paper["shown"] == paper["all"] and not paper["note"], paper
