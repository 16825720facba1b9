"""The package's command line: generate the data (or a class variant) and validate a data folder.

    pmcj generate [--seed N] [--out DIR] [--force]
    pmcj validate [DIR]
    pmcj export [--out DIR]

Lecturers use `generate --seed` for a class variant; everything that checks answers computes from
whichever data are loaded, so a variant needs nothing else changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from pmcj.data.docs import refresh_card
from pmcj.data.errors import DataError
from pmcj.data.generate import DEFAULT_SEED, PACKAGE, generate, render
from pmcj.data.package import load_all
from pmcj.paths import DATA_DIR
from pmcj.variant_seed import NOTE_NAME, note


class UsageError(Exception):
    """A mistake in how the command was called, reported as one line without a traceback."""


def seed_value(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the seed must be a whole number such as 42, not {text!r}"
        ) from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"the seed must be zero or more, not {seed}")
    return seed


def write_data(seed: int, out: Path, force: bool) -> list[Path]:
    """Generate into a temporary folder, then move the files into `out` only when all succeeded."""
    out = out.resolve()
    committed = out == DATA_DIR.resolve()
    if committed and seed != DEFAULT_SEED:
        raise UsageError(
            f"refusing to overwrite the book's committed data in {out} with seed {seed}; "
            f"write a class variant elsewhere, e.g. --out variants/seed-{seed}"
        )
    files = render(generate(seed))
    names = [*files] if committed else [*files, PACKAGE.name]
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    existing = [name for name in files if (out / name).exists()]
    if existing and not force:
        raise UsageError(
            f"{out} already holds {', '.join(existing)}; add --force to replace them, "
            "or choose another --out folder"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out):
            pass
    except OSError as error:
        raise UsageError(f"cannot write to {out}: {error.strerror}") from None
    with tempfile.TemporaryDirectory(dir=out) as staging:
        staged = Path(staging)
        for name, content in files.items():
            (staged / name).write_bytes(content)
        shutil.copyfile(PACKAGE, staged / PACKAGE.name)
        if not committed:
            (staged / NOTE_NAME).write_text(note(seed, out), encoding="utf-8")
            names.append(NOTE_NAME)
        load_all(staged)  # never move a set of files the loader would reject
        if committed:
            (staged / PACKAGE.name).unlink()  # the descriptor is the source, not an output
        for name in sorted(os.listdir(staged)):
            os.replace(staged / name, out / name)
    return [out / name for name in names]


def export_refi(out: Path) -> list[Path]:
    """Write the REFI-QDA codebook and project of the loaded data (or a class variant)."""
    from pmcj.refi import write_codebook, write_project

    tables = load_all()
    try:
        out.mkdir(parents=True, exist_ok=True)
        return [
            write_codebook(out / "peer-mentoring-codebook.qdc", tables),
            write_project(out / "peer-mentoring-project.qdpx", tables),
        ]
    except OSError as error:
        raise UsageError(f"cannot write to {out}: {error.strerror}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pmcj", description="Synthetic data for the book.")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="generate the data set or a class variant")
    gen.add_argument(
        "--seed",
        type=seed_value,
        default=DEFAULT_SEED,
        help=f"random seed (default {DEFAULT_SEED}, the committed data)",
    )
    gen.add_argument("--out", type=Path, default=DATA_DIR, help="folder to write the CSV files to")
    gen.add_argument("--force", action="store_true", help="replace files that already exist")
    check = commands.add_parser("validate", help="check a data folder against datapackage.json")
    check.add_argument("folder", type=Path, nargs="?", default=DATA_DIR)
    export = commands.add_parser(
        "export", help="write the coded data as REFI-QDA files (.qdc codebook, .qdpx project)"
    )
    export.add_argument(
        "--out", type=Path, default=Path("_build/downloads"), help="folder to write them to"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            written = write_data(args.seed, args.out, args.force)
            if args.out.resolve() == DATA_DIR.resolve() and refresh_card():
                print("pmcj: refreshed the data dictionary in data/README.md")
            print(f"pmcj: wrote {len(written)} files to {args.out} (seed {args.seed})")
        elif args.command == "export":
            for path in export_refi(args.out):
                print(f"pmcj: wrote {path} ({path.stat().st_size:,} bytes)")
        else:
            tables = load_all(args.folder)
            rows = sum(len(frame) for frame in tables.values())
            print(f"pmcj: {args.folder} is valid ({len(tables)} tables, {rows} rows)")
    except (UsageError, DataError) as error:
        print(f"pmcj: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
