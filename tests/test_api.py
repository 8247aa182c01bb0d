"""The public API as DESIGN.md promises it."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import sociopolicy
from sociopolicy import (
    Draft,
    Report,
    RulesetError,
    SociopolicyError,
    UsageError,
    check_draft,
    check_many,
    load_ruleset,
    triage,
)

MIXED = "That's a stupid question.\nWe will utilise the portal. Vote Greens!"


def test_report_fields_and_decision() -> None:
    report = check_draft(MIXED)
    assert report.ruleset == "public-sector@0.1.0"
    assert [(v.rule_id, v.severity, v.line, v.column, v.excerpt) for v in report.violations] == [
        ("tone.insult", "error", 1, 10, "stupid"),
        ("language.plain-words", "suggestion", 2, 9, "utilise"),
        ("neutrality.voting-instruction", "error", 2, 29, "Vote Greens"),
    ]
    # Both errors ask for a revision: one action, both rule ids.
    assert [(a.kind, a.rule_ids) for a in report.actions] == [
        ("revise", ("tone.insult", "neutrality.voting-instruction")),
    ]
    assert report.decision == "revise"
    assert report.ok is False
    assert report.violations[0].source.startswith("Public Service Act 1999")


def test_suggestions_never_change_the_decision() -> None:
    report = check_draft("We will utilise the portal.")
    assert [v.severity for v in report.violations] == ["suggestion"]
    assert report.actions == ()
    assert report.decision == "ok"
    assert report.ok


def test_clean_draft() -> None:
    report = check_draft("The pool reopens on Monday at 6am. See you there!")
    assert report == Report(ruleset="public-sector@0.1.0")
    assert report.ok


def test_json_round_trip() -> None:
    report = check_draft(MIXED)
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_report_rejects_inconsistent_ok() -> None:
    with pytest.raises(ValueError, match="'ok' must be true exactly when"):
        Report(ruleset="x@1", decision="revise", ok=True)


def test_draft_model_and_keywords_agree() -> None:
    draft = Draft(text=MIXED, kind="reply", platform="facebook")
    assert check_draft(draft) == check_draft(MIXED, kind="reply", platform="facebook")


def test_draft_with_empty_keyword_defaults_is_fine() -> None:
    draft = Draft(text="stupid")
    assert check_draft(draft, context={}, media=()) == check_draft(draft)


def test_check_many_checks_its_arguments_at_the_call() -> None:
    with pytest.raises(UsageError, match="invalid platform"):
        check_many(["hi"], platform="myspace")


def test_draft_and_keywords_together_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="pass platform either in the Draft or as keyword"):
        check_draft(Draft(text="hi"), platform="x")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"platform": "twiter"},
            r"^invalid platform: 'twiter' is not allowed; use one of: x, bluesky",
        ),
        (
            {"kind": "comment"},
            r"^invalid kind: 'comment' is not allowed; use one of: post or reply",
        ),
        (
            {"context": {"caretaker": [1]}},
            r"^invalid context fact 'caretaker': a value must be true or false, a number, text or None, not list$",
        ),
    ],
)
def test_bad_arguments_raise_one_line_usage_errors(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        check_draft("hello", **options)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, SociopolicyError)


def test_unknown_ruleset_name() -> None:
    with pytest.raises(
        RulesetError, match="no bundled ruleset named 'public-secter'; did you mean 'public-sector'"
    ):
        check_draft("hi", ruleset="public-secter")


def test_missing_ruleset_file(tmp_path: object) -> None:
    with pytest.raises(RulesetError, match="does not exist"):
        load_ruleset(f"{tmp_path}/nope.yaml")


def test_non_string_draft() -> None:
    with pytest.raises(UsageError, match="must be a str or a Draft"):
        check_draft(42)  # type: ignore[arg-type]


def test_check_many_keeps_order_and_per_draft_fields() -> None:
    texts: list[str | Draft] = ["stupid", "fine", Draft(text="utilise", kind="reply")]
    reports = list(check_many(texts, platform="x"))
    assert [[v.excerpt for v in r.violations] for r in reports] == [["stupid"], [], ["utilise"]]


def test_triage_runs_only_comment_rules() -> None:
    # Rules for our own drafts ("stupid" is tone.insult in a post) never run
    # on an incoming comment; the comment rules do.
    report = triage("You stupid idiots, utilise your brains")
    for_comments = {r.id for r in load_ruleset().rules if "comment" in r.applies_to}
    assert {v.rule_id for v in report.violations} == {
        "escalation.abuse",
        "escalation.abuse-directed",
    }
    assert {v.rule_id for v in report.violations} <= for_comments
    assert all(v.target == "comment" for v in report.violations)
    assert report.decision == "review"
    assert [a.kind for a in report.actions] == ["hide_comment"]
    assert report.ruleset == "public-sector@0.1.0"


def test_load_ruleset_passes_a_loaded_ruleset_through() -> None:
    ruleset = load_ruleset()
    assert load_ruleset(ruleset) is ruleset
    assert check_draft("stupid", ruleset=ruleset) == check_draft("stupid")


def test_public_names_are_sorted_and_complete() -> None:
    def isort_style(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert sociopolicy.__all__ == sorted(sociopolicy.__all__, key=isort_style)
    for name in (
        "check_draft",
        "triage",
        "check_many",
        "load_ruleset",
        "Report",
        "Violation",
        "Action",
        "Draft",
    ):
        assert name in sociopolicy.__all__
        assert getattr(sociopolicy, name) is not None
    assert sociopolicy.Report.__module__ == "sociopolicy"


def test_docstring_example_holds() -> None:
    report = check_draft("We will utilise the new portal.")
    assert [(v.rule_id, v.excerpt, v.replacements) for v in report.violations] == [
        ("language.plain-words", "utilise", ("use",))
    ]


def test_check_many_refuses_a_single_string() -> None:
    with pytest.raises(UsageError, match="check_many takes a list"):
        check_many("abc")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ruleset": 5}, "ruleset must be a bundled name, a path or a Ruleset, not int"),
        ({"context": {1: True}}, "invalid context: fact names must be text, not 1"),
        ({"in_reply_to": 5}, r"^invalid in_reply_to: expected text, got the number 5$"),
    ],
)
def test_api_misuse_is_explained(options: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check_draft("hi", **options)


def _fresh_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def test_import_is_light_until_a_name_is_used() -> None:
    code = (
        "import sys, sociopolicy; print('pydantic' in sys.modules); "
        "sociopolicy.check_draft; print('pydantic' in sys.modules)"
    )
    assert _fresh_python(code).split() == ["False", "True"]


def test_public_names_are_shown_as_the_package_and_listed() -> None:
    assert sociopolicy.Report.__module__ == "sociopolicy"
    assert set(sociopolicy.__all__) <= set(dir(sociopolicy))
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        sociopolicy.nothing_here  # noqa: B018


def test_version_and_help_do_not_load_the_checker() -> None:
    code = (
        "import sys\nfrom sociopolicy.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print('pydantic' in sys.modules, 'jinja2' in sys.modules)"
    )
    assert _fresh_python(code).endswith("False False")
