"""Save every page of the built book at phone and desktop widths for reviewers (`make screenshots`).

Reviewers of a change to the theme, a chart or a chapter want to see what readers see on a phone
(390 px, a common phone width) and on a desktop (1280 px) without building the book themselves.
Each page in _toc.yml, plus search and the index, is opened in headless Debian Chromium from a
local server (no network), every chart is scrolled into view so it is drawn, and a full-page PNG
goes to _build/screenshots/<page>-<width>.png. Needs `make book` first and
`apt-get install -y chromium`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pmcj.paths import BUILD_DIR  # noqa: E402 (after the path set-up above)
from tests.browser_support import (  # noqa: E402
    INSTALL_HINT,
    PageReport,
    find_chromium,
    launch,
    new_context,
    serve,
    site_dir,
    toc_pages,
    wait_for_charts,
)

# (width, height) of the first screen; the PNG covers the full page height.
VIEWPORTS = {"390": (390, 844), "1280": (1280, 800)}


def shoot(browser: object, base_url: str, pages: list[str], out: Path) -> list[str]:
    """Screenshot each page at each width; return the charts that failed to draw."""
    failures: list[str] = []
    for label, (width, height) in VIEWPORTS.items():
        context = new_context(browser, width=width, height=height)
        try:
            for name in pages:
                page = context.new_page()
                page.goto(base_url + name, wait_until="load")
                report = PageReport(url=name)
                wait_for_charts(page, report)
                failures += [f"{name} at {label} px: {reason}" for reason in report.chart_failures]
                stem = Path(name).with_suffix("").as_posix().replace("/", "__")
                target = out / f"{stem}-{label}.png"
                page.screenshot(path=str(target), full_page=True)
                page.close()
                print(f"screenshots: {target.relative_to(out.parent)}")
        finally:
            context.close()
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "screenshots")
    args = parser.parse_args(argv)
    site = site_dir()
    if not (site / "index.html").exists():
        print(f"screenshots: no built site at {site}: run make book first", file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print(f"screenshots: no Chromium found: {INSTALL_HINT}", file=sys.stderr)
        return 2
    pages = [page for page in toc_pages(site) if (site / page).exists()]
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()  # a page removed from the book must not leave a stale picture behind
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    with serve(site) as base_url, sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        try:
            failures = shoot(browser, base_url, pages, args.out)
        finally:
            browser.close()
    elapsed = time.perf_counter() - started
    print(f"screenshots: {len(pages) * len(VIEWPORTS)} PNGs in {args.out} ({elapsed:.1f} s)")
    for failure in failures:
        print(f"screenshots: chart not drawn: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
