"""Which seed a class variant's data were generated with: written once, read by every edition.

``pmcj generate --seed N --out DIR`` leaves ``VARIANT.txt`` beside the CSV files. Its first line
names the seed, so a site built from that folder can say on every page which data it shows, and a
lecturer who finds the folder months later can tell which class it was for. Kept in a module of its
own because the data command writes the note and the editions read it: neither imports the other.
"""

from __future__ import annotations

import re
from pathlib import Path

NOTE_NAME = "VARIANT.txt"
FIRST_LINE = "Synthetic data variant generated with seed {seed} by `pmcj generate`."
SEED_LINE = re.compile(r"^Synthetic data variant generated with seed (\d+) ")


def note(seed: int, folder: Path) -> str:
    """The text of ``VARIANT.txt`` for data generated with ``seed`` into ``folder``."""
    return (
        f"{FIRST_LINE.format(seed=seed)}\n"
        "Every person, organisation and excerpt is invented. Load it in the notebooks\n"
        f"by setting the environment variable PMCJ_DATA={folder}\n"
    )


def seed_of(folder: Path) -> int | None:
    """The seed named in ``folder``'s ``VARIANT.txt``, or None (the book's own data, or no note)."""
    path = folder / NOTE_NAME
    if not path.is_file():
        return None
    first = path.read_text(encoding="utf-8").splitlines()[:1]
    match = SEED_LINE.match(first[0]) if first else None
    return int(match.group(1)) if match else None


def banner(seed: int | None) -> str:
    """The line every page of a class variant's site shows above its header."""
    which = f"seed {seed}" if seed is not None else "a seed other than the book's"
    return (
        f"Class variant: the synthetic data on these pages were generated with {which}, "
        "so their numbers differ from the published book's."
    )
