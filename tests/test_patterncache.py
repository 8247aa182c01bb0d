"""The pattern cache lets a later run skip compiling expressions it knows are valid."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex

from sociopolicy import check_draft, clear_cache, load_ruleset, patterncache
from sociopolicy.errors import RulesetValidationError
from sociopolicy.kinds import pattern as pattern_kind

RULESET = """\
name: cached
version: "1"
rules:
  - id: local.order-number
    category: privacy
    kind: pattern
    pattern: 'order (?P<number>\\d{6})'
    message: "Order {{ groups.number }} is private."
    source: [note]
    rationale: Order numbers identify people.
    examples: {fail: ['my [[order 123456]]', '[[order 654321]] here'], pass: [order now, order 12]}
sources:
  note: {title: A note, note: Written for this test.}
"""


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache in its own folder, forgotten in memory before and after."""
    monkeypatch.setenv("SOCIOPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(patterncache, "_known", None)
    monkeypatch.setattr(patterncache, "_dirty", False)
    clear_cache()
    yield tmp_path / "cache" / "patterns.json"
    clear_cache()


def _new_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process knows, as a new run would."""
    patterncache._save()
    monkeypatch.setattr(patterncache, "_known", None)
    clear_cache()


def test_a_second_run_loads_without_compiling(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cached.yaml"
    path.write_text(RULESET, encoding="utf-8")
    load_ruleset(path)
    _new_run(monkeypatch)
    assert len(json.loads(fresh_cache.read_text("utf-8"))["patterns"]) == 1

    compiled: list[str] = []
    real = regex.compile

    def counting(pattern: str, flags: int = 0) -> regex.Pattern[str]:
        compiled.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(regex, "compile", counting)
    ruleset = load_ruleset(path)
    assert compiled == []  # known valid, with its group names: nothing compiled
    report = check_draft("Re order 123456", ruleset=ruleset)
    assert [v.message for v in report.violations] == ["Order 123456 is private."]
    assert len(compiled) == 1  # compiled when first needed


def test_an_invalid_pattern_is_still_an_error(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cached.yaml"
    path.write_text(RULESET.replace("(?P<number>", "(?P<number"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RulesetValidationError, match="not a valid regular expression"):
            load_ruleset(path)
        _new_run(monkeypatch)


@pytest.mark.parametrize("content", ["not json", '{"patterns": 5}', '{"patterns": {"x": 3}}'])
def test_a_damaged_cache_is_ignored(
    fresh_cache: Path, tmp_path: Path, content: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_cache.parent.mkdir(parents=True)
    fresh_cache.write_text(content, encoding="utf-8")
    path = tmp_path / "cached.yaml"
    path.write_text(RULESET, encoding="utf-8")
    report = check_draft("order 123456", ruleset=load_ruleset(path))
    assert report.violations[0].rule_id == "local.order-number"
    _new_run(monkeypatch)
    assert json.loads(fresh_cache.read_text("utf-8"))["patterns"]  # rewritten whole


def test_the_cache_can_be_turned_off(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIOPOLICY_NO_CACHE", "1")
    path = tmp_path / "cached.yaml"
    path.write_text(RULESET, encoding="utf-8")
    load_ruleset(path)
    _new_run(monkeypatch)
    assert patterncache.cache_file() is None
    assert not fresh_cache.exists()


def test_a_tampered_entry_makes_the_rule_incomplete_not_a_crash(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = "order (?P<number"
    digest = patterncache._digest(bad, pattern_kind._flags(True))
    fresh_cache.parent.mkdir(parents=True)
    fresh_cache.write_text(json.dumps({"patterns": {digest: ["number"]}}), encoding="utf-8")
    path = tmp_path / "cached.yaml"
    path.write_text(RULESET.replace("order (?P<number>\\d{6})", bad), encoding="utf-8")
    report = check_draft("order 123456", ruleset=load_ruleset(path))
    (violation,) = report.violations
    assert violation.rule_id == "local.order-number"
    assert "could not be completed" in violation.message
    assert "does not compile" in violation.message
