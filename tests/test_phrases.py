"""Matching of literal words and phrases (terms and substitution kinds)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sociopolicy.phrases import PhraseIndex, PhraseSet, longest_first


def _found(phrases: list[str], text: str, **options: bool) -> list[str]:
    hits = longest_first(PhraseSet(phrases, **options).find(text))
    return [text[h.start : h.end] for h in hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We utilise it", ["utilise"]),
        ("It utilises, utilised, utilising", ["utilises", "utilised", "utilising"]),
        ("UTILISE", ["UTILISE"]),
        ("reutilise utilisea", []),
    ],
)
def test_whole_words_inflections_and_case(text: str, expected: list[str]) -> None:
    assert _found(["utilise"], text) == expected


def test_inflection_can_be_switched_off() -> None:
    assert _found(["utilise"], "utilised utilise", inflect=False) == ["utilise"]


def test_case_sensitive_terms() -> None:
    text = "Labor and labor, the Greens and the greens"
    assert _found(["Labor", "the Greens"], text, ignore_case=False) == ["Labor", "the Greens"]


def test_phrases_match_across_spaces_line_breaks_and_hyphens_but_not_punctuation() -> None:
    assert _found(["click here"], "Click  here, click\nhere, click-here") == [
        "Click  here",
        "click\nhere",
        "click-here",
    ]
    assert _found(["click here"], "Please click. Here is the form") == []


def test_apostrophes_keep_words_whole_but_allow_possessive() -> None:
    assert _found(["don"], "don't") == []
    assert _found(["chairman"], "the chairman's report") == ["chairman"]
    assert _found(["don't"], "I don\u2019t know") == ["don\u2019t"]


def test_longest_match_wins_and_matches_do_not_overlap() -> None:
    assert _found(["gap", "gap pad"], "a gap pad and a gap") == ["gap pad", "gap"]


def test_index_finds_overlapping_hits_for_different_sets() -> None:
    short, long = PhraseSet(["gap"]), PhraseSet(["gap pad"])
    text = "thermal gap pad"
    for_short, for_long = PhraseIndex([short, long]).scan(text)
    assert [(h.start, h.end) for h in for_short] == [(8, 11)]
    assert [(h.start, h.end) for h in for_long] == [(8, 15)]


def test_index_agrees_with_each_set_alone() -> None:
    sets = [PhraseSet(["utilise", "in order to"]), PhraseSet(["order"], inflect=False)]
    text = "In order to utilise the orders, order now"
    merged = PhraseIndex(sets).scan(text)
    for phrase_set, hits in zip(sets, merged, strict=True):
        assert hits == phrase_set.find(text)


def test_non_word_edges() -> None:
    assert _found(["e.g."], "see e.g. this") == ["e.g."]
    assert _found(["COVID-19"], "COVID-19 and COVID 19") == ["COVID-19", "COVID 19"]


def test_phrases_starting_with_a_symbol_need_a_boundary_before() -> None:
    assert _found(["#tag"], "a #tag, a#tag and (#tag)") == ["#tag", "#tag"]


_PHRASE_SETS = [
    PhraseSet(["gap", "gap pad", "in order to", "don't", "e.g.", "COVID-19", "café"]),
    PhraseSet(["pad thai", "order", "utilise"], inflect=False),
    PhraseSet(["Labor", "the Greens"], ignore_case=False),
]
_PIECES = ["gap", "pad", "thai", "in", "order", "to", "don't", "don", "e.g.", "covid-19",
           "Labor", "the", "Greens", "utilises", "'", "s'", " ", " ", "\n", "-", "(", "_", "s",
           "9", "café", "é", "\u2019", "Straße"]  # fmt: skip


@settings(max_examples=600)
@given(
    st.lists(
        st.sampled_from(_PIECES) | st.text(st.characters(max_codepoint=0x24F), max_size=2),
        max_size=25,
    ).map("".join)
)
def test_the_word_start_scan_finds_what_the_case_blind_scan_finds(text: str) -> None:
    # Texts are scanned lower-cased, from each word start; a text that
    # lower-casing makes longer ("İ") is scanned as it is, with a case-blind
    # regex and a search for overlaps. After a line break, an "İ" sends the
    # same text down that second path, which must find the same hits.
    index = PhraseIndex(_PHRASE_SETS)
    assert index.scan(text) == index.scan(text + "\n\u0130")


def test_the_whitespace_list_is_what_re_calls_whitespace() -> None:
    import re
    import sys

    from sociopolicy.phrases import WHITESPACE

    spaces = re.compile(r"\s")
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if spaces.match(chr(code)))
    assert every == WHITESPACE


def _reference_hits(phrase_set: PhraseSet, text: str) -> set[tuple[int, int, str]]:
    """Every (start, end, phrase) the matching rules allow, by brute force."""
    import re

    found = set()
    for key, entries in phrase_set.keys.items():
        words = [re.escape(word).replace("'", "['\u2019\u02bc]") for word in key.split(" ")]
        body = r"[\s\-\u2010\u2011]+".join(words)
        start = r"(?<!\w)(?<!\w['\u2019\u02bc])" if key[0].isalnum() else r"(?<!\w)"
        end = r"(?!\w)(?!['\u2019\u02bc](?!s(?!\w))\w)" if key[-1].isalnum() else ""
        for match in re.finditer(f"(?=({start}{body}{end}))", text, re.IGNORECASE):
            for entry, _ in entries:
                spelling = " ".join(re.split(r"[\s\-\u2010\u2011]+", match.group(1)))
                spelling = spelling.replace("\u2019", "'").replace("\u02bc", "'")
                if entry.ignore_case or spelling in entry.spellings:
                    found.add((match.start(1), match.end(1), entry.phrase))
    return found


_REFERENCE_SET = PhraseSet(["don", "don't", "gap", "gap pad", "can", "chairman", "rock n roll"])


@settings(max_examples=400)
@given(
    st.lists(
        st.sampled_from(
            ["don", "'t", "'s", "'", "\u2019", "t", "s", "gap", "pad", "can", "chairman",
             "rock", "n", "roll", " ", "-", "\n", ".", "x"]
        ),
        max_size=14,
    ).map("".join)
)  # fmt: skip
def test_hits_are_what_the_matching_rules_allow(text: str) -> None:
    hits = {(h.start, h.end, h.entry.phrase) for h in _REFERENCE_SET.find(text)}
    assert hits == _reference_hits(_REFERENCE_SET, text)


@given(
    st.text(st.characters(max_codepoint=0x3100), max_size=40)
    # ASCII texts are folded another way (a byte translation): drawn on their own too.
    | st.text(st.characters(max_codepoint=0x7F), max_size=40)
)
def test_folding_turns_separators_to_spaces_and_apostrophes_straight(text: str) -> None:
    from sociopolicy.phrases import WHITESPACE, fold
    from sociopolicy.text import APOSTROPHES

    table = str.maketrans(
        {**dict.fromkeys(WHITESPACE + "-\u2010\u2011", " "), **dict.fromkeys(APOSTROPHES, "'")}
    )
    assert fold(text) == text.translate(table)
