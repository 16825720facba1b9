"""Generate the synthetic data set from the codebook, the excerpt bank and the study design.

The model, in brief (the "About the data" page explains it for students):

1. Organisations and participants come from ``data/study.yml``; attributes such as age band and
   lived experience are drawn at random, and pseudonyms from name lists by gender.
2. Each mentee has one mentor at their organisation and a weekly contact log that starts when their
   mentoring starts; it is simulated week by week from the named tendencies, and ends early if the
   mentee stops engaging.
3. Every mentor, mentee and member of staff is interviewed once: a mentee while their log runs (or,
   marked as a follow-up, after it ends), so that months involved is the time since their log's
   first week. The researcher writes field notes at each organisation; four focus groups meet.
4. Each source is a whole transcript of turns (:mod:`pmcj.data.transcripts`): interviewer or
   facilitator turns and uncoded talk from ``data/talk.yml`` around the coded segments. Each
   segment's theme is drawn from its speaker's role, then an excerpt that fits the speaker (their
   gender, age, lived experience, organisation, mentor...) is taken from the bank, least-used first
   and weighted by the named code tendencies, and one of its written variants is chosen.
5. Coder A (the lead coder) applies each excerpt's codes. Coder B codes a stratified quarter of the
   sources, missing some codes, choosing the plausible alternative on borderline excerpts, and
   occasionally adding one.
6. Workload diaries are simulated week by week from the named tendencies.

Randomness comes from ``random.Random`` seeded with the seed and the table's name, so each table is
reproducible on its own and no clock or environment is consulted: the same seed always gives
byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmcj.data.errors import DataError
from pmcj.data.inputs import Codebook, load_codebook, load_excerpts, load_study, load_talk
from pmcj.data.tendencies import Tendencies
from pmcj.data.transcripts import ExcerptPicker, Facts, TalkPicker, Transcriber
from pmcj.data.variation import AGE_BANDS, LIVED
from pmcj.paths import DATA_DIR

DEFAULT_SEED = 20200301
PACKAGE = DATA_DIR / "datapackage.json"
LIVED_EXPERIENCE = LIVED
SLIP_KINDS = ("missed_appointment", "lapse", "breach_of_conditions", "conflict")
INCLUSION_CODES = {"politicisation", "voice", "acknowledgement", "giving_back"}
EXCLUSION_CODES = {"tokenism_shame", "precarity"}
DAYS_PER_MONTH = 30.44
Row = dict[str, Any]


def rng_for(seed: int, table: str) -> random.Random:
    return random.Random(f"{seed}:{table}")


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def half_hours(value: float) -> float:
    return max(0.0, round(value * 2) / 2)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``, at least 1 (the unit of ``months_involved``)."""
    return max(1, round((end - start).days / DAYS_PER_MONTH))


@dataclass
class Study:
    codebook: Codebook
    excerpts: list[Row]
    talk: dict[str, Any]
    design: dict[str, Any]
    tendencies: Tendencies
    seed: int

    @property
    def start(self) -> dt.date:
        return dt.date.fromisoformat(str(self.design["study_start"]))

    def org(self, org_id: str) -> dict[str, Any]:
        return next(org for org in self.design["organisations"] if org["id"] == org_id)


def organisations(study: Study) -> list[Row]:
    keys = ("setting", "funding_model", "nation", "paid_mentor_posts", "volunteer_mentor_posts")
    return [
        {"organisation_id": org["id"], "name": org["name"], **{k: org[k] for k in keys}}
        for org in study.design["organisations"]
    ]


class Names:
    """Pseudonyms by gender, without repetition; some people get a name from the neutral list."""

    def __init__(self, lists: dict[str, list[str]], rng: random.Random):
        self.rng = rng
        self.lists = {gender: list(names) for gender, names in lists.items()}
        for names in self.lists.values():
            rng.shuffle(names)

    def take(self, gender: str) -> str:
        own = {"woman": "woman", "man": "man"}.get(gender, "neutral")
        order = [own, "neutral"] if own != "neutral" else ["neutral"]
        if own != "neutral" and self.rng.random() < 0.12:
            order.reverse()
        for kind in order:
            if self.lists[kind]:
                return self.lists[kind].pop()
        raise DataError("study.yml", f"pseudonyms: too few {own} or neutral names for the study")


