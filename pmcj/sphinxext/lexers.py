"""Give Sphinx the notebooks' code lexer by class, so it does not search for it by name.

Notebook code cells are highlighted as ``ipython3``, a lexer that Pygments does not ship: it comes
from the ``ipython_pygments_lexers`` package through an entry point, and Pygments finds it by
scanning every installed distribution's entry points. That scan took 0.15 s of every build that
wrote a page with code, a one-line prose edit's included (profiled on 2026-11-30). Registered
here by class, Sphinx builds the same lexer straight away (and adds the same error filter).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_lexers(app: Sphinx) -> None:
    try:
        from ipython_pygments_lexers import IPython3Lexer
    except ImportError:  # an older IPython: Sphinx finds the lexer by name, as before
        return
    app.add_lexer("ipython3", IPython3Lexer)
