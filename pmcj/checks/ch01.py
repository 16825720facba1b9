"""Self-checks for the exercises of Chapter 1 (introduction: a first tour of the data).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the answer.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

Exercise 1.1 asks students to read one segment and name its theme before they look at its codes.
The segment is chosen from the data by :func:`segment_to_read`, so on every variant it is one
whose theme is not in doubt: the lead coder gave it a single code and the second coder, coding
independently, gave it the same one.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pmcj.checks.feedback import (
    ChoiceTask,
    CountTask,
    Feedback,
    Mistake,
    Tables,
    guarded,
    shared,
    word_key,
)
from pmcj.checks.tables import as_text, tables_or_loaded

ROLE_ANSWER = "a pandas Series with one count per role (mentor, mentee, staff, focus_group)"
THEME_ANSWER = (
    "the name of one theme, as text in quotes: 'identity', 'agency', 'values', 'change' or 'power'"
)
READABLE_WORDS = (25, 50)
"""Length of the segment exercise 1.1 prefers: long enough to judge, short enough to read."""


# --- ex1_1: the theme of one segment --------------------------------------------------------------


def coded(t: Tables) -> pd.DataFrame:
    """Every coding as plain text, with the code's theme: segment_id, code_id, coder, theme."""

    def make() -> pd.DataFrame:
        codings = t["codings"]
        frame = pd.DataFrame(
            {
                "segment_id": as_text(codings.segment_id).to_numpy(),
                "code_id": as_text(codings.code_id).to_numpy(),
                "coder": as_text(codings.coder).to_numpy(),
            }
        )
        return frame.assign(theme=frame.code_id.map(theme_of_code(t)))

    return shared(t, "coded", make)


def theme_of_code(t: Tables) -> pd.Series:
    """Code id -> its theme, from the codes table (the codebook)."""
    codes = t["codes"]
    codes = codes[as_text(codes.level) == "code"]
    return pd.Series(as_text(codes.theme).to_numpy(), index=as_text(codes.code_id).to_numpy())


def single_code(t: Tables, coder: str) -> pd.Series:
    """Segment id -> its code, for the segments the coder gave exactly one code."""
    mine = coded(t)[lambda d: d.coder == coder]
    once = mine.segment_id.value_counts()
    mine = mine[mine.segment_id.isin(once.index[once == 1])]
    return pd.Series(mine.code_id.to_numpy(), index=mine.segment_id.to_numpy())


def segment_to_read(tables: Tables | None = None) -> str:
    """The id of the segment exercise 1.1 asks students to read (the same on every call).

    In order of preference, the first segment (by id) that:

    1. both coders coded, each with the same single code, spoken by a mentor or mentee in an
       interview and 25 to 50 words long;
    2. the lead coder gave a single code;
    3. the lead coder's codes all come from one theme;
    4. failing all of those, the first segment.
    """
    t = tables_or_loaded(tables)

    def make() -> str:
        segments = t["segments"]
        ids = as_text(segments.segment_id)
        a, b = ids.map(single_code(t, "A")), ids.map(single_code(t, "B"))
        single = a.notna().to_numpy()
        agreed = single & (a == b).to_numpy()
        role_of = t["participants"].set_index("participant_id").role
        type_of = t["sources"].set_index("source_id").source_type
        low, high = READABLE_WORDS
        readable = (
            as_text(segments.speaker_id.map(role_of)).isin(["mentor", "mentee"]).to_numpy()
            & (as_text(segments.source_id.map(type_of)) == "interview").to_numpy()
            & segments.word_count.between(low, high).to_numpy()
        )
        lead = coded(t)[lambda d: d.coder == "A"]
        themes = lead.groupby("segment_id").theme.nunique()
        one_theme = ids.map(themes).eq(1).to_numpy()
        for keep in (agreed & readable, single, one_theme):
            if keep.any():
                return str(ids[keep].min())
        return str(ids.min())

    return shared(t, "segment_to_read", make)


def segment_theme(t: Tables) -> str:
    """The theme of the lead coder's code(s) on the segment to read (the exercise's answer)."""
    lead = coded(t)[lambda d: (d.coder == "A") & (d.segment_id == segment_to_read(t))]
    found = sorted(set(lead.theme.dropna()))
    return found[0] if found else ""


def theme_spellings(t: Tables) -> dict[str, list[str]]:
    """Each theme's id with the spellings accepted for it: its name and the parts of its name
    ('Values and core conditions' also accepts 'values' and 'core conditions'), except a part
    that is also the name of a code ('acknowledgement' is a code in the agency theme)."""

    def make() -> dict[str, list[str]]:
        codes = t["codes"]
        themes = codes[as_text(codes.level) == "theme"]
        codes = {word_key(word) for word in code_words(t)}
        spellings = {}
        for theme, name in zip(as_text(themes.code_id), as_text(themes["name"]), strict=True):
            parts = [p for p in re.split(r",\s*|\s+and\s+", name) if p.strip()]
            spellings[theme] = [name, *(p for p in parts if word_key(p) not in codes)]
        return spellings

    return shared(t, "theme_spellings", make)


