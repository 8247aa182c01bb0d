"""Leaving rules out of a report: a content file's ``ignore: [rule-id]``."""

from __future__ import annotations

from collections.abc import Collection

from .engine import DECISION_OF
from .models import DECISIONS, Decision, Report

__all__ = ["without"]

_RANK = {decision: rank for rank, decision in enumerate(DECISIONS)}


def without(report: Report, rule_ids: Collection[str]) -> Report:
    """The report with the findings of ``rule_ids`` removed, and its actions and decision redone."""
    if not rule_ids or not any(v.rule_id in rule_ids for v in report.violations):
        return report
    violations = tuple(v for v in report.violations if v.rule_id not in rule_ids)
    actions = []
    for action in report.actions:
        kept = tuple(r for r in action.rule_ids if r not in rule_ids)
        if kept:
            actions.append(
                action if kept == action.rule_ids else action.model_copy(update={"rule_ids": kept})
            )
    decision: Decision = "ok"
    for action in actions:
        implied = DECISION_OF[action.kind]
        if _RANK[implied] > _RANK[decision]:
            decision = implied
    return Report(
        violations=violations, actions=tuple(actions), decision=decision, ruleset=report.ruleset
    )
