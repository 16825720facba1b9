"""Stop early, with one plain sentence, when the tests run outside the project's environment."""

from __future__ import annotations

import importlib.util

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
