"""Merge a fork with the rulesets it extends (``extends``, ``disable``, ``overrides``).

How a fork is merged (also in ``docs/forking.md``):

1. Parents named in ``extends`` are resolved first, in order. Their rules are
   combined in that order; ``vars`` and ``sources`` are combined key by key, a
   later parent winning. Where the same rule or var reaches the file through
   two parents (a diamond), a change made on one path (an override, a
   ``disable``, a new var value) survives a path that did not touch it; if both
   paths changed it, the later parent's version wins.
2. The file's own ``vars`` and ``sources`` replace inherited ones key by key.
3. ``disable`` removes inherited rules.
4. ``overrides`` replaces fields of inherited rules. Each field given replaces
   the inherited value whole (a list is replaced, not extended); fields not
   given are kept. The rule is then validated again as a whole.
5. The file's own ``rules`` are added after the inherited ones. An id may be
   defined only once in the whole chain.

Rules stay plain data here, each remembering which file and line every field
came from, so that validation errors after merging point at the right place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .diagnostics import close_matches, describe_error, field_path, prune_errors
from .errors import Issue, RulesetResolutionError, SourceLocation
from .periods import is_period, parse_period
from .ruleset import RulesetHeader, Source
from .yamlsource import YamlDocument, YamlPath

__all__ = ["Layer", "Origin", "RawRule", "apply_own", "is_list", "issue", "merge_parent", "suggest"]


@dataclass
class Origin:
    """Where (part of) a rule's fields were written."""

    doc: YamlDocument
    prefix: YamlPath
    keys: frozenset[str] | None = None  # None: every field


@dataclass
class RawRule:
    """A rule as merged data, before validation, remembering where each field came from."""

    rule_id: str
    data: dict[str, Any]
    origins: list[Origin]

    @property
    def defined_in(self) -> str:
        return self.origins[0].doc.path

    def locate(self, loc: Sequence[str | int], *, key: bool = False) -> SourceLocation:
        head = loc[0] if loc else None
        for origin in reversed(self.origins):
            if origin.keys is None or head in origin.keys:
                line, column = origin.doc.locate((*origin.prefix, *loc), key=key)
                return SourceLocation(origin.doc.path, line, column)
        first = self.origins[0]  # pragma: no cover - the first origin has every key
        line, column = first.doc.locate(first.prefix)
        return SourceLocation(first.doc.path, line, column)


@dataclass
class Layer:
    """The resolved content of one file together with everything it extends."""

    rules: dict[str, RawRule] = field(default_factory=dict)
    #: Ids of inherited rules switched off, with the file that defines each.
    disabled: dict[str, str] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    #: For each var, the file that set it and the files whose values it replaced.
    var_origins: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    #: The planning settings, key by key, and the file that set each key.
    planning: dict[str, Any] = field(default_factory=dict)
    planning_docs: dict[str, YamlDocument] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    #: Problems found while merging; reported together with validation problems.
    problems: list[Issue] = field(default_factory=list)


#: Planning settings that map platforms (or 'all') to limits: forks change them
#: platform by platform.
PER_PLATFORM = frozenset({"cadence", "max_silence", "max_per_day"})


def issue(doc: YamlDocument, loc: Sequence[str | int], message: str, **about: Any) -> Issue:
    line, column = doc.locate(loc, key=bool(about.pop("key", False)))
    return Issue(SourceLocation(doc.path, line, column), message, **about)


def validation_issues(
    doc: YamlDocument, exc: ValidationError, known_fields: Sequence[str] = ()
) -> list[Issue]:
    """One located issue per Pydantic error of a model read from ``doc``."""
    return [
        issue(
            doc,
            error["loc"],
            describe_error(error, known_fields=known_fields),
            field=field_path(error["loc"]),
            key=error["type"] == "extra_forbidden",
        )
        for error in prune_errors(exc.errors())
    ]


