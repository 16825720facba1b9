"""Self-checks for the exercises of Chapter 3 (theorising peer mentoring: the codebook as data).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the answer.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

Exercise 3.1 asks students to read one segment and propose its theme before they look at its
codes, and then to trace its code back to the theory behind it. The segment is chosen from the
data by :func:`segment_to_read`, so on every variant it is one whose theme is not in doubt (both
coders gave it the same single code), whose code draws on one of the chapter's lenses, and which
is not the segment Exercise 1.1 shows.

Exercise 3.2 asks how many codes in each theme are deductive: the codebook, read as a table.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmcj.checks import ch01
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
from pmcj.checks.tables import tables_or_loaded

THEME_ANSWER = ch01.THEME_ANSWER
ORIGIN_ANSWER = "a pandas Series with one count per theme (identity, agency, values, change, power)"

LENSES: dict[str, str] = {
    "goffman1963stigma": "Stigma (Goffman)",
    "maruna2001making": "Making good (Maruna)",
    "lebel2015helping": "Wounded healer (LeBel et al.)",
    "lebel2007examination": "Helper principle (LeBel)",
    "freire2017pedagogy": "Dialogue (Freire)",
    "girard1965deceit": "Mimesis (Girard)",
    "buck2016wanted": "Mimesis in mentoring (Buck)",
    "rogers1957necessary": "Helping conditions (Rogers)",
    "hochschild1983managed": "Emotion work (Hochschild)",
    "buck2019politicisation": "Politicisation (Buck)",
    "maruna2017desistance": "Social movement (Maruna)",
    "charlton1998nothing": "Nothing about us (Charlton)",
    "buck2021feels": "Involvement (Buck et al.)",
}
"""The chapter's theoretical lenses: each citation key the narrative introduces, with the label
the chapter's lens chart gives it (the chapter checks that its own table matches this one)."""

LENS_WORDS = (
    "stigma theory",
    "spoiled identity",
    "making good",
    "wounded healer",
    "helper principle",
    "professional ex",
    "mimesis",
    "mimetic desire",
    "imitation",
    "banking education",
    "problem posing",
    "problem posing education",
    "conscientisation",
    "conscientization",
    "emotion work",
    "emotional labour",
    "emotional labor",
    "collective politicisation",
    "nothing about us without us",
    "desistance as a social movement",
    "goffman",
    "maruna",
    "lebel",
    "freire",
    "girard",
    "rogers",
    "hochschild",
    "charlton",
    "buck",
)
"""What a student who names the theory (or thinker) behind a segment, not its theme, may type."""


def _text(values: pd.Series) -> pd.Series:
    """Labels as plain text, whether the table came from the loader (categories) or a CSV."""
    return values.astype(object).where(values.notna(), "").astype(str)


def codebook(t: Tables) -> pd.DataFrame:
    """The codes (not the themes) of the codes table, as plain text: id, theme, origin, keys."""

    def make() -> pd.DataFrame:
        codes = t["codes"]
        frame = pd.DataFrame(
            {
                "code_id": _text(codes.code_id).to_numpy(),
                "level": _text(codes.level).to_numpy(),
                "theme": _text(codes.theme).to_numpy(),
                "origin": _text(codes.origin).to_numpy(),
                "references": _text(codes.references).to_numpy(),
            }
        )
        return frame[frame.level == "code"].drop(columns="level").reset_index(drop=True)

    return shared(t, "ch03_codebook", make)


def theme_order(t: Tables) -> list[str]:
    """The themes in the codebook's order (the order of Buck's chapters)."""
    codes = t["codes"]
    return list(_text(codes.code_id)[_text(codes.level) == "theme"])


def keys_of(references: str) -> list[str]:
    """The citation keys in a code's ``references`` cell ('a;b;c')."""
    return [key.strip() for key in references.split(";") if key.strip()]


def lens_codes(t: Tables) -> set[str]:
    """The codes whose definitions draw on at least one of the chapter's lenses."""
    book = codebook(t)
    return {
        code
        for code, refs in zip(book.code_id, book.references, strict=True)
        if set(keys_of(refs)) & set(LENSES)
    }


