"""Analyses the data tests apply to any generated data set, written independently of the generator.

They repeat, in plain pandas, the checks a student would make, so a tendency that stops holding
(at the default seed or at a lecturer's seed) fails a test rather than a chapter's teaching.
"""

from __future__ import annotations

import io
import os
from functools import cache

import numpy as np
import pandas as pd

from pmcj.data.generate import generate, render
from pmcj.data.tendencies import Tendencies

VARIANT_SEEDS = tuple(range(1, 21))  # the class-variant seeds every "holds on variants" test uses
# The self-checks' tests try every declared mistake and every equivalent form of every answer on
# each seed: over three thousand tests, a third of a local `make test`. Locally they use the first
# five variants; CI (CI=true, set by .ci/run) and PMCJ_ALL_SEEDS=1 use all twenty.
ALL_SEEDS_WANTED = os.environ.get("PMCJ_ALL_SEEDS") == "1" or os.environ.get("CI", "").lower() in {
    "1",
    "true",
    "yes",
}
CHECK_SEEDS = VARIANT_SEEDS if ALL_SEEDS_WANTED else VARIANT_SEEDS[:5]


def generated(seed: int, tendencies: Tendencies | None = None) -> dict[str, pd.DataFrame]:
    """The data generated at ``seed`` (with other tendencies if given), read as the CSV files."""
    files = render(generate(seed, tendencies))
    return {
        name.removesuffix(".csv"): pd.read_csv(
            io.BytesIO(content), keep_default_na=False, na_values=[""]
        )
        for name, content in files.items()
    }


@cache
def _tables_for_seed(seed: int) -> dict[str, pd.DataFrame]:
    return generated(seed)


def tables_for_seed(seed: int) -> dict[str, pd.DataFrame]:
    """Every table of the data generated at ``seed``, read as a student would read the CSV files.

    Generated once per seed per test session; each caller gets its own copies to modify.
    """
    return {name: frame.copy() for name, frame in _tables_for_seed(seed).items()}


def lead_codings_with_roles(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return (
        t["codings"]
        .query("coder == 'A'")
        .merge(t["segments"][["segment_id", "speaker_id", "source_id"]], on="segment_id")
        .merge(
            t["participants"][["participant_id", "role"]],
            left_on="speaker_id",
            right_on="participant_id",
        )
        .merge(t["codes"][["code_id", "theme"]], on="code_id")
    )


def share_of_role_segments(
    t: dict[str, pd.DataFrame], *, theme: str | None = None, codes: list[str] | None = None
) -> pd.Series:
    """Share of each role's segments coded (by coder A) with the theme or any of the codes."""
    coded = lead_codings_with_roles(t)
    if theme:
        coded = coded[coded.theme == theme]
    if codes:
        coded = coded[coded.code_id.isin(codes)]
    segments = t["segments"].merge(
        t["participants"], left_on="speaker_id", right_on="participant_id"
    )
    return coded.groupby("role").segment_id.nunique() / segments.groupby("role").size()


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa for two 0/1 vectors (p_o - p_e) / (1 - p_e)."""
    p_o = np.mean(a == b)
    p_e = np.mean(a) * np.mean(b) + (1 - np.mean(a)) * (1 - np.mean(b))
    return float((p_o - p_e) / (1 - p_e)) if p_e < 1 else float("nan")


def unit_vectors(t: dict[str, pd.DataFrame]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each code, the 0/1 vectors of coders A and B over the double-coded segments."""
    units = t["segments"].loc[t["segments"].double_coded, "segment_id"]
    out = {}
    codings = t["codings"]
    for code in t["codes"].query("level == 'code'").code_id:
        by = {
            coder: set(codings[(codings.coder == coder) & (codings.code_id == code)].segment_id)
            for coder in ("A", "B")
        }
        out[code] = (units.isin(by["A"]).to_numpy(int), units.isin(by["B"]).to_numpy(int))
    return out


def retention_after_first_slip(t: dict[str, pd.DataFrame], weeks: int = 8) -> pd.Series:
    """Share still engaged `weeks` after their first slip-up, among mentees whose log could show it.

    A first slip-up in the last `weeks` weeks of a 30-week log cannot be followed for long enough,
    so those mentees are left out rather than counted as engaged.
    """
    last_week = 30
    rows = []
    for _, log in t["sessions"].sort_values("week").groupby("mentee_id"):
        slips = log[log.slip_up != "none"]
        if slips.empty:
            continue
        first = slips.iloc[0]
        if first.week > last_week - weeks:
            continue
        stopped = log[(~log.still_engaged) & (log.week <= first.week + weeks)]
        rows.append({"response": first.mentor_response, "engaged": stopped.empty})
    return pd.DataFrame(rows).groupby("response").engaged.mean()


def unpaid_emotional_share(t: dict[str, pd.DataFrame]) -> pd.Series:
    """Paid time covers reporting, then contact, then emotional support (the data card's rule)."""
    w = (
        t["workload"]
        .merge(t["participants"], left_on="mentor_id", right_on="participant_id")
        .merge(t["organisations"], on="organisation_id")
    )
    left_for_support = (w.paid_hours - w.reporting_hours - w.contact_hours).clip(lower=0)
    w["unpaid"] = (w.emotional_support_hours - left_for_support).clip(lower=0)
    sums = w.groupby("funding_model")[["unpaid", "emotional_support_hours"]].sum()
    return sums.unpaid / sums.emotional_support_hours


DEFAULTS = Tendencies()


def retention_curve_after_first_slip(t: dict[str, pd.DataFrame], weeks: int = 8) -> pd.DataFrame:
    """Share still engaged 0 to `weeks` weeks after the first slip-up, by the response to it.

    Counted mentee by mentee from their own rows: a mentee is still engaged `k` weeks after their
    first slip-up when their log has that week and says `still_engaged` in it. Only mentees whose
    first slip-up leaves room for `weeks` more weeks in the longest log are counted, as in
    :func:`retention_after_first_slip` (which gives the last point of this curve).
    """
    last_week = int(t["sessions"].week.max())
    started: dict[str, int] = {}
    engaged: dict[tuple[str, int], int] = {}
    for _, log in t["sessions"].sort_values("week").groupby("mentee_id"):
        slips = log[log.slip_up != "none"]
        if slips.empty or slips.week.iloc[0] > last_week - weeks:
            continue
        response, first = slips.mentor_response.iloc[0], int(slips.week.iloc[0])
        started[response] = started.get(response, 0) + 1
        in_contact = set(log.loc[log.still_engaged.astype(bool), "week"])
        for k in range(weeks + 1):
            engaged[(response, k)] = engaged.get((response, k), 0) + ((first + k) in in_contact)
    curve = pd.Series(engaged).unstack(0)
    return curve.div(pd.Series(started)).rename_axis(index="weeks_since", columns="response")
