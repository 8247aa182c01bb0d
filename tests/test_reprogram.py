"""A saved regex program must give back exactly the pattern ``re.compile`` makes."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sociopolicy import load_ruleset
from sociopolicy.engine import CompiledRuleset
from sociopolicy.reprogram import Program, compile_program, program_of

_PIECES = [
    "a", "b", "é", r"\w", r"\d", r"\s", ".", "[a-c]", "[^x]", "(?:x|yz)", "(?P<n>q)", "(?=a)",
    "(?<!b)", r"\b", "*", "+", "?", "{2,3}", "|", "(a)", r"(?i:K)", "^", "$",
]  # fmt: skip


def _valid(source: str) -> bool:
    try:
        re.compile(source)
    except re.error:
        return False
    return True


@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join).filter(_valid))
def test_a_program_gives_back_the_compiled_pattern(source: str) -> None:
    program = program_of(source)
    assert program is not None
    # Patterns compare equal when their source, flags and engine code are the same.
    restored = compile_program(pickle.loads(pickle.dumps(program)), source)
    assert restored == re.compile(source)
    assert restored.groupindex == re.compile(source).groupindex


@pytest.mark.parametrize("flags", [0, re.IGNORECASE, re.MULTILINE | re.DOTALL])
def test_flags_are_kept(flags: int) -> None:
    program = program_of(r"(?P<word>ab+)\s", flags)
    assert program is not None
    assert compile_program(program, r"(?P<word>ab+)\s", flags) == re.compile(
        r"(?P<word>ab+)\s", flags
    )


def test_the_phrase_scans_of_the_default_ruleset_are_restored_exactly() -> None:
    compiled = load_ruleset().compiled
    assert isinstance(compiled, CompiledRuleset)
    compiled.prepare()
    for kind in ("post", "reply", "comment"):
        index = compiled._scan_for(kind)[0]
        scan = index._word_starts()
        copy = pickle.loads(pickle.dumps(index))
        assert copy._starts is None  # made again when first used...
        assert copy._starts_program is not None
        assert copy._word_starts() == scan  # ...from the program, the same pattern


def test_a_program_that_does_not_fit_falls_back_to_compiling() -> None:
    program = program_of("abc")
    assert program is not None
    # For another expression: compiled from the expression given.
    assert compile_program(program, "xyz") == re.compile("xyz")
    # Code the engine refuses (an unknown instruction): compiled instead.
    damaged = program._replace(code=b"\xff\x00\x00\x00" * 5)
    assert compile_program(damaged, "abc") == re.compile("abc")
    assert compile_program(Program("abc", 0, 0, b"", 0, {}, (None,)), "abc") == re.compile("abc")
    # For other flags: compiled with the flags given.
    assert compile_program(program, "abc", re.IGNORECASE) == re.compile("abc", re.IGNORECASE)


def test_a_good_program_is_not_compiled_again(monkeypatch: pytest.MonkeyPatch) -> None:
    source = r"(?P<word>\w+) +(?:one|two|three)\b"
    program = program_of(source)
    assert program is not None

    def refuse(*_: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(re, "compile", refuse)
    monkeypatch.setattr(re._parser, "parse", refuse)  # type: ignore[attr-defined]
    restored = compile_program(program, source)
    monkeypatch.undo()
    assert restored == re.compile(source)