# --- ex3_1: propose the theme of a segment, then trace its code to a theory ----------------------


def segment_to_read(tables: Tables | None = None) -> str:
    """The id of the segment exercise 3.1 asks students to read (the same on every call).

    In order of preference, the first segment (by id), other than the one Exercise 1.1 shows,
    that:

    1. both coders coded, each with the same single code, a code that draws on one of the
       chapter's lenses, spoken by a mentor or mentee in an interview and 25 to 50 words long;
    2. the same, with a code from any source;
    3. the lead coder gave a single code;
    4. failing all of those, the segment Exercise 1.1 shows.
    """
    t = tables_or_loaded(tables)

    def make() -> str:
        segments = t["segments"]
        ids = _text(segments.segment_id)
        a, b = ids.map(ch01.single_code(t, "A")), ids.map(ch01.single_code(t, "B"))
        single = a.notna().to_numpy() & (ids != ch01.segment_to_read(t)).to_numpy()
        agreed = single & (a == b).to_numpy()
        role_of = t["participants"].set_index("participant_id").role
        type_of = t["sources"].set_index("source_id").source_type
        low, high = ch01.READABLE_WORDS
        readable = (
            _text(segments.speaker_id.map(role_of)).isin(["mentor", "mentee"]).to_numpy()
            & (_text(segments.source_id.map(type_of)) == "interview").to_numpy()
            & segments.word_count.between(low, high).to_numpy()
        )
        from_lens = a.isin(sorted(lens_codes(t))).to_numpy()
        for keep in (agreed & readable & from_lens, agreed & readable, single):
            if keep.any():
                return str(ids[keep].min())
        return ch01.segment_to_read(t)

    return shared(t, "ch03_segment_to_read", make)


def segment_code(t: Tables) -> str:
    """The lead coder's code on the segment to read."""
    lead = ch01.coded(t)[lambda d: (d.coder == "A") & (d.segment_id == segment_to_read(t))]
    found = sorted(set(lead.code_id))
    return found[0] if found else ""


def segment_theme(t: Tables) -> str:
    """The theme of the lead coder's code on the segment to read (the exercise's answer)."""
    return str(ch01.theme_of_code(t).get(segment_code(t), ""))


def lens_words(t: Tables) -> list[str]:
    """Names of the chapter's theories and thinkers that are not also a theme's or a code's name."""
    themes = [word for words in ch01.theme_spellings(t).values() for word in words]
    taken = {word_key(word) for word in [*themes, *ch01.code_words(t), *theme_order(t)]}
    return [word for word in LENS_WORDS if word_key(word) not in taken]


# --- ex3_2: deductive codes per theme -------------------------------------------------------------


def _per_theme(t: Tables, keep: pd.Series, frame: pd.DataFrame) -> pd.Series:
    counts = frame[keep].theme.value_counts().reindex(theme_order(t), fill_value=0)
    return counts.rename_axis("theme").astype(int)


def deductive_per_theme(t: Tables) -> pd.Series:
    """How many codes in each theme are deductive (the exercise's answer)."""
    book = codebook(t)
    return _per_theme(t, book.origin == "deductive", book)


def every_code_per_theme(t: Tables) -> pd.Series:
    """Every code in each theme, deductive or not: the filter on origin left out."""
    book = codebook(t)
    return _per_theme(t, book.origin != "", book)


def theme_rows_counted(t: Tables) -> pd.Series:
    """Rows that are not inductive, per theme: the theme's own row counted as a deductive code."""
    codes = t["codes"]
    frame = pd.DataFrame(
        {"theme": _text(codes.theme).to_numpy(), "origin": _text(codes.origin).to_numpy()}
    )
    return _per_theme(t, frame.origin != "inductive", frame)


def referenced_per_theme(t: Tables) -> pd.Series:
    """Codes whose definition cites a work, per theme: a reference taken for a deductive origin."""
    book = codebook(t)
    return _per_theme(t, book.references != "", book)


