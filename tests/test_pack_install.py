"""The student pack installs from its requirements.txt alone and works there, charts included.

For the newest and the oldest versions requirements.txt allows, in a fresh virtual environment
(see ``tests/pack_env_support.py``): every notebook runs top to bottom in the unzipped pack, every
worked solution (from the instructor edition's downloads) passes its check, a notebook opened
outside the pack says in one sentence what to fetch, and JupyterLab draws every saved chart, and
every chart again after "Run All", in headless Chromium with every request to another host
blocked (Notebook 7 too, on the newest versions). The classic Notebook (nbclassic, installed
beside the requirements in environments of its own) shows every chart as a picture, as saved and
after "Run All", offline too.

The first run downloads the wheels (about 200 MB) into ``_build/wheelhouse``; CI builds both
environments afresh (``.ci/run`` sets ``CI``), which takes about a minute.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
import pytest

from pmcj.environment import REQUIREMENTS, problems, version_tuple
from pmcj.offline_charts import VEGALITE5_MIME
from pmcj.pages import download_name, notebook_paths
from pmcj.paths import ROOT
from tests.browser_support import find_chromium, in_ci, launch
from tests.build_support import built_instructor_html, built_pack
from tests.pack_env_support import (
    CLASSIC,
    KINDS,
    PackEnv,
    jupyter_server,
    make_env,
    run_notebooks,
    wheelhouse,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = [pytest.mark.build, pytest.mark.pack_install]
PACK_FOLDER = "peer-mentoring-student-pack"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    with zipfile.ZipFile(built_pack()) as archive:
        archive.extractall(folder)
    return folder / PACK_FOLDER


@pytest.fixture(scope="module")
def envs(pack: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, PackEnv]:
    scratch = tmp_path_factory.mktemp("envs")
    wheelhouse()  # once, before the two installs that read it
    # One after the other: two pip installs side by side saved about 20 s of a fresh run, but
    # twice in three fresh runs (2026-11-30) one of them failed inside pip (a file of its own
    # install gone missing, an internal "Exception"), which a lone install never did.
    return {kind: make_env(kind, pack / "requirements.txt", scratch) for kind in KINDS}


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


@pytest.mark.parametrize("kind", list(KINDS))
def test_requirements_install_the_versions_they_promise(
    kind: str, envs: dict[str, PackEnv]
) -> None:
    installed = envs[kind].versions()
    for requirement in REQUIREMENTS:
        version = version_tuple(installed[requirement.name])
        assert version >= version_tuple(requirement.floor), (requirement, installed)
        assert version < version_tuple(requirement.ceiling), (requirement, installed)
        if kind == "oldest":
            assert installed[requirement.name] == requirement.floor, (requirement, installed)


def has_solutions(path: Path) -> bool:
    cells = nbformat.read(path, 4).cells
    return any("solution" in cell.metadata.get("tags", []) for cell in cells)


# A worked solution that ends with its check: ch07.ex7_1(...) or primer.exp_1(...), not a
# pandas method such as .explode that merely starts with "ex".
CHECK_CALL = re.compile(r"\b(?:ch\d{2}|primer)\.ex[a-z]?\d*_\d+\(")


@pytest.mark.pack_notebooks  # five minutes on two cores: run by make pack-test (and CI)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_pack_notebook_and_worked_solution_runs(
    kind: str, envs: dict[str, PackEnv], pack: Path, home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(pack, folder)
    names = [download_name(source) for source in notebook_paths(ROOT)]
    # The instructor edition's downloads hold the worked solutions: each must pass its check on
    # these versions too, or a student with a right answer would be told it is wrong.
    teacher = built_instructor_html() / "_downloads" / "notebooks"
    solved = [name for name in names if has_solutions(teacher / name)]
    for name in solved:
        shutil.copy(teacher / name, folder / f"instructor-{name}")
    report = run_notebooks(envs[kind], folder, [*names, *[f"instructor-{n}" for n in solved]], home)
    failed = {name: result["error"] for name, result in report.items() if result["error"]}
    assert not failed, f"notebooks that fail with the {kind} versions:\n{json.dumps(failed)[:3000]}"
    # The check's verdict is the last output of a solution cell that calls one (a cell may print
    # a table first, as Exercise 4.2's does).
    verdicts: dict[tuple[str, str], str] = {}
    for name, result in report.items():
        if not name.startswith("instructor-"):
            continue
        for output in result["outputs"]:
            source = output.get("source", "")
            if "solution" in output.get("tags", []) and CHECK_CALL.search(source):
                verdicts[(name, source)] = output["text"]
    checks = list(verdicts.values())
    assert checks, "no worked solution with a check was run"
    wrong = [text for text in checks if not text.startswith("Correct")]
    assert not wrong, f"worked solutions that fail their checks with the {kind} versions: {wrong}"


def test_a_notebook_alone_says_in_one_sentence_what_to_fetch(
    envs: dict[str, PackEnv], pack: Path, home: Path, tmp_path: Path
) -> None:
    lonely = tmp_path / "Downloads"
    lonely.mkdir()
    name = download_name(notebook_paths(ROOT)[-1])
    shutil.copy(pack / name, lonely / name)
    result = run_notebooks(envs["newest"], lonely, [name], home)[name]
    assert result["error"], "the notebook ran without the pack"
    errors = [output for output in result["outputs"] if "error" in output]
    assert errors[0]["error"] == "NotInTheStudentPack", errors
    shown = errors[0]["traceback"]
    assert len(shown) == 1 and "Traceback" not in shown[0], shown
    assert shown[0].startswith("This notebook needs the book's student pack: download"), shown


def test_a_package_below_its_floor_is_named_in_one_sentence() -> None:
    """Measured: altair 5.4.1 has no ``alt.theme``; the first cell says so, not a traceback."""
    installed = {"pandas": "2.2.3", "altair": "5.4.1"}
    assert problems(installed) == [
        "altair 5.4.1 is older than these notebooks need (5.5.0 or newer)"
    ]
    assert problems({"pandas": "4.0.0", "altair": "6.3.0"}) == [
        "pandas 4.0.0 is newer than these notebooks were tested with (older than 4)"
    ]
    assert problems({"pandas": "3.1.1"}) == ["altair is not installed"]


# --- charts in JupyterLab and Notebook, offline -----------------------------------------------

CHART = ".jp-OutputArea-output .vega-embed"
DRAWN = f"{CHART} .marks"
# The state of the notebook on screen: its kernel's status, and how many code cells have run.
STATE = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.content.model) { return "no notebook"; }
    const session = panel.sessionContext.session;
    const kernel = session ? session.kernel : null;
    const cells = panel.content.model.cells;
    let code = 0, run = 0;
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type === "code") { code++; if (cell.executionCount) { run++; } }
    }
    return `${kernel ? kernel.status : "no kernel"} ${run}/${code}`;
}"""
# Charts drawn in the notebook on screen only: JupyterLab keeps other open notebooks in the page as
# background tabs, and their charts must not count for this one.
COUNT = f"""() => {{
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return panel ? panel.node.querySelectorAll('{DRAWN}').length : -1;
}}"""


