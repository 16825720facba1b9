"""Python's garbage collector, tuned for the length of one build and put back afterwards.

Sphinx, docutils and Jinja make a great many short-lived objects while the process already holds
every module of the toolchain. With CPython's default thresholds (700, 10, 10) the collector
runs every 700 new objects and, in its older generations, walks that whole heap again and
again: unpickling the environment took 0.09 s with it and 0.01 s without, and a prose-edit
rebuild spent about 0.3 s of its 2.5 s in it (measured 2026-11-30, CPython 3.11). The same
happened once more at exit, while the interpreter cleared its modules: 0.5 s after a prose-edit
rebuild had finished (0.4 s for the bare template).

A build is one short process, so the collector is told to run less often, not switched off:
cycles are still found, a collection of the youngest generation comes every 50,000 allocations
instead of every 700, and the objects made before the build (modules, classes, configuration)
are moved out of its way with :func:`gc.freeze`. :func:`restore` puts the thresholds back, so a
process that runs Sphinx more than once (the tests) leaves each build with the collector as it
found it. No Sphinx import here: ``pmcj.build`` tunes the collector before it imports Jupyter
Book, so the toolchain's imports (most of the build's first second) run with it too.
"""

from __future__ import annotations

import atexit
import gc

BUILD_THRESHOLDS = (50_000, 20, 20)
_before: tuple[int, ...] | None = None
_exit_handler_registered = False


def tune() -> None:
    """Collect less often from here on, and freeze what exists; :func:`restore` undoes it."""
    global _before, _exit_handler_registered
    if _before is None:
        _before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BUILD_THRESHOLDS)
    if not _exit_handler_registered:  # once per process, however many builds it runs
        # Registered after the toolchain's own handlers, so it runs before them.
        atexit.register(freeze_at_exit)
        _exit_handler_registered = True


def restore() -> None:
    """Put the collector's thresholds back as they were before :func:`tune`."""
    global _before
    if _before is not None:
        gc.set_threshold(*_before)
        gc.unfreeze()
        _before = None


def freeze_at_exit() -> None:
    """Keep the collector out of the interpreter's teardown at exit.

    Frozen objects are still freed as their modules are cleared; only the collector's passes
    over them are skipped. Python does not promise a finaliser to an object that exists at exit
    in any case.
    """
    gc.freeze()
