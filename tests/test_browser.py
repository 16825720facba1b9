"""What a reader's browser gets on every page of the built book (issue 5, items 1-3).

Readers use phones, library PCs and, in prison education, machines with no internet, so every
page is opened in headless Chromium from a local server and must: request nothing from another
host, log no console error, draw every chart, and pass axe-core with no serious or critical
violation. Every interactive chart control must also work from the keyboard alone. Run by
``make test`` after the build; ``PMCJ_SITE_DIR`` points the page checks at another built site.
The browser, the built site and its server are fixtures shared with the other browser tests
(``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import (
    CHART_DRAWN,
    PageReport,
    check_page,
    new_context,
    run_axe,
    serve,
    site_dir,
    toc_pages,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

SITE = site_dir()
PAGES = toc_pages(SITE)
# The chart fixture page (tests/fixtures/chartbook/charts.md), built by the ``chart_book`` fixture
# (tests/conftest.py): the book may not have an interactive chart yet, but the keyboard promise
# must hold for the controls its charts can have (a bound drop-down and a slider).
FIXTURE_PAGE = "charts.html"
# Controls a reader operates on a chart: vega-bind inputs and selects, vega-embed's menu button,
# and the "numbers behind this chart" disclosure.
CONTROLS = (
    "figure.pmcj-chart .vega-bindings input, figure.pmcj-chart .vega-bindings select, "
    "figure.pmcj-chart summary"
)
MAX_TABS = 400  # more stops than any page has; a control not reached by then is unreachable
FOCUSED_CONTROL = "() => document.activeElement?.getAttribute('data-pmcj-control') ?? null"


@pytest.fixture(scope="module")
def chart_book_url(chart_book: Path) -> Iterator[str]:
    with serve(chart_book) as url:
        yield url


def assert_page_ok(browser: Any, url: str) -> None:
    report = check_page(browser, url)
    problems = report.problems()
    assert not problems, f"{url} ({report.seconds:.1f} s):\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_page_is_offline_error_free_drawn_and_accessible(
    browser: Any, base_url: str, site: Path, page: str
) -> None:
    assert (site / page).exists(), f"{page} is in _toc.yml but was not built"
    assert_page_ok(browser, base_url + page)


def test_chart_fixture_page_passes_the_same_checks(browser: Any, chart_book_url: str) -> None:
    """An interactive chart (bindings, action menu) is offline, drawn and passes axe."""
    assert_page_ok(browser, chart_book_url + FIXTURE_PAGE)


def chart_pages(site: Path) -> list[str]:
    """Built pages with at least one chart (every chart has its menu and table controls)."""
    return [page for page in PAGES if 'class="pmcj-chart"' in read(site / page)]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def operate(page: Any, handle: Any) -> str | None:
    """Change one focused control with the keyboard; return a problem, or None if it worked."""
    kind = handle.evaluate(
        "e => e.tagName === 'SUMMARY' ? 'summary' : e.tagName === 'SELECT' ? 'select' : e.type"
    )
    figure = handle.evaluate_handle("e => e.closest('figure.pmcj-chart')")
    chart = figure.as_element().query_selector(CHART_DRAWN)
    drawing = chart.evaluate("e => e.innerHTML") if chart else ""
    describe = handle.evaluate("e => e.outerHTML.slice(0, 120)")
    if kind == "summary":
        before = handle.evaluate("e => e.parentElement.open")
        page.keyboard.press("Enter")
        if handle.evaluate("e => e.parentElement.open") == before:
            return f"Enter did not open or close {describe}"
        if handle.evaluate("e => !!e.closest('.vega-embed')"):
            return save_with_keyboard(page, handle, describe)
        page.keyboard.press("Enter")  # close the table again so the page stays as it was
        return None
    if kind == "select":
        before = handle.input_value()
        first = handle.evaluate("e => e.selectedIndex") == 0
        page.keyboard.press("ArrowDown" if first else "ArrowUp")
        changed = handle.input_value() != before
    elif kind == "range":
        before = handle.input_value()
        at_max = handle.evaluate("e => Number(e.value) >= Number(e.max)")
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
        changed = handle.input_value() != before
    elif kind == "checkbox":
        before = handle.evaluate("e => e.checked")
        page.keyboard.press("Space")
        changed = handle.evaluate("e => e.checked") != before
    elif kind == "radio":
        group = "e => [...document.getElementsByName(e.name)].find(r => r.checked)?.value"
        before = handle.evaluate(group)
        page.keyboard.press("ArrowRight")
        changed = handle.evaluate(group) != before
    else:
        before = handle.input_value()
        page.keyboard.type("1")
        changed = handle.input_value() != before
    if not changed:
        return f"the keyboard did not change {describe}"
    try:
        page.wait_for_function(
            "([el, old]) => el.innerHTML !== old", arg=[chart, drawing], timeout=3000
        )
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError
        return f"changing {describe} with the keyboard did not redraw the chart"
    return None


def save_with_keyboard(page: Any, summary: Any, describe: str) -> str | None:
    """From the open chart menu, Tab to "Save as" and press Enter: a file must download."""
    page.keyboard.press("Tab")
    focused = page.evaluate_handle("() => document.activeElement").as_element()
    if not focused or not focused.evaluate("e => e.matches('.vega-actions a[download]')"):
        return f"Tab from {describe} did not reach the menu's first 'Save as' link"
    try:
        with page.expect_download(timeout=5000) as download:
            page.keyboard.press("Enter")
        name = download.value.suggested_filename
        head = Path(download.value.path()).read_bytes()[:64]
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError
        return "Enter on the chart menu's 'Save as' link did not save the chart"
    # Without pmcj-a11y.js, Enter "saves" the page behind href="#" under the image's name.
    if not (head.lstrip().startswith(b"<svg") or head.startswith(b"\x89PNG")):
        return f"Enter on the chart menu's 'Save as' link saved {name!r} that is not an image"
    page.keyboard.press("Escape")
    if summary.evaluate("e => e.parentElement.open || document.activeElement !== e"):
        return "Escape did not close the chart menu and return focus to its button"
    return None


def check_keyboard(browser: Any, url: str) -> tuple[int, list[str]]:
    """Tab from the top of ``url`` through the page and operate each chart control reached."""
    context = new_context(browser)
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(url, wait_until="load")
        wait_for_charts(page, PageReport(url=url))
        count = page.evaluate(
            "sel => { const all = document.querySelectorAll(sel);"
            " all.forEach((e, i) => e.dataset.pmcjControl = String(i)); return all.length; }",
            CONTROLS,
        )
        done: set[str] = set()
        page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
        for _ in range(MAX_TABS):
            if len(done) == count:
                break
            page.keyboard.press("Tab")
            # One round trip per Tab stop; a handle (two more) only for a control not yet done.
            index = page.evaluate(FOCUSED_CONTROL)
            if index is None or index in done:
                continue
            done.add(index)
            handle = page.evaluate_handle("() => document.activeElement").as_element()
            for sibling in handle.evaluate(
                "e => e.type === 'radio' ? [...document.getElementsByName(e.name)]"
                ".map(r => r.dataset.pmcjControl) : []"
            ):
                done.add(sibling)  # a radio group is one Tab stop; arrows move within it
            problem = operate(page, handle)
            if problem:
                problems.append(problem)
        missing = page.evaluate(
            "done => [...document.querySelectorAll('[data-pmcj-control]')]"
            ".filter(e => !done.includes(e.dataset.pmcjControl))"
            ".map(e => e.outerHTML.slice(0, 120))",
            sorted(done),
        )
        problems += [f"not reachable with Tab: {html}" for html in missing]
        # The charts have been redrawn and their menus opened: check the new state with axe too.
        after = PageReport(url=url)
        run_axe(page, after)
        problems += [f"after using the controls, {line}" for line in after.problems()]
    finally:
        context.close()
    return count, problems


def test_chart_controls_work_with_the_keyboard(
    browser: Any, base_url: str, site: Path, chart_book_url: str
) -> None:
    """Every chart control is reached by Tab from the top of the page and works by keyboard.

    Covers the book's own chart pages, plus the fixture page so that bound inputs (a drop-down
    and a slider) are exercised even while no chapter has one.
    """
    targets = [base_url + page for page in chart_pages(site)]
    targets.append(chart_book_url + FIXTURE_PAGE)
    failures: list[str] = []
    total = 0
    for url in targets:
        count, problems = check_keyboard(browser, url)
        total += count
        failures += [f"{url}: {problem}" for problem in problems]
    assert total, "no chart controls found, not even on the fixture page"
    assert not failures, "\n".join(failures)
