"""Self-checks for the two exercises of the primer, "pandas and altair for qualitative data".

The primer is not a numbered chapter, so its exercises are numbered with the letter P
(:data:`pmcj.pages.LETTERED`): Exercise P.1 is labelled ``exp-1`` and checked by :func:`exp_1`,
Exercise P.2 by :func:`exp_2`. In a notebook: ``from pmcj.checks import primer`` then
``primer.exp_1(answer)``.

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the answer.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

* Exercise P.1 asks for the number of coded segments in each kind of source (interview, field
  note, focus group): a merge of segments with sources, then a count. The slips it names are the
  ones the primer warns about: counting sources, turns or codings instead of segments.
* Exercise P.2 asks for the share of mentees' segments that carry each theme, in the lead coder's
  coding: a filter, two merges, a count of distinct segments and a division. The slips are counting
  codings instead of segments, taking coder B's codings too, dividing by the wrong total (all
  segments, or all codings, as a normalised crosstab of codings does), and answering for the wrong
  people (the mentors of the primer's worked example, or everyone).
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
from pmcj.checks.tables import as_text, tables_or_loaded

SOURCE_ANSWER = (
    "a pandas Series with one count per kind of source (interview, fieldnote, focus_group)"
)
THEME_ANSWER = (
    "a pandas Series with one share per theme (identity, agency, values, change, power): the "
    "share of mentees' segments that carry at least one code of that theme"
)
ROLE = "mentee"
LEAD = "A"


def _labels(values: pd.Series) -> list[str]:
    """The labels a column can take, in the data package's order when the loader gave them."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories.astype(str))
    return sorted(set(as_text(values.dropna())))


# --- exp_1: segments per kind of source -----------------------------------------------------------


def type_of_source(t: Tables) -> pd.Series:
    """Source id -> its kind (interview, fieldnote, focus_group), as text."""
    sources = t["sources"]
    return pd.Series(as_text(sources.source_type).to_numpy(), index=as_text(sources.source_id))


def per_source_type(t: Tables, source_ids: pd.Series) -> pd.Series:
    """How many of the given rows (one source id each) fall in each kind of source."""
    labels = _labels(t["sources"].source_type)
    kinds = as_text(source_ids).map(type_of_source(t))
    counts = kinds.value_counts().reindex(labels, fill_value=0)
    return counts.rename_axis("source_type").rename("count").astype(int)


def segments_per_source_type(t: Tables) -> pd.Series:
    """How many coded segments each kind of source holds (the exercise's answer)."""
    return per_source_type(t, t["segments"].source_id)


def counted_sources(t: Tables) -> pd.Series:
    """``value_counts()`` on the sources table: sources, not the segments inside them."""
    return per_source_type(t, t["sources"].source_id)


def counted_turns(t: Tables) -> pd.Series:
    """Every turn of the transcripts (questions, answers, field-note paragraphs), coded or not."""
    return per_source_type(t, t["turns"].source_id)


def source_of_segment(t: Tables) -> pd.Series:
    segments = t["segments"]
    return pd.Series(as_text(segments.source_id).to_numpy(), index=as_text(segments.segment_id))


def counted_codings(t: Tables, coders: tuple[str, ...] = (LEAD, "B")) -> pd.Series:
    """Codings merged with segments and sources: a segment with three codes counts three times."""
    codings = t["codings"]
    kept = codings[as_text(codings.coder).isin(coders)]
    return per_source_type(t, as_text(kept.segment_id).map(source_of_segment(t)))


def counted_lead_codings(t: Tables) -> pd.Series:
    """The lead coder's codings only, but still codings: a segment with two codes counts twice."""
    return counted_codings(t, coders=(LEAD,))


# --- exp_2: share of mentees' segments carrying each theme ----------------------------------------


def role_of_segment(t: Tables) -> pd.Series:
    """Segment id -> the role of the person who speaks it."""

    def make() -> pd.Series:
        participants = t["participants"]
        role_of = pd.Series(
            as_text(participants.role).to_numpy(), index=as_text(participants.participant_id)
        )
        segments = t["segments"]
        return pd.Series(
            as_text(segments.speaker_id).map(role_of).to_numpy(), index=as_text(segments.segment_id)
        )

    return shared(t, "primer_role_of_segment", make)


