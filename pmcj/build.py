"""Build the book: check the pages, run the notebooks on both cores, then Jupyter Book, strictly.

Before Sphinx runs, two mistakes that Jupyter Book would let through or bury are stopped, each with
the file and what to do:

- a page under ``chapters/``, ``exercises/`` or ``appendices/`` that ``_toc.yml`` does not list
  (the build leaves it out without a word: ``pmcj.sphinxext.toc``), or a ``_toc.yml``
  entry whose file does not exist;
- a notebook that raises: the build stops at once with the notebook's file, the failing cell and
  the exception, instead of carrying on to a long log and a vaguer error at the end.

`jupyter-book build` executes notebooks one at a time, and Sphinx cannot read in parallel with the
extensions Jupyter Book loads. jupyter-cache's `local-parallel` executor can, and its `myst_nb_md`
reader hashes notebooks exactly as the build does, so the build that follows finds every notebook
already executed. The build itself runs with warnings as errors (`-W -n --keep-going`), so an
unknown citation, a broken cross-reference or a chart without a description fails it.

Editions share one execution cache, so notebooks run once for both:

- the student edition (``make book``) in ``_build/html``;
- the instructor edition (``make instructor``), with worked solutions and teaching notes, in
  ``_build/instructor/_build/html``;
- a class variant of the data (``make book DATA=variants/class-a``) gets its own output folder and
  cache, because notebook outputs depend on the data, not only on the notebook's text.

``serve`` is the live preview: sphinx-autobuild's server and browser reload around this module's
own build, so a saved page is rebuilt (notebooks re-run only when their code changed) and the open
browser tab reloads itself.

Usage: python -m pmcj.build book | instructor | all | serve [--port 8000]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

try:
    import yaml  # noqa: F401 (checked here so the message comes first)
    from jupyter_cache import get_cache  # noqa: F401
except ModuleNotFoundError as missing:
    sys.exit(
        f"build: {missing.name} is not installed in {sys.executable}. The book's tools live in "
        "the project's .venv: run `make book` (it creates .venv from requirements.lock)."
    )

from pmcj.editions import Edition, edition  # noqa: F401 (Edition: tests build one)
from pmcj.pages import code_fingerprint, notebook_paths, toc_files
from pmcj.paths import ACTIVE_DATA_DIR, BUILD_DIR, CACHE_DIR, ROOT

NOTEBOOK_READER = {"name": "myst_nb_md", "type": "plugin"}
# Folders whose every page must be in _toc.yml (a draft belongs outside them until it is ready).
PAGE_FOLDERS = ("chapters", "exercises", "appendices")
TOC_HELP = 'see CONTRIBUTING.md, "Adding a chapter", step "Table of contents"'


class BuildStopped(Exception):
    """A mistake found before or while notebooks run, already explained in plain English."""


def page_problems(root: Path = ROOT) -> list[str]:
    """Pages the book would silently leave out, and _toc.yml entries with no page: one line each.

    The book builds only what _toc.yml lists (``pmcj.sphinxext.toc``), so a new chapter that
    is not listed builds "successfully" without it. This is a few directory listings: fast enough
    to run before every build.
    """
    listed = toc_files(root / "_toc.yml")
    problems = [
        f"_toc.yml lists '{name}', but there is no {name}.md: create the page or remove the "
        f"entry ({TOC_HELP})."
        for name in listed
        if not (root / f"{name}.md").exists() and not (root / f"{name}.ipynb").exists()
    ]
    known = set(listed)
    for folder in PAGE_FOLDERS:
        for page in sorted((root / folder).rglob("*.md")):
            relative = page.relative_to(root)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if relative.with_suffix("").as_posix() not in known:
                problems.append(
                    f"{relative.as_posix()} is not in _toc.yml, so the book would leave it out "
                    f"without a word. Add it to _toc.yml (a chapter under its part, its "
                    f"exercise page as a section beneath it; {TOC_HELP}), or keep the draft "
                    f"outside {folder}/ until it is ready."
                )
    return problems


def check_pages(root: Path = ROOT) -> None:
    problems = page_problems(root)
    if problems:
        listing = "\n".join(f"- {problem}" for problem in problems)
        raise BuildStopped(f"build: the pages and _toc.yml do not agree:\n{listing}")


def quiet_logger() -> logging.Logger:
    """jupyter-cache's workers log a failing notebook's whole coloured traceback as a warning.

    Raising the level to ERROR keeps that out of the log (genuine worker crashes still show), so
    the only report of a failed notebook is :func:`fill_cache`'s, with the file, cell and error.
    """
    logger = logging.getLogger("pmcj.build.execute")
    logger.setLevel(logging.ERROR)
    return logger


def fill_cache(root: Path = ROOT, cache_dir: Path = CACHE_DIR) -> None:
    """Execute every out-of-date notebook into the cache, two at a time; stop if any raises.

    A stamp of the notebooks' code (``pmcj.pages.code_fingerprint``) written after a complete run
    lets a prose edit skip jupyter-cache altogether: reading and hashing every notebook through it
    took about a second of each rebuild. The stamp lives in the cache folder, so emptying the
    cache (new data, ``make clean``) empties it too.
    """
    notebooks = notebook_paths(root)
    if not notebooks:
        return
    stamp = cache_dir / "code-fingerprint.txt"
    code = code_fingerprint(notebooks)
    if stamp.exists() and stamp.read_text(encoding="utf-8").strip() == code:
        return
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    from pmcj.notebooks import execution_failure

    cache = get_cache(str(cache_dir))
    for path in notebooks:
        cache.add_nb_to_project(str(path), read_data=NOTEBOOK_READER)
    # Only this book's current pages: a renamed or deleted page stays in the cache's project, and
    # reading it would fail.
    current = [str(path.absolute()) for path in notebooks]
    stale = [record.pk for record in cache.list_unexecuted(filter_uris=current)]
    if not stale:
        stamp.write_text(code + "\n", encoding="utf-8")
        return
    print(f"build: executing {len(stale)} notebook(s) on 2 cores", flush=True)
    executor = load_executor("local-parallel", cache=cache, logger=quiet_logger())
    result = executor.run_and_cache(filter_pks=stale, timeout=300, allow_errors=False)
    reports = []
    for uri in [*result.excepted, *result.errored]:
        source = Path(uri)
        failure = execution_failure(source, cache_dir)
        if failure is None:
            name = source.relative_to(root) if source.is_relative_to(root) else source
            reports.append(
                f"{name} could not be run or cached (see the messages above); "
                "run `make book` again, and `make clean` first if it fails the same way."
            )
            continue
        log = cache_dir.parent / "execution-errors" / f"{source.stem}.txt"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(failure.traceback, encoding="utf-8")
        shown = log.relative_to(root) if log.is_relative_to(root) else log
        reports.append(failure.describe(root, f"  (the full traceback is in {shown})\n"))
    if reports:
        raise BuildStopped("\n\n".join(f"build: {report}" for report in reports))
    stamp.write_text(code + "\n", encoding="utf-8")


def reset_cache_for_new_data(cache_dir: Path, data_dir: Path = ACTIVE_DATA_DIR) -> None:
    """Empty the execution cache when the data changed since it was filled.

    jupyter-cache keys outputs on a notebook's code alone, so after ``make data`` the pages would
    otherwise keep the old data's numbers.
    """
    from pmcj.data.fingerprint import data_fingerprint

    stamp = cache_dir / "data-fingerprint.txt"
    current = data_fingerprint(data_dir)
    if stamp.exists() and stamp.read_text(encoding="utf-8").strip() == current:
        return
    if cache_dir.exists():
        print(
            "build: the data changed since the notebooks last ran; running them again", flush=True
        )
        shutil.rmtree(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n", encoding="utf-8")


def prepare(root: Path = ROOT, cache_dir: Path = CACHE_DIR) -> None:
    """Everything that must hold before Sphinx runs: pages agree with _toc.yml, notebooks run."""
    check_pages(root)
    reset_cache_for_new_data(cache_dir)
    fill_cache(root, cache_dir)


# A child process that runs the in-process build below.
IN_CHILD = (
    "import sys; from pmcj.build import jupyter_book; sys.exit(jupyter_book(sys.argv[1:], True))"
)


def jupyter_book(args: list[str], in_process: bool = False) -> int:
    """`jupyter-book build` on the book with ``args``; its exit status.

    In a child process by default, so a process that builds more than once (``all``, the live
    preview, the PDF) gives each build a fresh interpreter; the child runs this function with
    ``in_process``. ``in_process`` runs it in this process, for a process whose only build it is
    (`make book`, `make instructor`): a second interpreter that imported the whole toolchain again
    cost 0.1-0.2 s of a 2.5 s prose-edit rebuild (measured 2026-11-30). Either way the build runs
    with the collector tuned, entry points read once and libyaml reading YAML.
    """
    if not in_process:
        command = [sys.executable, "-c", IN_CHILD, *args]
        return subprocess.run(command, cwd=ROOT).returncode
    from pmcj import collector, entry_points, libyaml

    collector.tune()  # before Jupyter Book's imports, not only before its build
    entry_points.read_once()  # before the packages that import entry_points by name
    libyaml.use_for_safe_load()
    from click import ClickException
    from jupyter_book.cli.main import build

    with contextlib.chdir(ROOT):
        try:
            build.main([str(ROOT), *args], prog_name="jupyter-book build", standalone_mode=False)
        except SystemExit as stop:  # Jupyter Book's exit after a failed Sphinx build
            return stop.code if isinstance(stop.code, int) else 1
        except ClickException as error:
            error.show()
            return error.exit_code
        except RuntimeError as error:
            # Jupyter Book's "There was an error in building your book"; Sphinx has already
            # printed the cause above it, as the separate process did.
            print(error, file=sys.stderr, flush=True)
            return 1
        finally:
            collector.restore()  # the book's extension does too; a build that never loaded it
    return 0


def build_book(strict: bool = True, name: str = "student", in_process: bool = False) -> int:
    data_dir = Path(os.environ["PMCJ_DATA"]) if os.environ.get("PMCJ_DATA") else None
    if data_dir is not None and not (data_dir / "datapackage.json").exists():
        print(
            f"build: PMCJ_DATA={data_dir} holds no datapackage.json; make a variant with "
            "`.venv/bin/pmcj generate --seed N --out DIR` first",
            file=sys.stderr,
        )
        return 2
    target = edition(name, data_dir)
    try:
        prepare(ROOT, target.cache)
    except BuildStopped as stopped:
        print(f"\n{stopped}\n", file=sys.stderr, flush=True)
        return 1
    flags = ["--builder", "html", "--keep-going"]
    if strict:
        flags += ["--warningiserror", "--nitpick"]
    config = target.config()
    if config is not None:
        flags += ["--config", str(config)]
    if target.path_output is not None:
        flags += ["--path-output", str(target.path_output)]
    status = jupyter_book(flags, in_process=True) if in_process else jupyter_book(flags)
    if status != 0:
        print(
            "\nbuild: the book did not build; the warnings above name each file and line.",
            file=sys.stderr,
        )
    else:
        print(f"build: the {target.name} edition is in {target.html.relative_to(ROOT)}")
    return status


# What a save must touch to rebuild the preview: pages, configuration, references, data, styles,
# and the course plans the lecturer's guide renders.
WATCHED_FOLDERS = (*PAGE_FOLDERS, "_static", "data", "teaching")
WATCHED_SUFFIXES = (".md", ".yml", ".bib")
EDITOR_DEBRIS = (".swp", ".swx", ".swo", ".tmp", ".bak", "~")


def ignored(path: str, root: Path = ROOT) -> bool:
    """True for a changed file the book is not built from (the build's own output, .venv, ...).

    sphinx-autobuild watches the whole folder; this filter keeps the build from reacting to its
    own output in _build, to editors' swap files, or to code and tests (which no page shows).
    """
    try:
        relative = Path(path).resolve().relative_to(root)
    except ValueError:
        return True
    name = relative.name
    if any(part.startswith((".", "#")) for part in relative.parts) or name.endswith(EDITOR_DEBRIS):
        return True
    if len(relative.parts) == 1:
        return relative.suffix not in WATCHED_SUFFIXES or name in {"README.md", "CONTRIBUTING.md"}
    return relative.parts[0] not in WATCHED_FOLDERS


def rebuild(*, changed_paths: Sequence[Path] = ()) -> None:
    """sphinx-autobuild's change callback: the same build as `make book`, minus warnings-as-errors.

    Module level so that sphinx-autobuild can run it in a worker process. Notebooks whose code did
    not change are taken from the cache, so a prose edit re-executes nothing.
    """
    names = sorted({Path(path).name for path in changed_paths})
    if names:
        print(f"serve: {', '.join(names[:5])} changed; rebuilding", flush=True)
    build_book(strict=False)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve(port: int = 8000, host: str = "127.0.0.1") -> int:
    """Build, serve _build/html on 127.0.0.1, rebuild on save and reload the open browser tab.

    sphinx-autobuild (the usual live preview for Sphinx) provides the file watcher, the server and
    the script that reloads the page; the build it calls is this module's, so the checks above,
    the parallel execution cache and the chart renderer behave exactly as in `make book`.
    """
    try:
        import uvicorn
        from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
        from sphinx_autobuild.server import RebuildServer
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.gzip import GZipMiddleware
        from starlette.routing import Mount, WebSocketRoute
        from starlette.staticfiles import StaticFiles
    except ModuleNotFoundError as missing:
        print(
            f"serve: {missing.name} is not installed in {sys.executable}; run `make serve`, which "
            "installs the pinned sphinx-autobuild from requirements.lock into .venv.",
            file=sys.stderr,
        )
        return 2
    if not port_is_free(host, port):
        print(
            f"serve: port {port} is already in use (another `make serve`?). Stop it, or use "
            f"another port: make serve PORT={port + 1}",
            file=sys.stderr,
        )
        return 2
    rebuild()
    html = BUILD_DIR / "html"
    html.mkdir(parents=True, exist_ok=True)
    watcher = RebuildServer([ROOT], ignored, change_callback=rebuild)
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=html, html=True), name="static"),
        ],
        # Outermost first: compress what the reload script was injected into, as hosts compress
        # (Lighthouse's phone scores depend on it; see pmcj.localserver).
        middleware=[
            Middleware(GZipMiddleware, minimum_size=512),
            Middleware(JavascriptInjectorMiddleware, ws_url=f"{host}:{port}"),
        ],
        lifespan=watcher.lifespan,
    )
    print(
        f"serve: http://{host}:{port}/ (rebuilds when you save and reloads the page; Ctrl+C stops)",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pmcj.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("target", choices=["book", "instructor", "all", "serve"])
    parser.add_argument("--port", type=int, default=8000, help="port for serve (127.0.0.1 only)")
    args = parser.parse_args(argv)
    if args.target == "serve":
        return serve(port=args.port)
    if args.target == "all":  # what the tests read: both editions and the student pack
        from pmcj.pack import main as pack

        return build_book(name="student") or build_book(name="instructor") or pack([])
    edition_name = "student" if args.target == "book" else "instructor"
    return build_book(name=edition_name, in_process=True)


if __name__ == "__main__":
    sys.exit(main())
