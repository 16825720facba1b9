"""Read the generator's hand-written inputs: the codebook, the excerpt bank and the study design.

These are the only hand-edited sources of the data set (the flow runs one way: inputs ->
generator -> data/*.csv -> loaders -> notebooks). Each reader checks what a contributor can get
wrong by hand and names the file and item, so a typo never surfaces as a confusing pattern later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pmcj.data.errors import DataError
from pmcj.data.variation import check_fits, check_text
from pmcj.paths import DATA_DIR

CODEBOOK = DATA_DIR / "codebook.yml"
EXCERPTS = DATA_DIR / "excerpts"
STUDY = DATA_DIR / "study.yml"
TALK = DATA_DIR / "talk.yml"
ROLES = ("mentor", "mentee", "staff", "focus_group")
KINDS = ("speech", "fieldnote")
ITEM_KEYS = {"id", "role", "kind", "codes", "ambiguous_with", "fits", "text"}
CODE_FIELDS = (
    "id",
    "theme",
    "name",
    "brief",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "example",
    "origin",
    "references",
)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(str(path), "file not found") from None
    except UnicodeDecodeError as error:
        raise DataError(str(path), f"not UTF-8 text (byte {error.start})") from None
    except yaml.YAMLError as error:
        raise DataError(str(path), f"not valid YAML: {error}") from None


@dataclass(frozen=True)
class Codebook:
    themes: list[dict[str, Any]]
    codes: list[dict[str, Any]]
    version: str

    @property
    def code_ids(self) -> list[str]:
        return [code["id"] for code in self.codes]

    @property
    def theme_ids(self) -> list[str]:
        return [theme["id"] for theme in self.themes]

    def theme_of(self, code_id: str) -> str:
        return next(code["theme"] for code in self.codes if code["id"] == code_id)


def load_codebook(path: Path = CODEBOOK) -> Codebook:
    data = read_yaml(path)
    name = path.name
    themes, codes = data.get("themes") or [], data.get("codes") or []
    theme_ids = [theme.get("id") for theme in themes]
    seen: set[str] = set()
    for index, code in enumerate(codes, start=1):
        missing = [key for key in CODE_FIELDS if key not in code]
        if missing:
            raise DataError(name, f"code {code.get('id', index)!r} lacks {', '.join(missing)}")
        if not ID_PATTERN.match(code["id"]) or code["id"] in seen or code["id"] in theme_ids:
            raise DataError(name, f"code id {code['id']!r} is malformed or not unique")
        if code["theme"] not in theme_ids:
            raise DataError(name, f"code {code['id']!r} has unknown theme {code['theme']!r}")
        seen.add(code["id"])
    if not themes or not codes:
        raise DataError(name, "needs both themes and codes")
    return Codebook(themes=themes, codes=codes, version=str(data.get("version", "")))


def load_excerpts(codebook: Codebook, folder: Path = EXCERPTS) -> list[dict[str, Any]]:
    """Every excerpt in the bank, checked against the codebook (sorted by id for determinism)."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    codes = set(codebook.code_ids)
    for path in sorted(folder.glob("*.yml")):
        theme = path.stem
        if theme not in codebook.theme_ids:
            raise DataError(path.name, f"file name must be a theme id, one of {codebook.theme_ids}")
        for item in read_yaml(path) or []:
            where = f"{path.name}: excerpt {item.get('id')!r}"
            problems = []
            if item.get("id") in seen or not str(item.get("id", "")).startswith(f"{theme}-"):
                problems.append("id is missing, repeated or not prefixed with the theme")
            if item.get("role") not in ROLES:
                problems.append(f"role must be one of {ROLES}")
            if item.get("kind") not in KINDS:
                problems.append(f"kind must be one of {KINDS}")
            item_codes = item.get("codes") or []
            if not item_codes or any(code not in codes for code in item_codes):
                problems.append(f"codes {item_codes} must be known code ids")
            elif codebook.theme_of(item_codes[0]) != theme:
                problems.append(f"first code {item_codes[0]!r} is not in theme {theme!r}")
            alternative = item.get("ambiguous_with")
            if alternative is not None and (alternative not in codes or alternative in item_codes):
                problems.append("ambiguous_with must be a known code not already applied")
            problems += check_text(item.get("text"))
            problems += check_fits(item.get("fits"))
            if "{duration}" in str(item.get("text")):
                problems.append("{duration} is only for talk.yml's warm_up_reply")
            unknown = set(item) - ITEM_KEYS
            if unknown:
                problems.append(f"unknown keys {sorted(unknown)}")
            if problems:
                raise DataError(where, "; ".join(problems))
            seen.add(item["id"])
            items.append({**item, "theme": theme, "text": item["text"].strip()})
    if not items:
        raise DataError(str(folder), "the excerpt bank is empty")
    return sorted(items, key=lambda item: item["id"])


def load_study(path: Path = STUDY) -> dict[str, Any]:
    study = read_yaml(path)
    for key in ("organisations", "focus_groups", "pseudonyms", "study_start"):
        if key not in study:
            raise DataError(path.name, f"missing {key!r}")
    return study


def load_talk(path: Path = TALK) -> dict[str, Any]:
    """The bank of uncoded talk (interviewer turns, asides, field-note context), checked.

    Every entry's text is checked like an excerpt's, so a typo names its section and place.
    """
    talk = read_yaml(path) or {}
    for section in ("interview", "focus_group", "fieldnote"):
        if not isinstance(talk.get(section), dict):
            raise DataError(path.name, f"needs a section {section!r}")

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict) and not ({"text", "interviewer"} & set(node)):
            for key, value in node.items():
                walk(value, f"{where}.{key}" if where else str(key))
        elif isinstance(node, list):
            for index, entry in enumerate(node, start=1):
                if isinstance(entry, str):
                    node[index - 1] = entry = {"text": entry}
                if not isinstance(entry, dict):
                    raise DataError(path.name, f"{where} entry {index}: not a mapping")
                texts = [entry[k] for k in ("text", "interviewer", "reply") if k in entry]
                problems = [p for text in texts or [None] for p in check_text(text)]
                problems += check_fits(entry.get("fits"))
                if "{duration}" in "".join(map(str, texts)) and not where.endswith("warm_up_reply"):
                    problems.append("{duration} is only for warm_up_reply")
                if problems:
                    raise DataError(path.name, f"{where} entry {index}: {'; '.join(problems)}")
        else:
            raise DataError(path.name, f"{where}: expected a list of entries")

    walk(talk, "")
    return talk


def main() -> None:
    """``python -m pmcj.data.inputs``: check the bank; print its size by role, kind and theme."""
    from collections import Counter

    from pmcj.data.variation import variants

    items = load_excerpts(load_codebook())
    pools = Counter((i["theme"], i["role"], i["kind"]) for i in items)
    for (theme, role, kind), count in sorted(pools.items()):
        varied = sum(
            1
            for i in items
            if (i["theme"], i["role"], i["kind"]) == (theme, role, kind) and variants(i["text"]) > 1
        )
        print(f"{theme:9} {role:12} {kind:10} {count:4} items, {varied:4} with variation")
    print(f"{len(items)} items; {sum(1 for i in items if i.get('fits'))} with fits")


if __name__ == "__main__":
    main()
