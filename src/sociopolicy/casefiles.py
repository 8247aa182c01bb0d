"""Test cases kept beside a ruleset (``<ruleset>.tests.yaml``), and their runner.

A council that forks a ruleset writes the drafts and comments it cares about,
with what it expects, in a file next to the ruleset::

    cases:
      - name: a missed bin goes offline
        kind: comment
        text: "My bin wasn't collected again, third time"
        expect:
          rules: [escalation.complaint]
          decision: take_offline
      - name: a known miss
        text: "..."
        expect: {rules: [tone.insult]}
        todo: the insult list has no regional slang yet

Each case is checked with the whole ruleset, as ``check_draft`` (or ``triage``
for ``kind: comment``) would check it. ``expect`` lists only what matters: rule
ids that must fire (``rules``), must not fire (``not_rules``), the
``decision``, ``actions`` matched on the fields given, or ``clean: true`` for
nothing at all. Offsets are never compared, so cases survive wording changes
in messages. A ``todo`` case records a known miss: it is reported, but does not
fail the run, until it starts passing; then it fails, so the ``todo`` is
removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from ._common import StrictModel
from .api import check_draft, triage
from .diagnostics import field_path
from .errors import RulesetValidationError, UsageError
from .merge import issue, suggest, validation_issues
from .models import ActionKind, ContextValue, Decision, Media, Platform, Report
from .periods import context_day
from .ruleset import Ruleset
from .yamlsource import load_yaml

__all__ = ["CaseFile", "CaseResult", "TestCase", "load_cases", "run_case", "tests_file_for"]

#: The suffix of a ruleset's tests file: ``springfield.yaml`` -> ``springfield.tests.yaml``.
TESTS_SUFFIX = ".tests.yaml"


def _dates_as_text(value: Any) -> Any:
    """An unquoted YAML date (``date: 2026-08-20``) means the same as a quoted one."""
    if isinstance(value, dict):
        return {
            k: v.isoformat() if isinstance(v, dt.date | dt.datetime) else v
            for k, v in value.items()
        }
    return value


class ExpectedAction(StrictModel):
    """An action the report must contain; only the fields given are compared."""

    kind: ActionKind
    to: StrictStr | None = None
    within: StrictStr | None = None


class Expect(StrictModel):
    """What a case must produce. Give at least one of the fields."""

    rules: tuple[StrictStr, ...] = Field(default=(), description="Rule ids that must fire.")
    not_rules: tuple[StrictStr, ...] = Field(default=(), description="Rule ids that must not fire.")
    decision: Decision | None = Field(default=None, description="The report's decision.")
    actions: tuple[ExpectedAction, ...] = Field(default=(), description="Actions that must appear.")
    clean: StrictBool = Field(default=False, description="Nothing at all may fire.")

    @model_validator(mode="after")
    def _says_something(self) -> Expect:
        if not (self.rules or self.not_rules or self.decision or self.actions or self.clean):
            raise ValueError(
                "'expect' needs at least one of rules, not_rules, decision, actions or clean"
            )
        if self.clean and (self.rules or self.actions):
            raise ValueError("'clean: true' cannot also expect rules or actions to fire")
        return self


class TestCase(StrictModel):
    """One named draft or comment and what it must produce."""

    __test__ = False  # not a pytest test class

    name: StrictStr = Field(min_length=1)
    text: StrictStr
    kind: Literal["post", "reply", "comment"] = "post"
    platform: Platform | None = None
    in_reply_to: StrictStr | None = None
    context: Annotated[dict[StrictStr, ContextValue], BeforeValidator(_dates_as_text)] = Field(
        default_factory=dict
    )
    media: tuple[Media, ...] = ()
    expect: Expect
    todo: StrictStr | None = Field(default=None, description="Why this is a known miss.")

    @model_validator(mode="after")
    def _reply_fields(self) -> TestCase:
        if self.in_reply_to is not None and self.kind != "reply":
            raise ValueError("'in_reply_to' needs 'kind: reply'")
        return self

    @field_validator("context")
    @classmethod
    def _valid_date(cls, value: dict[str, ContextValue]) -> dict[str, ContextValue]:
        if "date" in value:
            try:
                context_day(value)
            except UsageError as exc:
                raise ValueError(str(exc).removeprefix("invalid context fact 'date': ")) from None
        return value


class CaseFile(StrictModel):
    """A ruleset's tests file."""

    cases: tuple[TestCase, ...] = Field(min_length=1)


