"""Build the student pack: every page's notebook without solutions, the data, the helpers.

Lecturers hand the zip to a class, and the site offers it for download beside every notebook.
It holds everything a notebook needs to run top to bottom with only the packages its
``requirements.txt`` lists: the notebooks (executed, so they open with outputs, and converted to
plain Jupyter Markdown by the same code as the site's downloads), the data (the book's, or the
class variant named by ``PMCJ_DATA``), and the modules of the ``pmcj`` package that those
notebooks import, found by reading their imports (so a new import cannot be forgotten). The zip
is reproducible: fixed entry order, dates and permissions.

With ``--wheels`` (``make student-pack WHEELS=1``) the pack also carries a ``wheels/`` folder: every
package its ``requirements.txt`` needs, for 64-bit Linux and Windows PCs and for Macs with Apple
silicon or Intel processors (:mod:`pmcj.wheels`), for the Python version of the computer that
builds it (``--python-version 3.12`` names another; ``--platform windows`` keeps one kind of
computer), so that a class installs without internet.

Usage: python -m pmcj.pack [--out FILE.zip] [--wheels [--platform P ...] [--python-version V]]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import json
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pmcj.editions import edition
from pmcj.environment import MIN_PYTHON, REQUIREMENTS
from pmcj.myst import Book
from pmcj.notebooks import NotExecuted, download_text
from pmcj.pages import download_name, notebook_paths
from pmcj.paths import ACTIVE_DATA_DIR, BUILD_DIR, DATA_DIR, ROOT

if TYPE_CHECKING:
    from pmcj.wheels import Platform

FOLDER = "peer-mentoring-student-pack"
PACK_NAME = "student-pack.zip"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)
IMPORT_LINE = re.compile(r"^\s*(?:from|import)\s+(pmcj[\w.]*)(?:\s+import\s+([\w, ]+))?", re.M)


def data_files(data_dir: Path) -> list[str]:
    """The descriptor and every table it lists: datapackage.json is the one list of tables."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    return ["datapackage.json", *(resource["path"] for resource in descriptor["resources"])]


def imported_modules(code: str, package: str = "") -> set[str]:
    """The ``pmcj`` modules a piece of code imports (``from pmcj.checks import ch07`` names
    ``pmcj.checks`` and, if it is a module, ``pmcj.checks.ch07``); relative imports are resolved
    against ``package``. Notebook cells that are not plain Python are read line by line."""
    found: set[str] = set()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        for match in IMPORT_LINE.finditer(code):
            names = (match.group(2) or "").replace(" ", "").split(",")
            found |= {match.group(1), *(f"{match.group(1)}.{n}" for n in names if n)}
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
    return {name for name in found if name == "pmcj" or name.startswith("pmcj.")}


