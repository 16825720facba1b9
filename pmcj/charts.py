"""One accessible look for every chart in the book, set once here.

Call :func:`use_book_style` at the top of a notebook. It registers an altair theme with a
colour-blind-safe palette (Okabe and Ito's, without its yellow, which is too pale on white),
readable font sizes and plain axis titles, and fixes one colour per role so that "mentee" is the
same colour in every chapter. It changes nothing else, so the pandas and altair code a student
reads is the code that draws the chart.
"""

from __future__ import annotations

from typing import Any

import altair as alt

# Okabe & Ito (2008) colour-blind-safe palette, yellow (#F0E442) left out for contrast on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
ROLES = ["mentor", "mentee", "staff", "focus_group"]
ROLE_COLOURS = dict(zip(ROLES, PALETTE, strict=False))
SEQUENTIAL = "blues"


def role_scale() -> alt.Scale:
    """The fixed role-to-colour mapping, for `alt.Color("role:N", scale=role_scale())`."""
    return alt.Scale(domain=list(ROLE_COLOURS), range=list(ROLE_COLOURS.values()))


def book_theme() -> dict[str, Any]:
    return {
        "config": {
            "font": "sans-serif",
            "range": {
                "category": PALETTE,
                "heatmap": {"scheme": SEQUENTIAL},
                "ramp": {"scheme": SEQUENTIAL},
            },
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 260},
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "view": {"stroke": None},
        }
    }


def use_book_style() -> None:
    """Register and enable the book's chart theme (safe to call more than once)."""
    if "pmcj" not in alt.theme.names():
        alt.theme.register("pmcj", enable=False)(book_theme)
    alt.theme.enable("pmcj")