def suggest(name: str, choices: Sequence[str]) -> str:
    close = close_matches(name, list(choices), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def is_list(doc: YamlDocument) -> bool:
    return isinstance(doc.data, dict) and isinstance(doc.data.get("extends"), list)


def _newer(incoming: tuple[str, frozenset[str]], existing: tuple[str, frozenset[str]]) -> bool:
    """Whether a value set in ``incoming[0]`` should replace one set in ``existing[0]``.

    A value that replaced the other (directly or through its parents) is newer;
    between unrelated values the later parent wins.
    """
    return not (incoming[0] == existing[0] or incoming[0] in existing[1])


def merge_parent(layer: Layer, parent: Layer, doc: YamlDocument, where: YamlPath) -> None:
    for rule_id, defined_in in parent.disabled.items():
        layer.rules.pop(rule_id, None)  # a later parent's disable wins
        layer.disabled[rule_id] = defined_in
    for rule_id, raw in parent.rules.items():
        if rule_id in layer.disabled and raw.defined_in == layer.disabled[rule_id]:
            if len(raw.origins) == 1:
                continue  # unchanged in this parent: it stays disabled
            del layer.disabled[rule_id]  # changed in a later parent: that version wins
        existing = layer.rules.get(rule_id)
        if existing is None:
            layer.rules[rule_id] = raw
            continue
        if existing.defined_in != raw.defined_in:
            message = (
                f"the rule '{rule_id}' is defined both in {existing.defined_in} and in "
                f"{raw.defined_in}; a rule id must be unique across 'extends'"
            )
        elif existing.data == raw.data or len(raw.origins) == 1:
            continue  # the same, or only the earlier path changed it: keep that
        else:
            layer.rules[rule_id] = raw  # the later parent's change wins, as for vars
            continue
        raise RulesetResolutionError(issue(doc, where, message, rule_id=rule_id, field="extends"))
    for name, value in parent.vars.items():
        origin = parent.var_origins[name]
        if name not in layer.vars or _newer(origin, layer.var_origins[name]):
            layer.vars[name] = value
            layer.var_origins[name] = origin
    layer.sources.update(parent.sources)
    layer.planning.update(parent.planning)
    layer.planning_docs.update(parent.planning_docs)
    layer.files.extend(f for f in parent.files if f not in layer.files)
    layer.problems.extend(p for p in parent.problems if p not in layer.problems)


def apply_own(layer: Layer, header: RulesetHeader, doc: YamlDocument) -> None:
    issues: list[Issue] = []
    for name, value in header.vars.items():
        if is_period(value):
            try:
                parse_period(value)
            except ValueError as exc:
                issues.append(issue(doc, ("vars", name), str(exc), field=f"vars.{name}"))
        replaced: frozenset[str] = frozenset()
        if name in layer.var_origins:
            previous, earlier = layer.var_origins[name]
            replaced = earlier | {previous}
        layer.vars[name] = value
        layer.var_origins[name] = (doc.path, replaced)
    layer.sources.update(header.sources)
    for key, value in header.planning.items():
        inherited = layer.planning.get(key)
        if key in PER_PLATFORM and isinstance(value, dict) and isinstance(inherited, dict):
            value = {**inherited, **value}  # platform by platform, as vars are
        layer.planning[key] = value
        layer.planning_docs[key] = doc
    inherited = list(layer.rules)
    where: YamlPath
    for number, rule_id in enumerate(header.disable):
        where = ("disable", number) if isinstance(doc.data.get("disable"), list) else ("disable",)
        if rule_id in header.overrides:
            issues.append(
                issue(
                    doc,
                    where,
                    "this rule is both disabled and overridden; keep one of the two",
                    rule_id=rule_id,
                    field="disable",
                )
            )
        elif rule_id in layer.rules:
            layer.disabled[rule_id] = layer.rules.pop(rule_id).defined_in
        else:
            issues.append(_unknown_rule(doc, where, rule_id, inherited, "disable"))
    for rule_id, changes in header.overrides.items():
        where = ("overrides", rule_id)
        raw = layer.rules.get(rule_id)
        if raw is None:
            if rule_id not in header.disable:
                issues.append(_unknown_rule(doc, where, rule_id, inherited, "overrides"))
            continue
        fixed = [name for name in ("id", "kind") if name in changes]
        if fixed:
            issues.append(
                issue(
                    doc,
                    (*where, fixed[0]),
                    f"an override cannot change a rule's {fixed[0]}; "
                    "disable the rule and add a new one with a new id",
                    rule_id=rule_id,
                    field=fixed[0],
                    key=True,
                )
            )
            continue
        layer.rules[rule_id] = RawRule(
            rule_id,
            {**raw.data, **changes},
            [*raw.origins, Origin(doc, where, frozenset(changes))],
        )
    for number, data in enumerate(header.rules):
        where = ("rules", number)
        if not isinstance(data, dict):
            issues.append(
                issue(doc, where, "each rule must be a mapping of fields (id, kind, ...)")
            )
            continue
        given_id = data.get("id")
        rule_id = given_id if isinstance(given_id, str) else f"rules[{number}]"
        if rule_id in layer.rules or rule_id in layer.disabled:
            disabled = rule_id in layer.disabled
            other = layer.disabled[rule_id] if disabled else layer.rules[rule_id].defined_in
            if other == doc.path:
                detail = "earlier in this file"
            elif disabled:
                detail = f"in {other} (disabled); give your rule a new id"
            else:
                detail = f"in {other}; change it with 'overrides', or disable it and use a new id"
            issues.append(
                issue(
                    doc,
                    (*where, "id"),
                    f"this id is already defined {detail}",
                    rule_id=rule_id,
                    field="id",
                )
            )
            continue
        layer.rules[rule_id] = RawRule(rule_id, data, [Origin(doc, where)])
    layer.problems.extend(issues)


def _unknown_rule(
    doc: YamlDocument, where: YamlPath, rule_id: str, inherited: list[str], what: str
) -> Issue:
    return issue(
        doc,
        where,
        f"'{what}' names a rule that the inherited rulesets do not have"
        + suggest(rule_id, inherited),
        rule_id=rule_id,
        field=what,
        key=what == "overrides",
    )
