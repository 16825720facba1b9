"""Self-checks for the exercises of Chapter 7 (values and core conditions).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the numbers.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint). The
checks below only hand the answer to their task; ``tests/test_selfchecks.py`` reads the same
declarations, so a mistake added here is tested on every seed without new test code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pmcj.checks.feedback import (
    Feedback,
    Fractions,
    Mistake,
    ShareTask,
    Tables,
    guarded,
    shared,
)
from pmcj.checks.tables import tables_or_loaded

CARE_CODES = ["caring", "listening"]
GOAL_SIZES = ["small", "large"]
ROLE_ANSWER = "a pandas Series with one share per role (mentor, mentee, staff, focus_group)"
GOAL_ANSWER = (
    "a table with one row per funding model and one column per goal size (small, large), "
    "holding the share of those goals that were met"
)


# --- ex7_1: shares of each role's segments coded caring or listening ------------------------------


def role_segments(t: Tables) -> pd.DataFrame:
    """Every segment with its speaker's role (a join, as a student makes it; the checks use
    :func:`segment_roles`, which gives the same counts faster)."""
    return t["segments"].merge(
        t["participants"][["participant_id", "role"]],
        left_on="speaker_id",
        right_on="participant_id",
    )


def segment_roles(t: Tables) -> tuple[pd.Index, pd.Index, np.ndarray]:
    """The roles, the segment ids, and the position of each segment's speaker's role.

    A lookup and integer codes rather than a join and a groupby: the same counts, fast enough for
    a check that makes the right answer and four mistakes (and for tests that call it often).
    A segment whose speaker is not a participant has code -1 and is left out, as a join would.
    """

    def make() -> tuple[pd.Index, pd.Index, np.ndarray]:
        segments = t["segments"]
        role_of = t["participants"].set_index("participant_id")["role"]
        roles = pd.Categorical(segments.speaker_id.map(role_of))
        if not isinstance(role_of.dtype, pd.CategoricalDtype):  # as read from CSV: sort labels
            roles = roles.reorder_categories(sorted(roles.categories))
        labels = pd.Index(roles.categories.astype(str), name="role")
        return labels, pd.Index(segments.segment_id), np.asarray(roles.codes)

    return shared(t, "segment_roles", make)


def care_fractions(
    t: Tables,
    coders: tuple[str, ...] = ("A",),
    unique: bool = True,
    denominator: str = "all",
) -> Fractions:
    """Counts and totals behind the shares of each role's segments coded caring or listening.

    The defaults make the exercise's answer; the other arguments make its typical slips:
    ``unique=False`` counts codings (a segment coded both is counted twice), ``coders=("A", "B")``
    takes the second coder's codings too, ``denominator="study"`` divides every role's count by
    all the segments in the study.
    """
    labels, segment_ids, codes = segment_roles(t)
    codings = t["codings"]
    coded = codings[codings.coder.isin(coders) & codings.code_id.isin(CARE_CODES)].segment_id
    if unique:
        coded = coded.drop_duplicates()
    found = segment_ids.get_indexer(coded)
    coded_roles = codes[found[found >= 0]]
    counted = np.bincount(coded_roles[coded_roles >= 0], minlength=len(labels))
    totals = np.bincount(codes[codes >= 0], minlength=len(labels))
    if denominator != "all":
        totals = np.full(len(labels), totals.sum())
    return Fractions(
        pd.Series(counted, index=labels, dtype=float), pd.Series(totals, index=labels, dtype=float)
    )


def care_shares(
    t: Tables,
    coders: tuple[str, ...] = ("A",),
    unique: bool = True,
    denominator: str = "all",
) -> pd.Series:
    """Share of each role's segments coded caring or listening (the exercise's answer)."""
    return care_fractions(t, coders, unique, denominator).shares


def counted_codings(t: Tables) -> pd.Series:
    """``size()`` instead of ``nunique()``: a segment coded caring and listening counts twice."""
    return care_shares(t, unique=False)


def included_coder_b(t: Tables) -> pd.Series:
    """No filter on the coder: the second coder's codings of double-coded segments added."""
    return care_shares(t, coders=("A", "B"))


