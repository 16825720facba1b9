"""Self-checks for the exercises of Chapter 4 (the research field: coding and coder agreement).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the numbers.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

The right answers use the functions the chapter prints (``pmcj/agreement.py``), which are tested
against scikit-learn and the ``krippendorff`` package. The mistakes are the slips students make
when they build the units themselves: using every segment rather than the double-coded ones,
leaving out the segments neither coder gave the code, offering percentage agreement as kappa.

Exercise 4.3 asks students to resolve one disagreement with the codebook. The segment is chosen
from the data by :func:`segment_to_resolve`, so that every class variant has one.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmcj.agreement import cohen_kappa, unit_table
from pmcj.checks.feedback import (
    Feedback,
    Fractions,
    Mistake,
    ShareTask,
    Tables,
    ValueTask,
    guarded,
    shared,
)
from pmcj.checks.tables import as_text, tables_or_loaded

VALUES_CODES = [
    "caring",
    "listening",
    "small_steps",
    "slip_tolerance",
    "non_judgement",
    "trust",
    "hope",
]
OTHER_CODES = (
    "been_there",
    "giving_back",
    "role_model",
    "new_identity",
    "stigma",
    "self_direction",
    "dialogue",
    "acknowledgement",
    "practical_action",
    "voice",
    "fear_of_change",
    "complexity",
    "setback",
    "structural_barriers",
    "mediated_change",
    "non_linear",
    "emotional_toil",
    "low_pay",
    "targets",
    "professionalisation",
    "politicisation",
    "boundaries",
    "tokenism_shame",
    "precarity",
    "service_contrast",
)
"""The codebook's other codes: an answer may carry them (all codes computed at once); the check
leaves them out silently. ``tests/test_agreement.py`` checks this list against the codebook."""

KAPPA_CODE = "trust"
READABLE_WORDS = (20, 60)
"""Length of the segment exercise 4.3 prefers: long enough to argue over, short enough to read."""

AGREEMENT_ANSWER = (
    "a pandas Series with one percentage agreement per code of the values theme (caring, "
    "listening, small_steps, slip_tolerance, non_judgement, trust, hope)"
)
KAPPA_ANSWER = "one number: Cohen's kappa for the code trust, unrounded"


# --- the units, right and as the slips make them --------------------------------------------------


def units(t: Tables) -> pd.DataFrame:
    """The chapter's unit table: every double-coded segment and code, A and B as 0 or 1."""
    return shared(t, "units", lambda: unit_table(t))


def units_over(t: Tables, segment_ids: pd.Series) -> pd.DataFrame:
    """The same table over other segments (the slips): A and B as 0 or 1 for every code."""
    codings = t["codings"]
    code_ids = as_text(t["codes"].loc[as_text(t["codes"]["level"]) == "code", "code_id"])
    grid = pd.MultiIndex.from_product(
        [pd.Index(as_text(segment_ids)).unique(), code_ids], names=["segment_id", "code_id"]
    )
    table = pd.DataFrame(index=grid)
    for coder in ("A", "B"):
        mine = codings[as_text(codings["coder"]) == coder]
        applied = pd.MultiIndex.from_arrays([as_text(mine["segment_id"]), as_text(mine["code_id"])])
        table[coder] = grid.isin(applied).astype(int)
    return table


def every_segment_units(t: Tables) -> pd.DataFrame:
    """Every segment, double-coded or not: coder B's blanks outside the sample read as 'no'."""
    return shared(t, "every_segment", lambda: units_over(t, t["segments"]["segment_id"]))


def coded_by_b_units(t: Tables) -> pd.DataFrame:
    """Only the segments coder B gave some code: double-coded segments B left blank are lost."""

    def make() -> pd.DataFrame:
        codings = t["codings"]
        return units_over(t, codings.loc[as_text(codings["coder"]) == "B", "segment_id"])

    return shared(t, "coded_by_b", make)


def code_rows(table: pd.DataFrame, code: str) -> pd.DataFrame:
    return table.xs(code, level="code_id")


def tally(table: pd.DataFrame) -> pd.DataFrame:
    """Per code: units, agreements, and the segments coded by both, by A only and by B only."""
    a, b = table["A"], table["B"]
    frame = pd.DataFrame(
        {
            "units": 1,
            "agree": (a == b).astype(int),
            "both": (a & b).astype(int),
            "a_only": (a & (1 - b)).astype(int),
            "b_only": ((1 - a) & b).astype(int),
        },
        index=table.index,
    )
    counts = frame.groupby(level="code_id", sort=False).sum()
    return counts.reindex(VALUES_CODES)


