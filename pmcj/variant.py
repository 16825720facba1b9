"""Everything a lecturer hands out for one class, made by one command, in one folder per seed.

    make variant SEED=N        (python -m pmcj.variant --seed N)

writes ``variants/seed-N/``:

- ``data/``: the class's synthetic data (``pmcj generate --seed N``), with ``VARIANT.txt``;
- ``student-site/``: the student edition built from those data (open ``index.html``);
- ``instructor-site/``: the instructor edition, whose worked solutions are the answer key;
- ``answer-key-seed-N.html``: every self-checked task's right answer on one page;
- ``student-pack-seed-N.zip``: the notebooks without solutions, with these data;
- with ``--pdf`` (``make variant SEED=N PDF=1``; needs Chromium, a few minutes more):
  ``peer-mentoring-student-seed-N.pdf`` and ``peer-mentoring-instructor-seed-N.pdf``, the two
  editions printed as ``make pdf`` prints the book's, every page's header naming the seed, for a
  class that reads on paper.

Each site says on every page which seed it shows (``pmcj.variant_seed.banner``). The data and the
sites are made from the same files the published book uses, so a lecturer changes nothing else.
Running it again for the same seed rebuilds the sites (notebooks re-run only if their code or the
data changed); data of a different seed already in the folder are never replaced without --force.
``variants/`` is ignored by git.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from pmcj.answer_key import answer_key_html
from pmcj.cli import UsageError, seed_value, write_data
from pmcj.data.errors import DataError
from pmcj.data.package import load_all
from pmcj.editions import edition
from pmcj.paths import ROOT
from pmcj.variant_seed import seed_of

VARIANTS_DIR = ROOT / "variants"
EDITIONS = ("student", "instructor")
STEPS = (
    ("the student site", ["-m", "pmcj.build", "book"]),
    ("the instructor site", ["-m", "pmcj.build", "instructor"]),
)


def folder_for(seed: int, root: Path = VARIANTS_DIR) -> Path:
    return root / f"seed-{seed}"


def ensure_data(seed: int, data: Path, force: bool) -> None:
    """Generate the class's data unless this seed's data are already there."""
    found = seed_of(data)
    if found == seed:
        return
    if data.exists() and any(data.iterdir()) and not force:
        which = f"seed {found}" if found is not None else "files that are not a class variant"
        raise UsageError(
            f"{data} already holds {which}; add --force to replace them with seed {seed}"
        )
    write_data(seed, data, force=True)


def run(step: str, args: list[str], data: Path) -> None:
    """One build step with the class's data, stopping with the step's name if it fails."""
    env = {**os.environ, "PMCJ_DATA": str(data)}
    print(f"variant: building {step}", flush=True)
    if subprocess.run([sys.executable, *args], cwd=ROOT, env=env).returncode != 0:
        raise UsageError(f"{step} did not build; the messages above say why")


def copy_site(source: Path, target: Path) -> None:
    """Replace ``target`` (a site this command made before) with a fresh copy of ``source``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)


def print_pdfs(seed: int, data: Path, folder: Path) -> list[Path]:
    """Print both editions of the class's sites into its folder (as ``make pdf`` does)."""
    from playwright.sync_api import sync_playwright

    from pmcj.browser import INSTALL_HINT, find_chromium, launch
    from pmcj.pdf import PrintError, print_edition

    chromium = find_chromium()
    if chromium is None:
        raise UsageError(f"printing the PDFs needs Chromium: {INSTALL_HINT}")
    print("variant: printing the PDFs", flush=True)
    made = []
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright, chromium)
            try:
                for name in EDITIONS:
                    pdf = folder / f"peer-mentoring-{name}-seed-{seed}.pdf"
                    made.append(print_edition(browser, replace(edition(name, data), pdf=pdf)))
            finally:
                browser.close()
    except PrintError as error:
        raise UsageError(f"the PDFs could not be printed: {error}") from None
    return made


def make_variant(
    seed: int, root: Path = VARIANTS_DIR, force: bool = False, pdf: bool = False
) -> Path:
    folder = folder_for(seed, root)
    data = folder / "data"
    ensure_data(seed, data, force)
    for step, args in STEPS:
        run(step, args, data)
    copy_site(edition("student", data).html, folder / "student-site")
    copy_site(edition("instructor", data).html, folder / "instructor-site")
    pack = folder / f"student-pack-seed-{seed}.zip"
    run("the student pack", ["-m", "pmcj.pack", "--out", str(pack)], data)
    key = folder / f"answer-key-seed-{seed}.html"
    heading = f"Answer key for the class variant with seed {seed}"
    key.write_text(answer_key_html(load_all(data), heading), encoding="utf-8")
    if pdf:
        print_pdfs(seed, data, folder)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pmcj.variant", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seed", type=seed_value, required=True, help="the class's seed, e.g. 7")
    parser.add_argument("--out", type=Path, default=VARIANTS_DIR, help="where seed-N/ goes")
    parser.add_argument("--force", action="store_true", help="replace another seed's data")
    parser.add_argument(
        "--pdf", action="store_true", help="print both editions as PDFs too (needs Chromium)"
    )
    args = parser.parse_args(argv)
    try:
        folder = make_variant(args.seed, args.out.resolve(), args.force, args.pdf)
    except (UsageError, DataError) as error:
        print(f"variant: {error}", file=sys.stderr)
        return 2
    shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
    made = ["student-site/index.html", "instructor-site/index.html"]
    made += [f"answer-key-seed-{args.seed}.html", f"student-pack-seed-{args.seed}.zip"]
    if args.pdf:
        made += [f"peer-mentoring-{kind}-seed-{args.seed}.pdf" for kind in EDITIONS]
    print(f"variant: seed {args.seed} is ready in {shown}/ — {', '.join(made[:-1])} and {made[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
