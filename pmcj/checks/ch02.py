"""Self-checks for the exercises of Chapter 2 (the penal voluntary sector and desistance).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the answer.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

Exercise 2.1 counts volunteer mentors by their organisation's funding model (a count, one per
funding model); exercise 2.2 compares funding models by the share of their mentees still in
contact at the end of their contact log (a share, one per funding model).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmcj.checks.feedback import (
    CountTask,
    Feedback,
    Fractions,
    Mistake,
    ShareTask,
    Tables,
    guarded,
    shared,
)
from pmcj.checks.tables import as_flag, as_text, funding_models, funding_of_person, tables_or_loaded

VOLUNTEER_ANSWER = (
    "a pandas Series with one count per funding model (grant, mixed, payment_by_results): the "
    "number of volunteer mentors"
)
CONTACT_ANSWER = (
    "a pandas Series with one share per funding model (grant, mixed, payment_by_results): the "
    "share of mentees still in contact at the end of their contact log"
)


def _per_model(values: pd.Series, t: Tables) -> pd.Series:
    """Counts of funding-model labels, one per funding model (zero where there are none)."""
    counts = values.value_counts().reindex(funding_models(t), fill_value=0)
    return counts.rename_axis("funding_model").astype(int)


# --- ex2_1: volunteer mentors by funding model ----------------------------------------------------


def mentors_by_model(t: Tables, status: str | None) -> pd.Series:
    """Mentors per funding model: volunteers (the answer), paid, or all (``status=None``)."""
    people = t["participants"]
    keep = as_text(people.role) == "mentor"
    if status is not None:
        keep &= as_text(people.mentor_paid_status) == status
    ids = people.participant_id[keep]
    return _per_model(ids.map(funding_of_person(t)), t)


def volunteer_mentors(t: Tables) -> pd.Series:
    """How many volunteer mentors each funding model has (the exercise's answer)."""
    return mentors_by_model(t, "volunteer")


def counted_every_mentor(t: Tables) -> pd.Series:
    """No filter on paid status: paid and volunteer mentors together."""
    return mentors_by_model(t, None)


def counted_paid_mentors(t: Tables) -> pd.Series:
    """The filter on paid status turned the wrong way: paid mentors."""
    return mentors_by_model(t, "paid")


def counted_organisations(t: Tables) -> pd.Series:
    """``value_counts()`` of the organisations table: organisations, not mentors."""
    return _per_model(as_text(t["organisations"].funding_model), t)


# --- ex2_2: the share of mentees still in contact at the end of their log, by funding model -----


def mentee_logs(t: Tables) -> pd.DataFrame:
    """One row per mentee with a log: funding model, weeks logged, weeks in contact, and whether
    they were still in contact at the end of their log (their last week says so)."""

    def make() -> pd.DataFrame:
        sessions = t["sessions"]
        weeks = pd.DataFrame(
            {
                "mentee_id": as_text(sessions.mentee_id).to_numpy(),
                "week": sessions.week.to_numpy(),
                "engaged": as_flag(sessions.still_engaged).to_numpy(),
            }
        ).sort_values(["mentee_id", "week"])
        per = weeks.groupby("mentee_id").agg(
            weeks=("week", "size"),
            engaged_weeks=("engaged", "sum"),
            at_end=("engaged", "last"),
        )
        per["funding_model"] = per.index.map(funding_of_person(t))
        return per[per.funding_model.notna()]

    return shared(t, "mentee_logs", make)


def contact_fractions(t: Tables, unit: str = "mentee", denominator: str = "model") -> Fractions:
    """Counts and totals behind the share still in contact at the end of the log.

    The defaults make the exercise's answer (mentees still in contact over the mentees of each
    funding model); ``unit="week"`` counts weeks in contact over weeks logged, and
    ``denominator="study"`` divides by all the mentees in the study.
    """
    logs = mentee_logs(t)
    models = funding_models(t)
    by = logs.groupby("funding_model")
    if unit == "week":
        counted = by.engaged_weeks.sum()
        totals = by.weeks.sum()
    else:
        counted = by.at_end.sum()
        totals = by.size()
    counted = counted.reindex(models, fill_value=0).astype(float)
    totals = totals.reindex(models, fill_value=0).astype(float)
    if denominator == "study":
        totals = totals * 0 + float(len(logs))
    return Fractions(counted, totals)


def counted_weeks(t: Tables) -> pd.Series:
    """Every week of the logs counted: the share of weeks in contact, not of mentees."""
    return contact_fractions(t, unit="week").shares


def divided_by_all_mentees(t: Tables) -> pd.Series:
    """Each funding model's mentees still in contact over all the mentees in the study."""
    return contact_fractions(t, denominator="study").shares


def gave_share_who_stopped(t: Tables) -> pd.Series:
    """The other side of the answer: the share of mentees who stopped engaging."""
    return 1 - contact_fractions(t).shares


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, CountTask | ShareTask] = {
    "ex2_1": CountTask(
        right=volunteer_mentors,
        what=VOLUNTEER_ANSWER,
        nouns=("funding model",),
        correct=(
            "Each count matches the synthetic participants table. Compare them with the "
            "organisations' volunteer posts: in this fictional study every post is filled."
        ),
        shares_hint=(
            "Your values are not whole numbers of people: they look like shares or percentages. "
            "This task asks for counts, the number of volunteer mentors in each funding model."
        ),
        wrong_hint=(
            "Not every count is right (look again at {off}). Join each participant to their "
            "organisation's funding model, keep the mentors whose paid status is 'volunteer', "
            "and count them in each funding model."
        ),
        mistakes=(
            Mistake(
                "counted every mentor",
                counted_every_mentor,
                "It looks as if you counted every mentor, paid and volunteer. Keep only the "
                "mentors whose `mentor_paid_status` is 'volunteer'.",
            ),
            Mistake(
                "counted paid mentors",
                counted_paid_mentors,
                "It looks as if you counted the paid mentors. The task asks for the volunteers: "
                "keep the mentors whose `mentor_paid_status` is 'volunteer'.",
            ),
            Mistake(
                "counted organisations",
                counted_organisations,
                "It looks as if you counted organisations, not mentors: the organisations table "
                "has one row per organisation. Count people in the participants table (or add "
                "up the organisations' volunteer posts).",
            ),
        ),
    ),
    "ex2_2": ShareTask(
        right=contact_fractions,
        what=CONTACT_ANSWER,
        nouns=("funding model",),
        correct=(
            "Each share matches the synthetic contact logs. Before you compare them, look back at "
            "how many mentees each share rests on."
        ),
        counts_hint=(
            "Your values look like counts of mentees, not shares. Divide each funding model's "
            "count by the number of mentees in that funding model."
        ),
        wrong_hint=(
            "The share for {off} is not right. Take each mentee's last week in the log, say "
            "whether they were still in contact then (`still_engaged`), and take the share of "
            "mentees in each funding model who were."
        ),
        mistakes=(
            Mistake(
                "counted weeks, not mentees",
                counted_weeks,
                "It looks as if you counted weeks, not mentees: the share of all logged weeks "
                "in which the mentee was still in contact. Take one row per mentee (their last "
                "week) before you count.",
            ),
            Mistake(
                "divided by all the mentees",
                divided_by_all_mentees,
                "It looks as if you divided by all the mentees in the study. Divide each funding "
                "model's count by the number of mentees in that funding model.",
            ),
            Mistake(
                "gave the share who stopped",
                gave_share_who_stopped,
                "It looks as if you gave the share of mentees who stopped engaging. The task asks "
                "for the other side: the share still in contact at the end of their log.",
            ),
        ),
    ),
}


@guarded(f"Give {VOLUNTEER_ANSWER}.")
def ex2_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the number of volunteer mentors in each funding model."""
    return TASKS["ex2_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {CONTACT_ANSWER}.")
def ex2_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share of each funding model's mentees still in contact at the end of their log."""
    return TASKS["ex2_2"].check(answer, tables_or_loaded(tables))
