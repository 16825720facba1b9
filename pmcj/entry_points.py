"""The installed packages' entry points, read once per build process instead of a dozen times.

Sphinx (themes), Pygments (plugins), pybtex and sphinxcontrib-bibtex (styles) and myst-nb
(renderers) each ask ``importlib.metadata.entry_points`` for their group, and every call reads
the ``entry_points.txt`` of every installed distribution again: eleven full scans in a
prose-edit rebuild of this book, about 5 ms each (measured 2026-11-30), for an answer that cannot
change while the build runs, since nothing installs packages during it.

:func:`read_once` makes the first call read them all and later calls select from that reading,
with the function's own ``select``, so each caller gets the same object type and the same entry
points as before. It must run before those packages are imported (several import the function by
name), so ``pmcj.build`` calls it before it imports Jupyter Book, in each process that builds.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

MODULES = ("importlib.metadata", "importlib_metadata")  # the standard library's, and its backport


def remembering(original: Callable[..., Any]) -> Callable[..., Any]:
    """``original`` (an ``entry_points`` function) reading the installed packages only once."""
    if getattr(original, "pmcj_read_once", False):
        return original
    everything = functools.cache(original)  # called without arguments: every entry point

    @functools.wraps(original)
    def entry_points(**params: Any) -> Any:
        return everything().select(**params)

    entry_points.pmcj_read_once = True  # type: ignore[attr-defined]
    return entry_points


def read_once() -> None:
    """Replace ``entry_points`` in the standard library and the backport (if installed)."""
    for name in MODULES:
        try:
            module: ModuleType = importlib.import_module(name)
        except ImportError:
            continue
        module.entry_points = remembering(module.entry_points)  # type: ignore[attr-defined]
