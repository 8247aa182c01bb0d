"""The ruleset cache: a later process restores a loaded ruleset instead of loading it.

Each test forgets the in-memory cache (as a new process would) and looks at
what is restored from the cache folder: the same checks, and a fresh load
whenever anything the ruleset was built from changed.
"""

from __future__ import annotations

import json
import os
import pickle
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from sociopolicy import check_draft, clear_cache, load_ruleset, rulesetcache, triage
from sociopolicy.errors import RulesetResolutionError
from sociopolicy.lint import lint
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


class _Planted:
    """Unpickling this runs code: it writes a marker file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.marker), "code ran"))  # type: ignore[return-value]


def _plant(entry: Path, marker: Path, *, keep_header: bool) -> None:
    """Replace an entry's pickle with one that runs code, keeping or dropping its header."""
    magic, header, _ = entry.read_bytes().split(b"\n", 2)
    payload = pickle.dumps(_Planted(str(marker)))
    if not keep_header:
        header = json.dumps({"files": [], "mac": "0" * 64}).encode()
    entry.write_bytes(magic + b"\n" + header + b"\n" + payload)


@pytest.mark.parametrize("keep_header", [True, False])
def test_a_planted_entry_is_never_unpickled(folder: Path, keep_header: bool) -> None:
    _new_process_load(folder / "child.yaml")
    (entry,) = _entries(folder)
    marker = folder / "marker"
    _plant(entry, marker, keep_header=keep_header)
    ruleset, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    assert not marker.exists()
    assert ruleset.rule("local.jargon").severity == "error"  # loaded from its files


def test_a_cache_folder_from_elsewhere_is_not_trusted(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another user's (or another CI job's) folder: signed with another key.
    _new_process_load(folder / "child.yaml")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "another-home"))
    assert rulesetcache._signing_key(create=True) is not None  # this machine's own key
    _, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    _, restored = _new_process_load(folder / "child.yaml")  # saved again with this key
    assert restored


def test_an_entry_cannot_stand_in_for_another(folder: Path) -> None:
    (folder / "other.yaml").write_text(PARENT.replace("name: parent", "name: other"), "utf-8")
    _new_process_load(folder / "child.yaml")
    (child_entry,) = _entries(folder)
    _new_process_load(folder / "other.yaml")
    (other_entry,) = (e for e in _entries(folder) if e != child_entry)
    other_entry.write_bytes(child_entry.read_bytes())  # the child's rules under the other's name
    ruleset, restored = _new_process_load(folder / "other.yaml")
    assert not restored
    assert ruleset.name == "other"


