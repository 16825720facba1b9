"""Helpers for *Peer Mentoring in Criminal Justice: an interactive companion*.

The package stays small on purpose: it loads and validates the synthetic data, gives every chart
one accessible look, checks students' answers, and renders charts offline in the built book. The
analysis itself lives in the chapter notebooks, where students read it.
"""

__version__ = "0.1.0"
