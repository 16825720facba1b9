"""The garbage collector tuned for each Sphinx build (:mod:`pmcj.collector` says why)."""

from __future__ import annotations

from sphinx.application import Sphinx

from pmcj import collector


def restore_after_the_build(app: Sphinx, exception: Exception | None) -> None:
    collector.restore()  # also after a failed build


def setup_collector(app: Sphinx) -> None:
    collector.tune()
    app.connect("build-finished", restore_after_the_build, priority=999)