def participants(study: Study) -> list[Row]:
    rng = rng_for(study.seed, "participants")
    names = Names(study.design["pseudonyms"], rng)
    rows: list[Row] = []

    def person(org: dict[str, Any], role: str, paid: str = "") -> None:
        gender = (
            "woman"
            if org.get("women_only")
            else weighted(rng, {"man": 0.62, "woman": 0.34, "non-binary": 0.04})
        )
        if role == "staff" and rng.random() < 0.6:
            lived = "none"
        else:
            pool = list(LIVED_EXPERIENCE)
            first = "prison" if role != "staff" and rng.random() < 0.75 else rng.choice(pool)
            others = rng.sample([kind for kind in pool if kind != first], k=rng.randint(0, 2))
            lived = ";".join(sorted({first, *others}, key=LIVED_EXPERIENCE.index))
        months = {"mentor": (6, 72), "mentee": (1, 1), "staff": (12, 120), "focus_group": (6, 96)}[
            role
        ]
        ages = {"mentee": (0.22, 0.34, 0.24, 0.14, 0.06)}.get(role, (0.04, 0.26, 0.32, 0.24, 0.14))
        rows.append(
            {
                "participant_id": f"p{len(rows) + 1:03d}",
                "organisation_id": org["id"],
                "role": role,
                "pseudonym": names.take(gender),
                "age_band": rng.choices(AGE_BANDS, weights=ages)[0],
                "gender": gender,
                "lived_experience": lived,
                "months_involved": rng.randint(*months),  # mentees': set from their log later
                "mentor_paid_status": paid,
            }
        )

    for org in study.design["organisations"]:
        for _ in range(org["paid_mentor_posts"]):
            person(org, "mentor", "paid")
        for _ in range(org["volunteer_mentor_posts"]):
            person(org, "mentor", "volunteer")
        for _ in range(org["mentees"]):
            person(org, "mentee")
        for _ in range(org["staff"]):
            person(org, "staff")
    orgs = {org["id"]: org for org in study.design["organisations"]}
    for group in study.design["focus_groups"]:
        for _ in range(group["members"]):
            person(orgs[group["organisation"]], "focus_group")
    return rows


def assign_mentors(people: list[Row]) -> dict[str, Row]:
    """Each mentee's one mentor: the mentors of their organisation in turn."""
    mentors: dict[str, list[Row]] = defaultdict(list)
    for person in people:
        if person["role"] == "mentor":
            mentors[person["organisation_id"]].append(person)
    seen: dict[str, int] = defaultdict(int)
    result = {}
    for person in people:
        if person["role"] == "mentee":
            org = person["organisation_id"]
            result[person["participant_id"]] = mentors[org][seen[org] % len(mentors[org])]
            seen[org] += 1
    return result


@dataclass(frozen=True)
class Log:
    """One mentee's contact log as a span of dates: the timeline their interview must agree with."""

    start: dt.date
    weeks: int

    def date(self, week: int) -> dt.date:
        return self.start + dt.timedelta(weeks=week - 1)

    @property
    def end(self) -> dt.date:
        return self.date(self.weeks)


