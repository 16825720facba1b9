"""Chapter 4's agreement statistics equal the reference implementations, on every seed.

The chapter computes percentage agreement, Cohen's kappa and Krippendorff's alpha with the short
pandas functions in ``pmcj/agreement.py``, which it prints for students to read. Here the same
functions are compared, per code and pooled over all codes, with scikit-learn's
``cohen_kappa_score`` and the ``krippendorff`` package (both pinned test dependencies), on the
book's data and on the 20 class-variant seeds; and the chapter's own cells are run to check that
the figures it shows are these.
"""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from pmcj.agreement import cohen_kappa, krippendorff_alpha, percent_agreement, unit_table
from pmcj.data.generate import DEFAULT_SEED
from pmcj.paths import ROOT
from tests.chapter_support import code_cells, run_cell
from tests.data_support import VARIANT_SEEDS, tables_for_seed

SEEDS = [pytest.param(DEFAULT_SEED, id="default")] + [
    pytest.param(seed, id=f"seed{seed}") for seed in VARIANT_SEEDS
]
TOLERANCE = 1e-9
CHAPTER = ROOT / "chapters" / "04-research-field.md"


def reference_kappa(a: pd.Series, b: pd.Series) -> float:
    with warnings.catch_warnings():  # one value everywhere: sklearn warns and returns nan
        warnings.simplefilter("ignore")
        return float(cohen_kappa_score(a.to_numpy(), b.to_numpy()))


def reference_alpha(a: pd.Series, b: pd.Series) -> float:
    data = np.vstack([a.to_numpy(dtype=float), b.to_numpy(dtype=float)])  # coders x units
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # "There has to be more than one value in the domain."
        return float("nan")


def same(ours: float, theirs: float) -> bool:
    if np.isnan(ours) or np.isnan(theirs):
        return bool(np.isnan(ours) and np.isnan(theirs))
    return abs(ours - theirs) <= TOLERANCE


