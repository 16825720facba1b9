"""Self-checks for the exercises of Chapter 6 (agency, action and acknowledgement).

Each expected answer is computed from the data loaded now (the book's data, or a class variant
named by ``PMCJ_DATA``), so a lecturer's variant needs no new answer key. Hints name the usual
mistakes without revealing the numbers.

``TASKS`` declares each data task once: how the right answer is made from the tables and which
typical mistakes the check recognises (each with the function that makes it and its hint).
``tests/test_selfchecks.py`` reads the same declarations and tests every mistake on every seed.

Exercise 6.1 asks for the c-coefficient of every agency code with every power code (a table of
shares: the segments carrying both codes over the segments carrying either), made with the
chapter's :func:`pmcj.cooccurrence.co_occurrence`. Exercise 6.2 asks, for mentees' interview
segments, what share carries each agency code, for mentees interviewed in their first three months
of mentoring (``early``) and later (``later``). Exercise 6.3 asks students to read the excerpts
behind one strong and one weak pairing from exercise 6.1's table; :func:`pairings_to_read` chooses
them, so every class variant has both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pmcj.checks.feedback import Feedback, Fractions, Mistake, ShareTask, Tables, guarded, shared
from pmcj.checks.tables import as_text, tables_or_loaded
from pmcj.cooccurrence import co_occurrence

EARLY_MONTHS = 3
"""Mentees interviewed within three months of starting mentoring are ``early``, others ``later``."""
BANDS = ["early", "later"]
C_ANSWER = (
    "a table with one row per agency code and one column per power code (or the transpose), "
    "holding each pair's c-coefficient"
)
BAND_ANSWER = (
    "a table with one row per band (early, later) and one column per agency code (or the "
    "transpose), holding the share of that band's mentee interview segments that carry the code"
)


def codes_of_theme(t: Tables, theme: str) -> list[str]:
    """The ids of a theme's codes, in the codebook's order."""
    codes = t["codes"]
    keep = (as_text(codes.level) == "code") & (as_text(codes.theme) == theme)
    return list(as_text(codes.code_id[keep]))


def lead_codings(t: Tables, coders: tuple[str, ...] = ("A",)) -> pd.DataFrame:
    """The codings of ``coders`` (the lead coder's by default) as plain text."""

    def make() -> pd.DataFrame:
        codings = t["codings"]
        keep = as_text(codings.coder).isin(coders)
        return pd.DataFrame(
            {
                "segment_id": as_text(codings.segment_id[keep]).to_numpy(),
                "code_id": as_text(codings.code_id[keep]).to_numpy(),
            }
        )

    return shared(t, ("codings", coders), make)


# --- ex6_1: the c-coefficient of each agency code with each power code ----------------------------


def pair_table(t: Tables) -> pd.DataFrame:
    """The chapter's long table (n1, n2, n12, c) for every agency code and power code."""

    def make() -> pd.DataFrame:
        return co_occurrence(
            lead_codings(t), codes_of_theme(t, "agency"), codes_of_theme(t, "power")
        )

    return shared(t, "pair_table", make)


def c_fractions(t: Tables, denominator: str = "either") -> Fractions:
    """Segments with both codes over a denominator, agency codes (rows) by power codes (columns).

    ``denominator="either"`` (the segments carrying either code, n1 + n2 - n12) makes the
    c-coefficient, the exercise's answer; ``"agency"`` (n1) and ``"power"`` (n2) make the share of
    one code's segments that also carry the other; ``"sum"`` (n1 + n2) forgets to take away the
    segments counted twice.
    """
    table = pair_table(t)
    wide = {
        column: table.pivot(index="code_1", columns="code_2", values=column)
        .reindex(index=codes_of_theme(t, "agency"), columns=codes_of_theme(t, "power"))
        .rename_axis(index="agency_code", columns="power_code")
        .astype(float)
        for column in ("n1", "n2", "n12")
    }
    totals = {
        "either": wide["n1"] + wide["n2"] - wide["n12"],
        "agency": wide["n1"],
        "power": wide["n2"],
        "sum": wide["n1"] + wide["n2"],
    }[denominator]
    return Fractions(wide["n12"], totals)


def c_coefficients(t: Tables) -> pd.DataFrame:
    """The c-coefficient of each agency code (rows) with each power code (columns)."""
    return c_fractions(t).shares


def over_agency_segments(t: Tables) -> pd.DataFrame:
    return c_fractions(t, "agency").shares


def over_power_segments(t: Tables) -> pd.DataFrame:
    return c_fractions(t, "power").shares


def overlap_counted_twice(t: Tables) -> pd.DataFrame:
    return c_fractions(t, "sum").shares


# --- ex6_3: a strong and a weak pairing to read -------------------------------------------------


def pairings_to_read(tables: Tables | None = None) -> dict[str, tuple[str, str]]:
    """The strong and the weak pairing exercise 6.3 asks students to read (agency, power).

    The strong pairing has the largest c-coefficient in exercise 6.1's table; the weak one the
    smallest c-coefficient among the pairs that share at least one segment, so that there is an
    excerpt to read. Ties go to the codebook's order, so the choice is the same on every call.
    """
    t = tables_or_loaded(tables)
    table = pair_table(t).reset_index(drop=True)
    order = table.index.to_numpy()
    shared_any = table[table.n12 > 0]
    strong = table.loc[np.lexsort((order, -table.c.to_numpy()))[0]]
    weak = shared_any.loc[
        shared_any.index[np.lexsort((shared_any.index.to_numpy(), shared_any.c.to_numpy()))[0]]
    ]
    return {
        "strong": (str(strong.code_1), str(strong.code_2)),
        "weak": (str(weak.code_1), str(weak.code_2)),
    }


def excerpts_for(pair: tuple[str, str], tables: Tables | None = None) -> pd.Series:
    """The synthetic excerpts of every segment the lead coder gave both codes, by segment id."""
    t = tables_or_loaded(tables)
    lead = lead_codings(t)
    first = set(lead.segment_id[lead.code_id == pair[0]])
    second = set(lead.segment_id[lead.code_id == pair[1]])
    segments = t["segments"]
    both = segments[as_text(segments.segment_id).isin(first & second)]
    return pd.Series(as_text(both.text).to_numpy(), index=as_text(both.segment_id).to_numpy())


# --- ex6_2: agency codes in mentees' interview talk, early and later in mentoring ---------------


def band_segments(t: Tables, sources: str = "interview", roles: str = "mentee") -> pd.DataFrame:
    """The segments the exercise counts (segment_id, band): mentees' interview segments.

    ``sources="all"`` keeps field notes too, and ``roles="all"`` keeps every speaker who has a
    number of months involved (mentors and staff as well as mentees): the exercise's slips.
    """

    def make() -> pd.DataFrame:
        segments, people = t["segments"], t["participants"]
        role_of = pd.Series(as_text(people.role).to_numpy(), index=as_text(people.participant_id))
        months_of = pd.Series(people.months_involved.to_numpy(), index=role_of.index)
        type_of = t["sources"].set_index(as_text(t["sources"].source_id)).source_type
        speaker = as_text(segments.speaker_id)
        keep = pd.Series(True, index=segments.index)
        if roles == "mentee":
            keep &= speaker.map(role_of).eq("mentee")
        if sources == "interview":
            keep &= as_text(as_text(segments.source_id).map(type_of)).eq("interview")
        months = pd.to_numeric(speaker.map(months_of), errors="coerce")
        keep &= months.notna()
        band = np.where(months[keep] <= EARLY_MONTHS, "early", "later")
        return pd.DataFrame(
            {"segment_id": as_text(segments.segment_id[keep]).to_numpy(), "band": band}
        )

    return shared(t, ("band_segments", sources, roles), make)


def band_fractions(
    t: Tables,
    sources: str = "interview",
    roles: str = "mentee",
    coders: tuple[str, ...] = ("A",),
    denominator: str = "band",
) -> Fractions:
    """Segments carrying each agency code over the band's segments, bands (rows) by codes.

    The defaults make the exercise's answer. ``denominator="agency"`` divides by the band's
    segments that carry any agency code instead of by all its segments.
    """
    kept = band_segments(t, sources, roles)
    agency = codes_of_theme(t, "agency")
    coded = lead_codings(t, coders)
    coded = coded[coded.code_id.isin(agency)].drop_duplicates()
    found = coded.merge(kept, on="segment_id")
    counted = (
        pd.crosstab(found.band, found.code_id)
        .reindex(index=BANDS, columns=agency, fill_value=0)
        .rename_axis(index="band", columns="agency_code")
        .astype(float)
    )
    if denominator == "agency":
        per_band = found.drop_duplicates("segment_id").groupby("band").size()
    else:
        per_band = kept.groupby("band").size()
    per_band = per_band.reindex(BANDS, fill_value=0).to_numpy(dtype=float)
    totals = counted * 0 + per_band[:, None]
    return Fractions(counted, totals)


def kept_field_notes(t: Tables) -> pd.DataFrame:
    return band_fractions(t, sources="all").shares


def kept_every_role(t: Tables) -> pd.DataFrame:
    return band_fractions(t, roles="all").shares


def over_agency_talk(t: Tables) -> pd.DataFrame:
    return band_fractions(t, denominator="agency").shares


# --- the declarations and the checks --------------------------------------------------------------

TASKS: dict[str, ShareTask] = {
    "ex6_1": ShareTask(
        right=c_fractions,
        what=C_ANSWER,
        nouns=("agency code", "power code"),
        label_format="{0} with {1}",
        correct=(
            "Each c-coefficient matches the lead coder's synthetic codings. Before you read the "
            "table, look at n1 and n2 as well: a pair of rare codes and a pair of common codes "
            "can have the same c for very different reasons."
        ),
        counts_hint=(
            "Your values look like counts of segments that carry both codes (n12), not "
            "c-coefficients. Divide each count by the number of segments that carry either code: "
            "n1 + n2 - n12."
        ),
        wrong_hint=(
            "The c-coefficient of {off} is not right. For each pair, count the lead coder's "
            "segments with both codes (n12), with the agency code (n1) and with the power code "
            "(n2), then take n12 / (n1 + n2 - n12)."
        ),
        mistakes=(
            Mistake(
                "divided by the agency code's segments",
                over_agency_segments,
                "It looks as if you divided by the segments that carry the agency code (n1): that "
                "is the share of that code's segments that also carry the power code. The "
                "c-coefficient divides by the segments that carry either code, n1 + n2 - n12.",
            ),
            Mistake(
                "divided by the power code's segments",
                over_power_segments,
                "It looks as if you divided by the segments that carry the power code (n2): that "
                "is the share of that code's segments that also carry the agency code. The "
                "c-coefficient divides by the segments that carry either code, n1 + n2 - n12.",
            ),
            Mistake(
                "counted the overlap twice",
                overlap_counted_twice,
                "It looks as if you divided by n1 + n2. A segment that carries both codes is "
                "counted in n1 and again in n2, so take it away once: n1 + n2 - n12.",
            ),
        ),
    ),
    "ex6_2": ShareTask(
        right=band_fractions,
        what=BAND_ANSWER,
        nouns=("band", "agency code"),
        label_format="{1} ({0})",
        correct=(
            "Each share matches the synthetic interviews. Now count how many mentees stand behind "
            "each band before you read anything into a difference between codes."
        ),
        counts_hint=(
            "Your values look like counts of segments, not shares. Divide each count by the "
            "number of mentee interview segments in its band."
        ),
        wrong_hint=(
            "The share for {off} is not right. Keep the segments mentees speak in interviews, "
            "give each its band from the speaker's `months_involved` (early: 3 or fewer), and "
            "divide the segments the lead coder gave each agency code by the band's segments."
        ),
        mistakes=(
            Mistake(
                "kept field notes",
                kept_field_notes,
                "It looks as if you kept the mentees' segments from field notes as well. A "
                "mentee's `months_involved` is counted at the date of their interview, so keep "
                "only segments from interviews (the `source_type` in `sources`).",
            ),
            Mistake(
                "kept every role",
                kept_every_role,
                "It looks as if you kept every speaker's segments, mentors' and staff's too. "
                "Keep the segments spoken by mentees.",
            ),
            Mistake(
                "divided by the agency segments",
                over_agency_talk,
                "It looks as if you divided by the band's segments that carry any agency code. "
                "Divide by all the band's mentee interview segments, so that the share says how "
                "much of their talk carries each code.",
            ),
        ),
    ),
}


@guarded(f"Give {C_ANSWER}.")
def ex6_1(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the c-coefficient of each agency code with each power code."""
    return TASKS["ex6_1"].check(answer, tables_or_loaded(tables))


@guarded(f"Give {BAND_ANSWER}.")
def ex6_2(answer: Any = ..., tables: Tables | None = None) -> Feedback:
    """Check the share of mentees' interview segments carrying each agency code, by band."""
    return TASKS["ex6_2"].check(answer, tables_or_loaded(tables))
