"""The keyword-in-context search of Chapter 5 (``pmcj.kwic``), on sentences worked out by hand.

Every expected value below was written by reading the sentence, not by running the code: the
rule is the one Chapter 5 states (whole words or phrases, any case; a word is letters and digits
with apostrophes inside it; any other character ends a word; a phrase's words may be separated by
any spaces or line breaks).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pmcj.kwic import keyword_pattern, kwic


def texts(*items: str) -> pd.Series:
    """Texts labelled t1, t2, ... in an index called segment_id, as the chapter passes them."""
    labels = [f"t{number}" for number in range(1, len(items) + 1)]
    return pd.Series(list(items), index=pd.Index(labels, name="segment_id"))


def hits(text: str, keyword: str) -> list[str]:
    """The matches in one text, as the text writes them."""
    return [match.group() for match in keyword_pattern(keyword).finditer(text)]


# --- case ----------------------------------------------------------------------------------------


def test_any_mix_of_capitals_matches_and_the_text_keeps_its_own() -> None:
    found = kwic(texts("Been there. BEEN THERE, and been There"), "been there")
    assert found["keyword"].tolist() == ["Been there", "BEEN THERE", "been There"]


def test_a_keyword_typed_in_capitals_finds_small_letters() -> None:
    assert hits("you can tell they've been inside", "INSIDE") == ["inside"]


# --- word boundaries -----------------------------------------------------------------------------


def test_a_word_inside_a_longer_word_is_not_a_match() -> None:
    # "out" is in "about", "without", "shout" and "outside", but only two words are "out".
    text = "About a week out, without a shout, I went outside and out again."
    assert hits(text, "out") == ["out", "out"]


def test_a_phrase_must_be_whole_at_both_ends() -> None:
    text = "I've been thereabouts. Beenthere. He's been there."
    assert hits(text, "been there") == ["been there"]


def test_an_apostrophe_inside_a_word_keeps_it_one_word() -> None:
    # "mentor's" and "mentors" are other words; "mentor" ends at the full stop.
    text = "The mentor's car, the mentors' room, the mentors and the mentor."
    assert hits(text, "mentor") == ["mentor"]


def test_a_contraction_is_not_split_at_its_apostrophe() -> None:
    # "don" is not a word of "don't", nor "t"; "I've" is found as a whole.
    text = "I don't know. I've been."
    assert hits(text, "don") == []
    assert hits(text, "t") == []
    assert hits(text, "I've") == ["I've"]


def test_a_curly_apostrophe_matches_a_straight_one_either_way() -> None:
    assert hits("I\u2019ve been there", "I've been there") == ["I\u2019ve been there"]
    assert hits("I've been there", "I\u2019ve been there") == ["I've been there"]
    assert hits("the mentor\u2019s view", "mentor") == []


def test_a_hyphen_ends_a_word() -> None:
    # "ex-prisoner" holds the word "prisoner"; "been-there" is not the phrase "been there".
    assert hits("an ex-prisoner, a prisoner", "prisoner") == ["prisoner", "prisoner"]
    assert hits("the been-there crowd", "been there") == []


def test_numbers_are_part_of_a_word() -> None:
    assert hits("B4 the wing, B 4", "B") == ["B"]


# --- punctuation ---------------------------------------------------------------------------------


def test_punctuation_next_to_the_keyword_does_not_stop_a_match() -> None:
    text = '"Been there!" (been there) been there, been there; been there? been there.'
    assert len(hits(text, "been there")) == 6


def test_punctuation_in_the_keyword_is_taken_literally() -> None:
    # A full stop in a keyword is a full stop, not "any character" as in a regular expression.
    assert hits("Mr. Smith and Mrs Smith; Mrx Smith", "Mr.") == ["Mr."]
    assert hits("a(b) and ab", "a(b)") == ["a(b)"]


def test_a_phrase_may_be_split_by_spaces_or_a_line_break() -> None:
    found = kwic(texts("I have been\nthere, been   there too"), "been there")
    assert found["keyword"].tolist() == ["been there", "been there"]


def test_an_empty_keyword_is_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="word or phrase"):
        keyword_pattern("   ")


# --- the context ---------------------------------------------------------------------------------


def test_the_context_is_the_given_number_of_words_either_side() -> None:
    text = "one two three four five six been there seven eight nine ten eleven twelve"
    found = kwic(texts(text), "been there", window=3)
    assert found.to_dict("records") == [
        {
            "segment_id": "t1",
            "left": "four five six",
            "keyword": "been there",
            "right": "seven eight nine",
        }
    ]


def test_the_context_stops_at_the_start_and_end_of_the_text_and_keeps_punctuation() -> None:
    found = kwic(texts("Well, I've been there!"), "been there", window=5)
    assert found.loc[0, ["left", "keyword", "right"]].tolist() == ["Well, I've", "been there", "!"]


def test_a_window_of_nothing_gives_the_keyword_alone() -> None:
    found = kwic(texts("and then been there and back"), "been there", window=0)
    assert found.loc[0, ["left", "right"]].tolist() == ["", ""]
    with pytest.raises(ValueError, match="0 or more"):
        kwic(texts("x"), "x", window=-1)


def test_each_occurrence_is_a_row_labelled_with_its_text() -> None:
    found = kwic(texts("out and out", "nothing here", "OUT"), "out", window=1)
    assert found["segment_id"].tolist() == ["t1", "t1", "t3"]
    assert found["left"].tolist() == ["", "and", ""]
    assert found["right"].tolist() == ["and", "", ""]


def test_no_match_gives_an_empty_table_with_the_same_columns() -> None:
    found = kwic(texts("nothing to see"), "been there")
    assert found.empty
    assert found.columns.tolist() == ["segment_id", "left", "keyword", "right"]


def test_texts_without_a_named_index_are_labelled_text_id() -> None:
    found = kwic(pd.Series(["been there"]), "been there")
    assert found.columns.tolist() == ["text_id", "left", "keyword", "right"]
    assert found.loc[0, "text_id"] == 0
