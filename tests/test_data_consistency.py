"""The synthetic data survive a close reader: texts agree with their speakers, timelines agree.

These tests read the generated tables as a student would, and apply rules written here, not the
generator's own: one rule per attribute the excerpt bank can carry (``fits``), a few independent
readings of the text itself (stated ages, "I'm a mum", "my mentor... she"), verbatim repetition,
whole transcripts with exact offsets, and one timeline per person. Each runs on the default seed
and on the 20 class-variant seeds.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pmcj.data.generate import DEFAULT_SEED
from pmcj.data.inputs import load_codebook, load_excerpts, load_study
from pmcj.data.transcripts import transcript_text
from tests.data_support import VARIANT_SEEDS, tables_for_seed

SEEDS = [DEFAULT_SEED, *VARIANT_SEEDS]
BANK = {item["id"]: item for item in load_excerpts(load_codebook())}
STUDY = load_study()
WOMEN_ONLY = {org["id"] for org in STUDY["organisations"] if org.get("women_only")}
DAYS_PER_MONTH = 30.44


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: f"seed{s}")
def t(request: pytest.FixtureRequest) -> dict[str, pd.DataFrame]:
    return tables_for_seed(request.param)


CONTEXTS: dict[int, pd.DataFrame] = {}


def segment_context(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each segment with its speaker, organisation, source type and the mentor the text means.

    Computed once per data set (the module-scoped fixture hands every test the same tables).
    """
    key = id(t["segments"])
    if key not in CONTEXTS:
        CONTEXTS[key] = _segment_context(t)
    return CONTEXTS[key]


