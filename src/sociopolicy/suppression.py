"""Leaving findings out of a report: ``ignore: [rule-id]`` and inline comments.

In a Markdown file::

    <!-- sociopolicy-disable tone.shouting -->   ... until ...
    <!-- sociopolicy-enable tone.shouting -->
    <!-- sociopolicy-disable-next-line language.plain-words -->

name one or more rules (separated by spaces or commas), or none for every
rule. A disable without an enable lasts to the end of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from .engine import decide
from .markdown import code_spans
from .models import Report, Violation

__all__ = ["Suppression", "filtered", "suppressions", "without"]

_COMMENT = re.compile(r"<!--\s*sociopolicy-(disable-next-line|disable|enable)\b(.*?)-->", re.DOTALL)


@dataclass
class Suppression:
    """A region of a file where some rules (or all, when ``rules`` is empty) are off."""

    start: int
    end: int
    rules: frozenset[str]
    #: Where the comment is, as an offset into the file's body.
    at: int
    used: bool = field(default=False)

    def covers(self, violation: Violation) -> bool:
        inside = self.start <= violation.start < self.end
        return inside and (not self.rules or violation.rule_id in self.rules)


def suppressions(source: str) -> list[Suppression]:
    """The suppression regions written in a Markdown body (comments in code do not count)."""
    code = code_spans(source)
    found: list[Suppression] = []
    open_regions: dict[str, Suppression] = {}  # rule id (or "*" for all) -> its open region
    for match in _COMMENT.finditer(source):
        if any(start <= match.start() < end for start, end in code):
            continue
        kind = match.group(1)
        names = frozenset(n for n in re.split(r"[\s,]+", match.group(2).strip()) if n)
        if kind == "disable-next-line":
            line_start = source.find("\n", match.end())
            if line_start == -1:
                continue
            line_end = source.find("\n", line_start + 1)
            end = len(source) if line_end == -1 else line_end
            found.append(Suppression(line_start + 1, end, names, match.start()))
        elif kind == "disable":
            # One region per rule, so that enabling one rule leaves the others off.
            for name in sorted(names) or ["*"]:
                if name not in open_regions:
                    rules = frozenset({name}) if name != "*" else frozenset()
                    region = Suppression(match.end(), len(source), rules, match.start())
                    found.append(region)
                    open_regions[name] = region
        else:
            for name in sorted(names) or list(open_regions):
                if name in open_regions:
                    closed = open_regions.pop(name)
                    closed.end = min(closed.end, match.start())
    return found


def filtered(report: Report, drop: Callable[[Violation], bool]) -> Report:
    """The report without the violations ``drop`` accepts, its actions and decision redone."""
    kept = tuple(v for v in report.violations if not drop(v))
    if len(kept) == len(report.violations):
        return report
    remaining = {v.rule_id for v in kept}
    actions = []
    for action in report.actions:
        rule_ids = tuple(r for r in action.rule_ids if r in remaining)
        if rule_ids:
            actions.append(
                action
                if rule_ids == action.rule_ids
                else action.model_copy(update={"rule_ids": rule_ids})
            )
    return Report(
        violations=kept, actions=tuple(actions), decision=decide(actions), ruleset=report.ruleset
    )


def without(report: Report, rule_ids: Collection[str]) -> Report:
    """The report with the findings of ``rule_ids`` removed."""
    if not rule_ids:
        return report
    return filtered(report, lambda v: v.rule_id in rule_ids)
