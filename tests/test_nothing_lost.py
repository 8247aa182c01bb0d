"""Nothing is lost: content files are never changed, every file given is in the
report, and a rule that fails is reported for its file while the rest go on.
Then the whole command is fuzzed with arbitrary bytes in every kind of file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sociopolicy import clear_cache
from sociopolicy.cli import main
from sociopolicy.kinds import terms

FILES = {
    "post.txt": b"That is a stupid idea.\n",
    "clean.md": b"# News\n\nThe library opens on Monday.\n",
    "calendar.yaml": b"posts:\n  - text: We will utilise the portal.\n  - text: Fine.\n",
    "export.csv": b"message,date\nWe will utilise it,2026-12-01\n",
    "latin1.txt": b"caf\xe9 stupid\n",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
    "empty.txt": b"",
    "broken.json": b'{"posts": [',
}


def _write(folder: Path) -> list[Path]:
    paths = []
    for name, data in FILES.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _json_run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_content_files_are_never_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = _write(tmp_path)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}
    for output in ("text", "json", "sarif", "github", "junit"):
        main(["check", "--format", output, *map(str, paths)])
    capsys.readouterr()
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths} == before
    assert sorted(tmp_path.iterdir()) == sorted(paths)  # nothing written beside them


def test_every_file_given_is_in_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = _write(tmp_path)
    code, report = _json_run(capsys, *map(str, paths))
    assert code == 2  # some files cannot be read
    drafts = report["drafts"]
    findings = report["findings"]
    assert isinstance(drafts, list)
    assert isinstance(findings, list)
    mentioned = {d["path"] for d in drafts} | {f["path"] for f in findings}
    assert mentioned == {str(p) for p in paths}
    unreadable = {f["path"] for f in findings if f["rule_id"] == "input-error"}
    assert unreadable == {str(tmp_path / n) for n in ("latin1.txt", "binary.txt", "broken.json")}


def test_a_rule_that_fails_is_reported_for_each_file_and_the_others_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: object, text: object) -> list[object]:
        raise RuntimeError("a bug in one rule")

    monkeypatch.setattr(terms._TermsMatcher, "find", explode)
    clear_cache()  # compiled rulesets keep the matchers they were built with
    post = tmp_path / "post.txt"
    post.write_bytes(b"We will utilise a stupid plan.\n")
    try:
        _, report = _json_run(capsys, str(post))
    finally:
        clear_cache()  # later tests get the working matchers
    findings = report["findings"]
    assert isinstance(findings, list)
    ids = {f["rule_id"] for f in findings}
    assert "language.plain-words" in ids  # a substitution rule: still runs
    failed = [f for f in findings if "could not be completed" in f["message"]]
    # Terms rules run only on texts holding one of their words: here, tone.insult.
    assert {f["rule_id"] for f in failed} == {"tone.insult"}
    assert all(f["path"] == str(post) for f in failed)


SUFFIXES = [".txt", ".md", ".yaml", ".json", ".csv"]


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(SUFFIXES),
            st.one_of(
                st.binary(max_size=300),
                st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                st.sampled_from(list(FILES.values())),
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_the_command_survives_any_bytes_in_any_kind_of_file(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    files: list[tuple[str, bytes]],
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    paths = []
    for number, (suffix, data) in enumerate(files):
        written = folder / f"f{number}{suffix}"
        written.write_bytes(data)
        paths.append(str(written))
    code = main(["check", "--format", "json", *paths])
    captured = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in captured.err
    report = json.loads(captured.out)
    mentioned = {d["path"] for d in report["drafts"]} | {f["path"] for f in report["findings"]}
    # Every file is in the report, unless it was skipped with a note on stderr.
    for path in paths:
        assert path in mentioned or f"skipped {path}" in captured.err, (path, captured.err)
    assert sorted(os.listdir(folder)) == sorted(os.path.basename(p) for p in paths)
