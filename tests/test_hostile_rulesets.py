"""Hostile rulesets: each file of tests/hostile/rulesets is refused quickly, with
the message its first line expects, and nothing in it runs or is written.

A council may accept a pull request to its ruleset from anyone: the worst a
ruleset can do is fail to load, with a clear error.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sociopolicy import RulesetError, clear_cache, load_ruleset, patterncache

CORPUS = Path(__file__).parent / "hostile" / "rulesets"
FILES = sorted(CORPUS.glob("*.yaml"))
MARKER = "HOSTILE-MARKER"


def _expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


def test_the_corpus_is_large_enough() -> None:
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_refused_quickly_with_a_clear_message_and_no_side_effect(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # any file a hostile ruleset manages to write lands here
    monkeypatch.setenv("SOCIOPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(patterncache, "_known", None)  # read the cache afresh
    monkeypatch.setattr(patterncache, "_dirty", False)
    clear_cache()
    start = time.perf_counter()
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    message = "\n".join(str(issue) for issue in caught.value.issues)
    assert re.search(_expected(path), message), message
    # One line per problem, each naming the file (and a place in it).
    for issue in caught.value.issues:
        assert "\n" not in str(issue)
        assert str(issue).startswith(str(issue.location.path))
    patterncache._save()  # what the process would write at exit
    assert list(tmp_path.iterdir()) == [], "a refused ruleset left a file behind"
    assert not (CORPUS / MARKER).exists()


def test_the_command_reports_every_hostile_file_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "SOCIOPOLICY_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "sociopolicy", "validate", *map(str, FILES)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Traceback" not in done.stdout
    summaries = [line for line in done.stdout.splitlines() if re.search(r": \d+ errors?$", line)]
    assert len(summaries) == len(FILES)
    assert not list(tmp_path.iterdir())


def _project_reaching_out(tmp_path: Path) -> Path:
    """A ruleset in project/ whose 'extends' reaches a file outside its folder."""
    outside = tmp_path / "outside.yaml"
    outside.write_text('name: outside\nversion: "1"\nextends: public-sector\n', encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    fork = project / "fork.yaml"
    fork.write_text('name: fork\nversion: "1"\nextends: ../outside.yaml\n', encoding="utf-8")
    return fork


def test_confined_loading_refuses_extends_outside_the_folder(tmp_path: Path) -> None:
    fork = _project_reaching_out(tmp_path)
    assert load_ruleset(fork).name == "fork"  # allowed unless the project says otherwise
    with pytest.raises(RulesetError, match=r"fork.yaml:3:10: .*outside the ruleset's folder"):
        load_ruleset(fork, confine=True)


def test_confined_loading_follows_links_and_allows_bundled_rulesets(tmp_path: Path) -> None:
    fork = _project_reaching_out(tmp_path)
    link = fork.parent / "inside-looking.yaml"
    link.symlink_to(tmp_path / "outside.yaml")
    fork.write_text('name: fork\nversion: "1"\nextends: inside-looking.yaml\n', encoding="utf-8")
    with pytest.raises(RulesetError, match="outside the ruleset's folder"):
        load_ruleset(fork, confine=True)
    fork.write_text('name: fork\nversion: "1"\nextends: public-sector-au\n', encoding="utf-8")
    assert load_ruleset(fork, confine=True).name == "fork"


@pytest.mark.parametrize("how", ["option", "configuration"])
def test_the_command_confines_extends_when_asked(tmp_path: Path, how: str) -> None:
    fork = _project_reaching_out(tmp_path)
    draft = tmp_path / "project" / "post.txt"
    draft.write_text("Hello.\n", encoding="utf-8")
    args = ["check", "--ruleset", str(fork), str(draft)]
    if how == "option":
        args.insert(1, "--confine-extends")
    else:
        (tmp_path / "project" / ".sociopolicy.yaml").write_text(
            "confine-extends: true\n", encoding="utf-8"
        )
    done = subprocess.run(
        [sys.executable, "-m", "sociopolicy", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path / "project",
        timeout=60,
    )
    assert done.returncode == 2
    assert "outside the ruleset's folder" in done.stderr
