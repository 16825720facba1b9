"""The chapter's co-occurrence table equals a count made another way, on every seed.

``pmcj.cooccurrence.co_occurrence`` pairs codes with a pandas self-merge. The count here is written
independently of it, in plain Python: each segment's set of codes, then, for each pair of codes,
how many of those sets hold one, the other and both. Chapter 6 and its exercise checks rest on the
function, so it is checked on the book's data as the loader gives it and on the default and 20
variant seeds as read from the CSV files.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pytest

from pmcj.cooccurrence import co_occurrence
from pmcj.data import load_all
from pmcj.data.generate import DEFAULT_SEED
from tests.data_support import VARIANT_SEEDS, tables_for_seed

SEEDS = [DEFAULT_SEED, *VARIANT_SEEDS]


def codes_per_segment(codings: pd.DataFrame, coder: str = "A") -> dict[str, set[str]]:
    """Each segment's set of codes from one coder, built row by row."""
    found: dict[str, set[str]] = defaultdict(set)
    for segment, code, who in zip(codings.segment_id, codings.code_id, codings.coder, strict=True):
        if str(who) == coder:
            found[str(segment)].add(str(code))
    return found


def direct_count(sets: dict[str, set[str]], first: str, second: str) -> tuple[int, int, int]:
    """(n1, n2, n12): segments with the first code, with the second, and with both."""
    n1 = sum(first in codes for codes in sets.values())
    n2 = sum(second in codes for codes in sets.values())
    n12 = sum(first in codes and second in codes for codes in sets.values())
    return n1, n2, n12


def theme_codes(codes: pd.DataFrame, theme: str) -> list[str]:
    keep = (codes.level.astype(str) == "code") & (codes.theme.astype(str) == theme)
    return codes.code_id[keep].astype(str).tolist()


def assert_matches_direct_count(tables: dict[str, pd.DataFrame], themes: tuple[str, str]) -> None:
    codings = tables["codings"]
    rows, columns = (theme_codes(tables["codes"], theme) for theme in themes)
    table = co_occurrence(codings[codings.coder.astype(str) == "A"], rows, columns)
    assert len(table) == len(rows) * len(columns)
    sets = codes_per_segment(codings)
    for row in table.itertuples():
        n1, n2, n12 = direct_count(sets, row.code_1, row.code_2)
        assert (row.n1, row.n2, row.n12) == (n1, n2, n12), (row.code_1, row.code_2)
        either = n1 + n2 - n12
        assert either > 0, f"{row.code_1} and {row.code_2} are never used"
        assert row.c == pytest.approx(n12 / either, abs=1e-12), (row.code_1, row.code_2)


@pytest.mark.parametrize("seed", SEEDS)
def test_c_coefficient_equals_a_direct_count_on_every_seed(seed: int) -> None:
    tables = tables_for_seed(seed)
    assert_matches_direct_count(tables, ("agency", "values"))  # the chapter's heat map
    assert_matches_direct_count(tables, ("agency", "power"))  # exercise 6.1


def test_c_coefficient_equals_a_direct_count_on_the_loaded_data() -> None:
    """The loader gives categories, not text: the function must give the same answer."""
    assert_matches_direct_count(load_all(), ("agency", "values"))


def toy_codings(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    segment, code = zip(*pairs, strict=True)
    return pd.DataFrame({"segment_id": segment, "code_id": code, "coder": "A"})


def test_the_atlas_ti_worked_example() -> None:
    """100 segments coded x, 10 coded y, 5 of them both: c = 5 / 105 (ATLAS.ti's example)."""
    pairs = [(f"s{i:03d}", "x") for i in range(100)]
    pairs += [(f"s{i:03d}", "y") for i in range(95, 105)]
    table = co_occurrence(toy_codings(pairs), ["x"], ["y"])
    row = table.iloc[0]
    assert (row.n1, row.n2, row.n12) == (100, 10, 5)
    assert row.c == pytest.approx(5 / 105)
    assert round(row.c, 3) == 0.048


def test_identical_disjoint_unused_and_repeated_codes() -> None:
    pairs = [("s1", "a"), ("s1", "b"), ("s2", "a"), ("s2", "b"), ("s3", "d"), ("s3", "d")]
    table = co_occurrence(toy_codings(pairs), ["a", "d"], ["b", "unused"]).set_index(
        ["code_1", "code_2"]
    )
    assert table.loc[("a", "b"), "c"] == 1  # always together
    assert table.loc[("d", "b"), "c"] == 0  # never together
    assert table.loc[("d", "b"), "n1"] == 1  # a code applied twice to a segment counts once
    assert table.loc[("a", "unused"), "c"] == 0
    assert table.loc[("a", "unused"), "n2"] == 0


def test_the_c_coefficient_is_symmetric() -> None:
    tables = tables_for_seed(DEFAULT_SEED)
    lead = tables["codings"][tables["codings"].coder == "A"]
    agency = theme_codes(tables["codes"], "agency")
    values = theme_codes(tables["codes"], "values")
    one_way = co_occurrence(lead, agency, values).set_index(["code_1", "code_2"])
    other_way = co_occurrence(lead, values, agency).set_index(["code_2", "code_1"])
    other_way.index.names = ["code_1", "code_2"]
    other_way = other_way.rename(columns={"n1": "n2", "n2": "n1"})
    pd.testing.assert_frame_equal(one_way.sort_index(), other_way[one_way.columns].sort_index())
