"""Agreement between two coders, computed openly: the functions Chapter 4 prints and uses.

The **unit of agreement** is one double-coded segment and one code. For each unit, each coder
either applied the code to the segment (1) or did not (0). :func:`unit_table` makes one row per
unit and one column per coder; every statistic below compares two such columns, so it can be
computed for one code (the rows of that code) or pooled over all codes (every row).

The chapter prints these functions with ``inspect.getsource`` and works through each of them by
hand for one code first. The exercises' self-checks use them, and ``tests/test_agreement.py``
compares them with scikit-learn's ``cohen_kappa_score`` and the ``krippendorff`` package on the
book's data and on every class variant, so the code a student reads is the code that is tested.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def unit_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per double-coded segment and code; columns A, B: 1 if applied."""
    segments, codings = tables["segments"], tables["codings"]
    codes = tables["codes"]
    double = segments.loc[segments["double_coded"], "segment_id"]
    code_ids = codes.loc[codes["level"] == "code", "code_id"]
    # Every pairing of a double-coded segment with a code, coded or not.
    grid = pd.MultiIndex.from_product(
        [double.astype(str), code_ids.astype(str)],
        names=["segment_id", "code_id"],
    )
    units = pd.DataFrame(index=grid)
    for coder in ["A", "B"]:
        mine = codings[codings["coder"] == coder]
        applied = pd.MultiIndex.from_arrays(
            [mine["segment_id"].astype(str), mine["code_id"].astype(str)]
        )
        units[coder] = grid.isin(applied).astype(int)
    return units


def percent_agreement(a: pd.Series, b: pd.Series) -> float:
    """The share of units on which the two coders made the same decision."""
    return float((a == b).mean())


def cohen_kappa(a: pd.Series, b: pd.Series) -> float:
    """Cohen's kappa for two coders' 0/1 decisions on the same units."""
    p_o = (a == b).mean()  # observed agreement
    p_a, p_b = a.mean(), b.mean()  # how often each coder applied it
    p_e = p_a * p_b + (1 - p_a) * (1 - p_b)  # agreement by chance
    if p_e == 1:  # one and the same decision every time: no kappa
        return float("nan")
    return float((p_o - p_e) / (1 - p_e))


def krippendorff_alpha(a: pd.Series, b: pd.Series) -> float:
    """Krippendorff's alpha (nominal) for two coders' 0/1 decisions."""
    values = pd.concat([a, b])  # every decision made: two per unit
    n = len(values)
    d_o = (a != b).mean()  # observed disagreement: units split on
    p = values.mean()  # share of all decisions that applied the code
    d_e = 2 * p * (1 - p) * n / (n - 1)  # expected disagreement
    if d_e == 0:  # every decision was the same: no alpha
        return float("nan")
    return float(1 - d_o / d_e)
