"""Whole transcripts: choosing excerpts that fit their speakers, and writing the talk around them.

A real coded transcript is mostly not coded: the interviewer asks, people hesitate, greet, go off
on asides. This module turns a source's planned coded segments into a sequence of turns
(interviewer or facilitator questions, participants' answers with their uncoded openings and
endings, the researcher's paragraphs in a field note) and records where each segment sits in its
turn, so that offsets are exact by construction. It also reads a source's turns back as one text
(:func:`transcript_text`), the single definition that the REFI-QDA export and the tests use.

The words come from the excerpt bank (coded) and ``data/talk.yml`` (uncoded), both hand-written;
nothing here writes a sentence of its own.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from pmcj.data.tendencies import Tendencies
from pmcj.data.variation import duration_words, fits, render

Facts = dict[str, Any]
Row = dict[str, Any]
VOICES = ("interviewer", "facilitator", "researcher", "participant")
LABELS = {"interviewer": "Interviewer", "facilitator": "Facilitator", "researcher": ""}
RENDER_TRIES = 12
ASIDE_CHANCE = 0.2  # chance of an uncoded aside before each question of an interview
MIN_CODED = 0.46  # asides are dropped while coded text is below this share of an interview
TURN_OVERHEAD = 10  # characters a turn adds to the transcript besides its words (label, blank line)


class ExcerptPicker:
    """Draws excerpts that fit a speaker: least-used first, then weighted by the code tendencies.

    Among the excerpts used least so far, one not yet heard at the same organisation (or, in a
    field note, about the same person) is preferred; the text variant is one not yet produced, if
    the excerpt has one left. Together these keep verbatim repetition rare without inventing text.
    """

    def __init__(self, excerpts: list[Row], rng: random.Random, tendencies: Tendencies):
        self.rng = rng
        self.t = tendencies
        self.uses: Counter[str] = Counter()
        self.places: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.texts: set[str] = set()
        self.pools: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
        for item in excerpts:
            self.pools[(item["role"], item["kind"], item["theme"])].append(item)

    def fitting(self, role: str, kind: str, theme: str, facts: Facts) -> list[Row]:
        return [i for i in self.pools.get((role, kind, theme), []) if fits(i.get("fits"), facts)]

    def available(
        self,
        role: str,
        kind: str,
        theme: str,
        facts: Facts,
        used_here: set[str] = frozenset(),  # type: ignore[assignment]
        place: tuple[str, str] = ("", ""),
    ) -> list[Row]:
        """Fitting excerpts not yet used in this source, nor (in a field note) about this person."""
        return [
            item
            for item in self.fitting(role, kind, theme, facts)
            if item["id"] not in used_here
            and (not place[1] or place not in self.places[item["id"]])
        ]

    def has(self, role: str, kind: str, theme: str, facts: Facts) -> bool:
        return bool(self.fitting(role, kind, theme, facts))

    def any_fit(self, role: str, kind: str, facts: Facts) -> bool:
        return any(
            self.fitting(role, kind, theme, facts)
            for (r, k, theme) in list(self.pools)
            if (r, k) == (role, kind)
        )

    def weight(self, item: Row, role: str, facts: Facts) -> float:
        by_role = self.t.code_weights_by_role.get(role, {})
        by_funding = self.t.code_weights_by_funding.get(facts.get("funding") or "", {})
        weight = 1.0
        for code in item["codes"]:
            weight *= by_role.get(code, 1.0) * by_funding.get(code, 1.0)
        return weight

    def pick(
        self,
        role: str,
        kind: str,
        theme: str,
        facts: Facts,
        used_here: set[str],
        accept: set[str] | None = None,
        place: tuple[str, str] = ("", ""),
    ) -> tuple[Row, str]:
        pool = self.available(role, kind, theme, facts, used_here, place)
        pool = pool or self.fitting(role, kind, theme, facts)
        if accept:
            pool = [item for item in pool if item["codes"][0] in accept] or pool
        fewest = min(self.uses[item["id"]] for item in pool)
        tier = [item for item in pool if self.uses[item["id"]] == fewest]
        fresh = [i for i in tier if not any(p[0] == place[0] for p in self.places[i["id"]])]
        tier = fresh or tier
        choice = self.rng.choices(tier, weights=[self.weight(i, role, facts) for i in tier])[0]
        text = render(choice["text"], self.rng)
        for _ in range(RENDER_TRIES):
            if text not in self.texts:
                break
            text = render(choice["text"], self.rng)
        self.uses[choice["id"]] += 1
        self.places[choice["id"]].add(place)
        self.texts.add(text)
        used_here.add(choice["id"])
        return choice, text


class TalkPicker:
    """Uncoded talk from ``data/talk.yml``: entries that suit the role and fit the facts."""

    def __init__(self, talk: Mapping[str, Any], rng: random.Random):
        self.talk = talk
        self.rng = rng
        self.used: set[int] = set()

    def new_source(self) -> None:
        self.used = set()

    def entries(self, path: Iterable[str]) -> list[Any]:
        node: Any = self.talk
        for key in path:
            node = (node or {}).get(key) if isinstance(node, Mapping) else None
        return list(node or [])

    def choose(self, path: Iterable[str], role: str, facts: Facts) -> Mapping[str, Any] | None:
        options = [
            entry
            for entry in self.entries(path)
            if role in entry.get("roles", [role]) and fits(entry.get("fits"), facts)
        ]
        if not options:
            return None
        fresh = [entry for entry in options if id(entry) not in self.used] or options
        entry = self.rng.choice(fresh)
        self.used.add(id(entry))
        return entry

    def say(self, path: Iterable[str], role: str, facts: Facts, field: str = "text") -> str:
        entry = self.choose(path, role, facts)
        if entry is None:
            return ""
        slots = {"duration": duration_words(int(facts.get("months") or 1))}
        return render(entry[field], self.rng, slots)


class Transcriber:
    """Writes a source's turns around its coded segments."""

    def __init__(self, talk: TalkPicker, rng: random.Random):
        self.talk = talk
        self.rng = rng

    def write(
        self, plan: Any, coded: list[tuple[Row, Row, str, str]], facts: Facts
    ) -> tuple[list[Row], list[tuple[int, int]]]:
        """The source's turns and, for each coded segment, its turn number and start offset."""
        self.talk.new_source()
        writer = {
            "interview": self._interview,
            "focus_group": self._focus_group,
            "fieldnote": self._fieldnote,
        }[plan.source_type]
        turns: list[Row] = []
        placed: list[tuple[int, int]] = []
        writer(plan, coded, facts, turns, placed)
        return turns, placed

    @staticmethod
    def _turn(turns: list[Row], voice: str, text: str, speaker_id: str = "") -> None:
        if text:
            turns.append({"speaker_id": speaker_id, "voice": voice, "text": text})

    def _answer(
        self,
        turns: list[Row],
        placed: list[tuple[int, int]],
        speaker_id: str,
        coded_text: str,
        lead: str,
        tail: str,
        voice: str = "participant",
    ) -> None:
        before = f"{lead} " if lead else ""
        text = before + coded_text + (f" {tail}" if tail else "")
        turns.append({"speaker_id": speaker_id, "voice": voice, "text": text})
        placed.append((len(turns), len(before)))

    def _interview(
        self, plan: Any, coded: list[Any], facts: Facts, turns: list[Row], placed: list[Any]
    ) -> None:
        """Opening, warm-up, a question before each coded answer, a close; asides where room.

        Asides (a phone, tea, a lost place in the notes) are written as in any interview, then
        the latest are dropped while coded talk would be under ``MIN_CODED`` of the interview, so
        that a short interview is not mostly procedure.
        """
        talk, rng = self.talk, self.rng
        person = plan.person
        pid, role = person["participant_id"], person["role"]
        blocks: list[tuple[bool, list[Row]]] = []  # (optional aside?, turns)

        def block(*pairs: tuple[str, str], optional: bool = False) -> None:
            rows = [
                {"speaker_id": pid if v == "participant" else "", "voice": v, "text": x}
                for v, x in pairs
                if x
            ]
            blocks.append((optional, rows))

        block(
            ("interviewer", talk.say(["interview", "opening"], role, facts)),
            ("participant", talk.say(["interview", "opening_reply"], role, facts)),
            ("interviewer", talk.say(["interview", "warm_up"], role, facts)),
            ("participant", talk.say(["interview", "warm_up_reply"], role, facts)),
        )
        previous = ""
        for index, (_speaker, _item, text, theme) in enumerate(coded):
            if rng.random() < ASIDE_CHANCE:
                aside = talk.choose(["interview", "asides"], role, facts)
                if aside is not None:
                    block(
                        ("interviewer", render(aside["interviewer"], rng)),
                        ("participant", render(aside["reply"], rng)),
                        optional=True,
                    )
            if theme == previous and rng.random() < 0.6:
                question = talk.say(["interview", "probes"], role, facts)
            else:
                question = talk.say(["interview", "questions", theme, role], role, facts)
            question = question or talk.say(["interview", "probes"], role, facts)
            lead = talk.say(["interview", "lead_ins"], role, facts) if rng.random() < 0.45 else ""
            tail = talk.say(["interview", "tails"], role, facts) if rng.random() < 0.25 else ""
            answer = {
                "speaker_id": pid,
                "voice": "participant",
                "text": "",
                "_parts": [lead, text, tail],
                "_segment": index,
            }
            blocks.append(
                (False, [{"speaker_id": "", "voice": "interviewer", "text": question}, answer])
            )
            previous = theme
        block(
            ("interviewer", talk.say(["interview", "closing"], role, facts)),
            ("participant", talk.say(["interview", "closing_reply"], role, facts)),
        )
        coded_chars = sum(len(item[2]) for item in coded)
        answers = [row for _o, rows in blocks for row in rows if "_parts" in row]

        def share() -> float:
            words = sum(
                len(" ".join(filter(None, r["_parts"]))) if "_parts" in r else len(r["text"])
                for _o, rows in blocks
                for r in rows
            )
            return coded_chars / (words + TURN_OVERHEAD * sum(len(rows) for _o, rows in blocks))

        while share() < MIN_CODED and any(optional for optional, _rows in blocks):
            last = max(i for i, (optional, _rows) in enumerate(blocks) if optional)
            del blocks[last]
        for row in reversed(answers):  # then the latest hesitations and asides within answers
            if share() >= MIN_CODED:
                break
            row["_parts"][0] = row["_parts"][2] = ""
        found: dict[int, tuple[int, int]] = {}
        for _optional, rows in blocks:
            for row in rows:
                if "_parts" in row:
                    lead, text, tail = row.pop("_parts")
                    before = f"{lead} " if lead else ""
                    row["text"] = before + text + (f" {tail}" if tail else "")
                    found[row.pop("_segment")] = (len(turns) + 1, len(before))
                turns.append(row)
        placed.extend(found[i] for i in range(len(coded)))

    def _focus_group(
        self, plan: Any, coded: list[Any], facts: Facts, turns: list[Row], placed: list[Any]
    ) -> None:
        talk, rng = self.talk, self.rng
        role = "focus_group"
        say = self._turn
        say(turns, "facilitator", talk.say(["focus_group", "opening"], role, facts))
        previous = ""
        for speaker, _item, text, theme in coded:
            if theme != previous or rng.random() < 0.15:
                say(turns, "facilitator", talk.say(["focus_group", "prompts", theme], role, facts))
            if rng.random() < 0.45:  # someone else chips in first: never the next speaker
                other = rng.choice([m for m in plan.cast if m is not speaker] or plan.cast)
                say(
                    turns,
                    "participant",
                    talk.say(["focus_group", "crosstalk"], role, facts),
                    other["participant_id"],
                )
            self._answer(turns, placed, speaker["participant_id"], text, "", "")
            previous = theme
        say(turns, "facilitator", talk.say(["focus_group", "closing"], role, facts))
        closer = rng.choice(plan.cast)["participant_id"]
        say(turns, "participant", talk.say(["focus_group", "closing_reply"], role, facts), closer)

    def _fieldnote(
        self, plan: Any, coded: list[Any], facts: Facts, turns: list[Row], placed: list[Any]
    ) -> None:
        talk, rng = self.talk, self.rng
        role = plan.person["role"]
        say = self._turn
        say(turns, "researcher", talk.say(["fieldnote", "opening"], role, facts))
        for _speaker, _item, text, _theme in coded:
            lead = talk.say(["fieldnote", "context"], role, facts) if rng.random() < 0.6 else ""
            self._answer(turns, placed, "", text, lead, "", voice="researcher")
        say(turns, "researcher", talk.say(["fieldnote", "closing"], role, facts))