# --- ex4_1: percentage agreement per code of the values theme -------------------------------------


def agreement_fractions(t: Tables) -> Fractions:
    """Agreeing units over all double-coded segments, per values code (the exercise's answer)."""
    counts = tally(units(t))
    index = pd.Index(VALUES_CODES, name="code_id")
    return Fractions(
        pd.Series(counts["agree"].to_numpy(dtype=float), index=index),
        pd.Series(counts["units"].to_numpy(dtype=float), index=index),
    )


def over_every_segment(t: Tables) -> pd.Series:
    """Agreement over every segment in the study, not only the double-coded ones."""
    counts = tally(every_segment_units(t))
    return counts["agree"] / counts["units"]


def left_out_empty_segments(t: Tables) -> pd.Series:
    """Agreement over the segments at least one coder gave the code (the empty cells dropped)."""
    counts = tally(units(t))
    return counts["both"] / (counts["both"] + counts["a_only"] + counts["b_only"])


def only_lead_coders_segments(t: Tables) -> pd.Series:
    """The share of the lead coder's segments with the code that coder B also gave it."""
    counts = tally(units(t))
    return counts["both"] / (counts["both"] + counts["a_only"])


# --- ex4_2: Cohen's kappa for one code ------------------------------------------------------------


def kappa_of(table: pd.DataFrame, code: str = KAPPA_CODE) -> float:
    rows = code_rows(table, code)
    return cohen_kappa(rows["A"], rows["B"])


def trust_kappa(t: Tables) -> float:
    """Cohen's kappa for trust over the double-coded segments (the exercise's answer)."""
    return kappa_of(units(t))


def gave_percentage_agreement(t: Tables) -> float:
    """The percentage agreement for trust, as a proportion, offered as its kappa."""
    rows = code_rows(units(t), KAPPA_CODE)
    return float((rows["A"] == rows["B"]).mean())


def kappa_over_every_segment(t: Tables) -> float:
    """Kappa over every segment: coder B's blanks outside the sample counted as 'not trust'."""
    return kappa_of(every_segment_units(t))


def kappa_over_segments_b_coded(t: Tables) -> float:
    """Kappa over the segments coder B coded at all, losing the double-coded ones B left blank."""
    return kappa_of(coded_by_b_units(t))


def kappa_without_empty_segments(t: Tables) -> float:
    """Kappa over the segments at least one coder coded trust: no 'neither' cell left."""
    rows = code_rows(units(t), KAPPA_CODE)
    rows = rows[(rows["A"] == 1) | (rows["B"] == 1)]
    return cohen_kappa(rows["A"], rows["B"])


def chance_from_yes_only(t: Tables) -> float:
    """Chance agreement counted only for both coders applying the code, not for both leaving it."""
    rows = code_rows(units(t), KAPPA_CODE)
    p_o = (rows["A"] == rows["B"]).mean()
    p_e = rows["A"].mean() * rows["B"].mean()
    return float((p_o - p_e) / (1 - p_e))


# --- ex4_3: the disagreement to resolve -----------------------------------------------------------


