"""A small JSON Schema checker for the tests: the keywords Pydantic's schemas use.

Supports type, properties, required, additionalProperties, items, enum, const,
anyOf, oneOf, allOf, $ref into $defs, minItems/maxItems, minLength/maxLength,
pattern, patternProperties and if/then/else. Enough to prove that
every bundled ruleset fits the published schema and that common mistakes do not.
"""

from __future__ import annotations

import re
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def problems(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty when it fits)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return problems(value, root["$defs"][name], root, at)
    found: list[str] = []
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, _TYPES[k])
            and not (k in ("integer", "number") and value is True)
            and not (k in ("integer", "number") and value is False)
            for k in kinds
        )
        if not ok:
            return [f"{at or '/'}: expected {kinds}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        found.append(f"{at}: {value!r} is not {schema['const']!r}")
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            results = [problems(value, option, root, at) for option in schema[keyword]]
            if all(results):
                found.append(f"{at}: fits none of {keyword} ({min(results, key=len)[0]})")
    for option in schema.get("allOf", ()):
        found += problems(value, option, root, at)
    if "if" in schema:
        branch = "then" if not problems(value, schema["if"], root, at) else "else"
        if branch in schema:
            found += problems(value, schema[branch], root, at)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for name in schema.get("required", ()):
            if name not in value:
                found.append(f"{at}/{name}: required")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            matching = [p for p in patterns if re.search(p, name)]
            if name in properties:
                found += problems(item, properties[name], root, f"{at}/{name}")
            elif matching:
                for pattern in matching:
                    found += problems(item, patterns[pattern], root, f"{at}/{name}")
            elif extra is False:
                found.append(f"{at}/{name}: not allowed")
            elif isinstance(extra, dict):
                found += problems(item, extra, root, f"{at}/{name}")
    if isinstance(value, list):
        if "items" in schema:
            for number, item in enumerate(value):
                found += problems(item, schema["items"], root, f"{at}/{number}")
        if len(value) < schema.get("minItems", 0):
            found.append(f"{at}: fewer than {schema['minItems']} items")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            found.append(f"{at}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{at}: does not match {schema['pattern']}")
    return found
