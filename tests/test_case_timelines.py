"""Chapter 8's case timeline and retention curve, on the book's data and every class variant.

The chapter's own code is run (its visible cells, as a student runs them) on the data of each
seed, so that what it computes is tested and not a copy of it:

* the retention curve (share still in contact 0 to 8 weeks after a first slip-up, by the
  mentor's response) equals a direct count written independently in ``tests/data_support.py``,
  and so does the answer the self-check ``ch08.ex8_1`` expects;
* the timeline's drop-down offers only mentees the chart can draw: each has marks and a line for
  the weeks in contact in the chart's own data;
* the slip the self-checks look for exactly (keeping first slip-ups too late to follow) gets its
  hint on every seed where it changes the answer.

A browser test then chooses every mentee in the built page's drop-down and counts what is drawn.
"""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pmcj.data
from pmcj.checks import ch08
from pmcj.cli import write_data
from pmcj.data.generate import DEFAULT_SEED
from pmcj.paths import ACTIVE_DATA_DIR, ROOT
from tests.browser_support import CHART_DRAWN, PageReport, new_context, wait_for_charts
from tests.chapter_support import code_cells, run_cell
from tests.data_support import (
    VARIANT_SEEDS,
    retention_after_first_slip,
    retention_curve_after_first_slip,
    tables_for_seed,
)

CHAPTER = ROOT / "chapters" / "08-terror-complexity-limits-of-change.md"
PAGE = "chapters/08-terror-complexity-limits-of-change.html"
SEEDS = [pytest.param(DEFAULT_SEED, id="default")] + [
    pytest.param(seed, id=f"seed{seed}") for seed in VARIANT_SEEDS
]
WORDS = {"tolerance": "tolerant", "escalation": "escalating"}  # the chapter's labels -> the data's


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ch08-variants")


@cache
def chapter_run(seed: int, folder: str) -> dict[str, Any]:
    """The namespace left by the chapter's visible code cells, run on the data of ``seed``."""
    if seed == DEFAULT_SEED:
        data_dir = ACTIVE_DATA_DIR
    else:
        data_dir = Path(folder) / f"seed-{seed}"
        write_data(seed, data_dir, force=True)
    loader = pmcj.data.load_all
    pmcj.data.load_all = partial(loader, data_dir)
    try:
        namespace: dict[str, Any] = {}
        for tags, code in code_cells(CHAPTER):
            if "book-only" not in tags:
                run_cell(code, namespace)
    finally:
        pmcj.data.load_all = loader
    return namespace


@pytest.mark.parametrize("seed", SEEDS)
def test_the_chapters_retention_curve_equals_a_direct_count(seed: int, variants: Path) -> None:
    curve = chapter_run(seed, str(variants))["curve"]
    drawn = curve.assign(response=curve["first_response"].map(WORDS)).pivot(
        index="weeks_since", columns="response", values="share"
    )
    direct = retention_curve_after_first_slip(tables_for_seed(seed))
    drawn = drawn.reindex(index=direct.index, columns=direct.columns)
    assert np.allclose(drawn.to_numpy(dtype=float), direct.to_numpy(dtype=float), atol=1e-12), (
        f"seed {seed}: the chapter's curve\n{drawn}\ndiffers from the direct count\n{direct}"
    )
    last = retention_after_first_slip(tables_for_seed(seed))
    assert np.allclose(direct.loc[8, last.index].to_numpy(), last.to_numpy(), atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_self_check_expects_the_direct_count(seed: int) -> None:
    tables = tables_for_seed(seed)
    expected = ch08.retention_fractions(tables).shares
    direct = retention_after_first_slip(tables).reindex(expected.index)
    assert np.allclose(expected.to_numpy(), direct.to_numpy(), atol=1e-12), (expected, direct)


def timeline_spec(namespace: dict[str, Any]) -> dict[str, Any]:
    return namespace["timeline"].to_dict()


def offered_mentees(spec: dict[str, Any]) -> list[str]:
    binding = next(param["bind"] for param in spec["params"] if "bind" in param)
    assert binding["input"] == "select"
    assert len(binding["labels"]) == len(binding["options"])
    return list(binding["options"])


@pytest.mark.parametrize("seed", SEEDS)
def test_the_timeline_draws_every_mentee_its_drop_down_offers(seed: int, variants: Path) -> None:
    namespace = chapter_run(seed, str(variants))
    spec = timeline_spec(namespace)
    offered = offered_mentees(spec)
    assert 1 <= len(offered) <= 6, f"seed {seed}: the drop-down offers {len(offered)} mentees"
    layers = {
        layer["mark"]["type"]: spec["datasets"][layer["data"]["name"]] for layer in spec["layer"]
    }
    logged = set(tables_for_seed(seed)["sessions"].mentee_id)
    for mentee in offered:
        assert mentee in logged, f"seed {seed}: {mentee} has no contact log"
        marks = [row for row in layers["point"] if row["mentee_id"] == mentee]
        spans = [row for row in layers["rule"] if row["mentee_id"] == mentee]
        lanes = {row["lane"] for row in marks}
        assert {"Attended", "Slip-up", "Interview"} <= lanes, f"seed {seed}, {mentee}: {lanes}"
        assert len(spans) == 1 and spans[0]["weeks"] >= 1, f"seed {seed}, {mentee}: {spans}"
    assert spec["params"][0]["value"] == offered[0], "the chart must open on an offered mentee"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", ["ex8_1", "ex8_2"])
def test_keeping_late_slip_ups_gets_its_hint_wherever_it_changes_the_answer(
    name: str, seed: int
) -> None:
    tables = tables_for_seed(seed)
    check = getattr(ch08, name)
    late = ch08.LATE_SLIPS[name](tables)
    right = ch08.TASKS[name].right(tables).shares
    late = (
        late.reindex_like(right) if isinstance(right, pd.DataFrame) else late.reindex(right.index)
    )
    # A cell with no mentee to follow has no share to check (right is NaN there), so the slip
    # changes the answer only where both give a share.
    slipped, target = np.asarray(late, dtype=float), np.asarray(right, dtype=float)
    graded = np.isfinite(slipped) & np.isfinite(target)
    differs = not np.allclose(slipped[graded], target[graded], atol=1e-9)
    for given in (late, late * 100):
        feedback = check(given, tables=tables)
        if differs:
            assert not feedback and feedback.message == ch08.LATE_HINT, feedback
        else:
            assert feedback, f"seed {seed}: the right answer was refused: {feedback!r}"
    assert check(right, tables=tables), "the right answer must still be accepted"


@pytest.mark.browser
def test_the_built_timeline_draws_each_mentee_its_drop_down_offers(
    browser: Any, base_url: str
) -> None:
    context = new_context(browser, width=390, height=844)
    page = context.new_page()
    try:
        page.goto(base_url + PAGE, wait_until="load")
        report = PageReport(url=PAGE)
        wait_for_charts(page, report)
        assert not report.chart_failures, report.chart_failures
        figure = page.locator("figure.pmcj-chart").filter(has=page.locator("select")).first
        select = figure.locator(".vega-bindings select")
        options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        assert options, "the timeline has no drop-down"
        for value in options:
            select.select_option(value)
            page.wait_for_timeout(150)
            drawn = figure.locator(CHART_DRAWN)
            symbols = drawn.locator("g.mark-symbol.role-mark path").count()
            rules = drawn.locator("g.mark-rule.role-mark line").count()
            assert symbols > 0 and rules == 1, f"{value}: {symbols} marks and {rules} lines"
    finally:
        context.close()