def _segment_context(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    people = t["participants"].set_index("participant_id")
    mentor_of = t["sessions"].groupby("mentee_id").mentor_id.first()
    segs = t["segments"].merge(
        t["sources"][["source_id", "source_type", "organisation_id", "participant_id"]],
        on="source_id",
    )
    segs = segs.merge(t["organisations"], on="organisation_id")
    speaker = people.loc[segs.speaker_id]
    segs["role"] = speaker.role.to_numpy()
    segs["gender"] = speaker.gender.to_numpy()
    segs["age_band"] = speaker.age_band.to_numpy()
    segs["lived"] = speaker.lived_experience.to_numpy()
    segs["months"] = speaker.months_involved.to_numpy()
    segs["paid"] = speaker.mentor_paid_status.to_numpy()

    def the_mentor(row: pd.Series, field: str = "gender") -> str | None:
        if row.role != "mentee":
            return None
        mentor = row.participant_id if row.source_type == "fieldnote" else mentor_of[row.speaker_id]
        return str(people.loc[mentor, field])

    segs["mentor_gender"] = segs.apply(the_mentor, axis=1)
    segs["mentor_paid"] = segs.apply(the_mentor, axis=1, field="mentor_paid_status")
    segs["women_only"] = segs.organisation_id.isin(WOMEN_ONLY)
    return segs


def broken_fits(row: pd.Series) -> list[str]:
    """The `fits` keys of a segment's excerpt that its speaker or setting contradicts."""
    wanted = BANK[row.excerpt_id].get("fits") or {}
    lived = set() if row.lived in ("none", "") or pd.isna(row.lived) else set(row.lived.split(";"))
    rules = {
        "gender": lambda w: row.gender in w,
        "age_band": lambda w: row.age_band in w,
        "lived": lambda w: (not lived) if w == ["none"] else set(w) <= lived,
        "months": lambda w: w[0] <= row.months <= w[1],
        "setting": lambda w: row.setting in w,
        "funding": lambda w: row.funding_model in w,
        "nation": lambda w: row.nation in w,
        "women_only": lambda w: bool(row.women_only) == w,
        "mentor_gender": lambda w: row.mentor_gender in w,
        "paid": lambda w: row.paid in w,
        "mentor_paid": lambda w: row.mentor_paid in w,
    }
    return [key for key, value in wanted.items() if not rules[key](value)]


def test_every_segment_fits_its_speaker_and_setting(t) -> None:
    segs = segment_context(t)
    broken = {}
    for _, row in segs.iterrows():
        if problems := broken_fits(row):
            broken[row.segment_id] = (row.excerpt_id, problems)
    assert not broken, (
        f"{len(broken)} segments contradict their speaker: {list(broken.items())[:5]}"
    )


TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
TEENS = {"eighteen": 18, "nineteen": 19}
DIGITS = "one two three four five six seven eight nine"
UNITS = {word: n for n, word in enumerate(DIGITS.split(), 1)}
BANDS = {
    "18-24": (18, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55+": (55, 120),
}
STATED_AGE = re.compile(
    r"\bI'?m (nearly |almost |over |pushing |)(\d\d|" + "|".join([*TENS, *TEENS]) + r")"
    r"(?:[- ](" + "|".join(UNITS) + r"))?\b"
    r"(?! (?:month|week|year|day|hour|minute|quid|pound|times|stone|percent|mile)| again)",
    re.IGNORECASE,
)


def stated_age(match: re.Match[str]) -> int:
    word = match.group(2).lower()
    age = int(word) if word.isdigit() else {**TENS, **TEENS}[word]
    return age + (UNITS[match.group(3).lower()] if match.group(3) else 0)


def test_stated_ages_agree_with_age_bands(t) -> None:
    segs = segment_context(t).query("source_type != 'fieldnote'")
    wrong = []
    for row in segs.itertuples():
        for match in STATED_AGE.finditer(row.text):
            age = stated_age(match)
            low, high = BANDS[row.age_band]
            slack = 1 if match.group(1) else 0  # "nearly forty" can be 39
            if not low - slack <= age <= high + slack:
                wrong.append((row.segment_id, row.age_band, match.group(0)))
    assert not wrong, wrong[:5]


def test_gendered_self_reference_agrees_with_the_speaker(t) -> None:
    segs = segment_context(t).query("source_type != 'fieldnote'")
    mother = re.compile(
        r"\bI'?m (?:a|their|his|her) (?:mum|mam|mother|nan|gran)\b|\bas a (?:mum|mother)\b", re.I
    )
    father = re.compile(
        r"\bI'?m (?:a|their|his|her) (?:dad|father|grandad)\b|\bas a (?:dad|father)\b", re.I
    )
    wrong = [
        (row.segment_id, row.gender)
        for row in segs.itertuples()
        if (mother.search(row.text) and row.gender == "man")
        or (father.search(row.text) and row.gender == "woman")
    ]
    assert not wrong, wrong[:5]


MENTOR_PRONOUN = (
    re.compile(r"\bmy mentor,? (he|she)\b", re.I),  # "my mentor, she just..."
    re.compile(r"\bmy mentor (?:\w+ ){1,4}(?:and|but|then|so) (he|she)\b", re.I),  # "... and she"
)


def mentor_pronouns(t: dict[str, pd.DataFrame]) -> tuple[int, list[tuple[str, str, str]]]:
    """How many mentee segments name their mentor's pronoun, and those that contradict it."""
    segs = segment_context(t).query("role == 'mentee' and source_type == 'interview'")
    checked, wrong = 0, []
    for row in segs.itertuples():
        match = next((m for p in MENTOR_PRONOUN if (m := p.search(row.text))), None)
        if not match:
            continue
        checked += 1
        said = "man" if match.group(1).lower() == "he" else "woman"
        if said != row.mentor_gender:
            wrong.append((row.segment_id, row.mentor_gender, match.group(0)[-60:]))
    return checked, wrong


def test_a_mentees_mentor_has_the_pronoun_the_text_gives(t) -> None:
    assert not mentor_pronouns(t)[1]


def test_the_pronoun_rule_has_material_to_judge() -> None:
    checked = sum(mentor_pronouns(tables_for_seed(seed))[0] for seed in SEEDS)
    assert checked >= 20, f"only {checked} 'my mentor... he/she' segments in 21 data sets"


def test_no_men_talked_of_as_peers_in_the_womens_service(t) -> None:
    segs = segment_context(t).query("women_only")
    lads = re.compile(r"\b(?:the lads|lads on|the men here|the blokes)\b", re.I)
    assert not [s for s in segs.text if lads.search(s)]


def test_pseudonyms_follow_gender(t) -> None:
    names = STUDY["pseudonyms"]
    people = t["participants"]
    for row in people.itertuples():
        allowed = set(names["neutral"]) | set(names.get(row.gender, []))
        assert row.pseudonym in allowed, (row.participant_id, row.gender, row.pseudonym)
    assert people.pseudonym.is_unique


def test_little_verbatim_repetition(t) -> None:
    share = t["segments"].text.duplicated(keep=False).mean()
    assert share <= 0.10, f"{share:.1%} of segments repeat another word for word"


def test_no_field_note_repeats_about_the_same_person(t) -> None:
    notes = t["segments"].merge(t["sources"], on="source_id").query("source_type == 'fieldnote'")
    repeated = notes.duplicated(["participant_id", "excerpt_id"], keep=False)
    assert not repeated.any(), notes[repeated][["segment_id", "participant_id", "excerpt_id"]]
    assert not notes.duplicated(["participant_id", "text"]).any()


def transcripts(t: dict[str, pd.DataFrame]) -> dict[str, tuple[str, dict[int, int]]]:
    names = dict(zip(t["participants"].participant_id, t["participants"].pseudonym, strict=True))
    return {sid: transcript_text(turns, names) for sid, turns in t["turns"].groupby("source_id")}


def test_offsets_are_exact_in_the_whole_transcript(t) -> None:
    texts = transcripts(t)
    for row in t["segments"].itertuples():
        text, starts = texts[row.source_id]
        at = starts[row.turn]
        assert text[at + row.start : at + row.end] == row.text, row.segment_id


def test_interviews_are_whole_transcripts_with_uncoded_talk(t) -> None:
    texts = transcripts(t)
    coded = t["segments"].assign(n=t["segments"].text.str.len()).groupby("source_id").n.sum()
    interviews = t["sources"].query("source_type == 'interview'").source_id
    shares = pd.Series({sid: coded[sid] / len(texts[sid][0]) for sid in interviews})
    assert shares.between(0.4, 0.7).all(), shares[~shares.between(0.4, 0.7)].round(2).to_dict()
    voices = t["turns"].merge(t["sources"], on="source_id").groupby("source_type").voice.unique()
    assert "interviewer" in voices["interview"] and "facilitator" in voices["focus_group"]
    uncoded = t["turns"].merge(t["segments"][["source_id", "turn"]], how="left", indicator=True)
    assert (uncoded._merge == "left_only").mean() > 0.3, "most turns should be uncoded talk"


def test_mentee_interviews_fall_inside_their_log_or_are_follow_ups(t) -> None:
    logs = t["sessions"].assign(date=pd.to_datetime(t["sessions"].date)).groupby("mentee_id").date
    first, last = logs.min(), logs.max()
    interviews = (
        t["sources"]
        .query("source_type == 'interview'")
        .merge(t["participants"], on="participant_id")
        .query("role == 'mentee'")
    )
    for row in interviews.itertuples():
        day = pd.Timestamp(row.date)
        inside = first[row.participant_id] <= day <= last[row.participant_id] + pd.Timedelta(days=6)
        if row.follow_up:
            assert day > last[row.participant_id], row.source_id
        else:
            assert inside, (row.source_id, day, first[row.participant_id], last[row.participant_id])
        months = max(1, round((day - first[row.participant_id]).days / DAYS_PER_MONTH))
        assert row.months_involved == months, (row.participant_id, row.months_involved, months)


def test_mentors_were_mentoring_before_their_mentees_logs_began(t) -> None:
    interviews = t["sources"].query("source_type == 'interview'").set_index("participant_id").date
    people = t["participants"].set_index("participant_id")
    starts = t["sessions"].groupby("mentor_id").date.min()
    for mentor, first_log in starts.items():
        began = pd.Timestamp(interviews[mentor]) - pd.Timedelta(
            days=people.loc[mentor, "months_involved"] * DAYS_PER_MONTH
        )
        assert began <= pd.Timestamp(first_log) + pd.Timedelta(days=16), mentor
    paid = t["workload"].merge(people, left_on="mentor_id", right_index=True)
    assert (paid.query("mentor_paid_status == 'volunteer'").paid_hours == 0).all()
    assert (paid.query("mentor_paid_status == 'paid'").paid_hours > 0).all()
    assert set(t["sessions"].mentor_id) <= set(people.query("role == 'mentor'").index)


def test_field_notes_only_show_mentees_whose_mentoring_is_under_way(t) -> None:
    logs = t["sessions"].assign(date=pd.to_datetime(t["sessions"].date)).groupby("mentee_id").date
    notes = t["segments"].merge(t["sources"], on="source_id").query("source_type == 'fieldnote'")
    mentees = notes[notes.speaker_id.isin(logs.groups)]
    for row in mentees.itertuples():
        day = pd.Timestamp(row.date)
        assert (
            logs.min()[row.speaker_id] <= day <= logs.max()[row.speaker_id] + pd.Timedelta(days=6)
        )