def turn_label(voice: str, pseudonym: str) -> str:
    """How a turn is introduced in the transcript text: 'Interviewer: ', 'Leanne: ' or nothing."""
    if voice == "participant":
        return f"{pseudonym}: "
    label = LABELS[voice]
    return f"{label}: " if label else ""


def transcript_text(
    turns: pd.DataFrame, pseudonyms: Mapping[str, str]
) -> tuple[str, dict[int, int]]:
    """A source's whole text, and where each turn's own words start in it.

    Turns are joined in order by a blank line, each after its speaker's label; field-note
    paragraphs (the researcher's) have no label. A segment at ``start``-``end`` of turn ``n``
    therefore sits at ``offset[n] + start`` to ``offset[n] + end`` of the text.
    """
    pieces: list[str] = []
    offsets: dict[int, int] = {}
    cursor = 0
    for turn in turns.sort_values("turn").itertuples():
        who = pseudonyms.get(str(turn.speaker_id), "") if isinstance(turn.speaker_id, str) else ""
        label = turn_label(str(turn.voice), who)
        if pieces:
            cursor += 2
        offsets[int(turn.turn)] = cursor + len(label)
        piece = label + str(turn.text)
        pieces.append(piece)
        cursor += len(piece)
    return "\n\n".join(pieces), offsets
