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
    """One row per double-coded segment and code; columns A and B: 1 if that coder applied it."""
    segments, codings, codes = tables["segments"], tables["codings"], tables["codes"]
    double_coded = segments.loc[segments["double_coded"], "segment_id"].astype(str)
    code_ids = codes.loc[codes["level"] == "code", "code_id"].astype(str)
    # Every pairing of a double-coded segment with a code, whether or not anyone applied it.
    grid = pd.MultiIndex.from_product([double_coded, code_ids], names=["segment_id", "code_id"])
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
    p_a, p_b = a.mean(), b.mean()  # how often each coder applied the code
    p_e = p_a * p_b + (1 - p_a) * (1 - p_b)  # agreement expected by chance
    if p_e == 1:  # both coders made one and the same decision every time: nothing to correct
        return float("nan")
    return float((p_o - p_e) / (1 - p_e))


def krippendorff_alpha(a: pd.Series, b: pd.Series) -> float:
    """Krippendorff's alpha (nominal) for two coders' 0/1 decisions, none of them missing."""
    values = pd.concat([a, b])  # every decision either coder made: two per unit
    n = len(values)
    d_o = (a != b).mean()  # observed disagreement: the share of units the coders split on
    p = values.mean()  # the share of all decisions that applied the code
    d_e = 2 * p * (1 - p) * n / (n - 1)  # disagreement expected between any two decisions
    if d_e == 0:  # every decision was the same: nothing to compare against
        return float("nan")
    return float(1 - d_o / d_e)
