"""Code co-occurrence and the c-coefficient, in a few lines of pandas a student can read.

Chapter 6 shows this module's source and uses it; its exercise checks use it to make the right
answers; ``tests/test_cooccurrence.py`` checks it against a count written independently of it. Two
codes *co-occur* when one coder applied both to the same segment. For a pair of codes,

* ``n1`` is the number of segments carrying the first code,
* ``n2`` the number carrying the second,
* ``n12`` the number carrying both, and
* ``c = n12 / (n1 + n2 - n12)``, the c-coefficient that ATLAS.ti reports: the segments with both
  codes as a share of the segments with either (the Jaccard index of the two sets of segments).
  It runs from 0 (never together) to 1 (always together), and is missing (NaN) for two codes
  that nobody applied.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def co_occurrence(
    codings: pd.DataFrame, rows: Sequence[str], columns: Sequence[str]
) -> pd.DataFrame:
    """One row per pair of a code in rows and a code in columns: n1, n2, n12 and c.

    codings holds one coder's codings, one row per code applied to a segment, with the
    columns segment_id and code_id: pass the lead coder's, codings[codings["coder"] == "A"].
    """
    coded = codings[["segment_id", "code_id"]].astype(str).drop_duplicates()
    # Pair every code on a segment with every code on the same segment.
    pairs = coded.merge(coded, on="segment_id", suffixes=("_1", "_2"))
    pairs = pairs[pairs["code_id_1"].isin(rows) & pairs["code_id_2"].isin(columns)]
    n12 = pairs.groupby(["code_id_1", "code_id_2"])["segment_id"].nunique()
    # Every pair asked for, with a count of 0 where two codes never share a segment.
    every_pair = [list(rows), list(columns)]
    grid = pd.MultiIndex.from_product(every_pair, names=["code_1", "code_2"])
    table = n12.reindex(grid, fill_value=0).rename("n12").reset_index()
    per_code = coded.groupby("code_id")["segment_id"].nunique()
    table["n1"] = table["code_1"].map(per_code).fillna(0).astype(int)
    table["n2"] = table["code_2"].map(per_code).fillna(0).astype(int)
    table["c"] = table["n12"] / (table["n1"] + table["n2"] - table["n12"])
    return table[["code_1", "code_2", "n1", "n2", "n12", "c"]]
