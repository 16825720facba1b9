"""Self-checks for the exercises of Chapter 10 (conclusion: the framework matrix, theme prevalence).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the answer.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

Exercise 10.1 asks for one more row of the chapter's framework matrix: for one case, the number of
segments they speak that the lead coder coded with each theme. The case is chosen from the data by
:func:`case_to_chart`, outside the organisation whose matrix the chapter draws
(:func:`framework_organisation`), so that its row is not on the chapter's page and so that, on
every variant, each typical slip changes the answer. Exercise 10.2 asks for theme prevalence by
role within the interviews only: the share of each role's interview segments that carry each
theme.
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

THEMES = ("identity", "agency", "values", "change", "power")
INTERVIEW_ROLES = ("mentor", "mentee", "staff")
CASE_ROLES = ("mentor", "mentee")
ROW_ANSWER = (
    "a pandas Series with one count per theme (identity, agency, values, change, power): the "
    "number of the case's segments the lead coder coded with that theme"
)
INTERVIEW_ANSWER = (
    "a table with one row per role (mentor, mentee, staff) and one column per theme (identity, "
    "agency, values, change, power), holding the share of that role's interview segments that "
    "the lead coder coded with that theme"
)


# --- shared joins ---------------------------------------------------------------------------------


def spoken(t: Tables) -> pd.DataFrame:
    """Every segment with its speaker's role, its source's type and the source's participant."""

    def make() -> pd.DataFrame:
        segments = t["segments"]
        people = t["participants"].set_index(as_text(t["participants"].participant_id))
        sources = t["sources"].set_index(as_text(t["sources"].source_id))
        speaker = as_text(segments.speaker_id)
        source = as_text(segments.source_id)
        return pd.DataFrame(
            {
                "segment_id": as_text(segments.segment_id).to_numpy(),
                "speaker_id": speaker.to_numpy(),
                "role": as_text(speaker.map(people.role)).to_numpy(),
                "organisation_id": as_text(source.map(sources.organisation_id)).to_numpy(),
                "source_type": as_text(source.map(sources.source_type)).to_numpy(),
                "source_person": as_text(source.map(sources.participant_id).fillna("")).to_numpy(),
            }
        )

    return shared(t, "ch10-spoken", make)


def themed_codings(t: Tables, coders: tuple[str, ...] = ("A",)) -> pd.DataFrame:
    """Every coding by ``coders`` with its code's theme: segment_id, code_id, theme."""

    def make() -> pd.DataFrame:
        codings = t["codings"]
        codes = t["codes"]
        codes = codes[as_text(codes.level) == "code"]
        theme_of = pd.Series(
            as_text(codes.theme).to_numpy(), index=as_text(codes.code_id).to_numpy()
        )
        keep = as_text(codings.coder).isin(coders).to_numpy()
        code_id = as_text(codings.code_id)[keep]
        return pd.DataFrame(
            {
                "segment_id": as_text(codings.segment_id)[keep].to_numpy(),
                "code_id": code_id.to_numpy(),
                "theme": code_id.map(theme_of).to_numpy(),
            }
        )

    return shared(t, ("themed_codings", coders), make)


def segment_themes(
    t: Tables, coders: tuple[str, ...] = ("A",), unique: bool = True
) -> pd.DataFrame:
    """One row per segment and theme the coders gave it (``unique=False``: one per coding),
    with the segment's speaker, role and source."""
    coded = themed_codings(t, coders)[["segment_id", "theme"]]
    if unique:
        coded = coded.drop_duplicates()
    return coded.merge(spoken(t), on="segment_id")


# --- the cases: which organisation the chapter charts, and which case the exercise charts ---------


def framework_organisation(tables: Tables | None = None) -> str:
    """The organisation whose mentors and mentees the chapter's framework matrix charts.

    The one with the fewest mentors and mentees (the first by id on a tie), so that the matrix has
    few enough rows to read on a phone; every variant has one, because every organisation has
    mentors and mentees.
    """
    t = tables_or_loaded(tables)
    people = t["participants"]
    people = people[as_text(people.role).isin(CASE_ROLES)]
    sizes = as_text(people.organisation_id).value_counts()
    smallest = sizes[sizes == sizes.min()].index
    return str(sorted(smallest)[0])


