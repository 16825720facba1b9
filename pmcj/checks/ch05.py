"""Self-checks for the exercises of Chapter 5 (the importance of identity to peer mentoring).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the answer.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

Exercise 5.1 builds the role-by-code matrix of the identity theme from what people said in
interviews, as shares of each role's interview segments (a table of shares; the chapter built the
same matrix from every kind of source, so copying it is one of the slips). Exercise 5.2 counts,
with a keyword-in-context search, how often the word "out" occurs in each role's segments (one
count per role), by the rule of :func:`pmcj.kwic.keyword_pattern`, the search the chapter shows.
"""

from __future__ import annotations

import re
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
from pmcj.kwic import keyword_pattern

THEME = "identity"
SOURCE_TYPE = "interview"
INTERVIEWED = ("mentor", "mentee", "staff")
WORD = "out"
MATRIX_ANSWER = (
    "a table with one row per identity code (been_there, giving_back, role_model, new_identity, "
    "stigma) and one column per interviewed role (mentor, mentee, staff), holding the share of "
    "the role's interview segments that carry the code"
)
WORD_ANSWER = (
    "a pandas Series with one count per role (mentor, mentee, staff, focus_group): how many times "
    f"the word '{WORD}' occurs in that role's segments"
)


def roles(t: Tables) -> pd.Index:
    """The roles, in the loader's order (or sorted, for tables read from CSV)."""
    role = t["participants"].role
    labels = (
        list(role.cat.categories.astype(str))
        if isinstance(role.dtype, pd.CategoricalDtype)
        else sorted(set(as_text(role)))
    )
    return pd.Index(labels, name="role")


def interviewed(t: Tables) -> pd.Index:
    """The roles that speak in interviews (focus-group members speak only in focus groups)."""
    return pd.Index([role for role in roles(t) if role in INTERVIEWED], name="role")


def identity_codes(t: Tables) -> pd.Index:
    """The identity theme's codes, in the codebook's order."""
    codes = t["codes"]
    keep = (as_text(codes.level) == "code") & (as_text(codes.theme) == THEME)
    return pd.Index(as_text(codes.code_id[keep]).tolist(), name="code_id")


def spoken(t: Tables) -> pd.DataFrame:
    """Every segment's id, text, speaker's role and kind of source, as text (a segment whose
    speaker is not a participant is left out, as a join would)."""

    def make() -> pd.DataFrame:
        segments = t["segments"]
        role_of = pd.Series(
            as_text(t["participants"].role).to_numpy(),
            index=as_text(t["participants"].participant_id).to_numpy(),
        )
        type_of = pd.Series(
            as_text(t["sources"].source_type).to_numpy(),
            index=as_text(t["sources"].source_id).to_numpy(),
        )
        frame = pd.DataFrame(
            {
                "segment_id": as_text(segments.segment_id).to_numpy(),
                "text": segments.text.astype(str).to_numpy(),
                "role": as_text(segments.speaker_id).map(role_of).to_numpy(),
                "source_type": as_text(segments.source_id).map(type_of).to_numpy(),
            }
        )
        return frame[frame.role.notna()]

    return shared(t, "ch05-spoken", make)


# --- ex5_1: the identity codes by role in interviews, as shares of each role's segments -----------


def talk(t: Tables, every_source: bool) -> pd.DataFrame:
    """The segments the matrix counts: interview segments (the answer), or every segment."""
    frame = spoken(t)
    return frame if every_source else frame[frame.source_type == SOURCE_TYPE]


def coded_cells(
    t: Tables, coders: tuple[str, ...] = ("A",), every_source: bool = False
) -> pd.DataFrame:
    """Codings of the identity codes by ``coders``, as a code-by-role table of counts.

    A segment carries a code at most once per coder, so with the lead coder alone this counts
    segments; with both coders, a double-coded segment can count twice.
    """
    codings = t["codings"]
    keep = as_text(codings.coder).isin(coders) & as_text(codings.code_id).isin(identity_codes(t))
    picked = pd.DataFrame(
        {
            "segment_id": as_text(codings.segment_id[keep]).to_numpy(),
            "code_id": as_text(codings.code_id[keep]).to_numpy(),
        }
    ).merge(talk(t, every_source)[["segment_id", "role"]], on="segment_id")
    counts = pd.crosstab(picked.code_id, picked.role)
    counts = counts.reindex(index=identity_codes(t), columns=interviewed(t), fill_value=0)
    return counts.rename_axis(index="code_id", columns="role").astype(float)


