"""The built site loads nothing from any other host, and builds every page in the table of contents.

Readers in prison education have no internet, and every request to another host would leak a
reader's address, so these checks read every built page and every stylesheet the site ships.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.build_support import built_html, resources, toc_pages

EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
EXTERNAL_IN_TEXT = re.compile(r"(?:https?:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
CSS_URL = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", re.IGNORECASE)


def all_pages() -> list[Path]:
    """Every HTML file a reader can open (theme templates copied into _static are not pages)."""
    html = built_html()
    return sorted(page for page in html.rglob("*.html") if "_static" not in page.parts)


def reader_pages() -> list[Path]:
    """Pages with content (the root index.html is only a redirect to the landing page)."""
    return [page for page in all_pages() if 'http-equiv="Refresh"' not in page.read_text("utf-8")]


def test_every_toc_page_is_built() -> None:
    html = built_html()
    missing = [name for name in toc_pages() if not (html / f"{name}.html").exists()]
    assert not missing, f"pages in _toc.yml with no built HTML: {missing}"


@pytest.mark.parametrize("page", all_pages(), ids=lambda p: p.name)
def test_page_loads_nothing_from_other_hosts(page: Path) -> None:
    found = resources(page)
    external = [f"<{tag}> {url}" for tag, url in found.urls if EXTERNAL.match(url.strip())]
    assert not external, f"{page.name} loads from another host: {external}"
    inline = [
        f"{kind}: {match}"
        for kind, text in found.inline
        for match in EXTERNAL_IN_TEXT.findall(text)
    ]
    assert not inline, f"{page.name} has another host's address in inline code: {inline}"


def test_shipped_stylesheets_load_nothing_from_other_hosts() -> None:
    offenders = []
    for sheet in built_html().rglob("*.css"):
        for url in CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{sheet.relative_to(built_html())}: {url}")
    assert not offenders, f"stylesheets that load from another host: {offenders}"


def test_every_page_has_a_meta_description() -> None:
    missing = [
        page.name
        for page in reader_pages()
        if '<meta name="description"' not in page.read_text(encoding="utf-8")
    ]
    assert not missing, f"pages without a meta description: {missing}"