def reference_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The units written independently: a 0/1 column per coder over the double-coded segments."""
    segments, codings = tables["segments"], tables["codings"]
    double = segments.loc[segments.double_coded, "segment_id"].astype(str).tolist()
    codes = tables["codes"].query("level == 'code'").code_id.astype(str).tolist()
    rows = []
    for segment in double:
        given = codings[codings.segment_id.astype(str) == segment]
        by = {c: set(given[given.coder.astype(str) == c].code_id.astype(str)) for c in "AB"}
        rows += [(segment, code, int(code in by["A"]), int(code in by["B"])) for code in codes]
    return pd.DataFrame(rows, columns=["segment_id", "code_id", "A", "B"]).set_index(
        ["segment_id", "code_id"]
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_the_unit_table_has_every_double_coded_segment_and_code(seed: int) -> None:
    tables = tables_for_seed(seed)
    units = unit_table(tables)
    pd.testing.assert_frame_equal(units, reference_table(tables), check_index_type=False)


@pytest.mark.parametrize("seed", SEEDS)
def test_kappa_and_alpha_equal_scikit_learn_and_krippendorff_per_code_and_pooled(
    seed: int,
) -> None:
    units = unit_table(tables_for_seed(seed))
    pairs = [("pooled", units)] + list(units.groupby(level="code_id", sort=False))
    problems = []
    for name, group in pairs:
        a, b = group["A"], group["B"]
        for statistic, ours, theirs in (
            ("kappa", cohen_kappa(a, b), reference_kappa(a, b)),
            ("alpha", krippendorff_alpha(a, b), reference_alpha(a, b)),
            ("agreement", percent_agreement(a, b), float(np.mean(a.to_numpy() == b.to_numpy()))),
        ):
            if not same(ours, theirs):
                problems.append(f"{name} {statistic}: ours {ours!r}, reference {theirs!r}")
    assert not problems, f"seed {seed}:\n" + "\n".join(problems)


def test_the_functions_agree_with_the_references_on_edge_cases() -> None:
    """Perfect agreement, perfect disagreement, one value everywhere, a lone disagreement."""
    cases = {
        "perfect": ([1, 0, 1, 0], [1, 0, 1, 0]),
        "opposite": ([1, 0, 1, 0], [0, 1, 0, 1]),
        "never applied": ([0, 0, 0, 0], [0, 0, 0, 0]),
        "one coder only": ([0, 0, 0, 0], [0, 1, 0, 0]),
        "rare code": ([0] * 40 + [1], [0] * 39 + [1, 1]),
    }
    for name, (a, b) in cases.items():
        a, b = pd.Series(a), pd.Series(b)
        assert same(cohen_kappa(a, b), reference_kappa(a, b)), name
        assert same(krippendorff_alpha(a, b), reference_alpha(a, b)), name


def test_a_small_example_worked_by_hand() -> None:
    """Ten units: both coders apply the code to 1, only A to 1, only B to 3, neither to 5.

    p_o = 0.6 and p_e = 0.2 x 0.4 + 0.8 x 0.6 = 0.56, so kappa = 0.04 / 0.44 = 1/11; of the 20
    decisions 6 apply the code, so D_e = 2 x 0.3 x 0.7 x 20/19 and alpha = 1 - 0.4 / D_e = 2/21.
    """
    a = pd.Series([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    b = pd.Series([1, 0, 1, 1, 1, 0, 0, 0, 0, 0])
    assert percent_agreement(a, b) == pytest.approx(0.6, abs=TOLERANCE)
    assert cohen_kappa(a, b) == pytest.approx(1 / 11, abs=TOLERANCE)
    assert krippendorff_alpha(a, b) == pytest.approx(2 / 21, abs=TOLERANCE)
    assert same(cohen_kappa(a, b), reference_kappa(a, b))
    assert same(krippendorff_alpha(a, b), reference_alpha(a, b))


@pytest.fixture(scope="module")
def chapter_namespace() -> dict:
    """The chapter's cells run in order as a student runs them (book-only cells left out)."""
    namespace: dict = {}
    for tags, code in code_cells(CHAPTER):
        if "book-only" in tags:
            continue
        run_cell(code, namespace)
    return namespace


def test_the_chapter_shows_figures_equal_to_the_references(chapter_namespace: dict) -> None:
    by_code = chapter_namespace["by_code"]
    pooled = chapter_namespace["pooled"]
    units = unit_table(tables_for_seed(DEFAULT_SEED))
    assert len(by_code) == units.index.get_level_values("code_id").nunique()
    for code, group in units.groupby(level="code_id", sort=False):
        row = by_code.loc[code]
        assert same(row["kappa"], reference_kappa(group["A"], group["B"])), code
        assert same(row["alpha"], reference_alpha(group["A"], group["B"])), code
    assert same(pooled["kappa"], reference_kappa(units["A"], units["B"]))
    assert same(pooled["alpha"], reference_alpha(units["A"], units["B"]))


def test_the_worked_example_equals_the_functions(chapter_namespace: dict) -> None:
    """The kappa and alpha worked out by hand for one code are the functions' values."""
    by_code = chapter_namespace["by_code"]
    code = chapter_namespace["example_code"]
    assert same(chapter_namespace["example_kappa"], by_code.loc[code, "kappa"])
    assert same(chapter_namespace["example_alpha"], by_code.loc[code, "alpha"])


def test_the_checks_know_every_code_of_the_codebook() -> None:
    """Exercise 4.1's check names the values codes and silently drops the others: all of them."""
    from pmcj.checks import ch04
    from pmcj.data.inputs import load_codebook

    codebook = load_codebook()
    values = [code for code in codebook.code_ids if codebook.theme_of(code) == "values"]
    assert values == ch04.VALUES_CODES
    assert sorted(ch04.OTHER_CODES) == sorted(set(codebook.code_ids) - set(values))
    assert ch04.KAPPA_CODE in values
