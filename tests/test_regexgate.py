"""A pattern's gate must be in every text the pattern matches (it only ever skips)."""

from __future__ import annotations

import re
import string
import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from sociopolicy import load_ruleset
from sociopolicy.kinds.pattern import PatternRule
from sociopolicy.regexgate import DIGIT_CLASS, ShapeNeedle, gate_for, shape_needle
from sociopolicy.text import text_shape

# Pieces of patterns and texts drawn from the same small alphabet, so matches happen.
atoms = st.sampled_from(
    [
        "a", "b", "K", "s", "'", "7", r"\d", "[A-Z]", "[a-c]", "[^a]", ".", r"\s", r"\w",
        "(?i:k)", "(?-i:B)", "AB", "call", "911", "[0-9]", r"\b", " ", "[ -]", "^",
        "\u24b6", "\u2160", "\u0345", "[\u2160-\u2162]", r"\d{0,3}",
    ]
)  # fmt: skip
quantifiers = st.sampled_from(["", "", "?", "*", "+", "{2}", "{3,}", "{0,2}", "{17}", "{1,20}"])


@st.composite
def patterns(draw: st.DrawFn, depth: int = 2) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        if depth > 0 and draw(st.booleans()):
            branches = draw(st.lists(patterns(depth - 1), min_size=1, max_size=3))
            group = draw(st.sampled_from(["(?:", "(", "(?=", "(?<!x)(?:"]))
            pieces.append(group + "|".join(branches) + ")")
        else:
            pieces.append(draw(atoms))
        pieces.append(draw(quantifiers))
    return "".join(pieces)


texts = st.text(
    # Kelvin sign, long s, Arabic-Indic and Kawi digits, a circled letter and a
    # Roman numeral (cased, but not letters), a combining mark that folds to iota.
    alphabet="abcKks\u212a\u017f'\u2019 7\u0667\U00011f50AB9 1call-\u24b6\u24d0\u2160\u2170\u0345\u03b9",
    max_size=40,
)


@settings(max_examples=400)
@given(patterns(), st.booleans(), texts)
def test_every_match_passes_the_gate(pattern: str, ignore_case: bool, text: str) -> None:
    gate = gate_for(pattern, ignore_case)
    if gate is None:
        return
    flags = regex.VERSION0 | regex.UNICODE | (regex.IGNORECASE if ignore_case else 0)
    straight = text.replace("\u2019", "'")  # pattern rules match straightened text
    if regex.search(pattern, straight, flags):
        assert re.search(gate, text), (pattern, gate, text)
        needle = shape_needle(gate)
        if needle is not None and (needle.any_text or text.isascii()):
            assert needle.needle in text_shape(text), (pattern, gate, needle, text)


@pytest.mark.parametrize(
    ("pattern", "ignore_case", "gate"),
    [
        # One-character elements in a row are needed together.
        (r"\b\d{3}[ -]?\d{3}", True, rf"[{DIGIT_CLASS}]{{3}}[\ \-]?[{DIGIT_CLASS}]{{3}}"),
        (r"no\.\d{3,}x", False, rf"no\.[{DIGIT_CLASS}]{{3}}"),
        # Repeats that could split a run of digits in many ways are not kept
        # together: the gate has no time limit.
        (r"#\d{0,20}\d{0,20}\d{0,20}\d{3}!", False, rf"[{DIGIT_CLASS}]{{3}}!"),
        # Long counts are cut: the gate scans no further than it must.
        (r"\d{5000}x", False, rf"[{DIGIT_CLASS}]{{16}}x"),
        # A window too long for a gate gives way to its rarest part.
        (r"\d{3}" + "[acegikmoqsuwy]" * 5, True, rf"[{DIGIT_CLASS}]{{3}}"),
        (r"(?<!\w)(?=[A-Z]{2,4}\b)", False, "[A-Z]{2}"),
        (r"\b(?:call|dial)\s+(?:911|000)\b", True, "(?:911|000)"),
        (r"don't", False, "don['\u02bc\u2019]t"),
    ],
)
def test_gates_of_common_shapes(pattern: str, ignore_case: bool, gate: str) -> None:
    assert gate_for(pattern, ignore_case) == gate


@pytest.mark.parametrize(
    "pattern",
    [
        r"\w+",  # in every text
        r"[A-Z]{2}",  # any letters, when case is ignored
        r"on",  # a short word
        r"(?:x|y|z|q|v|w|j)\d",  # the branches' needs add up
        r"a{0,3}",  # may match nothing
        r"\p{Lu}{3}",  # the regex package's own syntax
    ],
)
def test_no_gate_where_it_would_not_pay(pattern: str) -> None:
    assert gate_for(pattern, True) is None


