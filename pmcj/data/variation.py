"""Controlled variation in hand-written text, and who a text fits.

The excerpt bank and the bank of uncoded talk write variation as data: ``{a|b|c}`` offers
alternatives, one of which is chosen each time the text is used, so that two speakers rarely say the
same thing word for word while every sentence stays one a person wrote. ``{duration}``-style
slots (no ``|``) are filled from the speaker's own record. ``fits`` says which speakers and
settings a text is consistent with; the generator only gives a text to a speaker who fits it.

Both are checked here, when the bank is read, so that a contributor's typo names its file and item
rather than surfacing later as a strange sentence.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

GROUP = re.compile(r"\{([^{}]*)\}")
SLOTS = ("duration",)
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+")
LIVED = ("prison", "probation", "addiction", "mental_health", "care_system", "homelessness")
FIT_VALUES: dict[str, tuple[str, ...]] = {
    "gender": ("man", "woman", "non-binary"),
    "age_band": AGE_BANDS,
    "lived": (*LIVED, "none"),
    "setting": ("community", "custody", "through_the_gate"),
    "funding": ("grant", "mixed", "payment_by_results"),
    "nation": ("England", "Scotland"),
    "mentor_gender": ("man", "woman", "non-binary"),
    "paid": ("paid", "volunteer"),
    "mentor_paid": ("paid", "volunteer"),
}
FIT_KEYS = (*FIT_VALUES, "women_only", "months")


def check_text(text: Any) -> list[str]:
    """Problems with a text's variation markup (an empty list when it is well formed)."""
    if not isinstance(text, str) or not text.strip():
        return ["text is empty"]
    problems = []
    if not text.isascii() or "\n" in text.strip():
        problems.append("text must be one line of plain ASCII")
    for body in GROUP.findall(text):
        if "|" not in body and body not in SLOTS:
            problems.append(f"{{{body}}} is neither a choice like {{a|b}} nor a slot {SLOTS}")
    rest = GROUP.sub("", text)
    if any(mark in rest for mark in "{}|"):
        problems.append("unbalanced or nested braces, or a | outside {...}")
    return problems


def check_fits(fits: Any) -> list[str]:
    """Problems with an item's ``fits`` mapping (an empty list when it is well formed)."""
    if fits is None:
        return []
    if not isinstance(fits, Mapping):
        return ["fits must be a mapping such as {gender: [woman]}"]
    problems = []
    for key, value in fits.items():
        if key not in FIT_KEYS:
            problems.append(f"fits has unknown key {key!r} (known: {', '.join(FIT_KEYS)})")
        elif key == "women_only":
            if not isinstance(value, bool):
                problems.append("fits.women_only must be true or false")
        elif key == "months":
            if not (
                isinstance(value, list)
                and len(value) == 2
                and all(isinstance(v, int) for v in value)
                and value[0] <= value[1]
            ):
                problems.append("fits.months must be [min, max] in whole months")
        elif not isinstance(value, list) or not value:
            problems.append(f"fits.{key} must be a non-empty list")
        else:
            unknown = [v for v in value if v not in FIT_VALUES[key]]
            if unknown:
                problems.append(f"fits.{key} has {unknown}; allowed: {', '.join(FIT_VALUES[key])}")
    return problems


def variants(text: str) -> int:
    """How many different texts the markup can produce."""
    count = 1
    for body in GROUP.findall(text):
        if "|" in body:
            count *= len(body.split("|"))
    return count


def duration_words(months: int) -> str:
    """A spoken duration for a number of months ('about six weeks', 'nearly two years')."""
    if months <= 1:
        return "about a month"
    if months < 12:
        words = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"]
        return f"{words[months - 2]} months"
    years, rest = divmod(months, 12)
    names = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    if rest >= 9:
        return f"nearly {names[years] if years < 10 else years + 1} years"
    if rest >= 4:
        return f"{names[years - 1]} and a half years" if years > 1 else "a year and a half"
    return "a year" if years == 1 else f"{names[years - 1]} years"


def render(text: str, rng: random.Random, slots: Mapping[str, str] | None = None) -> str:
    """One realisation of the markup: a choice per group, slots filled, spaces tidied."""

    def choose(match: re.Match[str]) -> str:
        body = match.group(1)
        if "|" in body:
            return rng.choice(body.split("|"))
        return (slots or {})[body]

    out = GROUP.sub(choose, text)
    out = re.sub(r" {2,}", " ", out).strip()
    return out[0].upper() + out[1:] if out else out


def fits(item_fits: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> bool:
    """Whether a speaker and setting (``facts``) are consistent with an item's ``fits``.

    ``facts`` holds gender, age_band, lived (a set), months, setting, funding, nation, women_only,
    mentor_gender, paid and mentor_paid; a key missing from ``facts`` (a staff member has no
    mentor) fails any
    requirement on it, so a text about "my mentor" never reaches someone who has none.
    """
    for key, wanted in (item_fits or {}).items():
        have = facts.get(key)
        if key == "lived":
            lived = have or set()
            if wanted == ["none"]:
                if lived:
                    return False
            elif not set(wanted) <= lived:
                return False
        elif key == "months":
            if have is None or not wanted[0] <= have <= wanted[1]:
                return False
        elif key == "women_only":
            if bool(have) != wanted:
                return False
        elif have not in wanted:
            return False
    return True