def inductive_per_theme(t: Tables) -> pd.Series:
    """Inductive codes per theme: the filter turned the wrong way round."""
    book = codebook(t)
    return _per_theme(t, book.origin == "inductive", book)


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, ChoiceTask | CountTask] = {
    "ex3_1": ChoiceTask(
        right=segment_theme,
        options=ch01.theme_spellings,
        what=THEME_ANSWER,
        noun="theme",
        correct=(
            "That is the theme the coders chose for this segment. Now look up its code, the "
            "code's origin and the works its definition cites (the next step shows how), and "
            "find the theory in the chapter that the code was built from."
        ),
        wrong_hint=(
            "Not the theme the coders chose. Read the segment again and ask what the speaker is "
            "mainly doing: describing who they are or are becoming (identity); steering their "
            "own life, acting, talking things through or being recognised (agency); saying what "
            "makes the relationship work (values); describing how hard and uneven change is "
            "(change); or pointing to pay, feelings managed for the job, rules, involvement and "
            "its costs, or other services (power). Then try once more."
        ),
        mistakes=(
            Mistake(
                "named a lens, not a theme",
                lens_words,
                "That is the name of a theory or a thinker, one of the chapter's lenses, not a "
                "theme. In this codebook a lens became one or more codes, and every code sits in "
                "one of the five themes (identity, agency, values, change and power). Name the "
                "theme; you will trace the theory in the next step.",
            ),
            Mistake(
                "named a code, not a theme",
                ch01.code_words,
                "That is the name of a code, not of a theme. Codes sit inside themes: each code "
                "in the codebook belongs to one of the five themes (identity, agency, values, "
                "change and power). Which theme would hold the code you have in mind?",
            ),
            Mistake(
                "named a role, not a theme",
                ch01.role_words,
                "That is a role (who is speaking), not a theme (what the talk is about). Read "
                "what the segment says and name one of the five themes: identity, agency, "
                "values, change or power.",
            ),
        ),
    ),
    "ex3_2": CountTask(
        right=deductive_per_theme,
        what=ORIGIN_ANSWER,
        nouns=("theme",),
        correct=(
            "Each count matches the codebook. Compare them with the number of codes in each "
            "theme: where do the inductive codes sit?"
        ),
        shares_hint=(
            "Your values are not whole numbers of codes: they look like shares or percentages. "
            "This task asks for counts, the number of deductive codes in each theme."
        ),
        wrong_hint=(
            "Not every count is right (look again at {off}). Keep the rows of the codes table "
            "that are codes (level 'code') and whose origin is 'deductive', then count them in "
            "each theme."
        ),
        mistakes=(
            Mistake(
                "counted every code",
                every_code_per_theme,
                "These are the numbers of all the codes in each theme. The task asks only for "
                "the deductive ones: keep the rows whose origin is 'deductive' before you count.",
            ),
            Mistake(
                "counted the theme rows",
                theme_rows_counted,
                "It looks as if each theme's own row was counted as a deductive code. The codes "
                "table holds the themes too (level 'theme', with no origin), and a filter such as "
                "origin != 'inductive' keeps them. Keep the rows whose origin is 'deductive'.",
            ),
            Mistake(
                "took a reference for a deductive origin",
                referenced_per_theme,
                "It looks as if you counted the codes whose definition cites a work. A code can "
                "cite a work and still be inductive: read the origin column, not the references "
                "column.",
            ),
            Mistake(
                "counted the inductive codes",
                inductive_per_theme,
                "These are the inductive codes, the ones that came from the fieldwork. The task "
                "asks for the deductive codes, the ones built from a theory or earlier research.",
            ),
        ),
    ),
}


@guarded(f"Give {THEME_ANSWER}.")
def ex3_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the theme proposed for the segment chosen by :func:`segment_to_read`."""
    return TASKS["ex3_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {ORIGIN_ANSWER}.")
def ex3_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the number of deductive codes in each theme."""
    return TASKS["ex3_2"].check(answer, tables_or_loaded(tables))