def sessions(
    study: Study, people: list[Row], orgs: list[Row], mentor_of: dict[str, Row]
) -> tuple[list[Row], dict[str, Log]]:
    rng = rng_for(study.seed, "sessions")
    t = study.tendencies
    funding = {org["organisation_id"]: org["funding_model"] for org in orgs}
    weeks = study.design["contact_log_weeks"]
    style = {p["participant_id"]: rng.uniform(-0.1, 0.1) for p in people if p["role"] == "mentor"}
    rows: list[Row] = []
    logs: dict[str, Log] = {}
    for mentee in (p for p in people if p["role"] == "mentee"):
        org = mentee["organisation_id"]
        mentor = mentor_of[mentee["participant_id"]]
        p_tolerant = min(
            0.98, t.tolerant_response_by_funding[funding[org]] + style[mentor["participant_id"]]
        )
        log = Log(
            study.start + dt.timedelta(weeks=rng.randrange(study.design["log_start_weeks"])), 0
        )
        risk, risk_left = t.weekly_disengagement["baseline"], 0
        week = 0
        for week in range(1, weeks + 1):
            slip = rng.random() < t.slip_up_probability
            kind = rng.choice(SLIP_KINDS) if slip else "none"
            attended = kind != "missed_appointment" and rng.random() < 0.9
            goal = weighted(rng, t.goal_size_probability) if attended else "none"
            met: bool | str = ""
            if goal != "none":
                met = rng.random() < t.goal_met_probability[goal]
            response = "none"
            if slip:
                response = "tolerant" if rng.random() < p_tolerant else "escalating"
                risk = t.weekly_disengagement[f"after_{response}"]
                risk_left = 8
            elif risk_left == 0:
                risk = t.weekly_disengagement["baseline"]
            engaged = rng.random() >= risk
            risk_left = max(0, risk_left - 1)
            rows.append(
                {
                    "mentee_id": mentee["participant_id"],
                    "mentor_id": mentor["participant_id"],
                    "week": week,
                    "date": log.date(week).isoformat(),
                    "attended": attended,
                    "goal_size": goal,
                    "goal_met": met,
                    "slip_up": kind,
                    "mentor_response": response,
                    "still_engaged": engaged,
                }
            )
            if not engaged:
                break
        logs[mentee["participant_id"]] = Log(log.start, week)
    return rows, logs


@dataclass
class Plan:
    """A source before its text is written: who, where, when, and how many coded segments."""

    source_type: str
    org_id: str
    person: Row | None
    group_id: str
    cast: list[Row]
    date: dt.date
    follow_up: bool = False


def interview_dates(
    study: Study, people: list[Row], logs: dict[str, Log], mentor_of: dict[str, Row]
) -> tuple[dict[str, dt.date], set[str]]:
    """When each person is interviewed, and which mentees at follow-up; sets months involved.

    A mentee is interviewed between their log's fourth week and its last, or, for a share of them
    (and always if the log is shorter), a few weeks after it ends. Their months involved is then
    the time since the log's first week. A mentor's months involved reach back at least to the
    first week of any of their mentees' logs.
    """
    rng = rng_for(study.seed, "interviews")
    design, t = study.design, study.tendencies
    first_week = design["interview_from_log_week"]
    dates: dict[str, dt.date] = {}
    follow_ups: set[str] = set()
    for person in people:
        pid = person["participant_id"]
        if person["role"] == "mentee":
            log = logs[pid]
            if log.weeks < first_week or rng.random() < t.follow_up_share:
                day = log.end + dt.timedelta(weeks=rng.randint(*design["follow_up_weeks"]))
                follow_ups.add(pid)
            else:
                day = log.date(rng.randint(first_week, log.weeks))
            dates[pid] = day + dt.timedelta(days=rng.randrange(5))
            person["months_involved"] = months_between(log.start, dates[pid])
        elif person["role"] in ("mentor", "staff"):
            dates[pid] = study.start + dt.timedelta(
                weeks=rng.randrange(design["fieldwork_weeks"]), days=rng.randrange(5)
            )
    for mentee_id, mentor in mentor_of.items():
        start = logs[mentee_id].start
        needed = math.ceil((dates[mentor["participant_id"]] - start).days / DAYS_PER_MONTH) + 1
        mentor["months_involved"] = max(mentor["months_involved"], needed)
    return dates, follow_ups


