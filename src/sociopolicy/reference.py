"""The ruleset format reference, written from the models so it cannot drift.

:func:`format_reference` renders every field of a ruleset file, of every
rule, and of each rule kind, with its type, default and description, from the
Pydantic models and their JSON Schema. ``docs/reference.md`` is this text; a
test fails when it is stale (regenerate with
``python -m sociopolicy.reference > docs/reference.md``).
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .kinds import KINDS, ActionSpec, Example, Examples, RuleBase, When
from .planning import Planning
from .rulecommands import json_schema as _json_schema
from .ruleset import RulesetHeader, Source

__all__ = ["format_reference"]

_HEADER = """\
# Ruleset format reference

<!-- Generated from the models: python -m sociopolicy.reference > docs/reference.md -->

Every field a ruleset file may have, with its type, default and meaning. The
guide to writing rulesets is [ruleset-format.md](ruleset-format.md); this page
is the complete list. A field marked *required* must be given. "one or a list"
means a single value may stand for a list of one.
"""


@functools.lru_cache(maxsize=1)
def json_schema() -> dict[str, Any]:
    return _json_schema()


def _type_words(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """A field's JSON Schema in a few words."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        return _type_words(target, defs) if "anyOf" in target else f"mapping ({name})"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "anyOf" in schema:
        options = [_type_words(option, defs) for option in schema["anyOf"]]
        options = [o for o in options if o != "null"]
        if len(options) == 2 and options[1] == f"list of {options[0]}":
            return f"one or a list of {options[0]}"
        return " or ".join(dict.fromkeys(options))
    kind = schema.get("type")
    if kind == "array":
        return f"list of {_type_words(schema.get('items', {}), defs)}"
    if kind == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, dict):
            return f"mapping of names to {_type_words(values, defs)}"
        return "mapping"
    words = {
        "string": "text",
        "integer": "whole number",
        "number": "number",
        "boolean": "true/false",
    }
    return words.get(str(kind), str(kind) if kind else "any value")


def _default(info: Any) -> str:
    if info.is_required():
        return "*required*"
    if info.default_factory is not None:
        value = info.default_factory()
    elif info.default is PydanticUndefined:  # pragma: no cover - required above
        return "*required*"
    else:
        value = info.default
    if value in (None, (), [], {}):
        return "none"
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_defaults=True) or "none"
        if value == "none":
            return "none"
    return f"`{json.dumps(value, ensure_ascii=False, default=str)}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _properties(model: type[BaseModel], schema: dict[str, Any]) -> dict[str, Any]:
    """The model's properties in the published schema (which knows what a single
    value for a list, or a word for an action, may stand for)."""
    if model is RulesetHeader:
        return dict(schema["properties"])
    # The common rule fields are described (patched) in each kind's definition.
    entry = schema["$defs"].get("TermsRule" if model is RuleBase else model.__name__)
    if entry is None:
        own = model.model_json_schema(by_alias=True, mode="validation")
        return dict(own.get("properties", {}))
    for option in [entry, *entry.get("anyOf", ())]:
        if "properties" in option:
            return dict(option["properties"])
    return {}  # pragma: no cover - every model has properties


def _table(model: type[BaseModel], skip: frozenset[str] = frozenset()) -> str:
    schema = json_schema()
    defs = schema["$defs"]
    properties = _properties(model, schema)
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        key = info.alias or name
        if name in skip or key in skip:
            continue
        words = _type_words(properties.get(key, {}), defs)
        if model is RuleBase and key == "kind":
            words = "one of the kinds below"
        rows.append(
            f"| `{key}` | {_cell(words)} | {_default(info)} | {_cell(info.description or '')} |"
        )
    return "\n".join(rows)


def _doc(model: type[BaseModel]) -> str:
    """The model's docstring in Markdown: ``code`` and Sphinx roles as `code`."""
    text = inspect.cleandoc(model.__doc__ or "").strip()
    text = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text)
    return text.replace("``", "`")


def format_reference() -> str:
    """The whole reference, as Markdown."""
    parts = [_HEADER]
    sections: list[tuple[str, type[BaseModel], frozenset[str]]] = [
        ("The ruleset file", RulesetHeader, frozenset()),
        ("`sources` entries", Source, frozenset()),
        ("`planning`", Planning, frozenset()),
        ("Fields every rule has", RuleBase, frozenset()),
        ("`action` and `also`", ActionSpec, frozenset()),
        ("`when`", When, frozenset()),
        ("`examples`", Examples, frozenset()),
        ("An example", Example, frozenset()),
    ]
    for title, model, skip in sections:
        parts.append(f"## {title}\n\n{_doc(model)}\n\n{_table(model, skip)}\n")
    parts.append(
        "## Rule kinds\n\nEach rule's `kind` picks one of these checks; its fields come on "
        "top of the fields every rule has.\n"
    )
    common = frozenset(RuleBase.model_fields)
    for name in sorted(KINDS):
        model = KINDS[name]
        summary = getattr(model, "KIND_SUMMARY", "")
        body = f"### `{name}`\n\n"
        if summary:
            body += f"{summary}\n\n"
        body += f"{_doc(model)}\n\n"
        table = _table(model, common)
        body += table + "\n" if table.count("\n") > 1 else "No fields of its own.\n"
        names = sorted(getattr(model, "TEMPLATE_NAMES", ()))
        if names:
            body += "\nIts messages may also use " + ", ".join(f"`{{{{ {n} }}}}`" for n in names)
            body += ".\n"
        parts.append(body)
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover - python -m sociopolicy.reference
    import sys

    sys.stdout.write(format_reference())
