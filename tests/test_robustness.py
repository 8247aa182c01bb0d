"""Odd input and failing rules never crash a check, and nothing is dropped silently."""

from __future__ import annotations

import pytest

from sociopolicy import RulesetError, UsageError, check_draft, clear_cache, load_ruleset
from sociopolicy.kinds import pattern

from .conftest import WriteRuleset

SLOW = r"""name: slow
version: "1"
rules:
  - id: tone.slow
    category: tone
    kind: pattern
    severity: suggestion
    pattern: '(?:a|aa)+$'
    message: m
    source: https://example.org
    examples: {fail: ["[[aaa]]"], pass: ["b"]}
"""


def test_a_pattern_that_times_out_is_reported_not_dropped(
    write_ruleset: WriteRuleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Overlapping alternatives get past the analysis at load (see redos.py); the
    # time limit stops them. A limit far shorter than scanning this text takes
    # stands in for a pattern that backtracks without end.
    monkeypatch.setattr(pattern, "MATCH_TIMEOUT_SECONDS", 1e-6)
    monkeypatch.setattr(pattern, "MATCH_SECONDS_PER_MB", 0.0)
    report = check_draft("a" * 200_000 + "b", ruleset=write_ruleset("slow.yaml", SLOW))
    (violation,) = report.violations
    assert violation.rule_id == "tone.slow"
    assert violation.severity == "warning"  # raised from suggestion: it must be looked at
    assert "could not be completed" in violation.message
    assert (violation.start, violation.end, violation.excerpt) == (0, 1, "a")
    assert report.decision == "review"


def test_a_failing_rule_is_reported_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(self: object, text: object) -> list[object]:
        raise RuntimeError("bug")

    # Every pattern rule breaks; phrase rules must still report.
    monkeypatch.setattr(pattern._PatternMatcher, "find", explode)
    clear_cache()  # compile the ruleset again, with the broken matchers
    try:
        # The text has a word of each pattern rule's prefilter, so each one runs.
        text = "Vote today, grow up, official notice, your address: that is not a stupid idea."
        report = check_draft(text)
    finally:
        clear_cache()  # later tests get the working matchers
    pattern_ids = {
        r.id for r in load_ruleset().rules if r.kind == "pattern" and "post" in r.applies_to
    }
    incomplete = [v for v in report.violations if v.rule_id in pattern_ids]
    assert {v.rule_id for v in incomplete} == pattern_ids
    assert all(
        "could not be completed on this text (the check failed)" in v.message for v in incomplete
    )
    assert ("tone.insult", "stupid") in [(v.rule_id, v.excerpt) for v in report.violations]
    assert f"failed on a text of {len(text)} characters" in caplog.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "kind: pattern\n    pattern: 'case (?P<number>\\d+)'\n    message: 'Case {{ groups.nubmer }}'",
            "the template uses 'groups.nubmer', but the pattern has no group named 'nubmer' (named groups: number)",
        ),
        (
            "kind: terms\n    terms: [perhaps]\n    message: 'Try {{ replacement }}'",
            "the template uses 'replacement', which is not defined; it can use kind, match, platform, rule, term, vars",
        ),
    ],
)
def test_template_names_are_checked_per_kind(
    write_ruleset: WriteRuleset, body: str, message: str
) -> None:
    path = write_ruleset(
        "t.yaml",
        'name: t\nversion: "1"\nrules:\n  - id: tone.x\n    category: tone\n    '
        + body
        + '\n    source: https://example.org\n    examples: {fail: ["[[case 1]] perhaps"], pass: ["b"]}\n',
    )
    with pytest.raises(RulesetError, match="field 'message': ") as caught:
        load_ruleset(path)
    assert message in str(caught.value)


def test_missing_values_render_as_nothing(write_ruleset: WriteRuleset) -> None:
    path = write_ruleset(
        "t.yaml",
        """
        name: t
        version: "1"
        rules:
          - id: neutrality.re-elect
            category: neutrality
            kind: pattern
            ignore_case: false
            pattern: 're-elect(?:\\s+(?P<who>[A-Z]\\w+))?'
            message: "Do not urge a vote for {{ groups.who }}."
            action: {kind: revise, reply: "About your comment '{{ comment }}': thanks."}
            source: https://example.org
            examples: {fail: ["[[re-elect]] now"], pass: ["elected"]}
        """,
    )
    report = check_draft("re-elect now", ruleset=path)
    assert report.violations[0].message == "Do not urge a vote for ."
    assert report.actions[0].suggested_reply == "About your comment '': thanks."


def test_ruleset_error_with_a_line_break_in_a_value_stays_on_one_line(
    write_ruleset: WriteRuleset,
) -> None:
    path = write_ruleset(
        "t.yaml",
        'name: t\nversion: "1"\nrules:\n  - id: tone.x\n    category: "tone\\nextra: 1"\n'
        "    kind: terms\n    terms: [a]\n    message: m\n    source: https://example.org\n"
        '    examples: {fail: ["[[a]]"], pass: ["b"]}\n',
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert "\n" not in str(caught.value)
    assert "'tone\\nextra: 1' is not allowed" in str(caught.value)


def test_wrong_argument_types_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="invalid platform"):
        check_draft("hi", platform=["x"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("Hi\r\nstupid", 2, 1), ("Hi\n\n  stupid", 3, 3), ("\u05e9\u05dc\u05d5\u05dd stupid", 1, 6)],
)
def test_line_endings_and_scripts(text: str, line: int, column: int) -> None:
    (violation,) = check_draft(text).violations
    assert (violation.line, violation.column, violation.excerpt) == (line, column, "stupid")


def test_a_megabyte_of_text() -> None:
    text = "The pool is open. That is a stupid rule.\n" * 25_000
    report = check_draft(text)
    assert len(text) > 1_000_000
    assert len(report.violations) == 25_000
    last = report.violations[-1]
    assert (last.line, text[last.start : last.end]) == (25_000, "stupid")


def test_a_lone_carriage_return_ends_a_line() -> None:
    (violation,) = check_draft("Hi\rthat is stupid").violations
    assert (violation.line, violation.column) == (2, 9)
