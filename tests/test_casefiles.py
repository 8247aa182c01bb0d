"""``sociopolicy test``: rules' examples and a ruleset's tests file."""

from __future__ import annotations

from pathlib import Path

import pytest

from sociopolicy import bundled_rulesets, load_ruleset
from sociopolicy.casefiles import load_cases, run_case
from sociopolicy.cli import main

from .conftest import WriteRuleset

ROOT = Path(__file__).parent.parent
SPRINGFIELD = ROOT / "examples" / "springfield-council" / "springfield-council.yaml"

FORK = """\
name: fork
version: "1"
extends: public-sector
"""


def _fork_with_cases(write_ruleset: WriteRuleset, cases: str) -> Path:
    path = write_ruleset("fork.yaml", FORK)
    write_ruleset("fork.tests.yaml", cases)
    return path


def test_the_springfield_example_passes_with_its_known_miss(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["test", str(SPRINGFIELD)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("springfield-council@1.0.0: ")
    assert "10 cases from" in out[-1]
    assert out[-1].endswith(" passed, 1 todo")
    (todo,) = [line for line in out if line.startswith("TODO ")]
    assert "springfield-council.tests.yaml:" in todo
    assert "case 'a flood comment that names no house or person'" in todo


def test_every_springfield_case_is_checked_with_the_forks_changes() -> None:
    ruleset = load_ruleset(SPRINGFIELD)
    cases = load_cases(SPRINGFIELD.with_name("springfield-council.tests.yaml"), ruleset)
    statuses = {loaded.case.name: run_case(loaded, ruleset).status for loaded in cases}
    assert statuses.pop("a flood comment that names no house or person") == "todo"
    assert set(statuses.values()) == {"passed"}
    # The fork's own changes are what the cases rely on.
    assert "accessibility.hashtag-position" not in {r.id for r in ruleset.rules}
    assert ruleset.rule("language.australian-spelling").severity == "warning"


def test_no_argument_tests_every_bundled_ruleset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test"]) == 0
    lines = capsys.readouterr().out.splitlines()
    summaries = {line.split("@")[0] for line in lines if " examples" in line}
    assert summaries == set(bundled_rulesets())


def test_a_failing_case_fails_the_run_with_its_line(
    write_ruleset: WriteRuleset, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _fork_with_cases(
        write_ruleset,
        """\
        cases:
          - name: polite
            text: "The pool opens at 6am."
            expect: {clean: true}
          - name: wrong expectation
            text: "The pool opens at 6am."
            expect:
              rules: [tone.insult]
              decision: revise
        """,
    )
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    where = f"FAIL {path.with_name('fork.tests.yaml')}:5: case 'wrong expectation'"
    assert f"{where}: expected tone.insult to fire; fired: nothing" in out
    assert f"{where}: decision is ok, expected revise" in out
    assert out.splitlines()[-1].endswith(" passed, 1 failed")


def test_a_known_miss_that_starts_passing_fails(
    write_ruleset: WriteRuleset, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _fork_with_cases(
        write_ruleset,
        """\
        cases:
          - name: now caught
            text: "What an idiot."
            expect: {rules: [tone.insult]}
            todo: insults were not listed
        """,
    )
    assert main(["test", str(path)]) == 1
    assert (
        "passes now (todo: insults were not listed); remove its 'todo'" in capsys.readouterr().out
    )


def test_actions_match_on_the_fields_given(write_ruleset: WriteRuleset) -> None:
    path = _fork_with_cases(
        write_ruleset,
        """\
        cases:
          - name: team only
            kind: comment
            text: "I'm going to come down there and hurt you"
            expect:
              actions: [{kind: escalate, to: security}]
          - name: wrong team
            kind: comment
            text: "I'm going to come down there and hurt you"
            expect:
              actions: [{kind: escalate, to: media}]
        """,
    )
    ruleset = load_ruleset(path)
    results = [run_case(c, ruleset) for c in load_cases(path.with_name("fork.tests.yaml"), ruleset)]
    assert [r.status for r in results] == ["passed", "failed"]
    assert results[1].problems[0].startswith("expected an action with kind=escalate, to=media;")


@pytest.mark.parametrize(
    ("cases", "message"),
    [
        (
            "cases:\n  - name: x\n    text: hello\n    expect: {rules: [tone.insultt]}\n",
            "fork.tests.yaml:4:22: field 'cases[0].expect.rules[0]': 'tone.insultt' is not a "
            "rule of fork@1; did you mean 'tone.insult'?",
        ),
        (
            "cases:\n  - name: x\n    text: hello\n    expect: {}\n",
            "fork.tests.yaml:4:13: field 'cases[0].expect': 'expect' needs at least one of",
        ),
        (
            "cases:\n  - name: x\n    text: hello\n    in_reply_to: z\n    expect: {clean: true}\n",
            "fork.tests.yaml:2:5: field 'cases[0]': 'in_reply_to' needs 'kind: reply'",
        ),
        (
            "cases:\n  - name: x\n    txt: hello\n    expect: {clean: true}\n",
            "fork.tests.yaml:3:5: field 'cases[0].txt'",
        ),
    ],
)
def test_a_bad_tests_file_is_a_located_error(
    write_ruleset: WriteRuleset, capsys: pytest.CaptureFixture[str], cases: str, message: str
) -> None:
    path = _fork_with_cases(write_ruleset, cases)
    assert main(["test", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_case_dates_are_checked_when_the_file_loads(
    write_ruleset: WriteRuleset, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _fork_with_cases(
        write_ruleset,
        """\
        cases:
          - name: unquoted is fine
            text: hello
            context: {date: 2026-08-20}
            expect: {clean: true}
          - name: not a date
            text: hello
            context: {date: "20 Aug 2026"}
            expect: {clean: true}
        """,
    )
    assert main(["test", str(path)]) == 2
    err = capsys.readouterr().err
    assert "fork.tests.yaml:8:14: field 'cases[1].context': '20 Aug 2026' is not a date" in err
