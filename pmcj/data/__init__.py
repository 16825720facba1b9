"""The synthetic data set: generator inputs, the generator, and validated loaders.

Notebooks need only ``load_all`` or ``load_table``; both read the committed data (or a class
variant named by the ``PMCJ_DATA`` environment variable) and check it before returning it.
They are imported on first use, so that the build, which only hashes the data files
(:mod:`pmcj.data.fingerprint`), does not pay for importing pandas.
"""

from __future__ import annotations

from typing import Any

from pmcj.data.errors import DataError

__all__ = ["DataError", "load_all", "load_table"]


def __getattr__(name: str) -> Any:
    if name in ("load_all", "load_table"):
        from pmcj.data import package

        return getattr(package, name)
    raise AttributeError(f"module 'pmcj.data' has no attribute {name!r}")
