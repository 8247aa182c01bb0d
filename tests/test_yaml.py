"""The strict YAML reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sociopolicy import RulesetSyntaxError
from sociopolicy.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, load_yaml


@pytest.fixture(autouse=True)
def _both_parsers(yaml_loader: str) -> str:
    """Every test here runs with both parsers."""
    return yaml_loader


def _load(text: str) -> object:
    return load_yaml("t.yaml", text).data


def test_plain_data_and_yaml_12_booleans() -> None:
    assert _load("a: true\nb: false\nc: 3\nd: 1.5\ne: ~\nf: 2026-11-25\ng: '1.0'\nh: no-entry") == {
        "a": True,
        "b": False,
        "c": 3,
        "d": 1.5,
        "e": None,
        "f": dt.date(2026, 11, 25),
        "g": "1.0",
        "h": "no-entry",
    }


@pytest.mark.parametrize("word", ["no", "No", "NO", "yes", "on", "Off", "y", "n"])
def test_yaml_11_booleans_are_refused(word: str) -> None:
    with pytest.raises(RulesetSyntaxError, match=rf"t.yaml:1:9: '{word}' is read as true/false"):
        _load(f"words: [{word}]")


def test_quoted_words_are_text() -> None:
    assert _load("words: [\"no\", 'yes']") == {"words": ["no", "yes"]}


def test_base_60_numbers_are_refused() -> None:
    with pytest.raises(RulesetSyntaxError, match="'1:30' is read as a base-60 number"):
        _load("time: 1:30")


def test_aliases_and_merge_keys() -> None:
    data = _load("base: &b {a: 1, b: 2}\nother:\n  <<: *b\n  b: 3\nlist: [*b]")
    assert data == {"base": {"a": 1, "b": 2}, "other": {"a": 1, "b": 3}, "list": [{"a": 1, "b": 2}]}


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(RulesetSyntaxError, match="expands to more than"):
        _load("\n".join(lines))


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(RulesetSyntaxError, match="nested more than"):
        _load("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5))


def test_large_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: '" + "x" * MAX_FILE_BYTES + "'\n", encoding="utf-8")
    with pytest.raises(RulesetSyntaxError, match="larger than"):
        load_yaml(path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(RulesetSyntaxError, match=r"not UTF-8 text \(bad byte at offset 9\)"):
        load_yaml(path)


def test_several_documents_are_refused() -> None:
    with pytest.raises(RulesetSyntaxError, match="invalid YAML"):
        _load("a: 1\n---\nb: 2\n")


def test_positions_of_keys_and_values() -> None:
    doc = load_yaml("t.yaml", "rules:\n  - id: x\n    terms: [a, b]\n")
    assert doc.locate(("rules", 0, "terms", 1)) == (3, 16)
    assert doc.locate(("rules", 0, "terms"), key=True) == (3, 5)
    assert doc.locate(("rules", 0, "missing")) == (2, 5)


def test_control_character_is_located() -> None:
    with pytest.raises(
        RulesetSyntaxError, match=r"^t.yaml:2:6: the character U\+0008 is not allowed"
    ):
        _load("a: 1\nb: 'x\by'\n")
