"""Every page as readers see it on a phone, a tablet and a desktop: nothing cut off, menus work.

One visit per page and width checks two promises, reported separately:

* **Nothing is wider than its column** (at 390 px, a common phone; 768 px, a small tablet;
  1280 px, a laptop). Before issue 11, charts were twice as wide as a phone's column with no sign
  that they scrolled, chart titles ran under the chart menu, printed excerpts ran off the right
  edge even on a desktop, and wide tables pushed columns off-screen. Every folded part is opened
  and every chart drawn, then ``LAYOUT_JS`` (``browser_support.py``) fails any element wider than
  the text column, unless it is code, or a table in a named region that says it scrolls. At
  390 px axe-core checks the phone layout too.
* **The visible menu buttons work** (at 390 px, 768 px, 1024 px and 1280 px): the ☰ and the
  page-contents button open and close what they control by mouse, touch and keyboard, with focus
  moved into the dialog and back (``navigation_support.py``). At 768 and 1024 px the buttons run
  the same code as at 390 px (dialogs) and 1280 px (the side bar in place), each tested there
  with all three inputs, so the mouse alone keeps the suite quick.

The pages are opened on a touch screen with reduced motion, as some readers ask for, so the side
bar moves at once instead of in a quarter-second transition; which button works does not depend
on it. One visit per page and width, rather than one per promise, halves the time this takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import (
    PageReport,
    layout_problems,
    run_axe,
    site_dir,
    toc_pages,
    wait_for_charts,
    wait_for_fitted_charts,
    watch_page,
)
from tests.navigation_support import INPUTS, navigation_problems

pytestmark = pytest.mark.browser

PAGES = toc_pages(site_dir())
# width: (height, check the layout, menu inputs, run axe)
VIEWS: dict[int, tuple[int, bool, tuple[str, ...], bool]] = {
    390: (844, True, INPUTS, True),
    768: (1024, True, ("mouse",), False),
    1024: (768, False, ("mouse",), False),
    1280: (800, True, INPUTS, False),
}


@pytest.fixture(scope="module")
def contexts(browser: Any) -> Iterator[dict[int, Any]]:
    """One browser profile per width for the whole module (a new one costs ~0.3 s a page)."""
    made = {
        width: browser.new_context(
            viewport={"width": width, "height": height},
            has_touch=True,
            reduced_motion="reduce",
            service_workers="block",
        )
        for width, (height, *_) in VIEWS.items()
    }
    yield made
    for context in made.values():
        context.close()


@pytest.mark.parametrize("width", list(VIEWS))
@pytest.mark.parametrize("page_name", PAGES)
def test_page_fits_the_screen_and_its_menu_buttons_work(
    contexts: dict[int, Any], base_url: str, page_name: str, width: int
) -> None:
    """Nothing wider than the column; every visible menu button opens and closes its menu."""
    _, check_layout, inputs, axe = VIEWS[width]
    page = contexts[width].new_page()
    report = PageReport(url=base_url + page_name)
    sections: dict[str, list[str]] = {}
    try:
        watch_page(page, report)
        page.goto(base_url + page_name, wait_until="load")
        sections["menu buttons"] = navigation_problems(page, inputs)
        if check_layout:
            wait_for_charts(page, report)
            wait_for_fitted_charts(page)
            if axe:  # the phone layout, before the folded parts are opened (five times quicker)
                run_axe(page, report)
            sections["layout"] = layout_problems(page)
        sections["page"] = report.problems()
    finally:
        page.close()
    failed = {name: lines for name, lines in sections.items() if lines}
    assert not failed, f"{page_name} at {width} px:\n" + "\n".join(
        f"  {name}:\n    " + "\n    ".join(lines) for name, lines in failed.items()
    )