def included_coder_b_and_counted_codings(t: Tables) -> pd.Series:
    """Both slips at once: no coder filter, and ``size()`` counting every coding."""
    return care_shares(t, coders=("A", "B"), unique=False)


def divided_by_all_segments(t: Tables) -> pd.Series:
    """Each role's count over all the segments in the study, not over that role's segments."""
    return care_shares(t, denominator="study")


# --- ex7_2: share of small and large goals met, by funding model ----------------------------------


def goal_weeks(t: Tables) -> pd.DataFrame:
    """Every week of the contact logs with its mentee's funding model and 0/1 ``met``.

    Lookups rather than joins: the same rows (a week whose mentee has no organisation is left
    out, as a join would), at a fraction of the cost of two merges.
    """

    def make() -> pd.DataFrame:
        sessions = t["sessions"]
        organisation_of = t["participants"].set_index("participant_id").organisation_id
        model_of = t["organisations"].set_index("organisation_id").funding_model
        model = sessions.mentee_id.map(organisation_of).map(model_of)
        known = model.notna()
        return pd.DataFrame(
            {
                "funding_model": model[known].astype(str),
                "goal_size": sessions.goal_size[known].astype(str),
                "met": sessions.goal_met[known].astype("boolean").fillna(False).astype(float),
            }
        )

    return shared(t, "goal_weeks", make)


def goal_tallies(t: Tables) -> dict[str, pd.DataFrame | pd.Series]:
    """Goals met and goals set per funding model and goal size, and weeks per funding model.

    Counted with integer codes (one ``bincount`` each) rather than a groupby, for speed.
    """

    def make() -> dict[str, pd.DataFrame | pd.Series]:
        weeks = goal_weeks(t)
        models = pd.Index(sorted(weeks.funding_model.unique()), name="funding_model")
        sizes = pd.Index(GOAL_SIZES, name="goal_size")
        model = models.get_indexer(weeks.funding_model)
        size = sizes.get_indexer(weeks.goal_size)  # -1: a week without a goal
        goal = size >= 0
        cell = model[goal] * len(sizes) + size[goal]
        shape, n = (len(models), len(sizes)), len(models) * len(sizes)
        met = np.bincount(cell, weights=weeks.met.to_numpy()[goal], minlength=n)
        goals = np.bincount(cell, minlength=n).reshape(shape)
        return {
            "met": pd.DataFrame(met.reshape(shape), index=models, columns=sizes),
            "goal_size": pd.DataFrame(goals, index=models, columns=sizes, dtype=float),
            "any_goal": pd.Series(goals.sum(axis=1), index=models),
            "all_weeks": pd.Series(np.bincount(model, minlength=len(models)), index=models),
        }

    return shared(t, "goal_tallies", make)


def goal_fractions(t: Tables, denominator: str = "goal_size") -> Fractions:
    """Goals met over goals set, by funding model (rows) and goal size (columns).

    ``denominator`` names what the goals met are divided by: the weeks with a goal of that size
    (the exercise's answer), ``"any_goal"`` the weeks with any goal, ``"all_weeks"`` every week.
    """
    tallies = goal_tallies(t)
    counted = tallies["met"]
    totals = tallies[denominator]
    if isinstance(totals, pd.Series):  # one total per funding model, the same for both sizes
        totals = counted * 0 + totals.to_numpy(dtype=float)[:, None]
    return Fractions(counted, totals)


def goal_shares(t: Tables, per_goal: bool = True) -> pd.DataFrame:
    """Share of small and large goals met, by the mentee's organisation's funding model.

    With ``per_goal=False`` it makes a typical slip instead: goals met divided by all weeks.
    """
    return goal_fractions(t, "goal_size" if per_goal else "all_weeks").shares


