"""Building fails loudly on the mistakes contributors make, and charts render from local files.

Each test builds a small copy of the book in a temporary folder (prose pages only, or a fixture
notebook with a chart), so the real build is never touched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.build_support import build, copy_skeleton, resources

FIXTURES = Path(__file__).parent / "fixtures"


def add_page(book: Path, name: str, text: str) -> None:
    (book / f"{name}.md").write_text(text, encoding="utf-8")
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    toc["parts"][0]["chapters"].append({"file": name})
    (book / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def test_skeleton_builds_cleanly(tmp_path: Path) -> None:
    book = copy_skeleton(tmp_path)
    result = build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_unknown_citation_key_fails_the_build(tmp_path: Path) -> None:
    book = copy_skeleton(tmp_path)
    add_page(book, "badcite", "# Bad citation\n\nA claim {cite:p}`nobody2099invented`.\n")
    result = build(book)
    assert result.returncode != 0
    assert "nobody2099invented" in result.stderr + result.stdout


def test_broken_cross_reference_fails_the_build(tmp_path: Path) -> None:
    book = copy_skeleton(tmp_path)
    add_page(book, "badref", "# Bad reference\n\nSee {ref}`a-label-that-does-not-exist`.\n")
    result = build(book)
    assert result.returncode != 0
    assert "a-label-that-does-not-exist" in result.stderr + result.stdout


@pytest.fixture(scope="module")
def chart_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = copy_skeleton(tmp_path_factory.mktemp("chartbook"))
    for page in ("charts", "plain"):
        add_page(book, page, (FIXTURES / "chartbook" / f"{page}.md").read_text(encoding="utf-8"))
    result = build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return book / "_build" / "html"


def test_chart_page_uses_local_vega_and_embeds_its_spec(chart_site: Path) -> None:
    page = chart_site / "charts.html"
    scripts = [url for tag, url in resources(page).urls if tag == "script"]
    assert any(url.split("?")[0] == "_static/pmcj/pmcj-charts.js" for url in scripts)
    html = page.read_text(encoding="utf-8")
    loader = re.search(r'<script data-requires="([^"]+)" defer="defer" src="_static/pmcj/', html)
    assert loader, "the chart script must name the local vega files it loads"
    assert loader.group(1).split() == ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"]
    for name in loader.group(1).split():
        assert (chart_site / "_static" / "pmcj" / name).stat().st_size > 1000
    specs = [json.loads(text) for kind, text in resources(page).inline if kind == "json"]
    assert len(specs) == 1
    assert specs[0]["title"] == "Synthetic segments by role"
    assert specs[0]["description"].startswith("Bar chart")
    assert re.search(r'class="pmcj-chart-target" style="min-height:\d{3}px"', html)
    assert "<td>mentee</td><td>20</td>" in html, "the numbers table is missing"


def test_page_without_charts_loads_no_chart_code(chart_site: Path) -> None:
    scripts = [url for tag, url in resources(chart_site / "plain.html").urls if tag == "script"]
    assert not [url for url in scripts if "vega" in url or "pmcj-charts" in url]


def test_chart_without_description_fails_the_build(tmp_path: Path) -> None:
    book = copy_skeleton(tmp_path)
    text = (FIXTURES / "chartbook" / "charts.md").read_text(encoding="utf-8")
    text = text.replace('description="Bar chart of synthetic segment counts for three roles."', "")
    add_page(book, "nodescription", text)
    result = build(book)
    assert result.returncode != 0
    assert "chart has no description" in result.stderr + result.stdout
