"""The patterns the generator builds into the synthetic data, each a named, documented parameter.

These are design choices, made so that each chapter's analysis has something worth finding. They
illustrate tendencies described in the literature; they are not findings about real people, and
the "About the data" page lists them (it is generated from the metadata below) so that no reader
mistakes one for evidence.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import Any

THEMES = ("identity", "agency", "values", "change", "power")


def tendency(default: Any, doc: str, shows: str, cannot_show: str) -> Any:
    metadata = {"doc": doc, "shows": shows, "cannot_show": cannot_show}
    if isinstance(default, dict):
        return field(default_factory=lambda: copy.deepcopy(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def _weights(**by_role: tuple[float, ...]) -> dict[str, dict[str, float]]:
    return {role: dict(zip(THEMES, values, strict=True)) for role, values in by_role.items()}


@dataclass(frozen=True)
class Tendencies:
    """Every built-in pattern of the synthetic data (defaults give the committed data set)."""

    theme_weights_by_role: dict[str, dict[str, float]] = tendency(
        _weights(
            #        identity agency values change power
            mentor=(0.30, 0.16, 0.21, 0.14, 0.22),
            mentee=(0.10, 0.18, 0.35, 0.24, 0.08),
            staff=(0.12, 0.14, 0.20, 0.16, 0.38),
            focus_group=(0.18, 0.08, 0.04, 0.04, 0.66),
        ),
        "How likely a segment spoken by each role is to come from each theme's excerpts.",
        "Mentors voice identity (credibility, giving back) more than mentees; staff and focus "
        "groups voice power more than mentors and mentees. Which codes each role voices within a "
        "theme is set by code_weights_by_role; whole themes such as values or change are not "
        "reliably more common for one role than another.",
        "Why people in each role talk as they do; in a real study the interview guide, the "
        "researcher and the setting would shape talk as much as the role.",
    )
    agency_growth_per_month: float = tendency(
        0.6,
        "Relative increase in a mentee's weight on the agency theme per month of mentoring at the "
        "time of their interview (a mentee three months in weighs agency 1 + 3 x 0.6 = 2.8 times "
        "as heavily as at the start).",
        "Mentees further into mentoring talk more about self-direction, action and recognition "
        "(Chapter 6).",
        "Whether agency grows: each mentee is interviewed once, so this is a comparison between "
        "people, not change within a person; mentees who stay longer may differ from those who "
        "leave early.",
    )
    code_weights_by_role: dict[str, dict[str, float]] = tendency(
        {
            "mentor": {"small_steps": 3.5, "slip_tolerance": 3.5, "giving_back": 1.5},
            "mentee": {"caring": 3.5, "listening": 3.5, "service_contrast": 1.5},
        },
        "How much more likely an excerpt carrying each code is to be chosen for a speaker in each "
        "role, once the theme is drawn (codes not listed weigh 1). The excerpt bank leans the same "
        "way before any weighting, because more of the mentors' values excerpts were written about "
        "small steps and slip-ups: the weights strengthen a lean the bank already has.",
        "Within the values theme, mentors lean towards small steps and tolerance of slip-ups, "
        "mentees towards caring and listening, often set against other services (Chapter 7); "
        "mentors talk more of giving back (Chapter 5).",
        "What real mentors and mentees value most; the weights are invented.",
    )
    code_weights_by_funding: dict[str, dict[str, float]] = tendency(
        {
            "payment_by_results": {"targets": 3.0, "boundaries": 1.8},
            "mixed": {"targets": 1.3, "boundaries": 1.2},
            "grant": {"targets": 0.4, "boundaries": 0.8},
        },
        "How much more likely an excerpt about targets and reporting, or about boundaries and "
        "risk, is to be chosen at an organisation with each funding model.",
        "Talk of targets, reporting and risk is more common under payment by results, matching the "
        "reporting hours in the workload diaries (Chapter 9).",
        "That contracts make people talk about targets: organisations differ in many other ways.",
    )
    goal_met_probability: dict[str, float] = tendency(
        {"small": 0.72, "large": 0.34},
        "Chance that a goal set in a contact-log week is met, by goal size.",
        "Small, manageable steps are met more often than larger goals (Chapter 7).",
        "That small steps cause success: larger goals may be set for harder weeks.",
    )
    goal_size_probability: dict[str, float] = tendency(
        {"small": 0.55, "large": 0.2, "none": 0.25},
        "Chance that an attended week sets a small goal, a larger goal or no goal.",
        "A realistic mix of small-step and larger goals in the contact logs.",
        "How goals are negotiated between mentor and mentee.",
    )
    slip_up_probability: float = tendency(
        0.07,
        "Weekly chance of a slip-up (missed appointment, lapse, breach of conditions, conflict).",
        "Slip-ups are common and do not end mentoring by themselves (Chapter 8).",
        "How often real mentees slip up; the kinds and rates are invented.",
    )
    tolerant_response_by_funding: dict[str, float] = tendency(
        {"grant": 0.82, "mixed": 0.72, "payment_by_results": 0.58},
        "Chance that a mentor meets a slip-up with tolerance rather than escalation, by funding.",
        "Mentors under results-based contracts escalate more often (Chapters 8 and 9).",
        "That funding models change how mentors respond; other differences between organisations "
        "could produce the same pattern.",
    )
    weekly_disengagement: dict[str, float] = tendency(
        {"baseline": 0.01, "after_tolerant": 0.02, "after_escalating": 0.085},
        "Weekly chance that a mentee stops engaging, normally and in the 8 weeks after a slip-up "
        "met with tolerance or with escalation.",
        "A slip-up met with tolerance is followed by continued engagement more often than one met "
        "with escalation (Chapter 8).",
        "That tolerance causes engagement: in observational data, mentors may escalate with "
        "mentees who were already drifting away.",
    )
    outcomes_reported_by_funding: dict[str, tuple[int, int]] = tendency(
        {"grant": (0, 2), "mixed": (1, 3), "payment_by_results": (2, 6)},
        "Range of outcomes (job starts, housing, courses) a mentor reports to funders in a week, "
        "by funding model (drawn evenly between the two numbers).",
        "Results-based contracts count more outcomes (Chapter 9).",
        "What real funders ask for.",
    )
    follow_up_share: float = tendency(
        0.15,
        "Share of mentees interviewed after their contact log ended (a follow-up interview, "
        "marked in the sources table); a mentee whose log ends before its fourth week is always "
        "interviewed at follow-up.",
        "Most mentees are interviewed while their mentoring is going on.",
        "How easy it is to reach people once they stop engaging.",
    )
    reporting_hours_by_funding: dict[str, float] = tendency(
        {"grant": 1.5, "mixed": 2.5, "payment_by_results": 4.5},
        "Mean weekly hours a mentor spends on reporting and administration, by funding model.",
        "Results-based funding brings more reporting (Chapter 9).",
        "How much reporting real contracts require; the hours are invented.",
    )
    paid_hours_by_funding: dict[str, float] = tendency(
        {"grant": 21.0, "mixed": 18.0, "payment_by_results": 15.0},
        "Contracted weekly hours of a paid mentor, by funding model (volunteers are paid nothing).",
        "Paid hours cover only part of mentors' emotional-support hours, more so where funding is "
        "results-based, once reporting is paid first (Chapter 9).",
        "Real pay or contracts in the sector.",
    )
    emotional_support_ratio: float = tendency(
        0.7,
        "Emotional-support hours (calls, crises, listening outside sessions) per contact hour.",
        "Emotional support is a large, partly invisible share of mentors' work.",
        "How real mentors divide their time.",
    )
    focus_group_sides: dict[str, float] = tendency(
        {"inclusion": 0.5, "exclusion": 0.5},
        "Share of focus-group power segments drawn from inclusion (politicisation, voice) and from "
        "exclusion (tokenism and shame, precarity).",
        "Lived-experience involvement is coded both as inclusive and as excluding or precarious "
        "(Chapter 9).",
        "How real people with lived experience feel about involvement; these voices are invented.",
    )
    coder_b_miss: dict[str, float] = tendency(
        {"default": 0.2, "fuzzy": 0.45},
        "Chance that the second coder leaves out a code the lead coder applied; fuzzy codes are "
        "listed in `fuzzy_codes`.",
        "Agreement between coders is good overall (Cohen's kappa pooled over codes about 0.65 to "
        "0.85) and lower on fuzzy codes (Chapter 4).",
        "How reliable real coders are; the disagreements are simulated.",
    )
    coder_b_takes_alternative: float = tendency(
        0.6,
        "Chance that the second coder applies an excerpt's plausible alternative code "
        "(`ambiguous_with` in the excerpt bank) instead of its primary code.",
        "Disagreements cluster on genuinely borderline excerpts, which students can read.",
        "Which excerpts real coders would find ambiguous.",
    )
    coder_b_extra: float = tendency(
        0.12,
        "Chance per segment that the second coder adds one code from the same theme.",
        "Some disagreements are additions rather than omissions.",
        "Real coding habits.",
    )
    fuzzy_codes: tuple[str, ...] = tendency(
        ("trust", "hope", "non_judgement", "non_linear", "professionalisation", "dialogue"),
        "Codes whose boundaries are hard to draw, so the second coder misses them more often.",
        "Agreement is lower for the fuzziest codes.",
        "Which codes are hard in a real codebook.",
    )
    double_coded_share: float = tendency(
        0.25,
        "Share of sources (stratified by source type) that the second coder also codes.",
        "A double-coded subsample for agreement statistics (Chapter 4).",
        "",
    )

    def describe(self) -> list[dict[str, str]]:
        """One row per tendency, for the "About the data" page."""
        return [
            {"name": f.name, "value": repr(getattr(self, f.name)), **f.metadata}
            for f in fields(self)
        ]
