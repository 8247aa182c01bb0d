"""The commands for people who edit rulesets: validate, explain, rules, schema and docs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO, get_args

from pydantic import BaseModel, Field

from .errors import Issue, RulesetError, UsageError
from .kinds import KINDS, Rule, RuleBase
from .lint import lint
from .loader import load_ruleset, locate_in
from .planning import Planning
from .ruleset import Ruleset, RulesetHeader

__all__ = ["explain", "json_schema", "list_rules", "validate", "write_docs", "write_schema"]


def _place(issue: Issue) -> tuple[str, int, int]:
    where = issue.location
    return (where.path, where.line or 0, where.column or 0)


def validate(
    references: Sequence[str], out: TextIO, *, strict: bool = False, confine: bool = False
) -> int:
    """Check each ruleset; every problem at once, then warnings. Returns the exit code:
    0 valid, 1 when a ruleset has errors (or, with ``strict``, warnings)."""
    failed = False
    for reference in references:
        try:
            ruleset = load_ruleset(reference, confine=confine)
        except RulesetError as exc:
            for issue in sorted(exc.issues, key=_place):
                out.write(issue.line("error") + "\n")
            count = len(exc.issues)
            out.write(f"{reference}: {count} error{'s' if count != 1 else ''}\n")
            failed = True
            continue
        warnings = lint(ruleset)
        for issue in warnings:
            out.write(issue.line("warning") + "\n")
        count = len(warnings)
        rules = len(ruleset.rules)
        out.write(
            f"{reference}: valid ({ruleset.ref}, {rules} rule{'s' if rules != 1 else ''}), "
            f"{count} warning{'s' if count != 1 else ''}\n"
        )
        failed = failed or (strict and bool(warnings))
    return 1 if failed else 0


def _find_rule(ruleset: Ruleset, rule_id: str) -> RuleBase:
    try:
        return ruleset.rule(rule_id)
    except KeyError:
        from .bundled import bundled_rulesets
        from .loader import layer_of
        from .merge import suggest

        layer = layer_of(ruleset)
        if layer is not None and rule_id in layer.disabled:
            raise UsageError(
                f"{ruleset.ref} disables '{rule_id}' (its 'disable' list); remove it from "
                "there to use it again"
            ) from None
        elsewhere = [
            name
            for name in bundled_rulesets()
            if any(rule.id == rule_id for rule in load_ruleset(name).rules)
        ]
        hint = (
            f"; it is in the bundled {', '.join(elsewhere)}: add --ruleset {elsewhere[0]}"
            if elsewhere
            else suggest(rule_id, [rule.id for rule in ruleset.rules])
        )
        raise UsageError(
            f"{ruleset.ref} has no rule '{rule_id}'{hint} (list them with 'sociopolicy rules')"
        ) from None


_SHOWN_ELSEWHERE = frozenset(
    {"id", "category", "kind", "severity", "message", "rationale", "source", "examples"}
)


def explain(rule_id: str, reference: str | None, out: TextIO) -> int:
    """What a rule checks, why, its settings after the fork's changes, and its examples."""
    ruleset = load_ruleset(reference)
    rule = _find_rule(ruleset, rule_id)
    where = locate_in(ruleset, rule.id)
    out.write(f"{rule.id} ({rule.kind}, {rule.category}, {rule.severity})\n")
    out.write(f"  defined in {where}\n")
    kind_summary = getattr(type(rule), "KIND_SUMMARY", "")
    if kind_summary:
        out.write(f"  kind: {kind_summary}\n")
    if rule.rationale:
        out.write(f"\nWhy\n  {rule.rationale}\n")
    if rule.source:
        out.write(f"\nSource\n  {ruleset.citation(rule)}\n")
    out.write(f"\nMessage\n  {rule.message}\n")
    action = rule.action
    out.write(f"\nAction\n  {action.kind}")
    if action.to:
        out.write(f" -> {action.to}")
    if action.within:
        out.write(f" within {action.within}")
    out.write("\n")
    for extra in rule.also:
        out.write(f"  also {extra.kind}" + (f" -> {extra.to}" if extra.to else "") + "\n")
    if action.reply:
        out.write(f"\nSuggested reply (a template)\n  {action.reply.strip()}\n")
    settings = {
        name: value
        for name, value in rule.model_dump(
            mode="json", by_alias=True, exclude_defaults=True
        ).items()
        if name not in _SHOWN_ELSEWHERE and name != "action"
    }
    if settings:
        out.write("\nSettings (after any overrides)\n")
        for name, value in settings.items():
            out.write(f"  {name}: {json.dumps(value, ensure_ascii=False)}\n")
    for label, examples in (("fails on", rule.examples.fail), ("passes", rule.examples.pass_)):
        if examples:
            out.write(f"\nExamples it {label}\n")
            for example in examples:
                out.write(f"  - {example.text}\n")
    return 0


