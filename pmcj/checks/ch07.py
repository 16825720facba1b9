"""Self-checks for the exercises of Chapter 7 (values and core conditions).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the numbers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmcj.checks.feedback import (
    TOLERANCE,
    AnswerProblem,
    Feedback,
    as_proportions,
    as_series,
    compare_labels,
    guarded,
    kind_of,
)
from pmcj.data import load_all

CARE_CODES = ["caring", "listening"]
ROLE_ANSWER = "a pandas Series with one share per role (mentor, mentee, staff, focus_group)"
GOAL_ANSWER = (
    "a table with one row per funding model and one column per goal size (small, large), "
    "holding the share of those goals that were met"
)


def _tables(tables: dict[str, pd.DataFrame] | None) -> dict[str, pd.DataFrame]:
    return tables if tables is not None else load_all()


def role_segments(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return t["segments"].merge(
        t["participants"][["participant_id", "role"]],
        left_on="speaker_id",
        right_on="participant_id",
    )


def care_shares(
    t: dict[str, pd.DataFrame],
    coders: tuple[str, ...] = ("A",),
    unique: bool = True,
    denominator: str = "all",
) -> pd.Series:
    """Share of each role's segments coded caring or listening (the exercise's answer)."""
    segments = role_segments(t)
    codings = t["codings"][
        t["codings"].coder.isin(coders) & t["codings"].code_id.isin(CARE_CODES)
    ].merge(segments[["segment_id", "role"]], on="segment_id")
    if unique:
        counted = codings.groupby("role", observed=False).segment_id.nunique()
    else:
        counted = codings.groupby("role", observed=False).size()
    if denominator == "all":
        totals = segments.groupby("role", observed=False).size()
    else:  # a typical slip: every role's count divided by all segments in the study
        totals = len(segments)
    shares = counted / totals
    shares.index = shares.index.astype(str)
    return shares


@guarded(f"Give {ROLE_ANSWER}.")
def ex7_1(answer: Any = ..., tables: dict[str, pd.DataFrame] | None = None) -> Feedback:
    """Check the share of each role's segments coded caring or listening."""
    t = _tables(tables)
    given, are_shares = as_proportions(as_series(answer, ROLE_ANSWER))
    expected = care_shares(t)
    compare_labels(pd.Index(given.index), pd.Index(expected.index), "role")
    given = given[expected.index]
    if not are_shares:
        raise AnswerProblem(
            "Your values look like counts of segments. Divide each role's count by the number "
            "of segments that role speaks, to get a share."
        )
    if ((given - expected).abs() <= TOLERANCE).all():
        return Feedback(True, "Each share matches the synthetic data.")
    typical = {
        "counted codings, not segments: a segment coded both caring and listening was counted "
        "twice. Count each segment once (for example with `.nunique()`)": care_shares(
            t, unique=False
        ),
        "included coder B's codings. Use the lead coder's codings only (coder 'A')": care_shares(
            t, coders=("A", "B")
        ),
        "divided by all the segments in the study. Divide each role's count by the number of "
        "segments that role speaks": care_shares(t, denominator="study"),
    }
    for mistake, wrong in typical.items():
        if ((given - wrong[expected.index]).abs() <= TOLERANCE).all():
            return Feedback(False, f"It looks as if you {mistake}.")
    off = [role for role in expected.index if abs(given[role] - expected[role]) > TOLERANCE]
    return Feedback(
        False,
        f"The share for {', '.join(off)} is not right. Check that you kept the lead coder's "
        "codings of `caring` or `listening`, counted each segment once, and divided by all the "
        "segments each role speaks.",
    )


def goal_shares(t: dict[str, pd.DataFrame], per_goal: bool = True) -> pd.DataFrame:
    """Share of small and large goals met, by the mentee's organisation's funding model.

    With ``per_goal=False`` it makes a typical slip instead: goals met divided by all weeks.
    """
    sessions = (
        t["sessions"]
        .merge(
            t["participants"][["participant_id", "organisation_id"]],
            left_on="mentee_id",
            right_on="participant_id",
        )
        .merge(t["organisations"][["organisation_id", "funding_model"]], on="organisation_id")
    )
    sessions = sessions.assign(
        funding_model=sessions.funding_model.astype(str),
        goal_size=sessions.goal_size.astype(str),
        met=sessions.goal_met.astype("boolean").fillna(False).astype(float),
    )
    if per_goal:
        goals = sessions[sessions.goal_size != "none"]
        table = goals.groupby(["funding_model", "goal_size"]).met.mean().unstack()
    else:
        met = sessions.groupby(["funding_model", "goal_size"]).met.sum().unstack()
        table = met.div(sessions.groupby("funding_model").size(), axis=0)
    return table[["small", "large"]]


def as_goal_table(answer: Any) -> pd.DataFrame:
    if isinstance(answer, pd.Series) and isinstance(answer.index, pd.MultiIndex):
        answer = answer.unstack()
    if not isinstance(answer, pd.DataFrame):
        raise AnswerProblem(f"Your answer is {kind_of(answer)}; this task needs {GOAL_ANSWER}.")
    if answer.empty:
        raise AnswerProblem(f"Your answer is empty; this task needs {GOAL_ANSWER}.")
    columns = {str(c) for c in answer.columns}
    if {"funding_model", "goal_size"} <= columns:  # a long table
        value = [c for c in answer.columns if c not in ("funding_model", "goal_size")]
        if len(value) != 1:
            raise AnswerProblem(
                "A long table needs exactly one column of shares besides "
                "funding_model and goal_size."
            )
        answer = answer.pivot(index="funding_model", columns="goal_size", values=value[0])
    table = answer.copy()
    table.index = [str(i) for i in table.index]
    table.columns = [str(c) for c in table.columns]
    if "small" not in table.columns and "small" in table.index:
        table = table.T
    table = table.drop(columns=[c for c in ("none",) if c in table.columns])
    return table.apply(pd.to_numeric, errors="coerce").astype(float)


@guarded(f"Give {GOAL_ANSWER}.")
def ex7_2(answer: Any = ..., tables: dict[str, pd.DataFrame] | None = None) -> Feedback:
    """Check the share of small and large goals met, by funding model."""
    t = _tables(tables)
    expected = goal_shares(t)
    given = as_goal_table(answer)
    compare_labels(pd.Index(given.columns), pd.Index(expected.columns), "goal size")
    compare_labels(pd.Index(given.index), pd.Index(expected.index), "funding model")
    given = given.loc[expected.index, expected.columns]
    if given.isna().any().any():
        raise AnswerProblem("Some cells of your table are empty or are not numbers.")
    if (given > 1).any().any():
        given = given / 100
    if ((given - expected).abs() <= TOLERANCE).all().all():
        return Feedback(True, "Every share matches the synthetic contact logs.")
    wrong = goal_shares(t, per_goal=False)
    if ((given - wrong.loc[expected.index, expected.columns]).abs() <= TOLERANCE).all().all():
        return Feedback(
            False,
            "It looks as if you divided the goals met by all the weeks in the "
            "logs. Divide by the number of weeks with a goal of that size.",
        )
    return Feedback(
        False,
        "Some shares are not right. Link each week to its mentee's organisation (sessions -> "
        "participants -> organisations), keep the weeks with a small or large goal, and take the "
        "mean of `goal_met` for each funding model and goal size.",
    )