def test_bundled_rules_fire_on_their_examples_through_their_gates() -> None:
    """Every fail example of a gated bundled rule holds its gate."""
    for name in ("public-sector-au", "public-sector", "caretaker"):
        for rule in load_ruleset(name).rules:
            gate = gate_for(rule.pattern, rule.ignore_case) if rule.kind == "pattern" else None
            if gate is None:
                continue
            for example in rule.examples.fail:
                text = example if isinstance(example, str) else example.text
                assert re.search(gate, text), (rule.id, text)


@pytest.mark.parametrize(
    ("pattern", "ignore_case", "text"),
    [
        ("(?i)call us", False, "CALL US now"),  # an inline flag for the whole pattern
        ("[[:digit:]]{3}", True, "call 123"),  # a POSIX class of the regex package
        ("(?:hello){e<=1}", True, "helo there"),  # fuzzy matching
        ("(?:hello){1<=e<=1}", True, "hallo world"),  # fuzzy, with a lower bound
        ("(?:hello){2i+2d+1s<=4}", True, "hallo world"),  # fuzzy, with costs
    ],
)
def test_gates_never_drop_what_regex_only_syntax_matches(
    pattern: str, ignore_case: bool, text: str
) -> None:
    flags = regex.VERSION0 | regex.UNICODE | (regex.IGNORECASE if ignore_case else 0)
    assert regex.search(pattern, text, flags)
    gate = gate_for(pattern, ignore_case)
    assert gate is None or re.search(gate, text)


_EVERY_CHARACTER = "".join(
    chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF
)


def _matched(expression: str, flags: int = 0, *, engine: object = regex) -> set[str]:
    found = engine.finditer(expression, _EVERY_CHARACTER, flags)  # type: ignore[attr-defined]
    return {m.group() for m in found}


def test_the_digit_class_holds_every_digit_the_regex_package_knows() -> None:
    digits = _matched(r"\d", regex.VERSION0)
    assert digits <= _matched(f"[{DIGIT_CLASS}]", engine=re)


@pytest.mark.parametrize("letter", list(string.ascii_letters))
def test_a_letter_ignoring_case_is_gated_by_every_character_it_matches(letter: str) -> None:
    matched = _matched(letter, regex.VERSION0 | regex.IGNORECASE)
    assert len(matched) >= 2  # the letter in both cases, at least
    for pattern in (letter * 4, f"[{letter}]{{4}}"):  # as a word, and as a class
        gate = gate_for(pattern, True)
        assert gate is not None
        for char in matched:
            assert re.search(gate, char * 4), (letter, gate, char)


def test_the_bundled_centrelink_gate_needs_the_whole_number() -> None:
    # Digits, separators and the letter together: years and times do not get past.
    rule = load_ruleset("public-sector-au").rule("privacy.centrelink-number")
    assert isinstance(rule, PatternRule)
    gate = gate_for(rule.pattern, rule.ignore_case)
    assert gate is not None
    assert not re.search(gate, "Open 9am to 5pm from 1 May 2026; 120 places, 45 left.")
    assert re.search(gate, "CRN 123 456 789A")


@pytest.mark.parametrize(
    ("gate", "needle"),
    [
        # Capitals are ASCII only: the needle holds for any text.
        ("[A-Z]{2}", ShapeNeedle(b"AA", True)),
        # \d takes in other scripts' digits, which are not one shape byte each.
        (rf"[{DIGIT_CLASS}]{{3}}[\ \-]?[{DIGIT_CLASS}]{{3}}", ShapeNeedle(b"000", False)),
        # A repeat without a fixed count ends the run after its least count.
        ("x[A-Z]{2,5}Y", ShapeNeedle(b"aAA", True)),
        (r"no\.[0-9]{3}", ShapeNeedle(b"aa.000", True)),
        # A long count is cut, and the run ends there: what follows it is not
        # next to the part kept.
        ("A0{20}B", ShapeNeedle(b"A" + b"0" * 16, True)),
        # Nothing worth checking: alternations, case-blind letters, small letters
        # only, a single character.
        ("(?:911|000)", None),
        ("(?i:call)", None),
        ("call", None),
        ("[0-9]", None),
    ],
)
def test_shape_needles(gate: str, needle: ShapeNeedle | None) -> None:
    assert shape_needle(gate) == needle


@settings(max_examples=300)
@given(st.text(alphabet="aZ09 -.\u00e9\u0667\U0001f389\ud800\n", max_size=30))
def test_text_shape_keeps_ascii_runs(text: str) -> None:
    shape = text_shape(text)
    assert len(shape) == len(text.encode("utf-8", "surrogatepass"))
    if text.isascii():
        expected = bytes(
            ord("A")
            if c.isupper()
            else ord("a")
            if c.islower()
            else ord("0")
            if c.isdigit()
            else ord(c)
            for c in text
        )
        assert shape == expected
    else:
        assert set(shape) & set(range(0x81, 0x100)) == set()  # every other byte is 0x80
