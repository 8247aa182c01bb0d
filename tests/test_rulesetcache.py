"""The ruleset cache: a later process restores a loaded ruleset instead of loading it.

Each test forgets the in-memory cache (as a new process would) and looks at
what is restored from the cache folder: the same checks, and a fresh load
whenever anything the ruleset was built from changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sociopolicy import check_draft, clear_cache, load_ruleset, rulesetcache, triage
from sociopolicy.loader import layer_of, locate_in
from sociopolicy.ruleset import Ruleset

PARENT = """\
name: parent
version: "1"
rules:
  - id: local.order-number
    category: privacy
    kind: pattern
    pattern: 'order (?P<number>\\d{6})'
    message: "Order {{ groups.number }} is private."
    source: [note]
    rationale: Order numbers identify people.
    examples: {fail: ['my [[order 123456]]'], pass: [order now]}
  - id: local.jargon
    category: language
    kind: substitution
    message: "Write '{{ replacement }}' for '{{ match }}'."
    source: [note]
    rationale: Plain words.
    swap: {utilise: use, commence: start}
    examples: {fail: ['We [[utilise]] it.'], pass: [We use it.]}
sources:
  note: {title: A note, note: Written for this test.}
"""
CHILD = """\
name: child
version: "2"
extends: parent.yaml
overrides:
  local.jargon: {severity: error}
"""
DRAFTS = [
    "We utilise order 123456 today.",
    "Nothing to see here.",
    "Please commence the order 654321 process and utilise the portal.",
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A ruleset with a parent, and an empty cache folder of its own."""
    monkeypatch.setenv("SOCIOPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "parent.yaml").write_text(PARENT, encoding="utf-8")
    (tmp_path / "child.yaml").write_text(CHILD, encoding="utf-8")
    clear_cache()
    yield tmp_path
    clear_cache()


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "cache" / "rulesets").glob("*.pickle"))


def _new_process_load(path: Path | str) -> tuple[Ruleset, bool]:
    """Load as a new process would; True if the ruleset came from the cache."""
    clear_cache()
    restored: list[bool] = []
    original = rulesetcache.restore

    def watching(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        restored.append(found is not None)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sociopolicy.loader.restore", watching)
        ruleset = load_ruleset(path)
    return ruleset, restored == [True]


def _outcomes(ruleset: Ruleset) -> list[object]:
    return [check_draft(text, ruleset=ruleset).model_dump() for text in DRAFTS]


def test_a_new_process_restores_the_ruleset_and_checks_alike(folder: Path) -> None:
    built, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    expected = _outcomes(built)
    assert len(_entries(folder)) == 1

    again, restored = _new_process_load(folder / "child.yaml")
    assert restored
    assert again.model_dump() == built.model_dump()  # the same validated content
    assert _outcomes(again) == expected
    assert again.rule("local.jargon").severity == "error"  # the override kept


def test_the_merged_scan_serves_every_phrase_rule_after_restoring(folder: Path) -> None:
    _new_process_load(folder / "child.yaml")
    ruleset, restored = _new_process_load(folder / "child.yaml")
    assert restored
    compiled = ruleset.compiled
    for kind in ("post", "reply", "comment"):
        _, positions = compiled._scan_for(kind)
        for item in compiled.rules:
            if kind in item.rule.applies_to and item.matcher.required is not None:
                # Found through the scan, not through a slower scan of its own.
                assert id(item.matcher.required) in positions


@pytest.mark.parametrize("changed", ["child.yaml", "parent.yaml"])
def test_a_changed_file_in_the_chain_is_loaded_again(folder: Path, changed: str) -> None:
    _new_process_load(folder / "child.yaml")
    path = folder / changed
    text = path.read_text("utf-8")
    if changed == "child.yaml":
        text = text.replace("severity: error", "severity: suggestion")
    else:
        text = text.replace("commence: start", "commence: begin")
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(1, 1))  # an edit that even keeps an old modification time

    ruleset, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    rule = ruleset.rule("local.jargon")
    if changed == "child.yaml":
        assert rule.severity == "suggestion"
    else:
        report = check_draft("Please commence.", ruleset=ruleset)
        assert report.violations[0].replacements == ("begin",)


def test_a_damaged_cache_file_is_ignored_and_replaced(folder: Path) -> None:
    _new_process_load(folder / "child.yaml")
    (entry,) = _entries(folder)
    for damage in (b"", b"sociopolicy-ruleset-cache 1\n{}\n", entry.read_bytes()[:-500]):
        entry.write_bytes(damage)
        ruleset, restored = _new_process_load(folder / "child.yaml")
        assert not restored
        assert _outcomes(ruleset) == _outcomes(load_ruleset(folder / "child.yaml"))
        assert entry.stat().st_size > 1000  # written again


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_file_others_may_write_is_not_read(folder: Path) -> None:
    _new_process_load(folder / "child.yaml")
    (entry,) = _entries(folder)
    assert entry.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert entry.parent.stat().st_mode & 0o077 == 0
    entry.chmod(0o666)
    _, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    entry.chmod(0o600)
    entry.parent.chmod(0o777)
    _, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    entry.parent.chmod(0o700)


def test_nothing_is_saved_when_caching_is_off(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIOPOLICY_NO_CACHE", "1")
    _new_process_load(folder / "child.yaml")
    _, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    assert not (folder / "cache").exists()


def test_other_code_or_limits_use_another_entry(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _new_process_load(folder / "child.yaml")
    monkeypatch.setattr(rulesetcache, "_code_stamp", lambda: "an edited checkout")
    _, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    monkeypatch.undo()
    monkeypatch.setenv("SOCIOPOLICY_CACHE_DIR", str(folder / "cache"))
    monkeypatch.setenv("SOCIOPOLICY_MAX_RULESET_BYTES", "50000")
    _, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    assert len(_entries(folder)) == 3


def test_a_restored_ruleset_still_locates_its_rules(folder: Path) -> None:
    _new_process_load(folder / "child.yaml")
    ruleset, restored = _new_process_load(folder / "child.yaml")
    assert restored
    assert layer_of(ruleset) is not None  # read again when asked for
    where = locate_in(ruleset, "local.order-number")
    assert where.path.endswith("parent.yaml")
    assert where.line == 4


def test_bundled_rulesets_are_restored_with_the_same_reports(folder: Path) -> None:
    comment = "You idiots never fix anything, call me on 0412 345 678"
    built, _ = _new_process_load("public-sector-au")
    expected = (_outcomes(built), triage(comment, ruleset=built).model_dump())
    again, restored = _new_process_load("public-sector-au")
    assert restored
    assert (_outcomes(again), triage(comment, ruleset=again).model_dump()) == expected


def test_only_the_most_recent_rulesets_are_kept(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rulesetcache, "MAX_ENTRIES", 2)
    for number in range(4):
        path = folder / f"copy{number}.yaml"
        path.write_text(PARENT.replace("name: parent", f"name: copy{number}"), encoding="utf-8")
        _new_process_load(path)
    assert len(_entries(folder)) == 2