def list_rules(reference: str | None, category: str | None, out: TextIO) -> int:
    """A table of the ruleset's rules: id, category, severity, action."""
    ruleset = load_ruleset(reference)
    rules = [r for r in ruleset.rules if category is None or r.category == category]
    if category is not None and not rules:
        categories = sorted({r.category for r in ruleset.rules})
        raise UsageError(
            f"{ruleset.ref} has no rules in category '{category}' "
            f"(its categories: {', '.join(categories)})"
        )
    rows = [("id", "category", "severity", "action")]
    for rule in sorted(rules, key=lambda r: (r.category, r.id)):
        action = rule.action.kind + (f" -> {rule.action.to}" if rule.action.to else "")
        rows.append((rule.id, rule.category, rule.severity, action))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.write("  ".join([*cells, row[3]]).rstrip() + "\n")
    out.write(f"{len(rules)} rule{'s' if len(rules) != 1 else ''} in {ruleset.ref}\n")
    return 0


class _RulesetFile(RulesetHeader):
    """A ruleset file, as an editor should see it (for the JSON Schema)."""

    rules: list[Rule] = Field(default_factory=list, description="This file's own rules.")


SCHEMA_ID = "https://sociopolicy.example.org/schema/ruleset.schema.json"


def _models(
    model: type[BaseModel], found: dict[str, type[BaseModel]]
) -> dict[str, type[BaseModel]]:
    """Every model reachable from ``model``'s fields, by class name (as in ``$defs``)."""
    if model.__name__ in found:
        return found
    found[model.__name__] = model

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _models(annotation, found)
        for argument in get_args(annotation):
            visit(argument)

    for info in model.model_fields.values():
        visit(info.annotation)
    return found


def _single_too(schema: dict[str, Any]) -> dict[str, Any]:
    """An array schema that also accepts one item on its own (as ``one_or_many`` does)."""
    if schema.get("type") == "array" and "items" in schema:
        return {"anyOf": [schema["items"], schema], **_annotations(schema)}
    if "anyOf" in schema:
        options = list(schema["anyOf"])
        for option in schema["anyOf"]:
            if option.get("type") == "array" and "items" in option:
                options.insert(0, option["items"])
        return {**schema, "anyOf": options}
    return schema


def _annotations(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k in ("title", "description", "default")}


def _one_or_many(metadata: Sequence[Any]) -> bool:
    return any(getattr(getattr(m, "func", None), "__name__", "") == "one_or_many" for m in metadata)