def segments_per_role(t: Tables, every_source: bool = False) -> pd.Series:
    """The segments each interviewed role speaks, in interviews (or in every kind of source)."""
    counts = talk(t, every_source).role.value_counts()
    return counts.reindex(interviewed(t), fill_value=0).astype(float)


def per_role(counts: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """Each column of ``counts`` over its role's total."""
    return counts / totals.to_numpy()[None, :]


def matrix_fractions(t: Tables) -> Fractions:
    """Interview segments coded with each identity code (lead coder) over all the interview
    segments each role speaks."""
    counted = coded_cells(t)
    return Fractions(counted, counted * 0 + segments_per_role(t).to_numpy()[None, :])


def matrix_shares(t: Tables) -> pd.DataFrame:
    """The exercise's answer: the share of each role's interview segments carrying each code."""
    return matrix_fractions(t).shares


def kept_every_source(t: Tables) -> pd.DataFrame:
    """The chapter's matrix: field notes counted too (the source type never filtered)."""
    return per_role(coded_cells(t, every_source=True), segments_per_role(t, every_source=True))


def filtered_only_the_codings(t: Tables) -> pd.DataFrame:
    """Interview codings over every segment the role speaks: the filter applied above the line
    but not below it."""
    return per_role(coded_cells(t), segments_per_role(t, every_source=True))


def included_coder_b(t: Tables) -> pd.DataFrame:
    """No filter on the coder: coder B's codings of the double-coded segments counted too."""
    return per_role(coded_cells(t, ("A", "B")), segments_per_role(t))


def divided_by_identity_codings(t: Tables) -> pd.DataFrame:
    """``normalize="columns"``: each role's codings of identity codes add up to 1."""
    counted = coded_cells(t)
    return counted / counted.sum(axis=0)


def divided_by_code_total(t: Tables) -> pd.DataFrame:
    """``normalize="index"``: each code's segments shared out between the roles."""
    counted = coded_cells(t)
    return counted.div(counted.sum(axis=1), axis=0)


# --- ex5_2: how often the word "out" occurs in each role's segments -------------------------------


def word_counts(t: Tables, pattern: str | re.Pattern[str], occurrences: bool = True) -> pd.Series:
    """Matches of ``pattern`` in each role's segments: every match, or (``occurrences=False``)
    the segments with at least one."""
    talk = spoken(t)
    found = talk.text.str.count(pattern)
    if not occurrences:
        found = found.gt(0).astype(int)
    counts = found.groupby(talk.role).sum().reindex(roles(t), fill_value=0)
    return counts.rename_axis("role").astype(int)


def word_occurrences(t: Tables) -> pd.Series:
    """The exercise's answer: whole-word matches of the word, in any case, per role."""
    return word_counts(t, keyword_pattern(WORD))


def case_sensitive(t: Tables) -> pd.Series:
    """Whole words, but only as typed in small letters: 'Out' at the start of a sentence missed."""
    return word_counts(t, re.compile(keyword_pattern(WORD).pattern))


def inside_longer_words(t: Tables) -> pd.Series:
    """Any case, but no word boundaries: 'about', 'without' and 'outside' counted too."""
    return word_counts(t, re.compile(re.escape(WORD), re.IGNORECASE))


def plain_str_count(t: Tables) -> pd.Series:
    """``str.count("out")``: case-sensitive and inside longer words, both slips at once."""
    return word_counts(t, re.compile(re.escape(WORD)))


def segments_with_the_word(t: Tables) -> pd.Series:
    """``str.contains`` and ``sum``: segments holding the word, not the times it occurs."""
    return word_counts(t, keyword_pattern(WORD), occurrences=False)


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, ShareTask | CountTask] = {
    "ex5_1": ShareTask(
        right=matrix_fractions,
        what=MATRIX_ANSWER,
        nouns=("code", "role"),
        ignore=("focus_group", "All"),
        label_format="{0} for the {1} role",
        correct=(
            "Every share matches the synthetic interviews. Now set it beside your table of "
            "counts: which role's column changes most when counts become shares, and why?"
        ),
        counts_hint=(
            "Your values look like counts of segments, not shares. Divide each role's column by "
            "the number of interview segments that role speaks (all of them, not only the coded "
            "ones)."
        ),
        wrong_hint=(
            "The shares for {off} are not right. Keep the interview segments, attach each "
            "speaker's role, count the segments the lead coder gave each identity code, and "
            "divide each column by all the interview segments that role speaks."
        ),
        mistakes=(
            Mistake(
                "kept every source",
                kept_every_source,
                "It looks as if you kept every kind of source, as the chapter did. This task "
                "asks about interviews only: keep the segments whose source's `source_type` is "
                "'interview', both when you count and when you divide.",
            ),
            Mistake(
                "filtered only the codings",
                filtered_only_the_codings,
                "Your counts look right, but you divided by all the segments each role speaks, "
                "field notes included. Divide by the role's interview segments only.",
            ),
            Mistake(
                "included coder B",
                included_coder_b,
                "It looks as if you included coder B's codings. Use the lead coder's codings "
                "only (coder 'A'): coder B coded a sample again, so counting both counts some "
                "segments twice.",
            ),
            Mistake(
                "divided by the role's identity codings",
                divided_by_identity_codings,
                "Each column of your table adds up to 1: you divided by the role's identity "
                "codings (as `normalize='columns'` does). Divide by all the interview segments "
                "the role speaks, whether they carry an identity code or not.",
            ),
            Mistake(
                "divided by the code's segments",
                divided_by_code_total,
                "Each row of your table adds up to 1: you shared each code's segments out "
                "between the roles (as `normalize='index'` does). Divide each role's count by "
                "the number of interview segments that role speaks.",
            ),
        ),
    ),
    "ex5_2": CountTask(
        right=word_occurrences,
        what=WORD_ANSWER,
        nouns=("role",),
        correct=(
            "Each count matches the synthetic segments. Now read some of the lines in context: "
            "how many are about getting out of prison?"
        ),
        shares_hint=(
            "Your values are not whole numbers: they look like shares or percentages. This task "
            f"asks for counts, the number of times '{WORD}' occurs in each role's segments."
        ),
        wrong_hint=(
            "Not every count is right (look again at {off}). Find the word as a whole word, in "
            "any case, count every time it occurs (one row per occurrence in the kwic table), "
            "and add up the occurrences in each role's segments."
        ),
        mistakes=(
            Mistake(
                "case-sensitive",
                case_sensitive,
                f"It looks as if your search only finds '{WORD}' in small letters, so '"
                f"{WORD.capitalize()}' at the start of a sentence is missed. Search in any case "
                "(for example with `case=False`, or the chapter's `kwic`).",
            ),
            Mistake(
                "inside longer words",
                inside_longer_words,
                f"It looks as if your search also finds '{WORD}' inside longer words, such as "
                "'about', 'without' and 'outside'. Search for whole words: a pattern such as "
                rf"r'\b{WORD}\b', or the chapter's `kwic`.",
            ),
            Mistake(
                "plain str.count",
                plain_str_count,
                f"It looks as if you counted the letters '{WORD}' wherever they occur, in small "
                "letters only: inside longer words ('about', 'without') and not at the start of "
                "a sentence. Search for whole words in any case, as the chapter's `kwic` does.",
            ),
            Mistake(
                "counted segments",
                segments_with_the_word,
                "It looks as if you counted segments that contain the word, not the times it "
                "occurs: a segment can use it more than once. Count every occurrence (the rows "
                "of a kwic table, or `str.count`).",
            ),
        ),
    ),
}


@guarded(f"Give {MATRIX_ANSWER}.")
def ex5_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share of each role's interview segments that carry each identity code."""
    return TASKS["ex5_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {WORD_ANSWER}.")
def ex5_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check how many times the word occurs in each role's segments."""
    return TASKS["ex5_2"].check(answer, tables_or_loaded(tables))
