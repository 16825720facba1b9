"""Build the student pack: exercise and chapter notebooks without solutions, the data, a README.

Lecturers hand the zip to a class. It holds everything a notebook needs to run top to bottom with
only pandas, altair and Jupyter installed: the notebooks (executed, so they open with outputs), the
data (the book's, or the class variant named by ``PMCJ_DATA``), and the small part of the ``pmcj``
package the notebooks import (the loaders, the chart style and the self-checks). The zip is
reproducible: fixed entry order, dates and permissions.

Usage: python -m pmcj.pack [--out _build/student-pack.zip]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from pathlib import Path

from pmcj.build import edition, notebook_paths
from pmcj.notebooks import NotExecuted, executed_notebook, for_download, serialise
from pmcj.paths import ACTIVE_DATA_DIR, BUILD_DIR, DATA_DIR, ROOT

FOLDER = "peer-mentoring-student-pack"
MODULES = [
    "__init__.py",
    "paths.py",
    "charts.py",
    "data/__init__.py",
    "data/errors.py",
    "data/package.py",
    "checks/__init__.py",
    "checks/feedback.py",
]


def data_files(data_dir: Path) -> list[str]:
    """The descriptor and every table it lists: datapackage.json is the one list of tables."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    return ["datapackage.json", *(resource["path"] for resource in descriptor["resources"])]


FIXED_TIME = (2020, 1, 1, 0, 0, 0)

README = """# Student pack: Peer Mentoring in Criminal Justice, an interactive companion

This folder holds the book's notebooks (without worked solutions), its **synthetic** data set and
the small `pmcj` package the notebooks use to load the data, draw charts and check your answers.
Every person, organisation and excerpt in the data is invented; no number in it is evidence about
real people.

## Open the notebooks

1. Install Python 3.11 or newer, then in this folder run:

       python -m pip install pandas altair jupyterlab
       jupyter lab

2. Open a notebook (`*.ipynb`) from the list on the left and run its cells from the top
   (Run > Run All Cells). Keep the notebooks in this folder, next to `pmcj/` and `data/`.

The notebooks open with the outputs the book computed. When you run a chart's cell, altair draws it
with JavaScript it fetches from the internet; without a connection the chart stays blank, but the
table of numbers computed just before each chart still shows its result.

The exercise notebooks end each data task with a line such as `ch07.ex7_1(answer)`: replace the
`...` in `answer = ...` with your answer and run the cell to get feedback.

## What is here

{listing}

Data: {data_note}

## Licence

Text and data: Creative Commons Attribution 4.0 (CC BY 4.0). Code (`pmcj/`): MIT.
"""


def zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def pack_entries(data_dir: Path, cache_dir: Path) -> dict[str, bytes]:
    entries: dict[str, bytes] = {}
    notebooks = [p for p in notebook_paths(ROOT) if p.parent.name in ("chapters", "exercises")]
    for source in notebooks:
        notebook = for_download(executed_notebook(source, cache_dir), keep_solutions=False)
        entries[f"{source.stem}.ipynb"] = serialise(notebook).encode("utf-8")
    package = ROOT / "pmcj"
    checks = sorted((package / "checks").glob("ch*.py"))
    for module in [*MODULES, *[f"checks/{p.name}" for p in checks]]:
        entries[f"pmcj/{module}"] = (package / module).read_bytes()
    for name in data_files(data_dir):
        entries[f"data/{name}"] = (data_dir / name).read_bytes()
    variant = data_dir.resolve() != DATA_DIR.resolve()
    data_note = (
        f"a class variant ({(data_dir / 'VARIANT.txt').read_text().splitlines()[0]})"
        if variant and (data_dir / "VARIANT.txt").exists()
        else "the book's own synthetic data set (default seed)."
    )
    listing = "\n".join(f"- `{name}`" for name in sorted(entries) if name.endswith(".ipynb"))
    listing += "\n- `data/`: the eight tables as CSV, described by `datapackage.json`"
    listing += "\n- `pmcj/`: the loaders, chart style and self-checks"
    entries["README.md"] = README.format(listing=listing, data_note=data_note).encode("utf-8")
    return entries


def build_pack(out: Path, data_dir: Path = ACTIVE_DATA_DIR) -> Path:
    target = edition("student", data_dir)
    entries = pack_entries(data_dir, target.cache)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            archive.writestr(zip_entry(name), entries[name])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pmcj.pack", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "student-pack.zip")
    args = parser.parse_args(argv)
    try:
        path = build_pack(args.out)
    except NotExecuted as error:
        print(f"pack: {error}", file=sys.stderr)
        return 2
    print(f"pack: wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
