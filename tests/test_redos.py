"""The static check for regular expressions that backtrack catastrophically."""

from __future__ import annotations

import pytest

from sociopolicy import load_ruleset
from sociopolicy.bundled import bundled_rulesets
from sociopolicy.kinds import PatternRule
from sociopolicy.redos import backtracking_risk

RISKY = [r"(\w+\s?)+$", r"(a*)*b", r"(?:\s*\w+)+!", r"(x+x+)+y", r"^(\d+\.?)+$", r"(.*)*x"]
SAFE = [
    r"(\w+\s)+",
    r"(?:[^,]+,)*",
    r"(?:foo|bar)+",
    r"\bcat\b",
    r"(\d+)-(\d+)",
    r"(?:\w+\s){0,3}",
    r"(?:a+)++",
    r"(?>\w+\s?)+",
    r"\p{Lu}+",  # the regex package's syntax: not analysed
]


@pytest.mark.parametrize("pattern", RISKY)
def test_risky_shapes_are_found(pattern: str) -> None:
    assert backtracking_risk(pattern) is not None


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_shapes_pass(pattern: str) -> None:
    assert backtracking_risk(pattern) is None


def test_no_bundled_pattern_is_flagged() -> None:
    for name in bundled_rulesets():
        for rule in load_ruleset(name).rules:
            if isinstance(rule, PatternRule):
                assert backtracking_risk(rule.pattern, rule.ignore_case) is None, rule.id