def test_a_file_edited_while_loading_is_loaded_again_next_time(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = folder / "parent.yaml"
    original = rulesetcache.store

    def edit_then_store(*args: object) -> None:
        # An edit of the same size that keeps the modification time (a coarse
        # clock), made after the file was parsed and before it is saved.
        info = path.stat()
        path.write_text(path.read_text("utf-8").replace("start", "begin"), "utf-8")
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("sociopolicy.loader.store", edit_then_store)
    built, _ = _new_process_load(folder / "child.yaml")
    assert check_draft("Please commence.", ruleset=built).violations[0].replacements == ("start",)
    monkeypatch.undo()
    monkeypatch.setenv("SOCIOPOLICY_CACHE_DIR", str(folder / "cache"))
    again, restored = _new_process_load(folder / "child.yaml")
    assert not restored  # what was saved no longer matches the file
    assert check_draft("Please commence.", ruleset=again).violations[0].replacements == ("begin",)


def test_each_spelling_of_a_path_keeps_its_own_files(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "parent.yaml").write_text(PARENT + "vars: {unused: 1}\n", "utf-8")
    monkeypatch.chdir(folder.parent)
    spelled = Path(folder.name) / "child.yaml"
    _new_process_load(spelled)
    from_above, restored = _new_process_load(spelled)
    assert restored
    monkeypatch.chdir(folder)
    _new_process_load("child.yaml")
    from_inside, restored = _new_process_load("child.yaml")
    assert restored
    assert from_above.files[0] == str(spelled)
    assert from_inside.files[0] == "child.yaml"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_link_pointed_elsewhere_is_confined_again(folder: Path) -> None:
    outside = folder / "outside"
    inside = folder / "project" / "lib"
    outside.mkdir()
    inside.mkdir(parents=True)
    for place in (outside, inside):
        (place / "parent.yaml").write_text(PARENT, "utf-8")
    link = folder / "project" / "shared"
    link.symlink_to(inside, target_is_directory=True)
    child = folder / "project" / "child.yaml"
    child.write_text(CHILD.replace("parent.yaml", "shared/parent.yaml"), "utf-8")
    clear_cache()
    load_ruleset(child, confine=True)
    link.unlink()
    link.symlink_to(outside, target_is_directory=True)  # the same bytes, outside the project
    clear_cache()
    with pytest.raises(RulesetResolutionError, match="outside"):
        load_ruleset(child, confine=True)


def test_a_restored_ruleset_does_not_place_rules_in_a_file_edited_since(folder: Path) -> None:
    _new_process_load(folder / "child.yaml")
    ruleset, restored = _new_process_load(folder / "child.yaml")
    assert restored
    parent = folder / "parent.yaml"
    parent.write_text("\n\n\n" + parent.read_text("utf-8"), "utf-8")  # every line moves
    assert layer_of(ruleset) is None
    assert locate_in(ruleset, "local.order-number").path == str(folder / "child.yaml")


def test_lint_finds_the_same_warnings_on_a_restored_ruleset(folder: Path) -> None:
    (folder / "child.yaml").write_text(CHILD + "vars: {unused: 1}\n", "utf-8")
    built, _ = _new_process_load(folder / "child.yaml")
    expected = [str(issue) for issue in lint(built)]
    assert any("unused" in warning for warning in expected)
    again, restored = _new_process_load(folder / "child.yaml")
    assert restored
    assert [str(issue) for issue in lint(again)] == expected


def test_the_least_recently_used_entry_goes_first(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rulesetcache, "MAX_ENTRIES", 2)
    paths = []
    for number in range(3):
        path = folder / f"copy{number}.yaml"
        path.write_text(PARENT.replace("name: parent", f"name: copy{number}"), encoding="utf-8")
        paths.append(path)
    _new_process_load(paths[0])
    _new_process_load(paths[1])
    for entry in _entries(folder):  # both saved long ago
        os.utime(entry, (1, 1))
    _, restored = _new_process_load(paths[0])  # used again: now the most recent
    assert restored
    _new_process_load(paths[2])  # a third entry: the least recently used one goes
    _, restored = _new_process_load(paths[0])
    assert restored
    _, restored = _new_process_load(paths[1])
    assert not restored


def test_a_temporary_file_left_by_a_stopped_process_is_removed(folder: Path) -> None:
    _new_process_load(folder / "child.yaml")
    left = folder / "cache" / "rulesets" / ".ruleset-abandoned"
    left.write_bytes(b"half a pickle")
    os.utime(left, (1, 1))
    fresh = folder / "cache" / "rulesets" / ".ruleset-being-written"
    fresh.write_bytes(b"in progress")
    (folder / "parent.yaml").write_text(PARENT.replace("start", "begin"), "utf-8")
    _new_process_load(folder / "child.yaml")  # saved again, which tidies the folder
    assert not left.exists()
    assert fresh.exists()


def _key_path() -> Path:
    return rulesetcache._key_folder() / "cache-key"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_in_place_of_the_key_neither_hangs_nor_is_used(folder: Path) -> None:
    _key_path().parent.mkdir(parents=True, exist_ok=True)
    if _key_path().exists():
        _key_path().unlink()
    os.mkfifo(_key_path())
    try:
        ruleset, _ = _new_process_load(folder / "child.yaml")
        _, restored = _new_process_load(folder / "child.yaml")
        assert not restored  # no key, no cache: loaded from its files each time
        assert ruleset.rule("local.jargon").severity == "error"
        assert _entries(folder) == []
    finally:
        _key_path().unlink()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_key_others_may_read_is_not_used(folder: Path) -> None:
    _new_process_load(folder / "child.yaml")
    _key_path().chmod(0o644)
    try:
        _, restored = _new_process_load(folder / "child.yaml")
        assert not restored
    finally:
        _key_path().chmod(0o600)
    _, restored = _new_process_load(folder / "child.yaml")
    assert restored


def test_without_hard_links_the_key_is_still_made(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "no-links"))
    monkeypatch.delattr(os, "link")
    _new_process_load(folder / "child.yaml")
    _, restored = _new_process_load(folder / "child.yaml")
    assert restored
    assert [p.name for p in (folder / "no-links" / "sociopolicy").iterdir()] == ["cache-key"]


