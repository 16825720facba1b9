"""PyYAML's C reader (libyaml), for the book's own YAML and for the toolchain's in a build.

PyYAML's ``safe_load`` uses its pure-Python reader even when the C one is installed. In a
prose-edit rebuild, Jupyter Book read its defaults and ``_config.yml`` that way and
sphinx-external-toc read ``_toc.yml`` twice: about 0.03 s (profiled 2026-11-30). The C reader
gives the same data for the YAML these files hold (``tests/test_rebuild_memos.py`` compares
them); a contributor's malformed ``_toc.yml`` is reported by ``pmcj.build``'s own check before
Jupyter Book reads it. Without libyaml, everything reads as before.
"""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream: Any) -> Any:
    """``yaml.safe_load``, with the C reader when PyYAML has it."""
    return yaml.load(stream, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader, C or Python)


def use_for_safe_load() -> None:
    """Make ``yaml.safe_load`` read with libyaml for the rest of this (build) process."""
    if SAFE_LOADER is not yaml.SafeLoader:
        yaml.safe_load = safe_load
