"""Where each edition of the book is built from and to, and which execution cache it reads.

Kept apart from the build driver because the student pack needs to know which cache holds a
class variant's executed notebooks, and the build driver calls the pack: with this here, imports
run one way (build -> pack -> notebooks -> editions, pages), never in a circle.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from pmcj.paths import BUILD_DIR, CACHE_DIR, DATA_DIR, PDF_DIR, ROOT
from pmcj.variant_seed import banner, seed_of


@dataclass(frozen=True)
class Edition:
    """Where one edition of the book is built from and to."""

    name: str
    html: Path
    cache: Path
    path_output: Path | None = None
    overrides: dict | None = None
    pdf: Path | None = None  # the printed book (`make pdf`), which the site offers once it exists
    variant: str = ""  # for a class variant, "class variant, seed N": printed on every PDF page

    @property
    def kind(self) -> str:
        """``student`` or ``instructor``, for a class variant's editions too."""
        return self.name.rsplit("-", 1)[-1]

    def config(self) -> Path | None:
        """A merged copy of _config.yml (jupyter-book's --config replaces, it does not merge)."""
        if not self.overrides and self.cache == CACHE_DIR:
            return None
        config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
        merge(config, copy.deepcopy(self.overrides or {}))
        config.setdefault("execute", {})["cache"] = str(self.cache)
        path = BUILD_DIR / "configs" / f"{self.name}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        return path


def merge(base: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value


def pdf_path(name: str) -> Path:
    """Where `make pdf` writes an edition's PDF (_config.yml's ``pmcj_pdf`` names the student's)."""
    return PDF_DIR / f"peer-mentoring-{name}.pdf"


INSTRUCTOR_OVERRIDES = {
    "title": "Peer Mentoring in Criminal Justice: an interactive companion (instructor edition)",
    "sphinx": {
        "config": {
            "pmcj_edition": "instructor",
            "pmcj_pdf": pdf_path("instructor").relative_to(ROOT).as_posix(),
        }
    },
}


def variant_label(data_dir: Path) -> str:
    """A build folder name for a variant's data folder, unique per folder.

    ``make variant`` keeps each class's data in ``variants/seed-N/data``: every one is called
    ``data``, so the folder's own name alone would send two classes' builds into one cache.
    """
    folder = data_dir.resolve()
    try:
        parts = folder.relative_to(ROOT).parts
    except ValueError:  # a folder outside the repository: its name and a short stamp of its path
        parts = (folder.name, hashlib.sha256(str(folder).encode()).hexdigest()[:8])
    return "-".join(parts)


def edition(name: str, data_dir: Path | None = None) -> Edition:
    """The edition to build; a class variant of the data gets its own output and cache."""
    overrides = INSTRUCTOR_OVERRIDES if name == "instructor" else {}
    if data_dir is not None and data_dir.resolve() != DATA_DIR.resolve():
        label = f"variant-{variant_label(data_dir)}-{name}"
        folder = BUILD_DIR / label
        # Every page of a variant's site says which data it shows (the theme's announcement bar).
        overrides = copy.deepcopy(overrides)
        merge(overrides, {"html": {"announcement": banner(seed_of(data_dir))}})
        # A class's sites do not offer a PDF on How to use: `make variant SEED=N PDF=1` prints
        # them into the class's folder instead (pmcj.variant), where the lecturer finds them.
        merge(overrides, {"sphinx": {"config": {"pmcj_pdf": ""}}})
        seed = seed_of(data_dir)
        return Edition(
            name=label,
            html=folder / "_build" / "html",
            cache=folder / ".jupyter_cache",
            path_output=folder,
            overrides=overrides,
            variant=f"class variant, seed {seed}" if seed is not None else "class variant",
        )
    if name == "instructor":
        folder = BUILD_DIR / "instructor"
        return Edition(
            name="instructor",
            html=folder / "_build" / "html",
            cache=CACHE_DIR,
            path_output=folder,
            overrides=overrides,
            pdf=pdf_path("instructor"),
        )
    return Edition(
        name="student", html=BUILD_DIR / "html", cache=CACHE_DIR, pdf=pdf_path("student")
    )