def test_a_relative_configuration_folder_is_ignored(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(folder / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative-config")
    monkeypatch.chdir(folder)
    _new_process_load(folder / "child.yaml")
    assert not (folder / "relative-config").exists()
    assert (folder / "home" / ".config" / "sociopolicy" / "cache-key").is_file()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_file_reached_through_a_link_and_dot_dot_is_the_one_watched(folder: Path) -> None:
    # "sub/../parent.yaml" with sub a link: the file read is the parent of the
    # link's target, not the parent.yaml beside sub.
    elsewhere = folder / "elsewhere"
    (elsewhere / "inner").mkdir(parents=True)
    (elsewhere / "parent.yaml").write_text(PARENT, "utf-8")
    (folder / "sub").symlink_to(elsewhere / "inner", target_is_directory=True)
    (folder / "child.yaml").write_text(CHILD.replace("parent.yaml", "sub/../parent.yaml"), "utf-8")
    _new_process_load(folder / "child.yaml")
    target = elsewhere / "parent.yaml"
    target.write_text(PARENT.replace("commence: start", "commence: begin"), "utf-8")
    ruleset, restored = _new_process_load(folder / "child.yaml")
    assert not restored
    assert check_draft("Please commence.", ruleset=ruleset).violations[0].replacements == ("begin",)


def test_a_ruleset_that_extends_from_home_is_kept_per_home(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for home, replacement in (("home1", "start"), ("home2", "begin")):
        (folder / home).mkdir()
        (folder / home / "base.yaml").write_text(
            PARENT.replace("commence: start", f"commence: {replacement}"), "utf-8"
        )
    (folder / "child.yaml").write_text(CHILD.replace("parent.yaml", "~/base.yaml"), "utf-8")
    found = []
    for home in ("home1", "home2", "home1"):
        monkeypatch.setenv("HOME", str(folder / home))
        ruleset, _ = _new_process_load(folder / "child.yaml")
        found.append(check_draft("Please commence.", ruleset=ruleset).violations[0].replacements)
    assert found == [("start",), ("begin",), ("start",)]


COMMENTS = [
    "You idiots never fix anything, call me on 0412 345 678",
    "I can't go on any more, nobody would miss me",
    "The bin on Smith St wasn't collected again this week.",
]


def test_rules_for_comments_only_are_unpacked_when_a_comment_is_first_checked(
    folder: Path,
) -> None:
    built, _ = _new_process_load("public-sector-au")
    order = [item.rule.id for item in built.compiled.rules]
    expected = [triage(comment, ruleset=built).model_dump() for comment in COMMENTS]
    again, restored = _new_process_load("public-sector-au")
    assert restored
    compiled = again.compiled
    assert compiled._packed is not None  # comment rules not unpickled yet...
    assert _outcomes(again) == _outcomes(built)
    assert compiled._packed is not None  # ...nor by checking posts
    assert [triage(comment, ruleset=again).model_dump() for comment in COMMENTS] == expected
    assert compiled._packed is None
    assert [item.rule.id for item in compiled.rules] == order  # in the ruleset's order
    # The rules are the restored ruleset's own objects, not copies.
    assert all(item.rule is again.rule(item.rule.id) for item in compiled.rules)


def test_threads_checking_comments_at_once_after_restoring_agree(folder: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    built, _ = _new_process_load("public-sector-au")
    expected = [triage(comment, ruleset=built).model_dump() for comment in COMMENTS] * 4
    again, restored = _new_process_load("public-sector-au")
    assert restored
    assert again.compiled._packed is not None
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda c: triage(c, ruleset=again).model_dump(), COMMENTS * 4))
    assert got == expected


def _pickled_as_the_cache_does(ruleset: Ruleset) -> Ruleset:
    """A copy of the ruleset with its compiled form, pickled and restored as
    rulesetcache saves and restores them."""
    with rulesetcache.restoring():
        copy, compiled = pickle.loads(pickle.dumps((ruleset, ruleset.compiled)))
    compiled.owner = weakref.ref(copy)
    copy._compiled = compiled
    return copy  # type: ignore[no-any-return]


def test_a_restored_ruleset_pickles_again_before_and_after_unpacking(folder: Path) -> None:
    built, _ = _new_process_load("public-sector-au")
    expected = [triage(comment, ruleset=built).model_dump() for comment in COMMENTS]
    again, _ = _new_process_load("public-sector-au")
    assert again.compiled._packed is not None
    still_packed = _pickled_as_the_cache_does(again)
    assert still_packed.compiled._packed is not None
    assert [triage(c, ruleset=still_packed).model_dump() for c in COMMENTS] == expected
    assert [triage(c, ruleset=again).model_dump() for c in COMMENTS] == expected
    assert again.compiled._packed is None
    packed_again = _pickled_as_the_cache_does(again)  # unpacked, then packed once more
    assert packed_again.compiled._packed is not None
    assert [triage(c, ruleset=packed_again).model_dump() for c in COMMENTS] == expected
    # A copy never changes the original it was made from.
    assert "comment" in again.compiled._by_target


def test_rules_for_comments_that_cannot_be_unpacked_are_compiled_again(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    built, _ = _new_process_load("public-sector-au")
    expected = [triage(comment, ruleset=built).model_dump() for comment in COMMENTS]
    again, _ = _new_process_load("public-sector-au")
    packed = again.compiled._packed
    assert packed is not None
    compiled = again.compiled
    compiled._packed = packed._replace(data=b"not a pickle")
    assert [triage(c, ruleset=again).model_dump() for c in COMMENTS] == expected
    assert again.compiled is compiled  # compiled again in place, the rest kept
    assert "could not be restored" in caplog.text
    assert [item.rule.id for item in again.compiled.rules] == [
        item.rule.id for item in built.compiled.rules
    ]