def code_words(t: Tables) -> list[str]:
    """Every code's id and name: what a student who names a code instead of a theme types."""
    codes = t["codes"]
    codes = codes[as_text(codes.level) == "code"]
    return [*as_text(codes.code_id), *as_text(codes["name"])]


def role_words(t: Tables) -> list[str]:
    """Every role, as the data spell it and in words: a role named instead of a theme."""
    roles = sorted(set(as_text(t["participants"].role)))
    return [*roles, *(role.replace("_", " ") for role in roles)]


# --- ex1_2: participants by role ------------------------------------------------------------------


def role_counts(t: Tables) -> pd.Series:
    """How many participants are in each role (the exercise's answer)."""
    roles = t["participants"].role
    labels = (
        list(roles.cat.categories.astype(str))
        if isinstance(roles.dtype, pd.CategoricalDtype)
        else sorted(set(as_text(roles)))
    )
    counts = as_text(roles).value_counts().reindex(labels, fill_value=0)
    return counts.rename_axis("role").astype(int)


def _role_of(t: Tables) -> pd.Series:
    participants = t["participants"]
    return pd.Series(as_text(participants.role).to_numpy(), index=participants.participant_id)


def counted_segments(t: Tables) -> pd.Series:
    """Segments per speaker's role: one person counted once for every segment they speak."""
    return t["segments"].speaker_id.map(_role_of(t)).value_counts()


def counted_turns(t: Tables) -> pd.Series:
    """Participants' turns per role: one person counted once for every turn they take."""
    speakers = t["turns"].speaker_id.dropna()
    return speakers.map(_role_of(t)).value_counts()


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, ChoiceTask | CountTask] = {
    "ex1_1": ChoiceTask(
        right=segment_theme,
        options=theme_spellings,
        what=THEME_ANSWER,
        noun="theme",
        correct=(
            "That is the theme the coders chose for this segment. Now look up its code (the "
            "worked solution shows how) and compare the code's definition in the codebook with "
            "the reason you wrote down."
        ),
        wrong_hint=(
            "Not the theme the coders chose. Read the segment again and ask what it is mainly "
            "about: who mentors and mentees are and are becoming (identity); mentees steering "
            "their own lives, acting and being recognised (agency); what makes the relationship "
            "work (values); how hard and uneven leaving crime behind can be (change); or pay, "
            "targets, rules and risk, involvement and its costs, and the contrast with other "
            "services (power). Then try once more."
        ),
        mistakes=(
            Mistake(
                "named a code, not a theme",
                code_words,
                "That is the name of a code, not of a theme. Codes sit inside themes: each code "
                "in the codebook belongs to one of the five themes (identity, agency, values, "
                "change and power). Which theme would hold the code you have in mind?",
            ),
            Mistake(
                "named a role, not a theme",
                role_words,
                "That is a role (who is speaking), not a theme (what the talk is about). Read "
                "what the segment says and name one of the five themes: identity, agency, "
                "values, change or power.",
            ),
        ),
    ),
    "ex1_2": CountTask(
        right=role_counts,
        what=ROLE_ANSWER,
        nouns=("role",),
        correct="Each count matches the synthetic participants table.",
        shares_hint=(
            "Your values are not whole numbers of people: they look like shares or percentages. "
            "This task asks for counts, the number of people in each role."
        ),
        wrong_hint=(
            "Not every count is right (look again at {off}). Use the table with one row per "
            "person and count its rows in each role, for example with `value_counts()`."
        ),
        mistakes=(
            Mistake(
                "counted segments, not people",
                counted_segments,
                "It looks as if you counted segments (coded stretches of talk), not people: "
                "someone who speaks ten segments was counted ten times. Use the table with one "
                "row per person.",
            ),
            Mistake(
                "counted turns, not people",
                counted_turns,
                "It looks as if you counted turns in the transcripts, not people: each time "
                "someone spoke they were counted again. Use the table with one row per person.",
            ),
        ),
    ),
}


@guarded(f"Give {THEME_ANSWER}.")
def ex1_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the theme proposed for the segment chosen by :func:`segment_to_read`."""
    return TASKS["ex1_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {ROLE_ANSWER}.")
def ex1_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the number of participants in each role."""
    return TASKS["ex1_2"].check(answer, tables_or_loaded(tables))