def themed_codings(t: Tables) -> pd.DataFrame:
    """Every coding as text, with its code's theme and its segment's speaker's role."""

    def make() -> pd.DataFrame:
        codes = t["codes"]
        codes = codes[as_text(codes.level) == "code"]
        theme_of = pd.Series(as_text(codes.theme).to_numpy(), index=as_text(codes.code_id))
        codings = t["codings"]
        frame = pd.DataFrame(
            {
                "segment_id": as_text(codings.segment_id).to_numpy(),
                "coder": as_text(codings.coder).to_numpy(),
                "theme": as_text(codings.code_id).map(theme_of).to_numpy(),
            }
        )
        return frame.assign(role=frame.segment_id.map(role_of_segment(t)))

    return shared(t, "primer_themed_codings", make)


def themes(t: Tables) -> pd.Index:
    """The five themes, in the codebook's order."""
    codes = t["codes"]
    return pd.Index(_labels(codes.theme), name="theme")


def theme_fractions(
    t: Tables,
    coders: tuple[str, ...] = (LEAD,),
    unique: bool = True,
    roles: tuple[str, ...] | None = (ROLE,),
    denominator: str = "segments",
) -> Fractions:
    """Counts and totals behind the share of one group's segments that carry each theme.

    The defaults make the exercise's answer: mentees' segments that the lead coder gave at least
    one code of the theme, over all the segments mentees speak. The other arguments make its
    typical slips: ``unique=False`` counts codings, ``coders=("A", "B")`` adds the second coder's
    codings, ``roles=("mentor",)`` or ``None`` (everyone) answers for other people, and
    ``denominator`` divides by ``"study"`` (every segment in the data) or ``"codings"`` (the
    group's codings, as a crosstab of codings normalised by row does).
    """
    labels = themes(t)
    spoken_by = role_of_segment(t)
    mine = spoken_by if roles is None else spoken_by[spoken_by.isin(roles)]
    coded = themed_codings(t)
    coded = coded[coded.coder.isin(coders) & coded.segment_id.isin(mine.index)]
    if unique:
        coded = coded.drop_duplicates(["segment_id", "theme"])
    counted = coded.theme.value_counts().reindex(labels, fill_value=0).astype(float)
    if denominator == "segments":
        total = len(mine)
    elif denominator == "study":
        total = len(spoken_by)
    elif denominator == "codings":
        total = int(counted.sum())
    else:
        raise ValueError(f"unknown denominator {denominator!r}")
    totals = pd.Series(float(total), index=labels)
    return Fractions(counted, totals)


def theme_shares(t: Tables, **how: Any) -> pd.Series:
    """The share of mentees' segments carrying each theme (the exercise's answer)."""
    return theme_fractions(t, **how).shares


def counted_theme_codings(t: Tables) -> pd.Series:
    """``size()`` or ``value_counts()`` on codings: two codes of one theme count a segment twice."""
    return theme_shares(t, unique=False)


def included_coder_b(t: Tables) -> pd.Series:
    """No filter on the coder: a theme coder B gave and coder A did not is counted too."""
    return theme_shares(t, coders=(LEAD, "B"))


def divided_by_all_segments(t: Tables) -> pd.Series:
    """Mentees' counts over every segment in the study, not over mentees' segments."""
    return theme_shares(t, denominator="study")


def shares_of_codings(t: Tables) -> pd.Series:
    """A crosstab of codings normalised by row: each theme's share of mentees' codings."""
    return theme_shares(t, unique=False, denominator="codings")


def mentors_not_mentees(t: Tables) -> pd.Series:
    """The primer's worked example, for mentors, handed in unchanged."""
    return theme_shares(t, roles=("mentor",))


