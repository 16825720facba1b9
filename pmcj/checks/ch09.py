"""Self-checks for the exercises of Chapter 9 (the hidden power dynamics of peer mentoring).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the answer.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

Exercise 9.1 asks for the unpaid share of all mentors' emotional-support hours by funding model,
under the book's rule (paid hours cover reporting first, then contact, then emotional support);
exercise 9.2 asks for the share of each nation's focus-group segments that the lead coder coded
``tokenism_shame`` or ``precarity``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmcj.checks.feedback import Feedback, Fractions, Mistake, ShareTask, Tables, guarded
from pmcj.checks.tables import as_text, tables_or_loaded

UNPAID_ANSWER = (
    "a pandas Series with one share per funding model (grant, mixed, payment_by_results): the "
    "share of all mentors' emotional-support hours that their paid hours do not cover"
)
SHAME_ANSWER = (
    "a pandas Series with one share per nation (England, Scotland): the share of that nation's "
    "focus-group segments coded tokenism_shame or precarity by the lead coder"
)
MODELS = ("grant", "mixed", "payment_by_results")
EXCLUSION = ("tokenism_shame", "precarity")
INCLUSION = ("politicisation", "voice")


# --- ex9_1: the unpaid share of emotional support by funding model --------------------------------


def mentor_weeks(t: Tables) -> pd.DataFrame:
    """Each mentor-week with the mentor's paid status and funding model, as text."""
    people = t["participants"][["participant_id", "organisation_id", "mentor_paid_status"]]
    orgs = t["organisations"][["organisation_id", "funding_model"]]
    weeks = t["workload"].merge(people, left_on="mentor_id", right_on="participant_id")
    weeks = weeks.merge(orgs, on="organisation_id")
    weeks["funding_model"] = as_text(weeks.funding_model)
    weeks["mentor_paid_status"] = as_text(weeks.mentor_paid_status)
    return weeks


def unpaid_fractions(t: Tables, paid_only: bool = False, reporting_first: bool = True) -> Fractions:
    """Unpaid emotional-support hours over emotional-support hours, per funding model.

    The defaults make the exercise's answer; ``paid_only`` keeps the paid mentors (the chapter's
    table), and ``reporting_first=False`` lets paid hours cover contact and support only.
    """
    weeks = mentor_weeks(t)
    if paid_only:
        weeks = weeks[weeks.mentor_paid_status == "paid"]
    first = weeks.reporting_hours if reporting_first else 0
    left = (weeks.paid_hours - first - weeks.contact_hours).clip(lower=0)
    weeks = weeks.assign(unpaid=(weeks.emotional_support_hours - left).clip(lower=0))
    sums = weeks.groupby("funding_model")[["unpaid", "emotional_support_hours"]].sum()
    sums = sums.reindex(pd.Index(MODELS, name="funding_model"), fill_value=0.0)
    # Counted in half-hours, the diaries' unit, so that counts are whole numbers and an answer
    # given in hours instead of shares can be recognised.
    return Fractions(2 * sums.unpaid.astype(float), 2 * sums.emotional_support_hours.astype(float))


def paid_mentors_only(t: Tables) -> pd.Series:
    """The chapter's table: paid mentors only, leaving out volunteers."""
    return unpaid_fractions(t, paid_only=True).shares


def ignored_reporting(t: Tables) -> pd.Series:
    """Paid hours taken to cover contact and support, with reporting left out of the rule."""
    return unpaid_fractions(t, reporting_first=False).shares


def gave_paid_share(t: Tables) -> pd.Series:
    """The other side of the answer: the share of emotional support that paid hours cover."""
    return 1 - unpaid_fractions(t).shares


def unpaid_share_of_all_hours(t: Tables) -> pd.Series:
    """All hours beyond the paid ones over all hours worked, not emotional support alone."""
    weeks = mentor_weeks(t)
    worked = weeks.reporting_hours + weeks.contact_hours + weeks.emotional_support_hours
    weeks = weeks.assign(worked=worked, beyond=(worked - weeks.paid_hours).clip(lower=0))
    sums = weeks.groupby("funding_model")[["beyond", "worked"]].sum().reindex(list(MODELS))
    return (sums.beyond / sums.worked).rename_axis("funding_model")


# --- ex9_2: shame or precarity in each nation's focus groups --------------------------------------


def focus_group_segments(t: Tables) -> pd.DataFrame:
    """Each focus-group segment with its nation, as text."""
    sources = t["sources"][["source_id", "source_type", "organisation_id"]]
    spoken = t["segments"][["segment_id", "source_id"]].merge(sources, on="source_id")
    spoken = spoken.merge(t["organisations"][["organisation_id", "nation"]], on="organisation_id")
    spoken = spoken[as_text(spoken.source_type) == "focus_group"].copy()
    spoken["nation"] = as_text(spoken.nation)
    return spoken


