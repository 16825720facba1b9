"""Shared pieces for the browser tests and ``tools/screenshots.py``: a browser, a server, the pages.

The book promises readers with no internet (prison education, library PCs) that every page works
offline, and promises everyone an accessible page. Only a real browser shows what a reader gets,
so these helpers start Debian's ``chromium`` through Playwright (never ``playwright install``,
which downloads a browser and fails offline), serve the built site on 127.0.0.1, and check one
page: requests to other hosts, console errors, charts drawn, and axe-core's verdict.

This file has no test functions, so pytest only imports it (``tests/`` is on ``sys.path`` under
pytest's default import mode; ``tools/screenshots.py`` adds it itself).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pmcj.browser import INSTALL_HINT, LAUNCH_ARGS, find_chromium, launch  # noqa: F401 (shared)
from pmcj.localserver import serve_directory
from pmcj.pages import toc_files
from pmcj.paths import BUILD_DIR, TOC

TESTS_DIR = Path(__file__).resolve().parent
AXE_JS = TESTS_DIR / "vendor" / "axe.min.js"
RUN_HINT = (
    "then run `make test` again (only the browser tests: `.venv/bin/python -m pytest -m browser`)"
)
LOCAL_HOSTS = {"127.0.0.1"}
FAILING_IMPACTS = {"serious", "critical"}
CHART_DRAWN = ".pmcj-chart-target svg.marks, .pmcj-chart-target canvas.marks"
CHART_TIMEOUT_MS = 15_000
# Extra pages Sphinx writes that readers reach from every page, besides those in _toc.yml.
EXTRA_PAGES = ("search.html", "genindex.html")


def site_dir() -> Path:
    """The built site to test: ``_build/html``, or ``PMCJ_SITE_DIR`` to test a copy or a fixture."""
    override = os.environ.get("PMCJ_SITE_DIR")
    return Path(override).resolve() if override else BUILD_DIR / "html"


def in_ci() -> bool:
    """CI sets ``CI=true``; there a missing browser is a broken runner, not a reason to skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def toc_pages(site: Path, toc: Path = TOC) -> list[str]:
    """Pages to check, relative to the site: every _toc.yml entry, then search and the index.

    The list comes from the table of contents, not from globbing, so a page that silently failed
    to build is reported as missing instead of being skipped.
    """
    pages = [f"{name}.html" for name in toc_files(toc)]
    return pages + [page for page in EXTRA_PAGES if page not in pages]


def serve(directory: Path) -> contextlib.AbstractContextManager[str]:
    """Serve the site on 127.0.0.1 on a free port for as long as the block runs."""
    return serve_directory(directory)


@dataclass
class PageReport:
    """What a reader's browser did on one page; each list empty means the page passed."""

    url: str
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    chart_failures: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    minor_violations: list[dict[str, Any]] = field(default_factory=list)
    charts: int = 0
    seconds: float = 0.0

    def problems(self) -> list[str]:
        """Human-readable failures, one per line, naming what to fix."""
        lines = [f"request to another host (aborted): {url}" for url in self.external_requests]
        lines += [f"console error: {message}" for message in self.console_errors]
        lines += [f"chart not drawn: {reason}" for reason in self.chart_failures]
        lines += [format_violation(violation) for violation in self.violations]
        return lines


def format_violation(violation: dict[str, Any]) -> str:
    """One axe violation as ``rule (impact): help -> selectors`` so the fix is findable."""
    targets = [
        " ".join(str(part) for part in node.get("target", []))
        for node in violation.get("nodes", [])
    ]
    shown = "; ".join(targets[:8]) + (f"; ... ({len(targets)} in all)" if len(targets) > 8 else "")
    return f"axe {violation['id']} ({violation.get('impact')}): {violation.get('help')} -> {shown}"