_FIELDS = sorted(
    {name for model in (CaseFile, TestCase, Expect, ExpectedAction) for name in model.model_fields}
)


@dataclass(frozen=True)
class LoadedCase:
    """A case with the line it starts on."""

    case: TestCase
    path: str
    line: int


@dataclass(frozen=True)
class CaseResult:
    """How one case went: ``passed``, ``failed`` or ``todo`` (a known miss)."""

    loaded: LoadedCase
    status: Literal["passed", "failed", "todo"]
    problems: tuple[str, ...]


def tests_file_for(ruleset_path: Path) -> Path:
    """Where a ruleset's tests file would be."""
    return ruleset_path.with_name(
        ruleset_path.name.removesuffix(".yaml").removesuffix(".yml") + TESTS_SUFFIX
    )


def load_cases(path: Path, ruleset: Ruleset) -> list[LoadedCase]:
    """Read and check a tests file against the ruleset it tests.

    Raises:
        RulesetSyntaxError: the file is not readable, safe YAML.
        RulesetValidationError: every problem at once, each at file:line:column.
    """
    doc = load_yaml(path)
    try:
        parsed = CaseFile.model_validate(doc.data)
    except ValidationError as exc:
        raise RulesetValidationError(validation_issues(doc, exc, _FIELDS)) from None
    known = sorted(rule.id for rule in ruleset.rules)
    issues = []
    for number, case in enumerate(parsed.cases):
        for field in ("rules", "not_rules"):
            for position, rule_id in enumerate(getattr(case.expect, field)):
                if rule_id not in known:
                    where = ("cases", number, "expect", field, position)
                    message = f"'{rule_id}' is not a rule of {ruleset.ref}{suggest(rule_id, known)}"
                    issues.append(issue(doc, where, message, field=field_path(where)))
    if issues:
        raise RulesetValidationError(issues)
    return [
        LoadedCase(case, doc.path, doc.locate(("cases", number))[0])
        for number, case in enumerate(parsed.cases)
    ]


def run_case(loaded: LoadedCase, ruleset: Ruleset) -> CaseResult:
    """Check one case with the whole ruleset."""
    case = loaded.case
    if case.kind == "comment":
        report = triage(case.text, ruleset=ruleset, platform=case.platform, context=case.context)
    else:
        report = check_draft(
            case.text,
            ruleset=ruleset,
            platform=case.platform,
            kind=case.kind,
            in_reply_to=case.in_reply_to,
            media=case.media,
            context=case.context,
        )
    problems = tuple(_compare(case.expect, report))
    if case.todo is None:
        return CaseResult(loaded, "failed" if problems else "passed", problems)
    if problems:
        return CaseResult(loaded, "todo", problems)
    return CaseResult(loaded, "failed", (f"passes now (todo: {case.todo}); remove its 'todo'",))


def _compare(expect: Expect, report: Report) -> list[str]:
    fired = sorted({v.rule_id for v in report.violations})
    shown = ", ".join(fired) or "nothing"
    problems = [
        f"expected {rule_id} to fire; fired: {shown}"
        for rule_id in expect.rules
        if rule_id not in fired
    ]
    problems += [
        f"{rule_id} fired but should not have" for rule_id in expect.not_rules if rule_id in fired
    ]
    if expect.clean and fired:
        problems.append(f"expected nothing to fire; fired: {shown}")
    if expect.decision is not None and report.decision != expect.decision:
        problems.append(
            f"decision is {report.decision}, expected {expect.decision}; fired: {shown}"
        )
    for wanted in expect.actions:
        given = wanted.model_dump(exclude_none=True)
        if not any(all(getattr(a, k) == v for k, v in given.items()) for a in report.actions):
            have = ", ".join(a.kind + (f" -> {a.to}" if a.to else "") for a in report.actions)
            wanted_text = ", ".join(f"{k}={v}" for k, v in given.items())
            problems.append(f"expected an action with {wanted_text}; actions: {have or 'none'}")
    return problems