def case_to_chart(tables: Tables | None = None) -> str:
    """The participant id of the case exercise 10.1 charts (the same on every call).

    A mentor outside :func:`framework_organisation`, so the row is not on the chapter's page. In
    order of preference, the mentor with the most segments (the first by id on a tie) whose row:

    1. changes under each typical slip (counting codings, counting the interview only, selecting
       by source rather than speaker) and has a segment in every theme, so the row has no empty
       cell;
    2. changes under each typical slip;
    3. failing both, any mentor outside that organisation, then any mentor at all.
    """
    t = tables_or_loaded(tables)

    def make() -> str:
        talk = spoken(t)
        mentors = talk[talk.role == "mentor"]
        others = mentors[mentors.organisation_id != framework_organisation(t)]
        pool = others if not others.empty else mentors
        if pool.empty:
            return str(as_text(t["participants"].participant_id).min())
        size = pool.groupby("speaker_id").size()
        order = sorted(size.index, key=lambda person: (-size[person], person))
        rows = {
            way: person_rows(t, **how)
            for way, how in {
                "right": {},
                "codings": {"unique": False},
                "interview": {"which": "interview"},
                "source": {"which": "source"},
            }.items()
        }
        right = rows["right"].reindex(order, fill_value=0)
        differs = pd.Series(True, index=order)
        for way in ("codings", "interview", "source"):
            slip = rows[way].reindex(order, fill_value=0)
            differs &= (slip != right).any(axis=1)
        full = (right > 0).all(axis=1)
        for keep in (differs & full, differs):
            if keep.any():
                return str(keep[keep].index[0])
        return str(order[0])

    return shared(t, "case_to_chart", make)


def person_rows(t: Tables, which: str = "speaker", unique: bool = True) -> pd.DataFrame:
    """Segments per person (rows) and theme (columns), counted as ``which`` says.

    ``which="speaker"`` counts the segments each person speaks, in any source (the exercise's
    way); ``which="interview"`` only those in their interview; ``which="source"`` every segment of
    the sources about the person (their interview and the field notes that follow them), whoever
    speaks. ``unique=False`` counts codings, not segments.
    """
    rows = segment_themes(t, unique=unique)
    if which == "interview":
        rows = rows[rows.source_type == "interview"]
    person = rows.source_person if which == "source" else rows.speaker_id
    rows = rows.assign(person=person.to_numpy())
    counts = rows.groupby(["person", "theme"]).size().unstack(fill_value=0)
    return counts.reindex(columns=list(THEMES), fill_value=0).astype(int)


def case_row(t: Tables, which: str = "speaker", unique: bool = True) -> pd.Series:
    """The case's segments per theme (the exercise's answer with the defaults).

    The other arguments make the typical slips, as in :func:`person_rows`.
    """
    case = case_to_chart(t)
    table = person_rows(t, which, unique)
    row = table.loc[case] if case in table.index else pd.Series(0, index=list(THEMES))
    return row.rename_axis("theme").rename(None).astype(int)


def case_segments(t: Tables) -> pd.Series:
    """The number of segments per theme the case speaks, coded by the lead coder."""
    return case_row(t)


def counted_codings(t: Tables) -> pd.Series:
    """``size()`` on the codings: a segment with two codes from one theme counts twice."""
    return case_row(t, unique=False)


def interview_only(t: Tables) -> pd.Series:
    """Only the case's interview: the field notes in which the case speaks are left out."""
    return case_row(t, which="interview")


def selected_by_source(t: Tables) -> pd.Series:
    """The sources about the case (``participant_id`` in ``sources``), whoever speaks in them."""
    return case_row(t, which="source")


# --- ex10_2: theme prevalence by role, in the interviews only -------------------------------------


def prevalence_fractions(
    t: Tables,
    coders: tuple[str, ...] = ("A",),
    unique: bool = True,
    counted_in: str = "interview",
    divided_by: str = "role",
) -> Fractions:
    """Segments carrying each theme over segments, by role (rows) and theme (columns).

    The defaults make the exercise's answer: interview segments only, the lead coder's codings,
    each segment counted once per theme, divided by each role's interview segments. The other
    arguments make the typical slips: ``counted_in="all"`` keeps every source type (numerator and
    denominator); ``divided_by="all_of_role"`` divides by all of the role's segments, field notes
    included; ``divided_by="theme"`` divides by the theme's interview segments, whoever speaks.
    """
    talk = spoken(t)
    rows = segment_themes(t, coders, unique)
    if counted_in == "interview":
        talk = talk[talk.source_type == "interview"]
        rows = rows[rows.source_type == "interview"]
    roles = pd.Index([r for r in INTERVIEW_ROLES if r in set(talk.role)], name="role")
    themes = pd.Index(THEMES, name="theme")
    counted = (
        rows.groupby(["role", "theme"]).size().unstack().reindex(index=roles, columns=themes)
    ).fillna(0.0)
    if divided_by == "theme":
        per_theme = counted.sum(axis=0).to_numpy(dtype=float)
        totals = counted * 0 + per_theme[None, :]
    else:
        base = spoken(t) if divided_by == "all_of_role" else talk
        per_role = base.groupby("role").size().reindex(roles).fillna(0)
        totals = counted * 0 + per_role.to_numpy(dtype=float)[:, None]
    return Fractions(counted.astype(float), totals.astype(float))