def watch_page(page: Any, report: PageReport) -> None:
    """Route every request and listen for errors before the page loads.

    Requests to 127.0.0.1 continue; any other host is aborted (so the test never needs the
    network) and recorded (so it fails). ``data:`` and ``blob:`` URLs never leave the browser.
    """

    def route(route: Any) -> None:
        url = route.request.url
        if urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            report.external_requests.append(url)
            route.abort()

    def console(message: Any) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            report.console_errors.append(f"{message.text} [{where}]" if where else message.text)

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda error: report.console_errors.append(f"uncaught: {error}"))


def wait_for_charts(page: Any, report: PageReport) -> None:
    """Scroll each chart into view (later charts are drawn lazily) and wait for its drawing."""
    figures = page.locator("figure.pmcj-chart")
    report.charts = figures.count()
    for index in range(report.charts):
        figure = figures.nth(index)
        figure.scroll_into_view_if_needed()
        # Either the drawing or pmcj-charts.js's failure message; whichever comes first.
        outcome = figure.locator(f"{CHART_DRAWN}, .pmcj-chart-error").first
        try:
            outcome.wait_for(state="attached", timeout=CHART_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError; reported below
            report.chart_failures.append(f"chart {index + 1} of {report.charts}: no svg or canvas")
            continue
        message = figure.locator(".pmcj-chart-error")
        if message.count():
            reason = message.first.text_content()
            report.chart_failures.append(f"chart {index + 1} of {report.charts}: {reason}")
    if report.charts:
        page.evaluate("window.scrollTo(0, 0)")


def run_axe(page: Any, report: PageReport) -> None:
    """Inject the pinned axe-core and sort its violations into failing and reported-only."""
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target}))})); }"
    )
    for violation in results:
        if violation.get("impact") in FAILING_IMPACTS:
            report.violations.append(violation)
        else:
            report.minor_violations.append(violation)


# What "nothing clipped" means on one page, measured in the browser (issue 11). The column is the
# article's content box. An element fails if it reaches outside the column, unless it is inside a
# sideways scroller that fits the column; a scroller fails unless it is a code block (its lines
# are code, so they keep their breaks) or a region pmcj-a11y.js marked: named, reachable with Tab
# and announced by a line of text. Both kinds must show the edge shadows of pmcj.css. Printed
# output (excerpts, self-check feedback) must wrap, never scroll. A chart
# fails if its drawing is wider than its column, or if a title line runs under the chart's menu.
LAYOUT_JS = """() => {
  const article = document.querySelector('article.bd-article, main .bd-search-container');
  if (!article) return ['no article.bd-article (or search container) on the page'];
  const problems = [];
  const text = e => e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50);
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    [...e.classList].slice(0, 3).map(c => '.' + c).join('') + (text(e) ? ` "${text(e)}"` : '');
  if (document.documentElement.scrollWidth > innerWidth + 1) {
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px wide)`);
  }
  const box = article.getBoundingClientRect(), style = getComputedStyle(article);
  const left = box.left + parseFloat(style.paddingLeft) - 1;
  const right = box.right - parseFloat(style.paddingRight) + 1;
  const fits = r => r.left >= left && r.right <= right;
  const scrolls = e => /auto|scroll/.test(getComputedStyle(e).overflowX);
  const scrollers = new Set();
  for (const e of article.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || fits(r)) continue;
    let scroller = e.parentElement;
    while (scroller && scroller !== article && !scrolls(scroller)) {
      scroller = scroller.parentElement;
    }
    if (scroller && scroller !== article && fits(scroller.getBoundingClientRect())) {
      scrollers.add(scroller);
      continue;
    }
    const parent = e.parentElement;
    if (parent && parent !== article && !fits(parent.getBoundingClientRect())) continue;
    problems.push(`wider than its column (${Math.round(r.left)}-${Math.round(r.right)} px, ` +
      `column ${Math.round(left + 1)}-${Math.round(right - 1)}): ${name(e)}`);
  }
  for (const e of article.querySelectorAll('*')) {
    if (e.scrollWidth > e.clientWidth + 1 && scrolls(e)) scrollers.add(e);
  }
  for (const e of scrollers) {
    const cue = /gradient/.test(getComputedStyle(e).backgroundImage);
    if (e.matches('div.cell_output pre')) {
      problems.push(`printed output does not wrap (${e.scrollWidth} px in ${e.clientWidth} px): ` +
        name(e));
      continue;
    }
    if (e.matches('div.highlight pre')) {
      if (!cue) problems.push(`code scrolls sideways with no shadow at its edge: ${name(e)}`);
      continue;
    }
    const hint = e.previousElementSibling;
    const ok = e.classList.contains('pmcj-scrolls') && e.getAttribute('role') === 'region' &&
      (e.getAttribute('aria-label') || '').trim() && e.tabIndex === 0 && cue &&
      hint && hint.classList.contains('pmcj-scroll-hint') && hint.getBoundingClientRect().height;
    if (!ok) {
      problems.push(`scrolls sideways without a named region, a line of text and edge ` +
        `shadows (${e.scrollWidth} px in ${e.clientWidth} px): ${name(e)}`);
    }
  }
  for (const figure of article.querySelectorAll('figure.pmcj-chart')) {
    const target = figure.querySelector('.pmcj-chart-target');
    const drawing = target && target.querySelector('svg.marks, canvas.marks');
    if (!drawing) continue;
    const t = getComputedStyle(target), tr = target.getBoundingClientRect();
    const room = tr.right - parseFloat(t.paddingRight) + 1;
    const d = drawing.getBoundingClientRect();
    if (d.right > room) {
      const caption = figure.querySelector('figcaption') || figure;
      problems.push(`chart wider than its column (${Math.round(d.width)} px drawn, ` +
        `${Math.round(room - 1 - tr.left)} px of room): ${name(caption)}`);
    }
    const menu = target.querySelector('details > summary');
    if (!menu) continue;
    const m = menu.getBoundingClientRect();
    for (const line of drawing.querySelectorAll('.role-title text, .role-title-text text')) {
      const l = line.getBoundingClientRect();
      if (l.width && l.left < m.right && l.right > m.left && l.top < m.bottom && l.bottom > m.top) {
        problems.push(`chart title runs under the chart's menu button: "${line.textContent}"`);
      }
    }
  }
  return problems;
}"""


