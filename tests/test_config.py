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
    assert "Checked 2 drafts in 2 files: 1 error, 0 warnings, 1 suggestion" in out


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


def test_config_globs_are_relative_to_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    (root / ".sociopolicy.yaml").write_text("exclude: [posts/replies/]\n", encoding="utf-8")
    elsewhere = tmp_path.parent
    monkeypatch.chdir(elsewhere)  # run from outside the project
    assert main(["check", str(root / "posts")]) == 1
    out = capsys.readouterr().out
    assert "a.txt" in out
    assert "b.txt" not in out


def test_config_include_applies_to_named_files_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    (root / "notes.md").write_text("Read this stupid file.\n", encoding="utf-8")
    (root / ".sociopolicy.yaml").write_text('include: ["posts/**"]\n', encoding="utf-8")
    monkeypatch.chdir(root)
    # pre-commit names every changed file: the README is not content.
    assert main(["check", "notes.md", "posts/a.txt"]) == 1
    captured = capsys.readouterr()
    assert "notes.md" not in captured.out
    assert "posts/a.txt:1:11: error tone.insult" in captured.out
    assert f"skipped notes.md: excluded by {root / '.sociopolicy.yaml'}" in captured.err
    # --include on the command line replaces the configuration's.
    assert main(["check", ".", "--include", "*.md"]) == 1
    out = capsys.readouterr().out
    assert "notes.md:1:11: error tone.insult" in out
    assert "posts/a.txt" not in out


def test_a_subfolder_config_is_the_whole_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    (root / ".sociopolicy.yaml").write_text("ruleset: rules/quiet.yaml\n", encoding="utf-8")
    (root / "posts" / "replies" / ".sociopolicy.yaml").write_text(
        "exclude: [nothing]\n", encoding="utf-8"
    )
    monkeypatch.chdir(root)
    assert main(["check", "posts"]) == 1
    out = capsys.readouterr().out
    # posts/a.txt uses the quiet fork; replies/ has its own config, with no ruleset key.
    assert "posts/a.txt:1:11" not in out
    assert "posts/replies/b.txt:1:11: error tone.insult" in out


def test_pyproject_problems_name_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path)
    toml = root / "pyproject.toml"
    toml.write_text(
        '[project]\nname = "x"\n\n[tool.sociopolicy]\nformat = "text"\n\n'
        '[[tool.sociopolicy.overrides]]\nfiles = ["a"]\n\n'
        '[[tool.sociopolicy.overrides]]\nfiles = ["b"]\nplatform = "myspace"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    assert main(["check", "posts"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sociopolicy: error: {toml}:12: field 'overrides[1].platform'")
    toml.write_text("[tool.sociopolicy\n", encoding="utf-8")
    assert main(["check", "posts"]) == 2
    assert capsys.readouterr().err.startswith(f"sociopolicy: error: {toml}:1:18: cannot read")