def plans(
    study: Study, people: list[Row], logs: dict[str, Log], mentor_of: dict[str, Row]
) -> list[Plan]:
    rng = rng_for(study.seed, "fieldwork")
    design = study.design
    dates, follow_ups = interview_dates(study, people, logs, mentor_of)
    by_org_role: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for person in people:
        by_org_role[(person["organisation_id"], person["role"])].append(person)
    planned = [
        Plan(
            "interview",
            p["organisation_id"],
            p,
            "",
            [p],
            dates[p["participant_id"]],
            p["participant_id"] in follow_ups,
        )
        for p in people
        if p["role"] in ("mentor", "mentee", "staff")
    ]
    for org in design["organisations"]:
        mentors = by_org_role[(org["id"], "mentor")]
        for index in range(design["fieldnotes_per_organisation"]):
            day = study.start + dt.timedelta(
                weeks=rng.randrange(design["fieldwork_weeks"]), days=rng.randrange(5)
            )
            present = [  # only mentees whose mentoring is under way that day
                m
                for m in by_org_role[(org["id"], "mentee")]
                if logs[m["participant_id"]].start <= day <= logs[m["participant_id"]].end
            ]
            cast = mentors + present + by_org_role[(org["id"], "staff")]
            planned.append(
                Plan("fieldnote", org["id"], mentors[index % len(mentors)], "", cast, day)
            )
    members = [p for p in people if p["role"] == "focus_group"]
    offset = 0
    for group in design["focus_groups"]:
        day = study.start + dt.timedelta(
            weeks=rng.randrange(design["fieldwork_weeks"]), days=rng.randrange(5)
        )
        cast = members[offset : offset + group["members"]]
        planned.append(Plan("focus_group", group["organisation"], None, group["id"], cast, day))
        offset += group["members"]
    return planned


def facts_for(
    study: Study, speaker: Row, org_id: str, mentor_of: dict[str, Row], observed: Row | None
) -> Facts:
    """What an excerpt spoken by (or observed of) ``speaker`` must be consistent with."""
    org = study.org(org_id)
    mentor: Row | None = None
    if speaker["role"] == "mentee":
        mentor = observed if observed is not None else mentor_of[speaker["participant_id"]]
    lived = speaker["lived_experience"]
    return {
        "gender": speaker["gender"],
        "age_band": speaker["age_band"],
        "lived": set() if lived == "none" else set(lived.split(";")),
        "months": speaker["months_involved"],
        "setting": org["setting"],
        "funding": org["funding_model"],
        "nation": org["nation"],
        "women_only": bool(org.get("women_only")),
        "mentor_gender": mentor["gender"] if mentor else None,
        "paid": speaker["mentor_paid_status"] or None,
        "mentor_paid": mentor["mentor_paid_status"] if mentor else None,
    }


def wants_more(picked: list[Any], count: int, source_type: str, design: dict[str, Any]) -> bool:
    """Another coded answer? Up to ``count``; an interview of short answers asks a few more."""
    if len(picked) < count:
        return True
    short = sum(len(c[2]) for c in picked) < design.get("interview_min_coded_chars", 0)
    return source_type == "interview" and short and len(picked) < count + 4


