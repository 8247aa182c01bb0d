"""``sociopolicy check`` over folders of content files, in every output format."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from sociopolicy.cli import main
from sociopolicy.contentfiles import read_content
from sociopolicy.discovery import content_files
from sociopolicy.markdown import prose

FIXTURES = Path(__file__).parent / "fixtures" / "content"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def test_markdown_front_matter_and_masking_keep_file_positions() -> None:
    read = read_content(FIXTURES / "post.md", "post.md")
    (item,) = read.items
    assert item.draft.platform == "x"
    assert item.id == "pool-opening"
    text = item.draft.text
    # Code, link targets and comments are blanked at the same length; prose is kept.
    assert "stupid_config" not in text
    assert "example.org" not in text
    assert "stupid code" not in text
    assert "note for editors" not in text
    assert "the timetable" in text
    assert len(text) == len(item.source or "")
    assert item.place(text.index("stupid rumour")) == (14, 11)


def test_prose_blanks_without_moving_anything() -> None:
    body = "Use `x` and [link](http://a.b) here.\n```\ncode\n```\nEnd <!-- c -->."
    masked = prose(body)
    assert len(masked) == len(body)
    assert [i for i, c in enumerate(body) if c == "\n"] == [
        i for i, c in enumerate(masked) if c == "\n"
    ]
    assert masked.startswith("Use     and [link]")
    assert "code" not in masked


def test_a_folder_is_checked_file_by_file_and_a_broken_file_does_not_stop_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _run(capsys, str(FIXTURES))
    assert code == 2  # broken.yaml could not be read
    lines = out.splitlines()
    root = FIXTURES.as_posix()
    assert f"{root}/broken.yaml:2:1: error input-error invalid YAML" in lines[0]
    assert any(
        line.startswith(f"{root}/calendar.yaml:9:5:") and "voting-instruction" in line
        for line in lines
    )
    assert any(line.startswith(f"{root}/export.csv:3:23: error tone.insult") for line in lines)
    assert any(line.startswith(f"{root}/post.md:14:11: error tone.insult") for line in lines)
    assert any(line.startswith(f"{root}/calendar.json:3:") for line in lines)
    # ignore: in a calendar leaves those rules out for that post only.
    assert not any(line.startswith(f"{root}/calendar.yaml:11") for line in lines)
    assert lines[-1].startswith("Checked 10 drafts in 7 files: 7 errors")


def test_include_and_exclude_globs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, str(FIXTURES), "--include", "*.md", "--include", "*.txt")
    assert code == 1
    assert {line.split(":")[0].rsplit("/", 1)[-1] for line in out.splitlines()[:-1]} == {
        "post.md",
        "reply.md",
    }
    assert out.splitlines()[-1].startswith("Checked 3 drafts in 3 files")  # note.txt is clean
    code, out = _run(capsys, str(FIXTURES), "--exclude", "broken.yaml")
    assert code == 1
    assert "broken.yaml" not in out


def test_every_format_is_stable_and_well_formed(capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(FIXTURES), "--exclude", "broken.yaml"]
    outputs = {}
    for name in ("text", "json", "github", "sarif", "junit"):
        first = _run(capsys, *args, "--format", name)
        second = _run(capsys, *args, "--format", name)
        assert first == second  # the same bytes every run
        assert first[0] == 1
        outputs[name] = first[1]
    found = json.loads(outputs["json"])["findings"]
    assert len(found) == 10
    github = outputs["github"].splitlines()
    assert github[0].startswith("::error file=")
    assert ",line=" in github[0]
    assert ",title=tone.insult::" in github[0]
    assert any(line.startswith("::notice ") for line in github)  # a suggestion
    suites = ET.fromstring(outputs["junit"])
    # Suggestions and findings in the comment replied to do not fail at --fail-on error.
    assert suites.get("failures") == "5"
    assert len(list(suites.iter("failure"))) == 6
    cases = suites.findall("./testsuite/testcase")
    assert len(cases) == 6
    assert sum(1 for case in cases if case.find("failure") is not None) == 5
    outs = [node.text or "" for node in suites.iter("system-out")]
    assert any("decision take_offline" in text for text in outs)
    assert any("In the comment replied to:" in text for text in outs)
    comment = [f for f in found if f["target"] == "comment"]
    assert len(comment) == 3
    assert all(f["path"].endswith("reply.md") for f in comment)
    assert sum("(in the comment)" in line for line in github) == 3


def test_sarif_has_the_structure_code_scanning_needs(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, str(FIXTURES), "--exclude", "broken.yaml", "--format", "sarif")
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "sociopolicy"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["help"]["text"]
    assert any("helpUri" in rule for rule in rules)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        (location,) = result["locations"]
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        assert region["startColumn"] >= 1
        assert not location["physicalLocation"]["artifactLocation"]["uri"].startswith("/") or (
            FIXTURES.is_absolute()
        )


def test_output_file_and_the_real_command(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sociopolicy.cli",
            "check",
            str(FIXTURES / "post.md"),
            "--format",
            "sarif",
            "--output",
            str(target),
        ],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == b""
    assert json.loads(target.read_text("utf-8"))["runs"][0]["results"]


def test_csv_needs_a_message_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "export.csv"
    export.write_text("When,Words\n2026-08-20,That is stupid\n", encoding="utf-8")
    code, out = _run(capsys, str(export))
    assert code == 2
    assert "no message column (looked for: message, text" in out
    code, out = _run(capsys, str(export), "--csv-column", "Words")
    assert code == 1
    assert f"{export}:2:20: error tone.insult" in out


def test_a_bad_post_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calendar = tmp_path / "cal.yaml"
    calendar.write_text(
        '- text: fine\n- text: wrong platform\n  platform: myspace\n- text: x\n  scheduled: "20/08"\n',
        encoding="utf-8",
    )
    code, out = _run(capsys, str(calendar))
    assert code == 2
    assert f"{calendar}:3:13: error input-error field 'platform'" in out
    assert f"{calendar}:5:14: error input-error bad date" in out
    assert out.endswith(
        "Checked 1 draft in 1 file: 2 errors, 0 warnings, 0 suggestions; 0 drafts need action.\n"
    )


SUPPRESSED = """\
<!-- sociopolicy-disable tone.insult -->
That is a stupid idea.
<!-- sociopolicy-enable tone.insult -->
Another stupid idea.
<!-- sociopolicy-disable-next-line language.plain-words -->
We will utilise it.
We will utilise it again.
<!-- sociopolicy-disable tone.nonexistent -->
<!-- sociopolicy-disable-next-line tone.shouting -->
fine line
"""


def test_inline_suppressions_in_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "post.md"
    post.write_text(SUPPRESSED, encoding="utf-8")
    code, out = _run(capsys, str(post), "--fail-on", "suggestion")
    lines = out.splitlines()
    assert code == 1
    # Only the findings outside the suppressed regions are left.
    assert [
        line.split(": ", 2)[1].split()[1]
        for line in lines
        if ": error " in line or ": suggestion " in line
    ] == ["tone.insult", "language.plain-words"]
    assert f"{post}:4:9: error tone.insult" in out
    assert f"{post}:7:9: suggestion language.plain-words" in out
    assert f"{post}:8:1: warning suppression the suppression names 'tone.nonexistent'" in out
    assert "unused-suppression" not in out
    _, out = _run(capsys, str(post), "--report-unused-suppressions")
    assert f"{post}:9:1: warning unused-suppression" in out
    assert f"{post}:1:1: warning unused-suppression" not in out  # that one hid something


def test_front_matter_ignore_leaves_rules_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\nignore: [tone.insult]\n---\nThat is a stupid idea.\n", encoding="utf-8")
    code, out = _run(capsys, str(post))
    assert code == 0
    assert "Checked 1 draft in 1 file: 0 errors" in out


@pytest.mark.parametrize("name", ["text", "json", "github", "sarif", "junit"])
def test_each_format_matches_its_golden_file(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Regenerate after a deliberate change with:
    #   sociopolicy check tests/fixtures/content --exclude broken.yaml --format NAME
    monkeypatch.chdir(FIXTURES.parent.parent.parent)
    golden = Path("tests/golden") / f"content.{name}"
    code, out = _run(capsys, "tests/fixtures/content", "--exclude", "broken.yaml", "--format", name)
    assert code == 1
    assert out == golden.read_text("utf-8")


def test_a_reply_file_triages_its_comment(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, str(FIXTURES / "reply.md"), "--format", "json")
    (draft,) = json.loads(out)["drafts"]
    report = draft["report"]
    assert report["decision"] == "take_offline"
    assert {"escalation.complaint", "privacy.reply-repeats-details"} <= {
        v["rule_id"] for v in report["violations"]
    }
    assert ("take_offline", "complaints") in {(a["kind"], a.get("to")) for a in report["actions"]}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    post = str(FIXTURES / "note.txt")
    stupid = str(FIXTURES / "post.md")
    for env, expect in ((None, True), ("1", False)):
        if env is None:
            monkeypatch.delenv("NO_COLOR", raising=False)
        else:
            monkeypatch.setenv("NO_COLOR", env)
        terminal = _Terminal()
        monkeypatch.setattr(sys, "stdout", terminal)
        main(["check", post, stupid])
        assert ("\033[31merror\033[0m" in terminal.getvalue()) is expect


def test_the_pre_commit_hook_runs_check() -> None:
    hooks = yaml.safe_load((FIXTURES.parent.parent.parent / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "sociopolicy"
    assert hook["entry"] == "sociopolicy check"


def test_code_fences_close_as_commonmark_says_and_windows_lines_work(tmp_path: Path) -> None:
    body = "```python\r\nstupid code\r\n```\r\nThat is stupid.\r\n~~~~\r\nx\r\n~~~\r\nstill code\r\n~~~~\r\nAfter: stupid.\r\n"
    masked = prose(body)
    assert masked.count("stupid") == 2  # the two lines outside the code blocks
    assert "still code" not in masked
    assert len(masked) == len(body)


def test_prose_is_fast_on_hostile_markdown() -> None:
    # Bounded patterns: these would take minutes with unbounded ones.
    for text in ("](" * 50_000, "<!--" * 30_000, "`" * 100_000):
        assert len(prose(text)) == len(text)


def test_symlink_loops_and_pipes_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "a").mkdir(parents=True)
    (root / "a" / "post.txt").write_text("Hello", encoding="utf-8")
    for name in ("l1", "l2", "l3"):
        (root / "a" / name).symlink_to(root, target_is_directory=True)
    files = [shown for _, shown in content_files([str(root)])]
    assert files == [f"{root.as_posix()}/a/post.txt"]


def test_messages_stay_on_one_line_and_junit_stays_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "post.txt"
    post.write_text("VOTE FOR\nLABOR and\x0bTHIS IS TERRIBLE", encoding="utf-8")
    _, out = _run(capsys, str(post))
    assert all(line.startswith(str(post)) for line in out.splitlines()[:-1])
    assert out.splitlines()[-1].startswith("Checked 1 draft")
    _, out = _run(capsys, str(post), "--format", "junit")
    ET.fromstring(out)  # well-formed


def test_an_unwritable_output_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(FIXTURES / "note.txt"), "-o", "/nonexistent/folder/out.txt"])
    assert code == 2
    assert "cannot write the output" in capsys.readouterr().err


def test_enabling_one_rule_leaves_the_others_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "<!-- sociopolicy-disable language.plain-words, tone.insult -->\n"
        "<!-- sociopolicy-enable language.plain-words -->\n"
        "We will utilise it. That is stupid.\n"
        "```\n<!-- sociopolicy-disable -->\n```\n"
        "Another stupid idea, utilise.\n",
        encoding="utf-8",
    )
    _, out = _run(capsys, str(post), "--fail-on", "never")
    rules = [line.split()[2] for line in out.splitlines()[:-1] if ": decision" not in line]
    # insult stays off to the end; plain words is on again; the comment in code is ignored.
    assert rules == ["language.plain-words", "language.plain-words"]


def test_unknown_ignore_names_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\nignore: [tone.insullt]\n---\nHello.\n", encoding="utf-8")
    _, out = _run(capsys, str(post))
    assert "warning suppression 'ignore' names 'tone.insullt'" in out


def test_findings_in_the_comment_do_not_fail_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = tmp_path / "reply.md"
    reply.write_text(
        '---\nkind: reply\nin_reply_to: "You useless idiots, fix my bin"\n---\n'
        "Sorry about that. Please send us a private message and we'll sort it out.\n",
        encoding="utf-8",
    )
    code, out = _run(capsys, str(reply))
    assert "(comment): error escalation.abuse" in out
    assert code == 0


def test_a_ruleset_in_a_folder_is_skipped_and_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "fork.yaml").write_text('name: f\nversion: "1"\n', encoding="utf-8")
    (tmp_path / "post.txt").write_text("Hello", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert f"skipped {(tmp_path / 'rules' / 'fork.yaml').as_posix()}: not a content calendar" in (
        captured.err
    )
    # Named on the command line too (pre-commit names every changed file), it is
    # skipped with a note, as are a project's own files and a list of tasks found
    # in a folder; a named list of posts without text is still an error.
    (tmp_path / "README.md").write_text("Read this stupid file.", encoding="utf-8")
    (tmp_path / "tasks.yaml").write_text("- name: install\n  run: make\n", encoding="utf-8")
    code = main(["check", str(tmp_path / "rules" / "fork.yaml"), str(tmp_path / "README.md")])
    assert code == 0
    err = capsys.readouterr().err
    assert "fork.yaml: not a content calendar" in err
    assert f"skipped {tmp_path / 'README.md'}: a project file, not content" in err
    assert main(["check", str(tmp_path)]) == 0
    assert "tasks.yaml: not a content calendar" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "tasks.yaml")]) == 2
    assert "post 1 has no text" in capsys.readouterr().out


def test_checking_nothing_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path)]) == 0
    assert "no content was checked" in capsys.readouterr().err


def test_sarif_describes_rules_of_every_ruleset_used_and_the_tool_own_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()  # the repository's top folder
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "local.yaml").write_text(
        "name: local\nversion: '1'\nextends: public-sector\n"
        "sources:\n  house: {title: House style, url: 'https://example.org/house'}\n"
        "rules:\n"
        "  - id: local.no-folks\n    category: language\n    kind: terms\n"
        "    terms: [folks]\n    severity: warning\n    message: Say 'people'.\n"
        "    rationale: Our house style. It says people.\n    source: [house]\n"
        "    examples: {fail: ['Hi [[folks]]', 'The [[folks]] came'], pass: [Hi all, People came]}\n",
        encoding="utf-8",
    )
    (tmp_path / ".sociopolicy.yaml").write_text(
        "overrides:\n  - files: ['local/']\n    ruleset: rules/local.yaml\n", encoding="utf-8"
    )
    (tmp_path / "local" / "my posts").mkdir(parents=True)
    (tmp_path / "local" / "my posts" / "hello there.md").write_text(
        "<!-- sociopolicy-disable no.such-rule -->\nHi folks\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path / "local")  # run from a subfolder of the repository
    code, out = _run(capsys, ".", "--format", "sarif", "--fail-on", "warning")
    assert code == 1
    run = json.loads(out)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"local.no-folks", "suppression"}
    assert rules["local.no-folks"]["helpUri"] == "https://example.org/house"
    assert rules["local.no-folks"]["properties"]["ruleset"] == "local@1"
    assert "names a rule the ruleset does not have" in rules["suppression"]["help"]["text"]
    locations = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in run["results"]
    }
    assert locations["local.no-folks"] == {
        "uri": "local/my%20posts/hello%20there.md",
        "uriBaseId": "%SRCROOT%",
    }


def test_junit_failures_follow_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(FIXTURES), "--exclude", "broken.yaml", "--format", "junit"]
    counts = {}
    for fail_on in ("error", "suggestion", "never"):
        _, out = _run(capsys, *args, "--fail-on", fail_on)
        suites = ET.fromstring(out)
        counts[fail_on] = (suites.get("failures"), len(list(suites.iter("failure"))))
    # Failed test cases (files), and failure elements: suggestion adds the one
    # suggestion (in a file that already fails); never counts nothing.
    assert counts == {"error": ("5", 6), "suggestion": ("5", 7), "never": ("0", 0)}


MARKDOWN_HIDDEN = """\
A normal stupid line.

    stupid indented code

- list item
    continued stupid text in the list

<https://stupid.example>
[ref link][stupid-ref]
[stupid-ref]: https://example.com/stupid
<span title="stupid">visible stupid</span>
Some ``double `stupid` backtick`` here.
Write `<!-- sociopolicy-disable -->` to silence. Then stupid.
"""


def test_only_what_a_reader_sees_in_markdown_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "post.md"
    post.write_text(MARKDOWN_HIDDEN, encoding="utf-8")
    _, out = _run(capsys, str(post))
    found = [line.split(": error")[0] for line in out.splitlines() if "error tone.insult" in line]
    # Indented code, autolinks, reference labels and definitions, HTML tags and
    # code spans are hidden; list continuations, visible HTML text and text after
    # a suppression written inside code are prose.
    assert found == [f"{post}:{line}" for line in ("1:10", "6:15", "11:30", "13:55")]
    blanked = prose(MARKDOWN_HIDDEN)
    assert len(blanked) == len(MARKDOWN_HIDDEN)
    assert blanked.count("\n") == MARKDOWN_HIDDEN.count("\n")
