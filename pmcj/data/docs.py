"""Markdown descriptions of the data set, generated from its sources of truth.

The codebook appendix, the data dictionary and the list of built-in tendencies are rendered from
``data/codebook.yml``, ``data/datapackage.json`` and :class:`pmcj.data.tendencies.Tendencies`, so
each fact is written once. The book's pages use them through Sphinx directives
(:mod:`pmcj.sphinxext.datadocs`), and ``data/README.md`` carries the data dictionary between
markers that ``make data`` refreshes (a test checks they agree).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmcj.data.inputs import CODEBOOK, load_codebook
from pmcj.data.tendencies import Tendencies
from pmcj.paths import DATA_DIR

PACKAGE = DATA_DIR / "datapackage.json"
CARD = DATA_DIR / "README.md"
BEGIN = "<!-- BEGIN DATA DICTIONARY (generated from datapackage.json by `make data`) -->"
END = "<!-- END DATA DICTIONARY -->"
FIELD_LABELS = (
    ("brief", "In brief"),
    ("definition", "Definition"),
    ("when_to_use", "When to use"),
    ("when_not_to_use", "When not to use"),
    ("example", "Synthetic example"),
)


def cell(text: Any) -> str:
    """Make text safe for one cell of a Markdown pipe table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def codebook_markdown(path: Path = CODEBOOK, heading: str = "##") -> str:
    codebook = load_codebook(path)
    lines: list[str] = []
    for theme in codebook.themes:
        lines += [f"{heading} {theme['name']}", "", f"(codebook-{theme['id']})=", ""]
        lines += [
            " ".join(theme["description"].split()),
            "",
            f"Theme id `{theme['id']}`; Chapter {theme['chapter']}.",
            "",
        ]
        for code in (c for c in codebook.codes if c["theme"] == theme["id"]):
            lines += [f"{heading}# {code['name']} (`{code['id']}`)", ""]
            for key, label in FIELD_LABELS:  # MacQueen et al.'s team-codebook fields
                lines += [f"**{label}.** " + " ".join(str(code[key]).split()), ""]
            origin = (
                "deductive (from the literature)"
                if code["origin"] == "deductive"
                else "inductive (from the fieldwork)"
            )
            refs = ", ".join(f"{{cite:t}}`{key}`" for key in code["references"])
            lines += [f"**Origin.** {origin}." + (f" **Literature.** {refs}." if refs else ""), ""]
    return "\n".join(lines)


def constraint_text(field: dict[str, Any]) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        values = c["enum"]
        shown = ", ".join(f"`{v}`" for v in values[:8])
        parts.append(
            f"one of {shown}" + (f" and {len(values) - 8} more" if len(values) > 8 else "")
        )
    if "minimum" in c:
        parts.append(f"at least {c['minimum']}")
    return "; ".join(parts) or "optional"


def dictionary_markdown(path: Path = PACKAGE, heading: str = "##") -> str:
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    lines: list[str] = []
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        key = schema["primaryKey"]
        key = ", ".join(f"`{k}`" for k in ([key] if isinstance(key, str) else key))
        lines += [
            f"{heading} `{resource['path']}`: {resource['title']}",
            "",
            cell(resource["description"]),
            "",
            f"One row per key: {key}.",
            "",
        ]
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"]["resource"] or resource["name"]
            lines += [
                f"- `{', '.join(fk['fields'])}` refers to `{target}."
                f"{', '.join(fk['reference']['fields'])}`."
            ]
        lines += ["", "| column | type | meaning | rules |", "| --- | --- | --- | --- |"]
        for field in schema["fields"]:
            lines.append(
                f"| `{field['name']}` | {field['type']} | {cell(field['description'])} "
                f"| {cell(constraint_text(field))} |"
            )
        lines.append("")
    return "\n".join(lines)


def sizes_markdown() -> str:
    """How many rows each table has, and who is in the study, counted from the files now."""
    from pmcj.data.package import load_all

    tables = load_all()
    lines = ["| table | synthetic rows |", "| --- | ---: |"]
    lines += [f"| `{name}` | {len(table):,} |" for name, table in tables.items()]
    roles = tables["participants"].groupby("role", observed=True).size()
    lines += ["", "| role | synthetic participants |", "| --- | ---: |"]
    lines += [f"| {role.replace('_', ' ')} | {count} |" for role, count in roles.items()]
    return "\n".join(lines) + "\n"


def tendencies_markdown() -> str:
    lines = [
        "| tendency | what it does | default | what it lets you see | what it cannot show |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in Tendencies().describe():
        lines.append(
            f"| `{row['name']}` | {cell(row['doc'])} | `{cell(row['value'])}` | "
            f"{cell(row['shows'])} | {cell(row['cannot_show']) or 'n/a'} |"
        )
    return "\n".join(lines) + "\n"


def card_with_dictionary(card: str, dictionary: str, begin: str = BEGIN, end: str = END) -> str:
    """Replace a generated section of the data card (between the markers) with `dictionary`."""
    if begin not in card or end not in card:
        raise ValueError(f"{CARD.name} lacks the markers {begin} ... {end}")
    head, rest = card.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n\n{dictionary}\n{end}{tail}"


def card_sizes() -> str:
    """The sizes paragraph of the data card, counted from the files (never typed by hand)."""
    from pmcj.data.package import load_all

    t = load_all(DATA_DIR)
    roles = t["participants"].groupby("role", observed=True).size()
    segments = t["segments"]
    repeated = segments.text.duplicated(keep=False).mean()
    coded = segments.text.str.len().sum() / t["turns"].text.str.len().sum()
    kinds = t["sources"].source_type.astype(str).value_counts().sort_index()
    sources = ", ".join(f"{n} {kind.replace('_', ' ')}s" for kind, n in kinds.items())
    levels = t["codes"].level.astype(str).value_counts()
    return (
        f"Sizes at the default seed, counted by `make data`: {len(t['organisations'])} "
        f"organisations; {len(t['participants'])} participants ({roles['mentor']} mentors, "
        f"{roles['mentee']} mentees, {roles['staff']} staff, {roles['focus_group']} focus-group "
        f"members); {len(t['sources'])} sources ({sources}) with {len(t['turns']):,} turns; "
        f"{len(segments)} coded segments drawn from {segments.excerpt_id.nunique()} different "
        f"excerpts of the bank, {repeated:.0%} of them word for word the same as another "
        f"segment; coded text is {coded:.0%} of all transcript text; {levels['code']} codes in "
        f"{levels['theme']} themes; contact logs of up to {t['sessions'].week.max()} weeks for "
        f"{t['sessions'].mentee_id.nunique()} mentees; {t['workload'].week.max()}-week workload "
        f"diaries for {t['workload'].mentor_id.nunique()} mentors.\n"
    )


SIZES_BEGIN = "<!-- BEGIN SIZES (counted from the data by `make data`) -->"
SIZES_END = "<!-- END SIZES -->"


def refresh_card(card: Path = CARD) -> bool:
    """Rewrite the card's generated sections (dictionary, sizes) if they changed."""
    text = card.read_text(encoding="utf-8")
    new = card_with_dictionary(text, dictionary_markdown(heading="###"))
    new = card_with_dictionary(new, card_sizes(), SIZES_BEGIN, SIZES_END)
    if new != text:
        card.write_text(new, encoding="utf-8")
        return True
    return False
