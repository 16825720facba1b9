"""Self-checks for the exercises of Chapter 8 (the terror, complexity and limits of change).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the answer.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

Both tasks ask for the share of mentees still engaged eight weeks after their first slip-up. A
mentee counts only if their log could show those eight weeks: a first slip-up in the last eight
weeks of the longest log cannot be followed that far, whatever happens, so it is left out rather
than counted as engaged. Exercise 8.1 gives the share by the mentor's response to the first
slip-up (one share per response); exercise 8.2 splits it by the funding model of the mentee's
organisation as well (a table, funding models in rows and responses in columns).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pmcj.checks.feedback import (
    AnswerProblem,
    Feedback,
    Fractions,
    Mistake,
    ShareTask,
    Tables,
    guarded,
    shared,
)
from pmcj.checks.tables import as_flag, as_text, funding_models, funding_of_person, tables_or_loaded

FOLLOW_WEEKS = 8
"""How long after the first slip-up the exercises look: eight weeks, as the chapter's curve does."""

RESPONSES = pd.Index(["tolerant", "escalating"], name="mentor_response")
RESPONSE_ANSWER = (
    "a pandas Series with one share per response to the first slip-up (tolerant, escalating): "
    "the share of mentees still engaged eight weeks after it"
)
TABLE_ANSWER = (
    "a table with one row per funding model and one column per response to the first slip-up "
    "(tolerant, escalating), holding the share of those mentees still engaged eight weeks after it"
)


# --- one row per slip-up, with what happened to its mentee's log ----------------------------------


def slip_table(t: Tables) -> pd.DataFrame:
    """Every slip-up: its mentee, week and response (as text), whether it is the mentee's first,
    the last week of the mentee's log, whether the mentee stopped engaging then, and the funding
    model of the mentee's organisation.

    Works on the loader's tables (categories, booleans) and on tables read from the CSV files.
    """

    def make() -> pd.DataFrame:
        sessions = t["sessions"]
        weeks = pd.DataFrame(
            {
                "mentee_id": as_text(sessions.mentee_id).to_numpy(),
                "week": sessions.week.to_numpy(dtype=int),
                "engaged": as_flag(sessions.still_engaged).to_numpy(),
                "slip": (as_text(sessions.slip_up).str.strip() != "none").to_numpy(),
                "response": as_text(sessions.mentor_response).str.strip().to_numpy(),
            }
        ).sort_values(["mentee_id", "week"], kind="stable")
        ends = weeks.groupby("mentee_id").agg(last_week=("week", "max"), end=("engaged", "last"))
        slips = weeks[weeks.slip].join(ends, on="mentee_id")
        slips["first"] = ~slips.duplicated("mentee_id")
        slips["stopped"] = ~slips.end.astype(bool)
        slips["funding_model"] = slips.mentee_id.map(funding_of_person(t))
        return slips[slips.funding_model.notna()].drop(columns=["slip", "engaged", "end"])

    return shared(t, "slip_table", make)


def longest_log(t: Tables) -> int:
    """The number of weeks the longest contact log runs (30 in the book's design)."""
    return int(t["sessions"].week.max())


def engaged_after(slips: pd.DataFrame, weeks: int) -> pd.Series:
    """Whether each slip-up's mentee was still engaged ``weeks`` weeks after it.

    A log ends early only in the week a mentee stops engaging, so the mentee is still engaged
    then if their log runs past that week, or ends in it without their stopping. For a slip-up too
    late to follow, this is whether the mentee was still in contact at the end of their log.
    """
    return (slips.week + weeks < slips.last_week) | ~slips.stopped


def retention_rows(t: Tables, every: bool = False, late: bool = False) -> pd.DataFrame:
    """The slip-ups the shares are taken over: each mentee's first (or ``every`` slip-up), and only
    those that can be followed for eight weeks (unless ``late``)."""
    slips = slip_table(t)
    if not every:
        slips = slips[slips["first"]]
    if not late:
        slips = slips[slips.week <= longest_log(t) - FOLLOW_WEEKS]
    return slips


def _by_response(values: pd.Series, rows: pd.DataFrame) -> pd.Series:
    summed = values.groupby(rows.response.to_numpy()).sum()
    return summed.reindex(RESPONSES, fill_value=0).astype(float).rename_axis(RESPONSES.name)


def _by_model_and_response(values: pd.Series, rows: pd.DataFrame, t: Tables) -> pd.DataFrame:
    summed = values.groupby([rows.funding_model.to_numpy(), rows.response.to_numpy()]).sum()
    table = summed.unstack(fill_value=0) if len(summed) else pd.DataFrame()
    table = table.reindex(index=funding_models(t), columns=RESPONSES, fill_value=0)
    return table.astype(float)


