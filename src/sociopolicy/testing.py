"""Run the examples embedded in rules: the same runner serves pytest and ``sociopolicy test``.

Each rule carries ``examples.fail`` (texts it must fire on) and
``examples.pass`` (texts it must not fire on). A fail example may mark the
expected spans with ``[[...]]``: the rule must then report exactly those spans.

An example is checked with that rule alone, as the fork has changed it, and
the rule's message and suggested reply are rendered for each fail example so
that a template mistake shows up here rather than in a report. Where
an example gives no platform, kind or context, the first value allowed by the
rule's ``when`` and ``applies_to`` is used, so a plain string is enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .comments import commenter_name
from .engine import CompiledRuleset
from .kinds import Example, RuleBase
from .models import ContextValue, Target
from .ruleset import Ruleset

__all__ = ["ExampleCase", "example_cases", "run_example"]

Expectation = Literal["fail", "pass"]


@dataclass(frozen=True)
class ExampleCase:
    """One embedded example of one rule."""

    ruleset: Ruleset
    rule: RuleBase
    expectation: Expectation
    number: int
    example: Example

    @property
    def name(self) -> str:
        """A stable id such as ``public-sector::tone.insult::fail-1``."""
        return f"{self.ruleset.name}::{self.rule.id}::{self.expectation}-{self.number + 1}"


def example_cases(ruleset: Ruleset) -> list[ExampleCase]:
    """Every example of every rule in ``ruleset``, in rule order."""
    cases = []
    for rule in ruleset.rules:
        for expectation, examples in (
            ("fail", rule.examples.fail),
            ("pass", rule.examples.pass_),
        ):
            for number, example in enumerate(examples):
                cases.append(ExampleCase(ruleset, rule, expectation, number, example))  # type: ignore[arg-type]
    return cases


def _setting(case: ExampleCase) -> tuple[str, str | None, dict[str, ContextValue]]:
    rule, example = case.rule, case.example
    when = rule.when
    kinds = [k for k in rule.applies_to if when is None or when.kind is None or k in when.kind]
    kind = example.kind or (kinds[0] if kinds else rule.applies_to[0])
    platform = example.platform
    if platform is None and when is not None and when.platform:
        platform = when.platform[0]
    context: dict[str, ContextValue] = {}
    if when is not None:
        context.update({fact: accepted[0] for fact, accepted in when.facts.items()})
    context.update(example.context)
    return kind, platform, context


def run_example(case: ExampleCase) -> str | None:
    """Check one example; return None if it behaves, else what went wrong."""
    compiled = case.ruleset.compiled
    assert isinstance(compiled, CompiledRuleset), "load rulesets with load_ruleset()"
    kind, platform, context = _setting(case)
    target: Target = "comment" if kind == "comment" else "draft"
    text = case.example.plain
    comment = case.example.in_reply_to
    # A reply's comment is checked first, with every rule: what it is flagged
    # for may decide whether the rule runs on the reply.
    flagged = (
        frozenset(
            f.violation.rule_id
            for f in compiled.run(
                comment, target_kind="comment", target="comment", platform=platform, context=context
            )
        )
        if comment is not None
        else frozenset()
    )
    fired = compiled.run(
        text,
        target_kind=kind,
        target=target,
        platform=platform,
        context=context,
        media=case.example.media,
        only=case.rule.id,
        comment=comment,
        comment_rules=flagged,
    )
    spans = sorted({(f.violation.start, f.violation.end) for f in fired})
    shown = ", ".join(repr(text[s:e]) for s, e in spans)
    if case.expectation == "pass":
        return f"fired on {shown} but should not have" if spans else None
    if not spans:
        return "did not fire but should have"
    for item in fired:
        templates = [("message", item.compiled.message), ("reply", item.compiled.reply)]
        for name, template in templates:
            if template is None:
                continue
            try:
                seen = comment if comment is not None else case.example.plain
                values = {**item.values(), "comment": seen, "commenter": commenter_name(seen)}
                template.render(values)
            except Exception as exc:
                return f"fired, but its {name} template failed: {exc}"
    wanted = sorted(set(case.example.spans))
    if wanted and spans != wanted:
        expected = ", ".join(repr(text[s:e]) for s, e in wanted)
        return f"fired on {shown} but the example marks {expected}"
    return None