def everyone_not_mentees(t: Tables) -> pd.Series:
    """No filter on the role: every segment's themes over every segment."""
    return theme_shares(t, roles=None)


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, CountTask | ShareTask] = {
    "exp_1": CountTask(
        right=segments_per_source_type,
        what=SOURCE_ANSWER,
        nouns=("source type",),
        ignore=("All",),
        correct=(
            "Each count matches the synthetic segments table. Compare them with the number of "
            "sources of each kind: which kind of source holds the most segments per source?"
        ),
        shares_hint=(
            "Your values are not whole numbers of segments: they look like shares or "
            "percentages. This task asks for counts, the number of segments in each kind of "
            "source (leave out `normalize`)."
        ),
        wrong_hint=(
            "Not every count is right (look again at {off}). Start from the segments table (one "
            "row per segment), join the sources table on `source_id` to give each segment its "
            "source's type, and count the rows of each type."
        ),
        mistakes=(
            Mistake(
                "counted sources, not segments",
                counted_sources,
                "It looks as if you counted sources (interviews, field notes, focus groups), not "
                "the segments inside them: each source holds many segments. Give each segment "
                "its source's type by merging segments with sources, then count the segments.",
            ),
            Mistake(
                "counted turns, not segments",
                counted_turns,
                "It looks as if you counted the turns of the transcripts (every question, answer "
                "and field-note paragraph, coded or not), not the coded segments. Start from the "
                "segments table.",
            ),
            Mistake(
                "counted codings, not segments",
                counted_codings,
                "It looks as if you counted codings, both coders' together: a segment with three "
                "codes was counted three times, and a double-coded one counted again for coder "
                "B. Start from the segments table, which has one row per segment.",
            ),
            Mistake(
                "counted the lead coder's codings, not segments",
                counted_lead_codings,
                "It looks as if you counted the lead coder's codings: a segment with two codes "
                "was counted twice. Start from the segments table, which has one row per "
                "segment, and leave the codings out of this count.",
            ),
        ),
    ),
    "exp_2": ShareTask(
        right=theme_fractions,
        what=THEME_ANSWER,
        nouns=("theme",),
        correct=(
            "Each share matches the synthetic data. Add them up: why is the total more than the "
            "whole?"
        ),
        counts_hint=(
            "Your values look like counts of segments, not shares. Divide each theme's count by "
            "the number of segments mentees speak."
        ),
        wrong_hint=(
            "The share for {off} is not right. Check that you kept the lead coder's codings of "
            "mentees' segments, counted each segment once per theme (`nunique()` on "
            "`segment_id`), and divided by all the segments mentees speak."
        ),
        mistakes=(
            Mistake(
                "counted codings, not segments",
                counted_theme_codings,
                "It looks as if you counted codings, not segments: a segment with two codes from "
                "the same theme was counted twice. Count distinct segments per theme, with "
                "`nunique()` on `segment_id` rather than `size()` or `value_counts()`.",
            ),
            Mistake(
                "included coder B",
                included_coder_b,
                "It looks as if you kept both coders' codings. Coder B only double-coded a "
                "sample, to measure agreement; keep the lead coder's codings (`coder == 'A'`).",
            ),
            Mistake(
                "divided by all segments",
                divided_by_all_segments,
                "It looks as if you divided by every segment in the study. The question is about "
                "mentees' talk: divide by the number of segments mentees speak.",
            ),
            Mistake(
                "shares of codings, not of segments",
                shares_of_codings,
                "Your shares add up to exactly the whole: they are each theme's share of mentees' "
                "codings (what a crosstab of codings normalised by row, or `value_counts("
                "normalize=True)`, gives). The question asks what share of mentees' segments "
                "carry each theme: count segments per theme and divide by mentees' segments.",
            ),
            Mistake(
                "the mentors' shares",
                mentors_not_mentees,
                "These look like the mentors' shares, from the primer's worked example. Keep "
                "the mentees' segments instead (`role == 'mentee'`).",
            ),
            Mistake(
                "everyone's shares",
                everyone_not_mentees,
                "These look like the shares for everyone in the study together. Keep only the "
                "segments mentees speak before you count, and divide by their number.",
            ),
        ),
    ),
}


@guarded(f"Give {SOURCE_ANSWER}.")
def exp_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the number of coded segments in each kind of source (Exercise P.1)."""
    return TASKS["exp_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {THEME_ANSWER}.")
def exp_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share of mentees' segments carrying each theme (Exercise P.2)."""
    return TASKS["exp_2"].check(answer, tables_or_loaded(tables))