def module_file(name: str, root: Path) -> Path | None:
    path = root / Path(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def package_files(code: Iterable[str], root: Path = ROOT) -> list[str]:
    """Every file of ``pmcj`` the code needs, with the modules those import in turn."""
    pending = set().union(*(imported_modules(text) for text in code)) | {"pmcj.environment"}
    files: set[Path] = set()
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        pending |= {".".join(parts[:i]) for i in range(1, len(parts))}
        path = module_file(name, root)
        if path is None or path in files:
            continue
        files.add(path)
        package = name if path.name == "__init__.py" else ".".join(parts[:-1])
        pending |= imported_modules(path.read_text(encoding="utf-8"), package)
    return sorted(path.relative_to(root).as_posix() for path in files)


def needed_package_files(code: list[str], cache_dir: Path) -> list[str]:
    """``package_files`` for the notebooks' code, remembered next to the execution cache.

    Parsing every ``pmcj`` module to follow its imports took a tenth of a prose rebuild (profiled
    on 2026-11-29); the answer changes only with the notebooks' code or the package's.
    """
    from pmcj.fingerprints import package_fingerprint

    digest = hashlib.sha256("\0".join([package_fingerprint(), *code]).encode()).hexdigest()[:16]
    remembered = cache_dir / "downloads" / f"package-files-{digest}.json"
    if remembered.exists():
        return json.loads(remembered.read_text(encoding="utf-8"))
    files = package_files(code, ROOT)
    remembered.parent.mkdir(parents=True, exist_ok=True)
    for old in remembered.parent.glob("package-files-*.json"):
        old.unlink()
    remembered.write_text(json.dumps(files), encoding="utf-8")
    return files


README = """# Student pack: Peer Mentoring in Criminal Justice, an interactive companion

This folder holds the book's notebooks (without worked solutions), its **synthetic** data set and
the small `pmcj` package the notebooks use to load the data, draw charts and check your answers.
Every person, organisation and excerpt in the data is invented; no number in it is evidence about
real people.

## Open the notebooks

1. Install Python {python} or newer. Then, in this folder, install the packages the notebooks
   were tested with and start JupyterLab:

       python -m pip install -r requirements.txt
       jupyter lab

   `requirements.txt` gives each package the oldest and newest versions the notebooks were tested
   with, so pip also updates a package that is already installed but too old.

2. Open a notebook (`*.ipynb`) from the list on the left and run its cells from the top
   (Run > Run All Cells). Keep the notebooks in this folder, next to `pmcj/` and `data/`. The
   first code cell checks that everything is in place and says in a sentence what to do if not.

{charts}

The exercise notebooks end each data task with a line such as `ch07.ex7_1(answer)`: replace the
`...` in `answer = ...` with your answer and run the cell to get feedback.

## What is here

{listing}

Data: {data_note}

## Licence

Text and data: Creative Commons Attribution 4.0 (CC BY 4.0). Code (`pmcj/`): MIT.
"""

CHARTS = """The notebooks open with the outputs the book computed, charts included. JupyterLab and
Jupyter Notebook (version 7) draw the charts with code they carry themselves, so the charts work
without an internet connection, both as saved and when you run a chart's cell again; point at a
mark to read its numbers. The classic Notebook (version 6, or nbclassic) cannot draw them: it
shows each chart as a picture instead, without tooltips or drop-downs. A chart you draw again
gets its picture from the package `vl-convert-python`, which `requirements.txt` installs;
without it, the classic Notebook shows the chart's title and a sentence on what to install.
Where a program shows only a chart's title, the table of numbers computed just before it still
shows what it draws."""


def requirements_txt() -> str:
    lines = [
        "# The packages the student pack's notebooks need, with the oldest and newest versions",
        "# they are tested with. Install them with: python -m pip install -r requirements.txt",
    ]
    for requirement in REQUIREMENTS:
        lines.append(f"{requirement.line():<28}# {requirement.why}")
    return "\n".join(lines) + "\n"


def download_wheels(dest: Path, constraints: str = "") -> list[Path]:
    """Download every wheel the pack's requirements need (with ``constraints``) into ``dest``,
    for this computer: the pack's tests install their fresh environments from them."""
    from pmcj.wheels import pip_download, requirement_lines

    dest.mkdir(parents=True, exist_ok=True)
    pip_download(dest, requirement_lines(requirements_txt()), [], constraints)
    return sorted(dest.glob("*.whl"))


OFFLINE_INSTALL = """
## Installing without internet

This pack carries the packages in `wheels/` ({size}), for Python {python} (64-bit, from
python.org or your system) on:

{platforms}

Install Python {python} if the computer lacks it. Then, in this folder, run:

    python -m pip install --no-index --find-links wheels -r requirements.txt

On Windows, if `python` is not found, type `py -{python}` in its place. Then start JupyterLab
with `jupyter lab` as above. A computer with another Python version, or of another kind (a
Raspberry Pi, say), needs the internet for step 1, or a pack built for it: on a computer with
internet, in a copy of the book, `make student-pack WHEELS=1 WHEELS_PYTHON=3.12` builds one for
Python 3.12.
"""


def zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def pack_entries(
    data_dir: Path, cache_dir: Path, root: Path = ROOT, book: Book | None = None
) -> dict[str, bytes]:
    """Every file of the pack, by its path inside the pack's folder."""
    book = book or Book.read(root)
    entries: dict[str, bytes] = {}
    code: list[str] = []
    for source in notebook_paths(root):
        text = download_text(source, cache_dir, keep_solutions=False, book=book)
        entries[download_name(source)] = text.encode("utf-8")
        cells = json.loads(text)["cells"]
        code += ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    for name in needed_package_files(code, cache_dir):
        entries[name] = (ROOT / name).read_bytes()
    for name in data_files(data_dir):
        entries[f"data/{name}"] = (data_dir / name).read_bytes()
    variant = data_dir.resolve() != DATA_DIR.resolve()
    data_note = (
        f"a class variant ({(data_dir / 'VARIANT.txt').read_text().splitlines()[0]})"
        if variant and (data_dir / "VARIANT.txt").exists()
        else "the book's own synthetic data set (default seed)."
    )
    listing = "\n".join(f"- `{name}`" for name in sorted(entries) if name.endswith(".ipynb"))
    listing += "\n- `data/`: the tables as CSV, described by `datapackage.json`"
    listing += "\n- `pmcj/`: the loaders, chart style and self-checks"
    listing += "\n- `requirements.txt`: the packages to install"
    entries["requirements.txt"] = requirements_txt().encode("utf-8")
    readme = README.format(
        python=".".join(map(str, MIN_PYTHON)), charts=CHARTS, listing=listing, data_note=data_note
    )
    entries["README.md"] = readme.encode("utf-8")
    return entries


def write_pack(entries: dict[str, bytes], out: Path) -> Path:
    """Write the zip only if its bytes changed (so an unchanged pack is never rewritten)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            archive.writestr(zip_entry(name), entries[name])
    data = buffer.getvalue()
    if not out.exists() or out.read_bytes() != data:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    return out


def offline_readme(platforms: list[Platform], python_version: str, size: int) -> str:
    """The README's section on installing from ``wheels/``: which computers, which Python."""
    listed = "\n".join(f"- {p.described} (`{p.tags[0]}`)" for p in platforms)
    return OFFLINE_INSTALL.format(
        size=f"{size / 1e6:.0f} MB", python=python_version, platforms=listed
    )


def build_pack(
    out: Path,
    data_dir: Path = ACTIVE_DATA_DIR,
    wheels: bool = False,
    platforms: list[str] | None = None,
    python_version: str | None = None,
) -> Path:
    """The pack, with ``wheels`` for ``platforms`` (all by default) and ``python_version``.

    pmcj.wheels is imported here, not at the top: every build writes the pack, and reading
    packaging's platform tags would slow a prose-edit rebuild for nothing.
    """
    from pmcj.wheels import PLATFORMS, WheelError, download_all, platform_named, requirement_lines

    chosen = [platform_named(name) for name in platforms] if platforms else list(PLATFORMS)
    python_version = python_version or f"{sys.version_info.major}.{sys.version_info.minor}"
    if not re.fullmatch(r"3\.\d+", python_version):
        raise WheelError(f"the Python version should look like 3.12, not {python_version!r}")
    if tuple(map(int, python_version.split("."))) < MIN_PYTHON:
        raise WheelError(
            f"the notebooks need Python {'.'.join(map(str, MIN_PYTHON))} or newer, so a pack "
            f"for Python {python_version} could not run them"
        )
    entries = pack_entries(data_dir, edition("student", data_dir).cache)
    if wheels:
        with tempfile.TemporaryDirectory() as folder:
            lines = requirement_lines(requirements_txt())
            for wheel in download_all(Path(folder), lines, chosen, python_version):
                entries[f"wheels/{wheel.name}"] = wheel.read_bytes()
        size = sum(len(data) for name, data in entries.items() if name.startswith("wheels/"))
        section = offline_readme(chosen, python_version, size)
        readme = entries["README.md"].decode("utf-8")
        readme = readme.replace("\n## What is here", section + "\n## What is here")
        entries["README.md"] = readme.encode("utf-8")
    return write_pack(entries, out)


def main(argv: list[str] | None = None) -> int:
    from pmcj.wheels import PLATFORMS

    parser = argparse.ArgumentParser(prog="python -m pmcj.pack", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=BUILD_DIR / PACK_NAME)
    parser.add_argument("--wheels", action="store_true", help="add the packages, for offline use")
    parser.add_argument(
        "--platform",
        action="append",
        help=f"with --wheels: only these computers ({', '.join(p.key for p in PLATFORMS)}); "
        "all four by default",
    )
    parser.add_argument(
        "--python-version", help="with --wheels: the students' Python, e.g. 3.12 (default: this)"
    )
    args = parser.parse_args(argv)
    try:
        path = build_pack(
            args.out,
            wheels=args.wheels,
            platforms=args.platform,
            python_version=args.python_version,
        )
    except (NotExecuted, RuntimeError) as error:
        print(f"pack: {error}", file=sys.stderr)
        return 2
    print(f"pack: wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