def sources_and_segments(
    study: Study, people: list[Row], planned: list[Plan], mentor_of: dict[str, Row]
) -> tuple[list[Row], list[Row], list[Row]]:
    rng = rng_for(study.seed, "segments")
    t = study.tendencies
    picker = ExcerptPicker(study.excerpts, rng, t)
    transcriber = Transcriber(TalkPicker(study.talk, rng), rng)
    design = study.design
    sources: list[Row] = []
    segments: list[Row] = []
    turns: list[Row] = []
    for plan in planned:
        source_id = f"s{len(sources) + 1:03d}"
        sources.append(
            {
                "source_id": source_id,
                "source_type": plan.source_type,
                "date": plan.date.isoformat(),
                "organisation_id": plan.org_id,
                "participant_id": plan.person["participant_id"] if plan.person else "",
                "focus_group_id": plan.group_id,
                "follow_up": plan.follow_up,
            }
        )
        if plan.source_type == "interview":
            count = rng.randint(*design["segments_per_interview"][plan.person["role"]])
        elif plan.source_type == "fieldnote":
            count = rng.randint(*design["segments_per_fieldnote"])
        else:
            count = rng.randint(*design["segments_per_focus_group"])
        kind = "fieldnote" if plan.source_type == "fieldnote" else "speech"
        observed = plan.person if plan.source_type == "fieldnote" else None
        used_here: set[str] = set()
        coded: list[tuple[Row, Row, str, str]] = []
        while wants_more(coded, count, plan.source_type, design):
            if plan.source_type == "fieldnote":
                speaker = rng.choice(plan.cast) if rng.random() < 0.5 else plan.person
            else:
                speaker = rng.choice(plan.cast)
            facts = facts_for(
                study,
                speaker,
                plan.org_id,
                mentor_of,
                observed if speaker is not observed else None,
            )
            role = speaker["role"]
            if kind == "fieldnote" and not picker.any_fit(role, kind, facts):
                speaker = plan.person
                role = speaker["role"]
                facts = facts_for(study, speaker, plan.org_id, mentor_of, None)
            weights = dict(t.theme_weights_by_role[role])
            if role == "mentee":
                weights["agency"] *= 1 + t.agency_growth_per_month * speaker["months_involved"]
            place = (plan.org_id, observed["participant_id"] if observed else "")
            fresh = {
                k: w
                for k, w in weights.items()
                if picker.available(role, kind, k, facts, used_here, place)
            }
            weights = fresh or {
                k: w for k, w in weights.items() if picker.has(role, kind, k, facts)
            }
            if not weights:
                raise DataError(
                    "data/excerpts",
                    f"no excerpt fits a {role} ({kind}) at {plan.org_id}: widen some `fits`",
                )
            theme = weighted(rng, weights)
            accept = None
            if role == "focus_group" and theme == "power":
                sides = t.focus_group_sides
                accept = INCLUSION_CODES if weighted(rng, sides) == "inclusion" else EXCLUSION_CODES
            item, text = picker.pick(
                role,
                kind,
                theme,
                facts,
                used_here,
                accept=accept,
                place=place,
            )
            coded.append((speaker, item, text, theme))
        host = plan.person or plan.cast[0]
        source_turns, placed = transcriber.write(
            plan, coded, facts_for(study, host, plan.org_id, mentor_of, None)
        )
        for number, turn in enumerate(source_turns, start=1):
            turns.append({"source_id": source_id, "turn": number, **turn})
        for position, (speaker, item, text, _theme) in enumerate(coded, start=1):
            turn_number, start = placed[position - 1]
            segments.append(
                {
                    "segment_id": f"seg{len(segments) + 1:04d}",
                    "source_id": source_id,
                    "speaker_id": speaker["participant_id"],
                    "position": position,
                    "turn": turn_number,
                    "start": start,
                    "end": start + len(text),
                    "excerpt_id": item["id"],
                    "text": text,
                    "word_count": len(text.split()),
                    "double_coded": False,
                    "_excerpt": item,
                }
            )
    return sources, segments, turns


def choose_double_coded(study: Study, sources: list[Row]) -> set[str]:
    rng = rng_for(study.seed, "double-coding")
    chosen: set[str] = set()
    by_type: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        by_type[source["source_type"]].append(source["source_id"])
    for source_type in sorted(by_type):
        ids = by_type[source_type]
        count = max(1, round(len(ids) * study.tendencies.double_coded_share))
        chosen.update(rng.sample(ids, count))
    return chosen


def codings(study: Study, segments: list[Row], double: set[str]) -> list[Row]:
    rng = rng_for(study.seed, "codings")
    t = study.tendencies
    rows: list[Row] = []
    for segment in segments:
        item = segment.pop("_excerpt")
        applied_a = list(item["codes"])
        rows.extend(
            {"segment_id": segment["segment_id"], "code_id": code, "coder": "A"}
            for code in applied_a
        )
        if segment["source_id"] not in double:
            continue
        segment["double_coded"] = True
        applied_b: list[str] = []
        for index, code in enumerate(applied_a):
            alternative = item.get("ambiguous_with")
            if index == 0 and alternative and rng.random() < t.coder_b_takes_alternative:
                applied_b.append(alternative)
                continue
            miss = t.coder_b_miss["fuzzy" if code in t.fuzzy_codes else "default"]
            if rng.random() >= miss:
                applied_b.append(code)
        if rng.random() < t.coder_b_extra:
            theme = item["theme"]
            options = [
                c
                for c in study.codebook.code_ids
                if study.codebook.theme_of(c) == theme and c not in applied_b
            ]
            if options:
                applied_b.append(rng.choice(options))
        rows.extend(
            {"segment_id": segment["segment_id"], "code_id": code, "coder": "B"}
            for code in dict.fromkeys(applied_b)
        )
    return rows


