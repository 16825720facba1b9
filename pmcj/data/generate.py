"""Generate the synthetic data set from the codebook, the excerpt bank and the study design.

The model, in brief (the "About the data" page explains it for students):

1. Organisations and participants come from ``data/study.yml``; attributes such as age band and
   lived experience are drawn at random.
2. Every mentor, mentee and staff member is interviewed once; the researcher writes field notes at
   each organisation; four focus groups meet. Each source gets a number of segments.
3. Each segment's theme is drawn from its speaker's role (``Tendencies.theme_weights_by_role``),
   then an excerpt for that role and theme is taken from the bank, least-used first, so that each
   excerpt is spoken by as few people as possible.
4. Coder A (the lead coder) applies each excerpt's codes. Coder B codes a stratified quarter of the
   sources, missing some codes, choosing the plausible alternative on borderline excerpts, and
   occasionally adding one.
5. Contact logs and workload diaries are simulated week by week from the named tendencies.

Randomness comes from ``random.Random`` seeded with the seed and the table's name, so each table is
reproducible on its own and no clock or environment is consulted: the same seed always gives
byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmcj.data.inputs import Codebook, load_codebook, load_excerpts, load_study
from pmcj.data.tendencies import THEMES, Tendencies
from pmcj.paths import DATA_DIR

DEFAULT_SEED = 20200301
PACKAGE = DATA_DIR / "datapackage.json"
LIVED_EXPERIENCE = (
    "prison",
    "probation",
    "addiction",
    "mental_health",
    "care_system",
    "homelessness",
)
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+")
SLIP_KINDS = ("missed_appointment", "lapse", "breach_of_conditions", "conflict")
INCLUSION_CODES = {"politicisation", "voice", "acknowledgement", "giving_back"}
EXCLUSION_CODES = {"tokenism_shame", "precarity"}
Row = dict[str, Any]


def rng_for(seed: int, table: str) -> random.Random:
    return random.Random(f"{seed}:{table}")


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def half_hours(value: float) -> float:
    return max(0.0, round(value * 2) / 2)


@dataclass
class Study:
    codebook: Codebook
    excerpts: list[Row]
    design: dict[str, Any]
    tendencies: Tendencies
    seed: int


def organisations(study: Study) -> list[Row]:
    keys = ("setting", "funding_model", "nation", "paid_mentor_posts", "volunteer_mentor_posts")
    return [
        {"organisation_id": org["id"], "name": org["name"], **{k: org[k] for k in keys}}
        for org in study.design["organisations"]
    ]


def participants(study: Study) -> list[Row]:
    rng = rng_for(study.seed, "participants")
    names = list(study.design["pseudonyms"])
    rng.shuffle(names)
    rows: list[Row] = []

    def person(org: dict[str, Any], role: str, paid: str = "") -> None:
        women_only = "Women" in org["name"]
        gender = (
            "woman"
            if women_only
            else weighted(rng, {"man": 0.62, "woman": 0.34, "non-binary": 0.04})
        )
        if role == "staff" and rng.random() < 0.6:
            lived = "none"
        else:
            pool = list(LIVED_EXPERIENCE)
            first = "prison" if role != "staff" and rng.random() < 0.75 else rng.choice(pool)
            others = rng.sample([kind for kind in pool if kind != first], k=rng.randint(0, 2))
            lived = ";".join(sorted({first, *others}, key=LIVED_EXPERIENCE.index))
        months = {"mentor": (6, 72), "mentee": (1, 24), "staff": (12, 120), "focus_group": (6, 96)}[
            role
        ]
        ages = {"mentee": (0.22, 0.34, 0.24, 0.14, 0.06)}.get(role, (0.04, 0.26, 0.32, 0.24, 0.14))
        rows.append(
            {
                "participant_id": f"p{len(rows) + 1:03d}",
                "organisation_id": org["id"],
                "role": role,
                "pseudonym": names[len(rows)],
                "age_band": rng.choices(AGE_BANDS, weights=ages)[0],
                "gender": gender,
                "lived_experience": lived,
                "months_involved": rng.randint(*months),
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


class ExcerptPicker:
    """Draws excerpts by role, kind and theme, least-used first, never twice in one source."""

    def __init__(self, excerpts: list[Row], rng: random.Random):
        self.rng = rng
        self.uses: Counter[str] = Counter()
        self.pools: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
        for item in excerpts:
            self.pools[(item["role"], item["kind"], item["theme"])].append(item)

    def has(self, role: str, kind: str, theme: str) -> bool:
        return bool(self.pools.get((role, kind, theme)))

    def pick(
        self, role: str, kind: str, theme: str, used_here: set[str], accept: set[str] | None = None
    ) -> Row:
        everything = self.pools[(role, kind, theme)]
        pool = [item for item in everything if item["id"] not in used_here] or everything
        if accept:
            pool = [item for item in pool if item["codes"][0] in accept] or pool
        fewest = min(self.uses[item["id"]] for item in pool)
        choice = self.rng.choice([item for item in pool if self.uses[item["id"]] == fewest])
        self.uses[choice["id"]] += 1
        used_here.add(choice["id"])
        return choice


def theme_weights(
    study: Study, role: str, months: int, kind: str, picker: ExcerptPicker
) -> dict[str, float]:
    weights = dict(study.tendencies.theme_weights_by_role[role])
    if role == "mentee":
        weights["agency"] *= 1 + study.tendencies.agency_growth_per_year * months / 12
    return {theme: w for theme, w in weights.items() if picker.has(role, kind, theme)}


def sources_and_segments(study: Study, people: list[Row]) -> tuple[list[Row], list[Row]]:
    rng = rng_for(study.seed, "segments")
    picker = ExcerptPicker(study.excerpts, rng)
    design = study.design
    start = dt.date.fromisoformat(str(design["study_start"]))
    by_org_role: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for person in people:
        by_org_role[(person["organisation_id"], person["role"])].append(person)
    planned: list[tuple[str, str, Row | None, str, list[Row]]] = []
    for person in people:
        if person["role"] in ("mentor", "mentee", "staff"):
            planned.append(("interview", person["organisation_id"], person, "", [person]))
    for org in design["organisations"]:
        for index in range(design["fieldnotes_per_organisation"]):
            mentors = by_org_role[(org["id"], "mentor")]
            observed = mentors[index % len(mentors)]
            cast = mentors + by_org_role[(org["id"], "mentee")] + by_org_role[(org["id"], "staff")]
            planned.append(("fieldnote", org["id"], observed, "", cast))
    members = [p for p in people if p["role"] == "focus_group"]
    offset = 0
    for group in design["focus_groups"]:
        planned.append(
            (
                "focus_group",
                group["organisation"],
                None,
                group["id"],
                members[offset : offset + group["members"]],
            )
        )
        offset += group["members"]

    sources: list[Row] = []
    segments: list[Row] = []
    for source_type, org_id, person, group_id, cast in planned:
        source_id = f"s{len(sources) + 1:03d}"
        day = start + dt.timedelta(
            weeks=rng.randrange(design["fieldwork_weeks"]), days=rng.randrange(5)
        )
        sources.append(
            {
                "source_id": source_id,
                "source_type": source_type,
                "date": day.isoformat(),
                "organisation_id": org_id,
                "participant_id": person["participant_id"] if person else "",
                "focus_group_id": group_id,
            }
        )
        if source_type == "interview":
            count = rng.randint(*design["segments_per_interview"][person["role"]])
        elif source_type == "fieldnote":
            count = rng.randint(*design["segments_per_fieldnote"])
        else:
            count = rng.randint(*design["segments_per_focus_group"])
        kind = "fieldnote" if source_type == "fieldnote" else "speech"
        used_here: set[str] = set()
        for position in range(1, count + 1):
            if source_type == "fieldnote":
                speaker = rng.choice(cast) if rng.random() < 0.5 else person
                if not any(picker.has(speaker["role"], kind, t) for t in THEMES):
                    speaker = person
            else:
                speaker = rng.choice(cast)
            weights = theme_weights(
                study, speaker["role"], speaker["months_involved"], kind, picker
            )
            theme = weighted(rng, weights)
            accept = None
            if speaker["role"] == "focus_group" and theme == "power":
                sides = study.tendencies.focus_group_sides
                accept = INCLUSION_CODES if weighted(rng, sides) == "inclusion" else EXCLUSION_CODES
            item = picker.pick(speaker["role"], kind, theme, used_here, accept)
            segments.append(
                {
                    "segment_id": f"seg{len(segments) + 1:04d}",
                    "source_id": source_id,
                    "speaker_id": speaker["participant_id"],
                    "position": position,
                    "excerpt_id": item["id"],
                    "text": item["text"],
                    "word_count": len(item["text"].split()),
                    "double_coded": False,
                    "_excerpt": item,
                }
            )
    return sources, segments


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


def sessions(study: Study, people: list[Row], orgs: list[Row]) -> list[Row]:
    rng = rng_for(study.seed, "sessions")
    t = study.tendencies
    funding = {org["organisation_id"]: org["funding_model"] for org in orgs}
    start = dt.date.fromisoformat(str(study.design["study_start"]))
    weeks = study.design["contact_log_weeks"]
    mentors_by_org: dict[str, list[Row]] = defaultdict(list)
    for person in people:
        if person["role"] == "mentor":
            mentors_by_org[person["organisation_id"]].append(person)
    style = {
        m["participant_id"]: rng.uniform(-0.1, 0.1) for ms in mentors_by_org.values() for m in ms
    }
    rows: list[Row] = []
    mentees = [p for p in people if p["role"] == "mentee"]
    for index, mentee in enumerate(mentees):
        org = mentee["organisation_id"]
        mentor = mentors_by_org[org][index % len(mentors_by_org[org])]
        p_tolerant = min(
            0.98, t.tolerant_response_by_funding[funding[org]] + style[mentor["participant_id"]]
        )
        first_monday = start + dt.timedelta(weeks=rng.randrange(20))
        risk, risk_left = t.weekly_disengagement["baseline"], 0
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
                    "date": (first_monday + dt.timedelta(weeks=week - 1)).isoformat(),
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
        outcomes = {"grant": (0, 2), "mixed": (1, 3), "payment_by_results": (2, 6)}[model]
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
        design=load_study(),
        tendencies=tendencies or Tendencies(),
        seed=seed,
    )
    orgs = organisations(study)
    people = participants(study)
    sources, segments = sources_and_segments(study, people)
    coding_rows = codings(study, segments, choose_double_coded(study, sources))
    return {
        "organisations": orgs,
        "participants": people,
        "sources": sources,
        "segments": segments,
        "codes": codes_table(codebook),
        "codings": coding_rows,
        "sessions": sessions(study, people, orgs),
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