# --- ex8_1: still engaged eight weeks after a first slip-up, by the mentor's response ------------


def retention_fractions(
    t: Tables, every: bool = False, late: bool = False, weeks: int = FOLLOW_WEEKS
) -> Fractions:
    """Mentees still engaged ``weeks`` after their first slip-up, over the mentees followed, by
    the response to that slip-up (the exercise's answer with the defaults).

    ``every=True`` follows every slip-up instead of each mentee's first; ``late=True`` keeps the
    first slip-ups too late to follow; ``weeks`` looks that many weeks after the slip-up.
    """
    rows = retention_rows(t, every=every, late=late)
    engaged = engaged_after(rows, weeks).astype(float)
    return Fractions(_by_response(engaged, rows), _by_response(engaged * 0 + 1, rows))


def kept_late_slip_ups(t: Tables) -> pd.Series:
    """First slip-ups in the log's last eight weeks kept, counted as engaged if in contact at the
    end of the log."""
    return retention_fractions(t, late=True).shares


def followed_every_slip_up(t: Tables) -> pd.Series:
    """Every slip-up followed for eight weeks, by its own response, not each mentee's first."""
    return retention_fractions(t, every=True).shares


def gave_share_who_stopped(t: Tables) -> pd.Series:
    """The other side of the answer: the share who had stopped within eight weeks."""
    return 1 - retention_fractions(t).shares


def read_week_eight_of_the_log(t: Tables) -> pd.Series:
    """Engagement read in week 8 of each mentee's log, not eight weeks after the slip-up."""
    rows = retention_rows(t)
    engaged = ((rows.last_week > FOLLOW_WEEKS) | ~rows.stopped).astype(float)
    return Fractions(_by_response(engaged, rows), _by_response(engaged * 0 + 1, rows)).shares


# --- ex8_2: the same share, by funding model and response ----------------------------------------


def model_retention_fractions(
    t: Tables, late: bool = False, denominator: str = "cell"
) -> Fractions:
    """Mentees still engaged eight weeks after their first slip-up, over the mentees followed, by
    funding model (rows) and response (columns): the exercise's answer with the defaults.

    ``late=True`` keeps the first slip-ups too late to follow; ``denominator="model"`` divides
    each cell by all the mentees followed in its funding model, whatever the response.
    """
    rows = retention_rows(t, late=late)
    engaged = engaged_after(rows, FOLLOW_WEEKS).astype(float)
    counted = _by_model_and_response(engaged, rows, t)
    totals = _by_model_and_response(engaged * 0 + 1, rows, t)
    if denominator == "model":
        totals = counted * 0 + totals.sum(axis=1).to_numpy()[:, None]
    return Fractions(counted, totals)


def model_kept_late_slip_ups(t: Tables) -> pd.DataFrame:
    """Late first slip-ups kept, in the table by funding model and response."""
    return model_retention_fractions(t, late=True).shares


def model_gave_share_who_stopped(t: Tables) -> pd.DataFrame:
    """The share who had stopped within eight weeks, in each cell."""
    return 1 - model_retention_fractions(t).shares


def divided_by_the_funding_model(t: Tables) -> pd.DataFrame:
    """Each cell's mentees still engaged over all the mentees followed in its funding model."""
    return model_retention_fractions(t, denominator="model").shares


def cell_sizes(t: Tables) -> pd.DataFrame:
    """How many mentees each cell of exercise 8.2 rests on (for the worked solution's reading)."""
    return model_retention_fractions(t).totals.astype(int)


# --- the declarations and the checks --------------------------------------------------------------

LATE_HINT = (
    "It looks as if you kept the mentees whose first slip-up came in the last eight weeks of the "
    "log, counting them as engaged if they were in contact at the end. Their log ends before "
    "eight weeks have passed, so it cannot show the answer: keep only first slip-ups in or "
    "before the week eight weeks before the longest log's last week."
)
STOPPED_HINT = (
    "It looks as if you gave the share who had stopped engaging. The task asks for the other "
    "side: the share still engaged eight weeks after the first slip-up."
)