def run_all(page: Any, timeout_s: float = 180) -> str:
    """Clear every output, run every cell, and wait until all have run and the kernel is idle."""
    page.wait_for_function("() => !!window.jupyterapp", timeout=30_000)
    # Run All before the kernel is ready opens a kernel dialog and runs nothing: wait for it.
    page.wait_for_function(f"() => ({STATE})().startsWith('idle ')", timeout=60_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.wait_for_function(f"() => ({COUNT})() === 0", timeout=120_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.monotonic() + timeout_s
    state = page.evaluate(STATE)
    while time.monotonic() < deadline:
        state = page.evaluate(STATE)
        kernel, counts = state.rsplit(" ", 1)
        run, code = counts.split("/") if "/" in counts else ("0", "?")
        if kernel == "idle" and run == code:
            return state
        page.wait_for_timeout(500)
    return state


# JupyterLab on both; Notebook 7 (which shares JupyterLab's renderers) on the newest versions only,
# to keep the suite's time down.
USER_INTERFACES = {"newest": ("lab/tree", "notebooks"), "oldest": ("lab/tree",)}


def saved_charts(path: Path) -> int:
    notebook = nbformat.read(path, 4)
    return sum(
        VEGALITE5_MIME in output.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


@dataclass
class OfflineJupyter:
    """A Jupyter server of a copy of the pack, and Chromium that may reach nothing but it."""

    base: str
    token: str
    browser: Browser
    # The pack's notebooks that have saved charts, with how many each has.
    charted: dict[str, int]
    # Every request a page made to another host (and that was aborted).
    blocked: list[str] = field(default_factory=list)

    def route(self, intercepted: Route) -> None:
        """Let requests to the server through; abort, and record, every other one."""
        url = intercepted.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1")):
            intercepted.continue_()
        else:
            self.blocked.append(url)
            intercepted.abort()

    def open(self, path: str) -> Page:
        """A new page, every request routed through :meth:`route`, at ``path`` on the server
        (its query, if any, kept before the token). The caller closes it."""
        page = self.browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", self.route)
        separator = "&" if "?" in path else "?"
        page.goto(f"{self.base}/{path}{separator}token={self.token}")
        return page


@contextlib.contextmanager
def offline_jupyter(
    env: PackEnv, pack: Path, home: Path, tmp_path: Path
) -> Iterator[OfflineJupyter]:
    """What the chart tests in JupyterLab, Notebook 7 and the classic Notebook share: Debian's
    Chromium (a skip without it, a failure in CI), a copy of the unzipped pack served by ``env``'s
    Jupyter server, and every request to another host blocked. After the test's body has passed,
    it fails if any page asked another host for anything: the charts must draw offline."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        if in_ci():
            pytest.fail("Chromium is missing on the CI runner")
        pytest.skip("no Chromium: apt-get install -y chromium (never `playwright install`)")
    folder = tmp_path / "pack"
    shutil.copytree(pack, folder)
    charted = {p.name: n for p in sorted(folder.glob("*.ipynb")) if (n := saved_charts(p))}
    assert charted, "no pack notebook has a saved chart"
    with jupyter_server(env, folder, home) as server, sync_playwright() as playwright:
        base, token = server.split("|")
        browser = launch(playwright, chromium)
        jupyter = OfflineJupyter(base, token, browser, charted)
        yield jupyter
        browser.close()
    assert not jupyter.blocked, f"requests to other hosts: {jupyter.blocked[:5]}"


@pytest.mark.browser
@pytest.mark.pack_browser  # its own pytest run: a second sync Playwright cannot start in one
@pytest.mark.parametrize("kind", list(KINDS))
def test_charts_draw_offline_in_jupyterlab_and_notebook_saved_and_rerun(
    kind: str, envs: dict[str, PackEnv], pack: Path, home: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    report: list[str] = []
    with offline_jupyter(envs[kind], pack, home, tmp_path) as jupyter:
        for name, expected in jupyter.charted.items():
            for ui in USER_INTERFACES[kind]:
                # A page of its own per notebook, and JupyterLab's saved workspace reset, so that no
                # notebook opened before comes back as a tab beside this one.
                reset = "?reset" if ui.startswith("lab") else ""
                page = jupyter.open(f"{ui}/{name}{reset}")
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
                with contextlib.suppress(PlaywrightTimeout):  # the count below says what drew
                    page.wait_for_function(f"() => ({COUNT})() >= {expected}", timeout=30_000)
                saved = page.evaluate(COUNT)
                state = run_all(page)
                page.wait_for_timeout(500)
                rerun = page.evaluate(COUNT)
                text = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
                report.append(
                    f"{ui} {name}: {saved}/{expected} drawn as saved, {rerun} after Run All "
                    f"(kernel and cells run: {state})"
                )
                assert "Error loading script" not in text, f"{ui}: a chart tried to load a script"
                assert saved == expected, report
                assert rerun == expected, report
                page.evaluate("window.jupyterapp.serviceManager.sessions.shutdownAll()")
                page.close()
    print(f"\n{kind}: " + "; ".join(report))


# --- charts as pictures in the classic Notebook, offline ---------------------------------------

# A picture drawn in an output area of the notebook (decoded: an image that failed shows nothing).
PICTURES = """() => [...document.querySelectorAll('#notebook-container .output_png img')]
    .filter(img => img.complete && img.naturalWidth > 0).length"""
# The kernel's state and how many code cells have run (nbclassic shows '*' for one running).
CLASSIC_STATE = """() => {
    if (!window.Jupyter || !Jupyter.notebook || !Jupyter.notebook._fully_loaded) {
        return "no notebook";
    }
    const icon = document.querySelector('#kernel_indicator_icon');
    const idle = icon && icon.classList.contains('kernel_idle_icon');
    const code = Jupyter.notebook.get_cells().filter(cell => cell.cell_type === 'code');
    const run = code.filter(cell => typeof cell.input_prompt_number === 'number').length;
    return `${idle ? 'idle' : 'busy'} ${run}/${code.length}`;
}"""


# Errors from cells not meant to raise (the primer shows a few errors on purpose, tagged so).
UNEXPECTED_ERRORS = """() => Jupyter.notebook.get_cells()
    .filter(cell => cell.cell_type === 'code')
    .filter(cell => !((cell.metadata.tags || []).includes('raises-exception')))
    .flatMap(cell => cell.output_area.outputs.filter(out => out.output_type === 'error'))
    .map(out => `${out.ename}: ${out.evalue}`)"""


@pytest.fixture(scope="module")
def classic_envs(pack: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, PackEnv]:
    """The pack's requirements and nbclassic, as a student who uses the classic Notebook has."""
    scratch = tmp_path_factory.mktemp("classic-envs")
    wheelhouse()
    # One after the other, for the reason given at ``envs``.
    return {kind: make_env(kind, pack / "requirements.txt", scratch, CLASSIC) for kind in KINDS}


@pytest.mark.browser
@pytest.mark.pack_browser
@pytest.mark.parametrize("kind", list(KINDS))
def test_charts_show_as_pictures_offline_in_the_classic_notebook_saved_and_rerun(
    kind: str, classic_envs: dict[str, PackEnv], pack: Path, home: Path, tmp_path: Path
) -> None:
    """nbclassic 1.3 has no Vega-Lite renderer, and in a notebook it does not trust (every
    download) shows only text, LaTeX, PNG, JPEG and GIF: each chart must show as its PNG, as
    saved, and again after Run All, when the pack's renderer draws the picture with vl-convert
    (1.7.0 with altair 5.5.0 on the oldest versions, the newest on the newest)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    report: list[str] = []
    with offline_jupyter(classic_envs[kind], pack, home, tmp_path) as jupyter:
        for name, expected in jupyter.charted.items():
            # Beside Notebook 7, nbclassic serves the classic Notebook under /nbclassic/.
            page = jupyter.open(f"nbclassic/notebooks/{name}")
            page.wait_for_function(f"() => ({CLASSIC_STATE})() !== 'no notebook'", timeout=60_000)
            trusted = page.evaluate("Jupyter.notebook.trusted")
            with contextlib.suppress(PlaywrightTimeout):  # the count below says what showed
                page.wait_for_function(f"() => ({PICTURES})() >= {expected}", timeout=30_000)
            saved = page.evaluate(PICTURES)
            # Run All once the kernel is ready (before, nbclassic queues the cells; wait anyway).
            page.wait_for_function(f"() => ({CLASSIC_STATE})().startsWith('idle ')", timeout=60_000)
            page.evaluate("Jupyter.notebook.clear_all_output()")
            page.wait_for_function(f"() => ({PICTURES})() === 0", timeout=30_000)
            page.evaluate("Jupyter.notebook.execute_all_cells()")
            deadline = time.monotonic() + 180
            state = page.evaluate(CLASSIC_STATE)
            while time.monotonic() < deadline:
                state = page.evaluate(CLASSIC_STATE)
                idle, counts = state.split(" ")
                run, code = counts.split("/")
                if idle == "idle" and run == code:
                    break
                page.wait_for_timeout(500)
            page.wait_for_timeout(500)
            rerun = page.evaluate(PICTURES)
            errors = page.evaluate(UNEXPECTED_ERRORS)
            report.append(
                f"{name}: {saved}/{expected} pictures as saved (trusted: {trusted}), {rerun} "
                f"after Run All (kernel and cells run: {state})"
            )
            assert not trusted, "the test should see the notebook as a student's download"
            assert not errors, f"{name}: cells failed in the classic Notebook: {errors}"
            assert saved == expected, report
            assert rerun == expected, report
            page.evaluate("Jupyter.notebook.session.delete()")
            page.close()
    print(f"\n{kind} (classic Notebook): " + "; ".join(report))


# --- the offline bundle: make student-pack WHEELS=1 ---------------------------------------------

INSTALL_LINE = re.compile(r"^ {4}(python -m pip install --no-index [^\n]+)$", re.MULTILINE)
# The README's list of computers the wheels serve, one per line, each with pip's platform tag.
PLATFORM_LINE = re.compile(r"^- .+ \(`([a-z0-9_]+)`\)$", re.MULTILINE)
SERVES = re.compile(r"`wheels/` \((\d+) MB\), for Python (3\.\d+)")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m pmcj.pack --wheels`` (what ``make student-pack WHEELS=1`` runs), unzipped."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("bundle")
    out = folder / "pack-with-wheels.zip"
    made = subprocess.run(
        [sys.executable, "-m", "pmcj.pack", "--out", str(out), "--wheels"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    with zipfile.ZipFile(out) as pack:
        pack.extractall(folder)
    return folder / PACK_FOLDER


@pytest.mark.pack_wheels  # downloads the wheels (about 300 MB) and installs them: minutes
def test_the_offline_bundle_installs_with_its_readme_line_and_no_index(
    bundle: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    readme = (bundle / "README.md").read_text(encoding="utf-8")
    lines = INSTALL_LINE.findall(readme)
    assert len(lines) == 1, "the README should give exactly one offline install line"
    wheels = sorted(path.name for path in (bundle / "wheels").glob("*.whl"))
    for requirement in REQUIREMENTS:
        name = requirement.name.replace("-", "_").lower()
        assert any(wheel.lower().startswith(f"{name}-") for wheel in wheels), requirement.name
    env = tmp_path / "student-python"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = env / "bin" / "python"
    # The README's own line, run in the pack's folder by the student's Python, no index allowed.
    command = lines[0].replace("python", str(python), 1).split()
    installed = subprocess.run(command, cwd=bundle, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    ready = subprocess.run(
        [str(python), "-c", "import pmcj.environment as e; print(e.problems())"],
        cwd=bundle,
        capture_output=True,
        text=True,
    )
    assert ready.stdout.strip() == "[]", ready.stdout + ready.stderr[-1000:]


@pytest.mark.pack_wheels
def test_the_offline_bundle_is_complete_for_every_computer_its_readme_names(
    bundle: Path, tmp_path: Path
) -> None:
    """Windows and macOS cannot be installed on here, so each is checked twice: pip resolves
    ``requirements.txt`` from ``wheels/`` alone for that platform and Python (versions and
    wheel tags), and :func:`pmcj.wheels.missing` follows every wheel's requirements with that
    computer's markers, which pip evaluates for this one (pywinpty and colorama are needed on
    Windows only, appnope on macOS)."""
    import subprocess
    import sys

    from pmcj.wheels import missing, pip_target, platform_named, requirement_lines

    readme = (bundle / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Installing without internet", 1)[1].split("\n## ", 1)[0]
    serves = SERVES.search(section)
    assert serves, "the README should say how large the wheels are and which Python they serve"
    size, python_version = int(serves.group(1)), serves.group(2)
    wheels = bundle / "wheels"
    measured = round(sum(path.stat().st_size for path in wheels.glob("*.whl")) / 1e6)
    assert size == measured, f"the README says {size} MB of wheels, and there are {measured} MB"
    named = [platform_named(tag) for tag in PLATFORM_LINE.findall(section)]
    assert {platform.key for platform in named} >= {"linux", "windows", "macos-arm64"}, named
    requirements = requirement_lines((bundle / "requirements.txt").read_text(encoding="utf-8"))
    for platform in named:
        lacking = missing(wheels, requirements, platform, python_version)
        assert not lacking, f"{platform.key}: no wheel for {lacking}"
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-index"]
        command += ["--find-links", str(wheels), "--target", str(tmp_path / platform.key)]
        command += [*pip_target(platform, python_version), "--requirement", "requirements.txt"]
        resolved = subprocess.run(command, cwd=bundle, capture_output=True, text=True)
        assert resolved.returncode == 0, f"{platform.key}: {resolved.stderr[-1500:]}"