def _patch(schema: dict[str, Any]) -> None:
    """Teach the schema what the models' 'before' validators accept: one value for a
    list, a plain string for an example, a word for an action."""
    defs = schema["$defs"]
    models = _models(_RulesetFile, {})
    for rule_model in KINDS.values():
        _models(rule_model, models)
    for name, model in models.items():
        target = schema if model is _RulesetFile else defs.get(name)
        if target is None:
            continue
        properties = target.get("properties", {})
        for field_name, info in model.model_fields.items():
            key = info.alias or field_name
            if key not in properties:
                continue
            if _one_or_many(info.metadata):
                properties[key] = _single_too(properties[key])
            for argument in get_args(info.annotation):  # dict[str, one-or-many] and lists of them
                if _one_or_many(getattr(argument, "__metadata__", ())):
                    inner = properties[key]
                    for slot in ("additionalProperties", "items"):
                        if isinstance(inner.get(slot), dict):
                            inner[slot] = _single_too(inner[slot])
    if "Example" in defs:
        defs["Example"] = {"anyOf": [{"type": "string"}, defs["Example"]]}
    if "ActionSpec" in defs:
        action = defs["ActionSpec"]
        action["properties"]["within"] = {
            **action["properties"]["within"],
            "anyOf": [{"type": "string", "pattern": _WITHIN}, {"type": "null"}],
        }
        defs["ActionSpec"] = {"anyOf": [action["properties"]["kind"], action]}
    _typed_rules(schema, defs)
    _typed_overrides(schema, defs)
    _typed_planning(schema, defs)


#: What an action's ``within`` may be: an ISO 8601 duration, or ``{{ vars.name }}``.
_WITHIN = (
    r"^(?:P(?!$)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?"
    r"|\{\{\s*vars\.[A-Za-z_][A-Za-z0-9_]*\s*\}\})$"
)


def _typed_rules(schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """Each rule checked against its own kind (``if kind is X then X's fields``), which
    every JSON Schema validator and editor understands, unlike ``discriminator``."""
    kinds = sorted(KINDS)
    items: dict[str, Any] = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": kinds, "description": "The check: one of the kinds."}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                "then": {"$ref": f"#/$defs/{KINDS[name].__name__}"},
            }
            for name in kinds
        ],
    }
    schema["properties"]["rules"]["items"] = items


def _typed_overrides(schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """An override gives some fields of a rule (any kind's), but never its id or kind."""
    fields: dict[str, Any] = {}
    for model in KINDS.values():
        for key, value in defs[model.__name__].get("properties", {}).items():
            if key not in ("id", "kind"):
                fields.setdefault(key, value)
    overrides = schema["properties"]["overrides"]
    for pattern in overrides.get("patternProperties", {}):
        overrides["patternProperties"][pattern] = {
            "type": "object",
            "properties": dict(sorted(fields.items())),
            "additionalProperties": False,
        }


def _typed_planning(schema: dict[str, Any], defs: dict[str, Any]) -> None:
    planning = Planning.model_json_schema(by_alias=True, mode="validation")
    defs.update(planning.pop("$defs", {}))
    defs["Planning"] = planning
    described = schema["properties"]["planning"].get("description")
    schema["properties"]["planning"] = {"$ref": "#/$defs/Planning", "description": described}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 7) of a ruleset file, from the Pydantic models."""
    schema = _RulesetFile.model_json_schema(by_alias=True, mode="validation")
    _patch(schema)
    # Draft 7 is what most editors' YAML support reads; the schema uses nothing newer.
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "sociopolicy ruleset"
    schema["description"] = (
        "A sociopolicy ruleset file: header fields, vars, sources, and rules of each kind. "
        "See docs/ruleset-format.md."
    )
    return schema


def schema_text() -> str:
    """The schema as written to a file: sorted keys, two-space indents, a final newline."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema(out: TextIO) -> int:
    out.write(schema_text())
    return 0


def write_docs(
    reference: str, fmt: str | None, output: str | None, templates: str | None, out: TextIO
) -> int:
    """Render a ruleset as a staff-facing policy document (Markdown or HTML)."""
    if fmt is None:
        fmt = "html" if output and output.lower().endswith((".html", ".htm")) else "md"
    from .policydoc import render_policy  # Jinja2 templates only this command needs

    ruleset = load_ruleset(reference)
    folder = Path(templates) if templates else None
    if fmt == "md":
        text = render_policy(ruleset, "md", folder)
    elif fmt == "html":
        text = render_policy(ruleset, "html", folder)
    else:
        raise UsageError(f"--format must be md or html, not '{fmt}'")
    if output is None:
        out.write(text)
        return 0
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{output}: cannot write the document: {exc.strerror}") from None
    return 0