TASKS: dict[str, ShareTask] = {
    "ex8_1": ShareTask(
        right=retention_fractions,
        what=RESPONSE_ANSWER,
        nouns=("response",),
        ignore=("none",),
        correct=(
            "Each share matches the synthetic contact logs. Before you compare them, count how "
            "many mentees each one rests on."
        ),
        counts_hint=(
            "Your values look like counts of mentees, not shares. Divide each response's count "
            "by the number of mentees followed whose first slip-up met that response."
        ),
        wrong_hint=(
            "The share for {off} is not right. For each mentee, find their first slip-up (its "
            "week and the mentor's response); keep the mentees whose first slip-up can be "
            "followed for eight weeks; and say whether they were still engaged eight weeks "
            "later (a log that ends earlier ended because the mentee stopped)."
        ),
        mistakes=(
            Mistake(
                "followed every slip-up",
                followed_every_slip_up,
                "It looks as if you followed every slip-up, not each mentee's first. Keep one row "
                "per mentee, their first slip-up (sort by week, then `drop_duplicates` on "
                "`mentee_id`), and group by the response to it.",
            ),
            Mistake("gave the share who stopped", gave_share_who_stopped, STOPPED_HINT),
            Mistake(
                "read week 8 of the log",
                read_week_eight_of_the_log,
                "It looks as if you read engagement in week 8 of each log. Count the eight weeks "
                "from each mentee's first slip-up: the week to look at is the slip-up's week "
                "plus eight.",
            ),
        ),
    ),
    "ex8_2": ShareTask(
        right=model_retention_fractions,
        what=TABLE_ANSWER,
        nouns=("funding model", "response"),
        ignore=("none",),
        label_format="{1} in {0}",
        correct=(
            "Every share matches the synthetic contact logs. Now count the mentees behind each "
            "cell before you read the table."
        ),
        counts_hint=(
            "Your values look like counts of mentees, not shares. Divide each cell's count by the "
            "number of mentees followed in that funding model whose first slip-up met that "
            "response."
        ),
        wrong_hint=(
            "The shares for {off} are not right. Start from the mentees of exercise 8.1 (one row "
            "per mentee, first slip-ups that can be followed for eight weeks), attach each "
            "mentee's funding model (participants -> organisations), and take the share still "
            "engaged for each funding model and response."
        ),
        mistakes=(
            Mistake("gave the share who stopped", model_gave_share_who_stopped, STOPPED_HINT),
            Mistake(
                "divided by the funding model's mentees",
                divided_by_the_funding_model,
                "It looks as if you divided each cell by all the mentees followed in its funding "
                "model. Divide by the mentees in that funding model whose first slip-up met that "
                "response, so each cell is a share of its own group.",
            ),
        ),
    ),
}


LATE_SLIPS = {"ex8_1": kept_late_slip_ups, "ex8_2": model_kept_late_slip_ups}
"""The answer a student gets by keeping the first slip-ups too late to follow, for each task.

This slip cannot be declared as a :class:`Mistake`: it adds only the few mentees whose first
slip-up falls in the log's last eight weeks (none at all on some seeds), so it can move a share by
less than the task's tolerance, and a tolerance wide enough for counting slips would then accept
it. The checks therefore look for it exactly (:func:`kept_late`) before the task compares the
answer; ``tests/test_case_timelines.py`` tests it on every seed.
"""


def kept_late(name: str, answer: Any, tables: Tables) -> bool:
    """Whether the answer is exactly the late-slip-ups answer, where that differs from the right
    one (read as proportions or as percentages, with the task's reading of labels and shapes)."""
    task = TASKS[name]
    right = task.right(tables).shares
    late = LATE_SLIPS[name](tables)
    late = (
        late.reindex_like(right) if isinstance(right, pd.DataFrame) else late.reindex(right.index)
    )
    target, slipped = np.asarray(right, dtype=float), np.asarray(late, dtype=float)
    there = np.isfinite(target) & np.isfinite(slipped)
    if np.allclose(target[there], slipped[there], rtol=0, atol=1e-9):
        return False  # no first slip-up is too late to follow: nothing to tell apart
    try:
        given = np.asarray(task.read(answer, right), dtype=float)
    except AnswerProblem:
        return False
    return any(
        np.isfinite(given[there]).all()
        and np.allclose(given[there] / scale, slipped[there], rtol=0, atol=1e-9)
        for scale in (1.0, 100.0)
    )


def _check(name: str, answer: Any, tables: Tables) -> Feedback:
    if kept_late(name, answer, tables):
        return Feedback(False, LATE_HINT)
    return TASKS[name].check(answer, tables)


@guarded(f"Give {RESPONSE_ANSWER}.")
def ex8_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share still engaged eight weeks after a first slip-up, by the response."""
    return _check("ex8_1", answer, tables_or_loaded(tables))


@guarded(f"Give {TABLE_ANSWER}.")
def ex8_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share still engaged eight weeks after a first slip-up, by funding and response."""
    return _check("ex8_2", answer, tables_or_loaded(tables))