def workload(study: Study, people: list[Row], orgs: list[Row]) -> list[Row]:
    rng = rng_for(study.seed, "workload")
    t = study.tendencies
    funding = {org["organisation_id"]: org["funding_model"] for org in orgs}
    rows: list[Row] = []
    for mentor in (p for p in people if p["role"] == "mentor"):
        model = funding[mentor["organisation_id"]]
        paid = mentor["mentor_paid_status"] == "paid"
        usual_contact = rng.uniform(8, 12) if paid else rng.uniform(3, 6)
        outcomes = t.outcomes_reported_by_funding[model]
        for week in range(1, study.design["workload_weeks"] + 1):
            contact = half_hours(rng.gauss(usual_contact, 1.5))
            support = half_hours(contact * t.emotional_support_ratio * rng.gauss(1, 0.2))
            reporting = half_hours(
                rng.gauss(t.reporting_hours_by_funding[model] * (1 if paid else 0.5), 0.6)
            )
            rows.append(
                {
                    "mentor_id": mentor["participant_id"],
                    "week": week,
                    "contact_hours": contact,
                    "emotional_support_hours": support,
                    "reporting_hours": reporting,
                    "paid_hours": t.paid_hours_by_funding[model] if paid else 0.0,
                    "outcomes_reported": rng.randint(*outcomes),
                }
            )
    return rows


def codes_table(codebook: Codebook) -> list[Row]:
    rows: list[Row] = []
    for theme in codebook.themes:
        rows.append(
            {
                "code_id": theme["id"],
                "level": "theme",
                "theme": theme["id"],
                "parent_id": "",
                "name": theme["name"],
                "brief": theme["description"].split(". ")[0].rstrip(".") + ".",
                "definition": theme["description"],
                "when_to_use": "",
                "when_not_to_use": "",
                "example": "",
                "origin": "",
                "references": "",
            }
        )
    for code in codebook.codes:
        rows.append(
            {
                "code_id": code["id"],
                "level": "code",
                "theme": code["theme"],
                "parent_id": code["theme"],
                "name": code["name"],
                "brief": code["brief"],
                "definition": code["definition"],
                "when_to_use": code["when_to_use"],
                "when_not_to_use": code["when_not_to_use"],
                "example": code["example"],
                "origin": code["origin"],
                "references": ";".join(code["references"]),
            }
        )
    return rows


def generate(
    seed: int = DEFAULT_SEED, tendencies: Tendencies | None = None
) -> dict[str, list[Row]]:
    """Return every table as a list of rows, in the order of datapackage.json."""
    codebook = load_codebook()
    study = Study(
        codebook=codebook,
        excerpts=load_excerpts(codebook),
        talk=load_talk(),
        design=load_study(),
        tendencies=tendencies or Tendencies(),
        seed=seed,
    )
    orgs = organisations(study)
    people = participants(study)
    mentor_of = assign_mentors(people)
    session_rows, logs = sessions(study, people, orgs, mentor_of)
    planned = plans(study, people, logs, mentor_of)
    sources, segments, turns = sources_and_segments(study, people, planned, mentor_of)
    coding_rows = codings(study, segments, choose_double_coded(study, sources))
    return {
        "organisations": orgs,
        "participants": people,
        "sources": sources,
        "turns": turns,
        "segments": segments,
        "codes": codes_table(codebook),
        "codings": coding_rows,
        "sessions": session_rows,
        "workload": workload(study, people, orgs),
    }


def csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def to_csv(rows: list[Row], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(row[column]) for column in columns])
    return buffer.getvalue().encode("utf-8")


def render(tables: dict[str, list[Row]], package: Path = PACKAGE) -> dict[str, bytes]:
    """The CSV files' bytes, with columns in the order datapackage.json gives them."""
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    files = {}
    for resource in descriptor["resources"]:
        columns = [field["name"] for field in resource["schema"]["fields"]]
        files[resource["path"]] = to_csv(tables[resource["name"]], columns)
    return files
