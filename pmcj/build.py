"""Build the book: fill the execution cache on both cores, then run Jupyter Book strictly.

`jupyter-book build` executes notebooks one at a time, and Sphinx cannot read in parallel with the
extensions Jupyter Book loads. jupyter-cache's `local-parallel` executor can, and its `myst_nb_md`
reader hashes notebooks exactly as the build does, so the build that follows finds every notebook
already executed. The build itself runs with warnings as errors (`-W -n --keep-going`), so an
unknown citation, a broken cross-reference or a notebook that raises fails it.

Editions share one execution cache, so notebooks run once for both:

- the student edition (``make book``) in ``_build/html``;
- the instructor edition (``make instructor``), with worked solutions and teaching notes, in
  ``_build/instructor/_build/html``;
- a class variant of the data (``make book DATA=variants/class-a``) gets its own output folder and
  cache, because notebook outputs depend on the data, not only on the notebook's text.

Usage: python -m pmcj.build book | instructor | all | serve
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import yaml
    from jupyter_cache import get_cache  # noqa: F401 (checked here so the message comes first)
except ModuleNotFoundError as missing:
    sys.exit(
        f"build: {missing.name} is not installed in {sys.executable}. The book's tools live in "
        "the project's .venv: run `make book` (it creates .venv from requirements.lock)."
    )

from pmcj.paths import BUILD_DIR, CACHE_DIR, DATA_DIR, ROOT, TOC

NOTEBOOK_READER = {"name": "myst_nb_md", "type": "plugin"}


def toc_files(toc: Path = TOC) -> list[str]:
    """Every page named in the table of contents, in reading order (without suffix)."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    found = [data["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in data.items() if key != "root"})
    return found


def is_notebook(path: Path) -> bool:
    """A MyST Markdown page is a notebook when its front matter names a kernel."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    front = text.split("---", 2)[1]
    return "kernelspec" in front


def notebook_paths(root: Path = ROOT) -> list[Path]:
    paths = [root / f"{name}.md" for name in toc_files(root / "_toc.yml")]
    return [path for path in paths if path.exists() and is_notebook(path)]


def fill_cache(root: Path = ROOT, cache_dir: Path = CACHE_DIR) -> None:
    """Execute every out-of-date notebook into the cache, two at a time."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    notebooks = notebook_paths(root)
    if not notebooks:
        return
    cache = get_cache(str(cache_dir))
    for path in notebooks:
        cache.add_nb_to_project(str(path), read_data=NOTEBOOK_READER)
    stale = [record.pk for record in cache.list_unexecuted()]
    if not stale:
        return
    print(f"build: executing {len(stale)} notebook(s) on 2 cores")
    executor = load_executor("local-parallel", cache=cache)
    result = executor.run_and_cache(filter_pks=stale, timeout=300, allow_errors=False)
    for uri in result.errored:
        print(f"build: {uri} raised an error; the build below will show where")


@dataclass(frozen=True)
class Edition:
    """Where one edition of the book is built from and to."""

    name: str
    html: Path
    cache: Path
    path_output: Path | None = None
    overrides: dict | None = None

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


INSTRUCTOR_OVERRIDES = {
    "title": "Peer Mentoring in Criminal Justice: an interactive companion (instructor edition)",
    "sphinx": {"config": {"pmcj_edition": "instructor"}},
}


def edition(name: str, data_dir: Path | None = None) -> Edition:
    """The edition to build; a class variant of the data gets its own output and cache."""
    overrides = INSTRUCTOR_OVERRIDES if name == "instructor" else {}
    if data_dir is not None and data_dir.resolve() != DATA_DIR.resolve():
        label = f"variant-{data_dir.resolve().name}-{name}"
        folder = BUILD_DIR / label
        return Edition(
            name=label,
            html=folder / "_build" / "html",
            cache=folder / ".jupyter_cache",
            path_output=folder,
            overrides=overrides,
        )
    if name == "instructor":
        folder = BUILD_DIR / "instructor"
        return Edition(
            name="instructor",
            html=folder / "_build" / "html",
            cache=CACHE_DIR,
            path_output=folder,
            overrides=overrides,
        )
    return Edition(name="student", html=BUILD_DIR / "html", cache=CACHE_DIR)


def jupyter_book(args: list[str]) -> int:
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), *args]
    return subprocess.run(command, cwd=ROOT).returncode


def build_book(strict: bool = True, name: str = "student") -> int:
    data_dir = Path(os.environ["PMCJ_DATA"]) if os.environ.get("PMCJ_DATA") else None
    if data_dir is not None and not (data_dir / "datapackage.json").exists():
        print(
            f"build: PMCJ_DATA={data_dir} holds no datapackage.json; make a variant with "
            "`.venv/bin/pmcj generate --seed N --out DIR` first",
            file=sys.stderr,
        )
        return 2
    target = edition(name, data_dir)
    fill_cache(cache_dir=target.cache)
    flags = ["--builder", "html", "--keep-going"]
    if strict:
        flags += ["--warningiserror", "--nitpick"]
    config = target.config()
    if config is not None:
        flags += ["--config", str(config)]
    if target.path_output is not None:
        flags += ["--path-output", str(target.path_output)]
    status = jupyter_book(flags)
    if status != 0:
        print(
            "\nbuild: the book did not build; the warnings above name each file and line.",
            file=sys.stderr,
        )
    else:
        print(f"build: the {target.name} edition is in {target.html.relative_to(ROOT)}")
    return status


def source_mtimes(root: Path = ROOT) -> dict[Path, float]:
    patterns = [
        "*.md",
        "*.yml",
        "*.bib",
        "chapters/*.md",
        "exercises/*.md",
        "data/*.csv",
        "_static/*",
    ]
    return {path: path.stat().st_mtime for pattern in patterns for path in root.glob(pattern)}


def serve(port: int = 8000) -> int:
    """Build, serve _build/html on 127.0.0.1, and rebuild whenever a source file is saved."""
    from pmcj.localserver import serve_directory

    build_book(strict=False)
    with serve_directory(BUILD_DIR / "html", port=port, quiet=False) as url:
        print(f"serve: {url} (rebuilds on save; Ctrl+C stops)")
        seen = source_mtimes()
        try:
            while True:
                time.sleep(1)
                now = source_mtimes()
                if now != seen:
                    seen = now
                    build_book(strict=False)
                    print(f"serve: rebuilt; refresh {url}")
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pmcj.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("target", choices=["book", "instructor", "all", "serve"])
    args = parser.parse_args(argv)
    if args.target == "serve":
        return serve()
    if args.target == "all":  # what the tests read: both editions and the student pack
        from pmcj.pack import main as pack

        return build_book(name="student") or build_book(name="instructor") or pack([])
    return build_book(name="student" if args.target == "book" else "instructor")


if __name__ == "__main__":
    sys.exit(main())