def all_source_types(t: Tables) -> pd.DataFrame:
    """Every source type kept: the chapter's table, not the interviews alone."""
    return prevalence_fractions(t, counted_in="all").shares


def counted_theme_codings(t: Tables) -> pd.DataFrame:
    """Codings counted, not segments: a segment with two codes from one theme counts twice."""
    return prevalence_fractions(t, unique=False).shares


def included_coder_b(t: Tables) -> pd.DataFrame:
    """No filter on the coder: the second coder's themes on double-coded segments added."""
    return prevalence_fractions(t, coders=("A", "B")).shares


def divided_by_all_of_role(t: Tables) -> pd.DataFrame:
    """Interview segments counted, but divided by all of the role's segments."""
    return prevalence_fractions(t, divided_by="all_of_role").shares


def divided_by_theme(t: Tables) -> pd.DataFrame:
    """Each role's share of the theme's interview segments, not of its own segments."""
    return prevalence_fractions(t, divided_by="theme").shares


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, CountTask | ShareTask] = {
    "ex10_1": CountTask(
        right=case_segments,
        what=ROW_ANSWER,
        nouns=("theme",),
        correct=(
            "Each count matches the synthetic data. Now read the excerpts in your row's fullest "
            "cell and write its summary in your own words."
        ),
        shares_hint=(
            "Your values look like shares or percentages, not counts. A cell of a framework "
            "matrix counts segments: give the number of the case's segments in each theme."
        ),
        wrong_hint=(
            "The count for {off} is not right. Keep the lead coder's codings (coder 'A'), attach "
            "each code's theme and each segment's speaker, keep the segments the case speaks "
            "(in any source), and count each segment once per theme."
        ),
        mistakes=(
            Mistake(
                "counted codings, not segments",
                counted_codings,
                "It looks as if you counted codings, not segments: a segment with two codes from "
                "the same theme was counted twice. Count each segment once per theme (for example "
                "with `.nunique()` on the segment ids).",
            ),
            Mistake(
                "interview only",
                interview_only,
                "It looks as if you counted only the case's interview. Mentors also speak in the "
                "field notes: keep every segment whose speaker is the case, in any source.",
            ),
            Mistake(
                "selected by source, not speaker",
                selected_by_source,
                "It looks as if you kept the sources whose `participant_id` is the case. A field "
                "note that follows a mentor also records other people speaking; keep the segments "
                "whose `speaker_id` is the case instead.",
            ),
        ),
    ),
    "ex10_2": ShareTask(
        right=prevalence_fractions,
        what=INTERVIEW_ANSWER,
        nouns=("role", "theme"),
        ignore=("focus_group",),
        label_format="{0} and {1}",
        correct=(
            "Every share matches the synthetic interviews. Set your table beside the chapter's, "
            "which used every source type: which differences between roles are still there?"
        ),
        counts_hint=(
            "Your values look like counts of segments, not shares. Divide each role's count by "
            "the number of interview segments that role speaks."
        ),
        wrong_hint=(
            "The shares for {off} are not right. Keep the interview segments, attach each "
            "segment's role and the themes of the lead coder's codes, count each segment once "
            "per theme, and divide by each role's interview segments."
        ),
        mistakes=(
            Mistake(
                "kept every source type",
                all_source_types,
                "It looks as if you kept every source type, as the chapter's table does. The task "
                "asks about interviews only: keep the segments whose source has "
                "`source_type == 'interview'`.",
            ),
            Mistake(
                "counted codings, not segments",
                counted_theme_codings,
                "It looks as if you counted codings, not segments: a segment with two codes from "
                "one theme was counted twice. Count each segment once per theme (for example with "
                "`.nunique()` on the segment ids).",
            ),
            Mistake(
                "included coder B",
                included_coder_b,
                "It looks as if you included coder B's codings. Use the lead coder's codings "
                "only (coder 'A').",
            ),
            Mistake(
                "divided by all of the role's segments",
                divided_by_all_of_role,
                "It looks as if you counted interview segments but divided by all the segments "
                "each role speaks, field notes included. Divide by each role's interview "
                "segments.",
            ),
            Mistake(
                "divided by the theme's segments",
                divided_by_theme,
                "It looks as if you divided by the theme's interview segments (each column adds up "
                "to 1). The task asks for the share of each role's interview segments: divide by "
                "the number of interview segments that role speaks.",
            ),
        ),
    ),
}


@guarded(f"Give {ROW_ANSWER}.")
def ex10_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check one case's row of the framework matrix: segments per theme."""
    return TASKS["ex10_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {INTERVIEW_ANSWER}.")
def ex10_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check theme prevalence by role within the interviews."""
    return TASKS["ex10_2"].check(answer, tables_or_loaded(tables))