def divided_by_all_weeks(t: Tables) -> pd.DataFrame:
    """Goals met over every week of the funding model, weeks without a goal included."""
    return goal_shares(t, per_goal=False)


def divided_by_weeks_with_any_goal(t: Tables) -> pd.DataFrame:
    """Weeks without a goal left out, but small and large goals pooled in the denominator."""
    return goal_fractions(t, "any_goal").shares


def swapped_goal_sizes(t: Tables) -> pd.DataFrame:
    """``unstack()`` puts goal sizes in alphabetical order; renaming them in order swaps them."""
    shares = goal_shares(t)
    swapped = shares[GOAL_SIZES[::-1]]
    swapped.columns = shares.columns
    return swapped


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, ShareTask] = {
    "ex7_1": ShareTask(
        right=care_fractions,
        what=ROLE_ANSWER,
        nouns=("role",),
        correct="Each share matches the synthetic data.",
        counts_hint=(
            "Your values look like counts of segments, not shares. Divide each role's count by "
            "the number of segments that role speaks."
        ),
        wrong_hint=(
            "The share for {off} is not right. Check that you kept the lead coder's codings of "
            "`caring` or `listening`, counted each segment once, and divided by all the segments "
            "each role speaks."
        ),
        mistakes=(
            Mistake(
                "counted codings, not segments",
                counted_codings,
                "It looks as if you counted codings, not segments: a segment coded both caring "
                "and listening was counted twice. Count each segment once (for example with "
                "`.nunique()`).",
            ),
            Mistake(
                "included coder B",
                included_coder_b,
                "It looks as if you included coder B's codings. Use the lead coder's codings "
                "only (coder 'A').",
            ),
            Mistake(
                "included coder B and counted codings",
                included_coder_b_and_counted_codings,
                "It looks as if you included coder B's codings and counted codings, not "
                "segments. Keep the lead coder's codings only (coder 'A') and count each segment "
                "once (for example with `.nunique()`).",
            ),
            Mistake(
                "divided by all the segments",
                divided_by_all_segments,
                "It looks as if you divided by all the segments in the study. Divide each role's "
                "count by the number of segments that role speaks.",
            ),
        ),
    ),
    "ex7_2": ShareTask(
        right=goal_fractions,
        what=GOAL_ANSWER,
        nouns=("funding model", "goal size"),
        ignore=("none",),
        label_format="{1} goals in {0}",
        correct="Every share matches the synthetic contact logs.",
        counts_hint=(
            "Your values look like counts of goals met, not shares. Divide by the number of "
            "weeks with a goal of that size in each funding model."
        ),
        wrong_hint=(
            "The shares for {off} are not right. Link each week to its mentee's organisation "
            "(sessions -> participants -> organisations), keep the weeks with a small or large "
            "goal, and take the mean of `goal_met` for each funding model and goal size."
        ),
        mistakes=(
            Mistake(
                "divided by all the weeks",
                divided_by_all_weeks,
                "It looks as if you divided the goals met by all the weeks in the logs. Divide "
                "by the number of weeks with a goal of that size.",
            ),
            Mistake(
                "pooled small and large goals",
                divided_by_weeks_with_any_goal,
                "It looks as if you divided the goals met by all the weeks with a goal, small "
                "and large together. Divide by the number of weeks with a goal of that size.",
            ),
            Mistake(
                "swapped small and large",
                swapped_goal_sizes,
                "It looks as if the small and large columns are swapped: `unstack()` puts the "
                "goal sizes in alphabetical order (large first). Select the columns by name, "
                "for example `[['small', 'large']]`, rather than renaming them in order.",
            ),
        ),
    ),
}


@guarded(f"Give {ROLE_ANSWER}.")
def ex7_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share of each role's segments coded caring or listening."""
    return TASKS["ex7_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {GOAL_ANSWER}.")
def ex7_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share of small and large goals met, by funding model."""
    return TASKS["ex7_2"].check(answer, tables_or_loaded(tables))