def segment_to_resolve(tables: Tables | None = None) -> str:
    """The id of the segment exercise 4.3 asks students to resolve (the same on every call).

    A double-coded segment on which exactly one coder applied ``trust``. In order of preference,
    the first (by id) where the other coder gave a code instead that the first did not (so the
    coders chose between neighbouring codes), spoken by a mentor or mentee in an interview and 20
    to 60 words long; then any such segment; then any disagreement on trust; failing all of those,
    any disagreement on any code.
    """
    t = tables_or_loaded(tables)

    def make() -> str:
        table = units(t)
        split = table[table["A"] != table["B"]]
        on_trust = split.xs(KAPPA_CODE, level="code_id").index
        if not len(on_trust):
            return str(split.index.get_level_values("segment_id").min())
        # Segments where the coder who left trust out applied a code the other coder did not.
        trust_rows = split.xs(KAPPA_CODE, level="code_id")
        without = trust_rows["A"].map({1: "B", 0: "A"})  # the coder who left trust out
        others = split.reset_index()
        others = others[others["code_id"] != KAPPA_CODE]
        instead_of = {
            segment
            for segment, coder in without.items()
            if ((others["segment_id"] == segment) & (others[coder] == 1)).any()
        }
        segments = t["segments"].assign(segment_id=lambda d: as_text(d["segment_id"]))
        segments = segments.set_index("segment_id").loc[list(on_trust)]
        role_of = t["participants"].set_index("participant_id")["role"]
        type_of = t["sources"].set_index("source_id")["source_type"]
        low, high = READABLE_WORDS
        readable = (
            as_text(segments["speaker_id"].map(role_of)).isin(["mentor", "mentee"])
            & (as_text(segments["source_id"].map(type_of)) == "interview")
            & segments["word_count"].between(low, high)
        )
        instead = segments.index.isin(sorted(instead_of))
        for keep in (instead & readable.to_numpy(), instead):
            if keep.any():
                return str(segments.index[keep].min())
        return str(segments.index.min())

    return shared(t, "segment_to_resolve", make)


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, ShareTask | ValueTask] = {
    "ex4_1": ShareTask(
        right=agreement_fractions,
        what=AGREEMENT_ANSWER,
        nouns=("code",),
        ignore=OTHER_CODES,
        correct=(
            "Each percentage agreement matches the synthetic double-coded sample. Notice how close "
            "to 100% they all are, even for the codes the coders found hardest."
        ),
        counts_hint=(
            "Your values look like counts of segments, not shares. Divide each code's number of "
            "agreeing segments by the number of double-coded segments."
        ),
        wrong_hint=(
            "The percentage agreement for {off} is not right. Keep the double-coded segments only, "
            "build a 0/1 column for each coder for every segment and code (a coder who left a "
            "segment without the code counts as 0), and take the share of segments on which the "
            "two columns are equal."
        ),
        mistakes=(
            Mistake(
                "used every segment",
                over_every_segment,
                "It looks as if you used every segment in the study. Coder B coded only the "
                "double-coded sample, so use the segments where `double_coded` is True.",
            ),
            Mistake(
                "left out segments neither coder gave the code",
                left_out_empty_segments,
                "It looks as if you kept only the segments at least one coder gave the code. "
                "A segment both coders left without the code is an agreement too: keep every "
                "double-coded segment.",
            ),
            Mistake(
                "only the lead coder's segments",
                only_lead_coders_segments,
                "It looks as if you counted how many of the lead coder's segments with the code "
                "coder B also coded. Percentage agreement counts every double-coded segment, "
                "including those only coder B coded and those neither coded.",
            ),
        ),
    ),
    "ex4_2": ValueTask(
        right=trust_kappa,
        what=KAPPA_ANSWER,
        correct=(
            "That is Cohen's kappa for trust on the synthetic double-coded sample. Compare it "
            "with the percentage agreement you found for trust in Exercise 4.1."
        ),
        wrong_hint=(
            "Not the kappa for trust yet. Over the double-coded segments, compute the observed "
            "agreement p_o, each coder's share of segments coded trust (p_a and p_b), the chance "
            "agreement p_e = p_a * p_b + (1 - p_a) * (1 - p_b), then (p_o - p_e) / (1 - p_e)."
        ),
        range_hint=(
            "Kappa runs from -1 to 1, so this cannot be one (a percentage, perhaps?). Give kappa "
            "as the formula (p_o - p_e) / (1 - p_e) gives it."
        ),
        mistakes=(
            Mistake(
                "gave percentage agreement",
                gave_percentage_agreement,
                "That is the percentage agreement for trust, not kappa. Kappa corrects it for "
                "the agreement two coders would reach by chance: (p_o - p_e) / (1 - p_e).",
            ),
            Mistake(
                "used every segment",
                kappa_over_every_segment,
                "It looks as if you used every segment in the study, so each segment outside the "
                "sample that the lead coder coded trust counts as a disagreement. Coder B coded "
                "only the double-coded sample: keep the segments where `double_coded` is True.",
            ),
            Mistake(
                "only segments coder B coded",
                kappa_over_segments_b_coded,
                "It looks as if you took the double-coded sample from coder B's codings, which "
                "loses the double-coded segments coder B left without any code. Take the sample "
                "from the segments table (`double_coded` is True) instead.",
            ),
            Mistake(
                "left out segments neither coder gave trust",
                kappa_without_empty_segments,
                "It looks as if you kept only the segments at least one coder coded trust. A "
                "segment both coders left without trust is an agreement too, and kappa needs it: "
                "keep every double-coded segment.",
            ),
            Mistake(
                "chance agreement from applying the code only",
                chance_from_yes_only,
                "Your chance agreement counts only the chance that both coders apply trust. Add "
                "the chance that both leave it out: p_e = p_a * p_b + (1 - p_a) * (1 - p_b).",
            ),
        ),
    ),
}


@guarded(f"Give {AGREEMENT_ANSWER}.")
def ex4_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the percentage agreement for each code of the values theme."""
    return TASKS["ex4_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {KAPPA_ANSWER}.")
def ex4_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check Cohen's kappa for trust."""
    return TASKS["ex4_2"].check(answer, tables_or_loaded(tables))