def side_fractions(
    t: Tables, codes: tuple[str, ...] = EXCLUSION, denominator: str = "nation"
) -> Fractions:
    """Focus-group segments the lead coder coded with any of ``codes``, per nation.

    The defaults make the exercise's answer; ``denominator="all"`` divides by every focus-group
    segment in the study instead of the nation's.
    """
    spoken = focus_group_segments(t)
    codings = t["codings"]
    lead = codings[(as_text(codings.coder) == "A") & as_text(codings.code_id).isin(codes)]
    spoken["hit"] = spoken.segment_id.isin(lead.segment_id)
    nations = pd.Index(sorted(set(spoken.nation)), name="nation")
    counted = spoken.groupby("nation").hit.sum().reindex(nations, fill_value=0).astype(float)
    totals = spoken.groupby("nation").size().reindex(nations, fill_value=0).astype(float)
    if denominator == "all":
        totals = totals * 0 + float(len(spoken))
    return Fractions(counted, totals)


def gave_inclusion_side(t: Tables) -> pd.Series:
    """The other side of the tension: politicisation or voice."""
    return side_fractions(t, codes=INCLUSION).shares


def divided_by_all_groups(t: Tables) -> pd.Series:
    """Each nation's count over every focus-group segment in the study."""
    return side_fractions(t, denominator="all").shares


def tokenism_only(t: Tables) -> pd.Series:
    """Only ``tokenism_shame``, leaving out precarity."""
    return side_fractions(t, codes=("tokenism_shame",)).shares


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, ShareTask] = {
    "ex9_1": ShareTask(
        right=unpaid_fractions,
        what=UNPAID_ANSWER,
        nouns=("funding model",),
        correct=(
            "Each share matches the synthetic workload diaries under the book's rule. Compare them "
            "with the chapter's table for paid mentors: how much of the difference comes from "
            "volunteers?"
        ),
        counts_hint=(
            "Your values look like hours (or half-hours), not shares. Divide each funding model's "
            "unpaid "
            "emotional-support hours by all its emotional-support hours."
        ),
        wrong_hint=(
            "The share for {off} is not right. For each mentor-week, paid hours cover reporting, "
            "then contact, then emotional support (never below zero); add up the unpaid support "
            "and all the support in each funding model, and divide."
        ),
        mistakes=(
            Mistake(
                "paid mentors only",
                paid_mentors_only,
                "It looks as if you kept only the paid mentors, as the chapter's table does. The "
                "task asks for all mentors: volunteers' emotional support is all unpaid, and it "
                "counts too.",
            ),
            Mistake(
                "ignored reporting",
                ignored_reporting,
                "It looks as if your paid hours cover contact and emotional support but not "
                "reporting. Under the book's rule, paid hours cover reporting first: subtract the "
                "reporting hours as well as the contact hours.",
            ),
            Mistake(
                "gave the paid share",
                gave_paid_share,
                "It looks as if you gave the share of emotional support that paid hours cover. The "
                "task asks for the other side: the share left unpaid.",
            ),
            Mistake(
                "share of all hours",
                unpaid_share_of_all_hours,
                "It looks as if you divided all the hours beyond the paid ones by all the hours "
                "worked. The task asks only about emotional support: divide the unpaid "
                "emotional-support hours by the emotional-support hours.",
            ),
        ),
    ),
    "ex9_2": ShareTask(
        right=side_fractions,
        what=SHAME_ANSWER,
        nouns=("nation",),
        correct=(
            "Each share matches the synthetic focus groups. Before you compare the nations, look "
            "back at how many groups and organisations each share rests on."
        ),
        counts_hint=(
            "Your values look like counts of segments, not shares. Divide each nation's count by "
            "the number of focus-group segments in that nation."
        ),
        wrong_hint=(
            "The share for {off} is not right. Keep the focus-group segments, attach each one's "
            "nation through its source and organisation, mark those the lead coder (coder A) "
            "coded tokenism_shame or precarity (once each), and take the share in each nation."
        ),
        mistakes=(
            Mistake(
                "gave the inclusion side",
                gave_inclusion_side,
                "It looks as if you counted the inclusion side (politicisation or voice). The "
                "task asks for shame or precarity: the codes tokenism_shame and precarity.",
            ),
            Mistake(
                "divided by all focus-group segments",
                divided_by_all_groups,
                "It looks as if you divided by all the focus-group segments in the study. Divide "
                "each nation's count by the focus-group segments in that nation.",
            ),
            Mistake(
                "left out precarity",
                tokenism_only,
                "It looks as if you counted only tokenism_shame. The task asks for segments coded "
                "tokenism_shame or precarity.",
            ),
        ),
    ),
}


@guarded(f"Give {UNPAID_ANSWER}.")
def ex9_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the unpaid share of emotional-support hours in each funding model."""
    return TASKS["ex9_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {SHAME_ANSWER}.")
def ex9_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share of each nation's focus-group segments coded shame or precarity."""
    return TASKS["ex9_2"].check(answer, tables_or_loaded(tables))
