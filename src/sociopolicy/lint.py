"""Warnings about a ruleset that loads but is probably not what its author meant.

:func:`lint` looks at a loaded ruleset for what ``sociopolicy validate``
reports as warnings: a rule without examples or sources, a ``when`` on a fact
nothing provides, and a var that nothing uses. (A regular expression that can
backtrack catastrophically is an error when the ruleset loads.) Only what
the ruleset's own file defines is reported; what it inherits is its parent's
business.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import Issue, SourceLocation
from .kinds import RuleBase
from .loader import layer_of, locate_in
from .merge import suggest
from .ruleset import Ruleset
from .yamlsource import load_yaml

__all__ = ["STANDARD_FACTS", "lint"]

#: Context facts sociopolicy's documentation names (see docs/ruleset-format.md);
#: any other fact in a ``when`` needs a var that gives it, or a caller that sets it.
STANDARD_FACTS = frozenset({"caretaker_period", "election_period", "account", "date"})
_VAR_USE = re.compile(r"""\bvars\s*(?:\.\s*(\w+)|\[\s*['"](\w+)['"]\s*\])""")


def lint(ruleset: Ruleset) -> list[Issue]:
    """Warnings for what ``ruleset``'s own file writes: its rules, the fields it
    overrides in inherited rules, and its vars."""
    own_file = ruleset.files[0] if ruleset.files else None
    warnings: list[Issue] = []
    for rule in ruleset.rules:
        warnings.extend(w for w in _rule_warnings(ruleset, rule) if w.location.path == own_file)
    warnings.extend(_var_warnings(ruleset, own_file))
    return sorted(
        warnings, key=lambda w: (w.location.path, w.location.line or 0, w.location.column or 0)
    )


def _rule_warnings(ruleset: Ruleset, rule: RuleBase) -> list[Issue]:
    found = []

    def warn(field: str, message: str) -> None:
        where = locate_in(ruleset, rule.id, (field,))
        found.append(Issue(where, message, rule_id=rule.id, field=field))

    if not rule.examples.fail or not rule.examples.pass_:
        missing = "fail" if not rule.examples.fail else "pass"
        warn(
            "examples",
            f"the rule has no '{missing}' examples; add texts it must "
            f"{'catch' if missing == 'fail' else 'leave alone'}, so 'sociopolicy test' proves it",
        )
    if not rule.source:
        warn("source", "the rule cites no source; name the policy it comes from")
    if rule.when is not None:
        for fact in sorted(rule.when.facts):
            if fact not in STANDARD_FACTS and fact not in ruleset.vars:
                close = suggest(fact, sorted(STANDARD_FACTS | set(ruleset.vars)))
                warn(
                    "when",
                    f"'{fact}' is not a standard fact and no var gives it: the rule runs "
                    f"only when a caller passes it (--context {fact}=...), or add a var{close}",
                )
    return found


def _var_warnings(ruleset: Ruleset, own_file: str | None) -> list[Issue]:
    layer = layer_of(ruleset)
    if layer is None or own_file is None:
        return []
    used: set[str] = set()
    for rule in ruleset.rules:
        raw = layer.rules.get(rule.id)  # as written: 'within' still reads {{ vars.x }}
        text = json.dumps(raw.data if raw else {}, ensure_ascii=False, default=str)
        used.update(a or b for a, b in _VAR_USE.findall(text))
        if rule.when is not None:
            used.update(rule.when.facts)
    for item in ruleset.compiled.rules:
        used.update(getattr(item.matcher, "READS_VARS", ()))
    doc: Any = None
    found = []
    for name in sorted(ruleset.vars):
        origin = layer.var_origins.get(name)
        if origin is None or origin[0] != own_file or name in used:
            continue
        if doc is None:
            doc = load_yaml(own_file)
        line, column = doc.locate(("vars", name), key=True)
        found.append(
            Issue(
                SourceLocation(own_file, line, column),
                f"no rule uses the var '{name}'; remove it or use it as "
                f"{{{{ vars.{name} }}}} in a message or reply",
                field=f"vars.{name}",
            )
        )
    return found