def open_folded(page: Any) -> None:
    """Open every folded part of the article (chart tables, hidden code, solutions) to check it."""
    page.evaluate(
        "() => document.querySelectorAll('article.bd-article details:not([open])')"
        ".forEach(d => { if (!d.closest('.vega-embed')) d.open = true; })"
    )


def wait_for_fitted_charts(page: Any) -> None:
    """Charts are narrowed after they are drawn; wait until each says it is ready (or failed)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.pmcj-chart')].every(f =>"
        " f.classList.contains('pmcj-chart-ready') || f.querySelector('.pmcj-chart-error'))",
        timeout=CHART_TIMEOUT_MS,
    )


def layout_problems(page: Any) -> list[str]:
    """Everything on the page that is wider than its column, or scrolls without saying so."""
    open_folded(page)
    page.wait_for_timeout(50)  # the "toggle" events that mark wide tables fire asynchronously
    return list(page.evaluate(LAYOUT_JS))


def new_context(browser: Any, width: int = 1280, height: int = 800) -> Any:
    """A fresh browser profile: empty storage, so every page is a reader's first visit."""
    return browser.new_context(
        viewport={"width": width, "height": height}, service_workers="block", locale="en-GB"
    )


def check_page(browser: Any, url: str, axe: bool = True) -> PageReport:
    """Open ``url`` as a first visit (its own context, empty storage) and collect every problem.

    A context per page costs a few milliseconds and catches errors that only a first visit
    shows, such as the theme's "invalid theme mode" on an empty ``localStorage``.
    """
    report = PageReport(url=url)
    started = time.perf_counter()
    context = new_context(browser)
    page = context.new_page()
    try:
        watch_page(page, report)
        page.goto(url, wait_until="load")
        wait_for_charts(page, report)
        if axe:
            run_axe(page, report)
        # Late errors (a chart failing after axe) still count.
        page.wait_for_timeout(50)
    finally:
        context.close()
    report.seconds = time.perf_counter() - started
    return report
