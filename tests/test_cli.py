"""The sociopolicy command (the parts this release has: check on text drafts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sociopolicy.cli import main

BAD = Path(__file__).parent / "fixtures" / "bad"


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sociopolicy.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONIOENCODING": "utf-8", "PATH": ""},
    )


def test_stdin_text_report_and_exit_code() -> None:
    result = _run(["check", "-"], "Hi all.\nThat's a stupid idea, we will utilise it.")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "<stdin>:2:10: error tone.insult Remove 'stupid': an official account never insults or belittles anyone.",
        "<stdin>:2:31: suggestion language.plain-words Write 'use' instead of 'utilise': everyday words are quicker to read.",
        "<stdin>: decision revise; actions: revise (tone.insult)",
        "Checked 1 draft in 1 file: 1 error, 0 warnings, 1 suggestion; 1 draft needs action.",
    ]
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("fail_on", "code"), [("error", 0), ("warning", 0), ("suggestion", 1), ("never", 0)]
)
def test_fail_on_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_on: str, code: int
) -> None:
    draft = tmp_path / "post.txt"
    draft.write_text("We will utilise the portal.", encoding="utf-8")
    assert main(["check", str(draft), "--fail-on", fail_on]) == code
    assert f"{draft}:1:9: suggestion language.plain-words" in capsys.readouterr().out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "post.txt"
    draft.write_text("Vote Greens", encoding="utf-8")
    assert main(["check", str(draft), "--format", "json", "--platform", "x"]) == 1
    payload = json.loads(capsys.readouterr().out)
    (item,) = payload["drafts"]
    assert item["path"] == str(draft)
    assert item["report"]["decision"] == "revise"
    assert item["report"]["violations"][0]["rule_id"] == "neutrality.voting-instruction"
    (finding,) = payload["findings"]
    assert (finding["path"], finding["line"], finding["column"]) == (str(draft), 1, 1)


def test_reply_with_comment_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reply, comment = tmp_path / "reply.txt", tmp_path / "comment.txt"
    reply.write_text("Thanks for asking.", encoding="utf-8")
    comment.write_text("Why is the pool closed?", encoding="utf-8")
    assert main(["check", str(reply), "--kind", "reply", "--in-reply-to", str(comment)]) == 0
    assert capsys.readouterr().out == (
        "Checked 1 draft in 1 file: 0 errors, 0 warnings, 0 suggestions; 0 drafts need action.\n"
    )
    # The comment's findings point into the comment's file; --kind reply is implied.
    comment.write_text("Sort it out, you idiots.", encoding="utf-8")
    assert main(["check", str(reply), "--in-reply-to", str(comment)]) == 0
    out = capsys.readouterr().out
    assert f"{comment}:1:14 (comment): error escalation.abuse" in out
    assert f"{reply}: decision " in out


def test_broken_ruleset_is_one_line_on_stderr_and_exit_2() -> None:
    result = _run(["check", "-", "--ruleset", str(BAD / "bare-no.yaml")], "hello")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"sociopolicy: error: {BAD / 'bare-no.yaml'}:11:20: 'no' is read"
    )
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_file_and_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("That is a stupid idea.", encoding="utf-8")
    # A missing file is reported in place and the other files are still checked.
    assert main(["check", "/nonexistent/post.txt", str(good)]) == 2
    out = capsys.readouterr().out
    assert out.startswith(
        "/nonexistent/post.txt:1:1: error input-error cannot read the file: "
        "No such file or directory\n"
    )
    assert f"{good}:1:11: error tone.insult" in out
    with pytest.raises(SystemExit) as caught:
        main(["check", "-", "--platform", "myspace"])
    assert caught.value.code == 2
    assert "invalid choice: 'myspace'" in capsys.readouterr().err


def test_undecodable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "latin1.txt"
    draft.write_bytes(b"caf\xe9")
    good = tmp_path / "good.txt"
    good.write_text("That is a stupid idea.", encoding="utf-8")
    # Reported with its place, and the other files are still checked.
    assert main(["check", str(draft), str(good)]) == 2
    out = capsys.readouterr().out
    assert f"{draft}:1:4: error input-error not UTF-8 text (bad byte at offset 3); give" in out
    assert f"{good}:1:11: error tone.insult" in out
    # With its encoding named, the file is read.
    assert main(["check", "--encoding", "latin-1", str(draft), str(good)]) == 1
    assert f"{draft}:" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("encoding", "mark"),
    [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")],
)
def test_files_with_a_byte_order_mark_are_read_in_their_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, mark: bytes
) -> None:
    draft = tmp_path / "notepad.txt"
    draft.write_bytes(mark + "Line one.\nThat is a stupid idea.".encode(encoding))
    assert main(["check", str(draft)]) == 1
    assert f"{draft}:2:11: error tone.insult" in capsys.readouterr().out


def test_a_nul_byte_is_reported_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "binary.txt"
    draft.write_bytes(b"hello\nwor\x00ld")
    assert main(["check", str(draft)]) == 2
    out = capsys.readouterr().out
    assert f"{draft}:2:4: error input-error a NUL byte at offset 9:" in out


def test_a_file_over_the_size_limit_is_reported_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIOPOLICY_MAX_DRAFT_CHARS", raising=False)
    big = tmp_path / "big.txt"
    big.write_text("word " * 100, encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text("That is a stupid idea.", encoding="utf-8")
    assert main(["check", "--max-draft-chars", "100", str(big), str(small)]) == 2
    out = capsys.readouterr().out
    # A file is read up to four bytes a character of the draft limit.
    assert f"{big}:1:1: error input-error the file is larger than 400 bytes" in out
    assert f"{small}:1:11: error tone.insult" in out


def test_a_draft_over_the_size_limit_is_reported_and_the_others_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calendar = tmp_path / "cal.yaml"
    calendar.write_text(
        "posts:\n  - text: " + "word " * 30 + "\n  - text: That is a stupid idea.\n",
        encoding="utf-8",
    )
    assert main(["check", "--max-draft-chars", "100", str(calendar)]) == 2
    out = capsys.readouterr().out
    assert f"{calendar}:2:1: error input-error the draft is 149 characters long" in out
    assert f"{calendar}:3:21: error tone.insult" in out


def test_a_nul_byte_is_placed_by_any_line_ending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "old-mac.txt"
    draft.write_bytes(b"one\rtwo\r\nth\x00ree")
    assert main(["check", str(draft)]) == 2
    assert f"{draft}:3:3: error input-error a NUL byte at offset 11:" in capsys.readouterr().out


def test_unknown_encoding_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--encoding", "klingon", "x.txt"])
    assert exit_.value.code == 2
    assert "'klingon' is not a text encoding" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: sociopolicy" in capsys.readouterr().err


def test_stdin_is_read_as_utf8_whatever_the_locale() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sociopolicy.cli", "check", "-"],
        input=b"Caf\xe9 stupid\n",
        capture_output=True,
        check=False,
        env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "PATH": ""},
    )
    assert result.returncode == 2
    assert result.stdout.startswith(
        b"<stdin>:1:4: error input-error not UTF-8 text (bad byte at offset 3); give the "
        b"file's encoding with --encoding\n"
    )
    ok = subprocess.run(
        [sys.executable, "-m", "sociopolicy.cli", "check", "-"],
        input="Café stupid\n".encode(),
        capture_output=True,
        check=False,
        env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "PATH": ""},
    )
    assert ok.returncode == 1
    assert ok.stdout.startswith(b"<stdin>:1:6: error tone.insult")


def test_context_and_date_switch_rules_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "post.txt"
    draft.write_text("Thanks to the Minister's record investment, 40 new schools are open!")
    assert main(["check", "--ruleset", "caretaker", str(draft)]) == 0
    assert main(["check", "--ruleset", "caretaker", "-c", "caretaker_period=true", str(draft)]) == 1
    assert "error caretaker.promotion" in capsys.readouterr().out
    fork = tmp_path / "fork.yaml"
    fork.write_text(
        'name: fork\nversion: "1"\nextends: [public-sector, caretaker]\n'
        'vars:\n  caretaker_period: {start: "2026-08-14", end: "2026-09-12"}\n'
    )
    assert main(["check", "--ruleset", str(fork), "--date", "2026-08-20", str(draft)]) == 1
    assert main(["check", "--ruleset", str(fork), "--date", "2026-10-01", str(draft)]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "caretaker_period"], "--context takes FACT=VALUE, not 'caretaker_period'"),
        (["--date", "20/08/2026"], "invalid context fact 'date': '20/08/2026' is not a date"),
    ],
)
def test_bad_context_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    draft = tmp_path / "post.txt"
    draft.write_text("Hello")
    assert main(["check", "--ruleset", "caretaker", *args, str(draft)]) == 2
    assert message in capsys.readouterr().err


def test_stdin_can_be_read_as_a_named_file() -> None:
    text = "---\nplatform: x\n---\nThat is a stupid idea.\n"
    result = _run(["check", "-", "--stdin-filename", "content/post.md"], text)
    assert result.returncode == 1
    # Front matter is read (the finding is on line 4, not 1) and the path is the name given.
    assert result.stdout.startswith("content/post.md:4:11: error tone.insult")
    calendar = "- text: Fine.\n- text: That is stupid.\n"
    result = _run(["check", "-", "--stdin-filename", "cal.yaml"], calendar)
    assert result.stdout.startswith("cal.yaml:2:17: error tone.insult")
