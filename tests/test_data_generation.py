"""The generator is deterministic, the committed data are its output, and sizes are as documented.

The tendencies are tested in ``test_tendencies.py``; consistency with a close reading in
``test_data_consistency.py``.
"""

from __future__ import annotations

import hashlib

import pytest
from sklearn.metrics import cohen_kappa_score

from pmcj.data.generate import DEFAULT_SEED, generate, render
from pmcj.paths import DATA_DIR
from tests.data_support import (
    cohen_kappa,
    tables_for_seed,
    unit_vectors,
)

SEEDS = [DEFAULT_SEED, *range(1, 21)]


def test_same_seed_gives_identical_files() -> None:
    first, second = render(generate(7)), render(generate(7))
    assert first == second
    assert render(generate(8)) != first, "a different seed should give different data"


def test_committed_data_equal_a_fresh_generation() -> None:
    for name, content in render(generate(DEFAULT_SEED)).items():
        committed = (DATA_DIR / name).read_bytes()
        assert hashlib.sha256(committed).digest() == hashlib.sha256(content).digest(), (
            f"data/{name} differs from a fresh generation: run `make data` and commit the result"
        )


def test_sizes_are_as_documented() -> None:
    t = tables_for_seed(DEFAULT_SEED)
    assert 800 <= len(t["segments"]) <= 1000  # DATA.md: 800-2,000 coded segments
    assert 80 <= len(t["participants"]) <= 120
    assert len(t["organisations"]) == 6
    assert t["segments"].excerpt_id.value_counts().max() <= 6, "an excerpt overused"
    assert t["segments"].text.str.isascii().all()


def test_kappa_matches_the_reference_implementation() -> None:
    vectors = unit_vectors(tables_for_seed(DEFAULT_SEED))
    checked = 0
    for code, (a, b) in vectors.items():
        if len(set(a) | set(b)) < 2:
            continue
        assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12), code
        checked += 1
    assert checked >= 25
