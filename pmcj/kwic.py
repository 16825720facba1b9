"""Keyword in context: every place a word or phrase occurs in some texts, with the words around it.

Chapter 5 shows this module's two functions to readers and uses :func:`kwic` on the coded
segments; its self-checks count words by the same rule (:func:`keyword_pattern`), and
``tests/test_kwic.py`` checks the rule on sentences worked out by hand. There is one copy of the
rule, here.
"""

from __future__ import annotations

import re

import pandas as pd

APOSTROPHE = "['\u2019]"  # a straight or a curly apostrophe


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A regular expression that finds ``keyword`` as a whole word or phrase, in any case.

    A word is letters and digits, with any apostrophes inside it: "mentor's" is one word, so
    "mentor" does not match it. Any other character (a space, a comma, a hyphen) ends a word.
    The words of a phrase may be separated by any run of spaces or line breaks.
    """
    words = keyword.replace("\u2019", "'").split()
    if not words:
        raise ValueError("Give a word or phrase to search for, such as 'been there'.")
    phrase = r"\s+".join(re.escape(word) for word in words).replace("'", APOSTROPHE)
    not_after_a_word = rf"(?<!\w)(?<!\w{APOSTROPHE})"
    not_before_a_word = rf"(?!\w)(?!{APOSTROPHE}\w)"
    return re.compile(not_after_a_word + phrase + not_before_a_word, re.IGNORECASE)


def kwic(texts: pd.Series, keyword: str, window: int = 5) -> pd.DataFrame:
    """Every occurrence of ``keyword`` in ``texts``, with ``window`` words on either side.

    ``texts`` is a Series of strings whose index says where each text came from (a segment id,
    say). The result has one row per occurrence: the text's label (in a column named like the
    Series' index, or ``text_id``), the words to the ``left``, the ``keyword`` as the text writes
    it, and the words to the ``right``.
    """
    if window < 0:
        raise ValueError("The window is a number of words: 0 or more.")
    pattern = keyword_pattern(keyword)
    label = texts.index.name or "text_id"
    rows = []
    for text_id, text in texts.items():
        for match in pattern.finditer(text):
            before = text[: match.start()].split()
            after = text[match.end() :].split()
            rows.append(
                {
                    label: text_id,
                    "left": " ".join(before[max(len(before) - window, 0) :]),
                    "keyword": " ".join(match.group().split()),
                    "right": " ".join(after[:window]),
                }
            )
    return pd.DataFrame(rows, columns=[label, "left", "keyword", "right"])
