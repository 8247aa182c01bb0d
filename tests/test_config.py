"""Configuration found by walking up from each file: .sociopolicy.yaml and pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from sociopolicy.cli import main

FORK = 'name: quiet\nversion: "1"\nextends: public-sector\ndisable: [tone.insult]\n'


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "quiet.yaml").write_text(FORK, encoding="utf-8")
    (tmp_path / "posts" / "replies").mkdir(parents=True)
    for name in ("posts/a.txt", "posts/replies/b.txt"):
        (tmp_path / name).write_text("That is a stupid idea. We will utilise it.", encoding="utf-8")
    return tmp_path


def test_the_nearest_config_gives_rulesets_and_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    (root / ".sociopolicy.yaml").write_text(
        "fail-on: suggestion\n"
        "overrides:\n"
        "  - files: [posts/replies/*]\n"
        "    ruleset: rules/quiet.yaml\n"
        "    disable: [language.plain-words]\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    assert main(["check", "posts"]) == 1
    out = capsys.readouterr().out
    assert "posts/a.txt:1:11: error tone.insult" in out
    assert "posts/a.txt:1:32: suggestion language.plain-words" in out
    # The override's ruleset disables the insult rule; its own list the plain-words one.
    assert "posts/replies/b.txt" not in out.split("decision")[0]
    assert "posts/replies/b.txt: decision ok" in out


def test_command_line_flags_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    (root / ".sociopolicy.yaml").write_text("fail-on: never\nformat: github\n", encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["check", "posts"]) == 0
    assert capsys.readouterr().out.startswith("::error file=posts/a.txt")
    assert main(["check", "posts", "--fail-on", "error", "--format", "text"]) == 1
    assert capsys.readouterr().out.startswith("posts/a.txt:1:11: error tone.insult")


def test_pyproject_table_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.sociopolicy]\nruleset = "rules/quiet.yaml"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(root / "posts")  # found by walking up
    assert main(["check", "a.txt", "--fail-on", "suggestion"]) == 1
    out = capsys.readouterr().out
    assert "tone.insult" not in out
    assert "language.plain-words" in out


def test_a_bad_config_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    (root / ".sociopolicy.yaml").write_text("fail-on: sometimes\n", encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["check", "posts"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sociopolicy: error: {root / '.sociopolicy.yaml'}:1:10: field 'fail-on'")
