"""What every test run shares: the environment check, the browser fixtures, the skip banner.

- Stop early, with one plain sentence, when the tests run outside the project's environment.
- Share one browser and one server of the built site among the browser tests.
- Say loudly, at the end, how many browser tests were skipped and how to run them: a local run
  without Chromium still passes (a contributor editing prose can run the rest), but nobody should
  mistake it for a full run. In CI (``CI=true``) a browser test is never skipped: a missing
  browser fails the fixture, and any browser test skipped for another reason fails the run.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BROWSER_SKIPS: list[pytest.TestReport] = []

NEEDED = (
    "jupyter_book",
    "pandas",
    "altair",
    "frictionless",
    "sklearn",
    "xmlschema",
    "playwright",
    "xdist",
)


def pytest_configure(config: pytest.Config) -> None:
    # With -n and no --dist, xdist has chosen "load" by now; "loadgroup" is the same plus the
    # groups below. Set here, not in pyproject.toml's addopts: there, a pytest without xdist
    # stopped at "unrecognized arguments: --dist" before the message below could say why.
    if getattr(config.option, "dist", None) == "load":
        config.option.dist = "loadgroup"
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        pytest.exit(
            f"the test tools are not installed in this Python ({', '.join(missing)} missing): "
            "run the tests with `make test`, which creates .venv from requirements.lock",
            returncode=2,
        )


# `make test` runs the tests in two pytest-xdist workers (``-n 2``; pytest_configure above makes
# xdist distribute them with ``loadgroup``). Each worker is a pytest session of its own, so every
# session- and module-scoped fixture runs once per worker that needs it. Tests that share a
# fixture which must not run twice at once, or which costs seconds, go to one worker: xdist sends
# the tests of an ``xdist_group`` to the same worker, and spreads the rest one test at a time.
SHARED_FIXTURES = {
    # Writes _build/wheelhouse and _build/pack-envs: two workers would delete and build the same
    # environment at once.
    "envs": "pack-envs",
    # Each builds a small book with jupyter-book (5-9 s) or prints a page.
    "chart_book": "chart-book",
    "raising_book": "raising-book",
    "printed": "printed-chapter",
}
# Modules that use the data sets generated per seed (tests/data_support.py, about a second per
# seed, remembered in memory) run in one worker, so the 21 data sets are generated once.
DATA_SETS_GROUP = "data-sets"


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the tests that share something costly or unsafe to share into one xdist group."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    import sys

    data_support = sys.modules.get("tests.data_support")
    generators = (
        [data_support.tables_for_seed, data_support.generated] if data_support is not None else []
    )
    for item in items:
        module = getattr(item, "module", None)
        groups = {SHARED_FIXTURES[name] for name in item.fixturenames if name in SHARED_FIXTURES}
        if module is not None and any(
            getattr(module, function.__name__, None) is function for function in generators
        ):
            groups = {DATA_SETS_GROUP}
        if len(groups) > 1:
            raise pytest.UsageError(f"{item.nodeid} is in two xdist groups: {sorted(groups)}")
        if groups:
            item.add_marker(pytest.mark.xdist_group(groups.pop()))


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, or a skip (outside CI) or failure (in CI) that says how to get it."""
    from tests.browser_support import INSTALL_HINT, find_chromium, in_ci

    path = find_chromium()
    if path is None:
        message = "no Chromium found (PMCJ_CHROMIUM, `chromium` on PATH, /usr/bin/chromium)"
        if in_ci():
            message += f": {INSTALL_HINT}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    """One browser for every browser test: it starts in ~0.2 s, and pages share it."""
    from tests.browser_support import in_ci, launch

    try:
        import playwright.sync_api as sync_api
    except ImportError as missing:
        message = f"Playwright is not installed ({missing}): run the tests with `make test`"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    with sync_api.sync_playwright() as playwright:
        instance = launch(playwright, chromium)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def chart_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book's skeleton with the chart fixture pages, built once for the build and browser
    tests (``tests/build_support.py``); the built site's folder."""
    from tests.build_support import build_chart_book

    try:
        return build_chart_book(tmp_path_factory.mktemp("chartbook"))
    except AssertionError as failed:
        pytest.fail(str(failed))


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site the browser tests read (``_build/html``, or ``PMCJ_SITE_DIR``)."""
    from tests.browser_support import site_dir

    built = site_dir()
    if not (built / "index.html").exists() and not any(built.glob("*.html")):
        pytest.fail(f"no built site at {built}: run make book first")
    return built


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 for the whole run."""
    from tests.browser_support import serve

    with serve(site) as url:
        yield url


def ci_run() -> bool:
    """The same rule as ``tests.browser_support.in_ci``, without importing the build modules."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember every skipped browser test, whatever skipped it."""
    if report.skipped and "browser" in report.keywords:
        BROWSER_SKIPS.append(report)


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(
    terminalreporter: Any, exitstatus: int, config: pytest.Config
) -> Iterator[None]:
    """A banner after everything else (just above the final count) when browser tests skipped.

    A wrapper called first finishes last, so the banner follows pytest's own short summary.
    """
    yield
    if not BROWSER_SKIPS:
        return
    from tests.browser_support import INSTALL_HINT, RUN_HINT

    count = len({report.nodeid for report in BROWSER_SKIPS})
    reasons = sorted({skip_reason(report) for report in BROWSER_SKIPS})
    write = terminalreporter.write_line
    terminalreporter.write_sep("!", f"{count} BROWSER TESTS SKIPPED", red=True, bold=True)
    write(f"{count} browser tests did not run, so this is not a full test run. They check that")
    write("every page works offline, passes axe-core, fits a phone and has working menus.")
    for reason in reasons:
        write(f"  why: {reason}")
    write(f"To run them: {INSTALL_HINT},")
    write(f"or set PMCJ_CHROMIUM to a Chromium program; {RUN_HINT}.")
    if ci_run():
        write("In CI no browser test may be skipped: this run fails.", red=True, bold=True)
    terminalreporter.write_sep("!", red=True, bold=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a skipped browser test fails the run, whatever the other results."""
    if BROWSER_SKIPS and ci_run() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
