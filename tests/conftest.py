"""Stop early, with one plain sentence, when the tests run outside the project's environment;
share one browser and one server of the built site among the browser tests."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

NEEDED = ("jupyter_book", "pandas", "altair", "frictionless", "sklearn", "xmlschema", "playwright")


def pytest_configure(config: pytest.Config) -> None:
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        pytest.exit(
            f"the test tools are not installed in this Python ({', '.join(missing)} missing): "
            "run the tests with `make test`, which creates .venv from requirements.lock",
            returncode=2,
        )


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, or a skip (outside CI) or failure (in CI) that says how to get it."""
    from tests.browser_support import INSTALL_HINT, find_chromium, in_ci

    path = find_chromium()
    if path is None:
        message = f"no Chromium found: {INSTALL_HINT}, or set PMCJ_CHROMIUM"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    """One browser for every browser test: it starts in ~0.2 s, and pages share it."""
    from tests.browser_support import launch

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = launch(playwright, chromium)
        yield instance
        instance.close()


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
