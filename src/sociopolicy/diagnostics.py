"""Turn Pydantic validation errors into sentences a policy officer understands."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic_core import ErrorDetails

__all__ = ["close_matches", "describe_error", "field_path", "prune_errors"]


def field_path(loc: Sequence[str | int]) -> str:
    """``('rules', 3, 'terms', 2)`` -> ``rules[3].terms[2]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def prune_errors(errors: Iterable[ErrorDetails]) -> list[ErrorDetails]:
    """Drop errors that only repeat a more precise one.

    An error is dropped when another error lies below it, and a "missing field"
    error is dropped when a misspelt field beside it explains it (``term`` for
    ``terms``): the misspelling is reported, with a suggestion.
    """
    kept = list(errors)
    locs = [tuple(e["loc"]) for e in kept]
    misspelt = {
        (loc[:-1], str(loc[-1]))
        for error, loc in zip(kept, locs, strict=True)
        if error["type"] == "extra_forbidden" and loc
    }

    def explained(error: ErrorDetails, loc: tuple[str | int, ...]) -> bool:
        if error["type"] != "missing" or not loc:
            return False
        names = [name for parent, name in misspelt if parent == loc[:-1]]
        return bool(close_matches(str(loc[-1]), names, n=1))

    return [
        error
        for error, loc in zip(kept, locs, strict=True)
        if not any(other != loc and other[: len(loc)] == loc for other in locs)
        and not explained(error, loc)
    ]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = str(value)
    return f"'{text[:60]}...'" if len(text) > 60 else f"'{text}'"


def describe_error(
    error: ErrorDetails, *, known_fields: Iterable[str] = (), for_yaml: bool = True
) -> str:
    """One sentence for one Pydantic error (without location).

    ``for_yaml`` adds advice for YAML authors (such as quoting a value).
    """
    kind = error["type"]
    ctx = error.get("ctx", {}) or {}
    value = error.get("input")
    loc = error["loc"]
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "value")
    if kind == "missing":
        return f"the required field '{name}' is missing"
    if kind == "extra_forbidden":
        hint = ""
        close = close_matches(name, [f for f in known_fields if f != name], n=1)
        if close:
            hint = f"; did you mean '{close[0]}'?"
        return f"'{name}' is not a known field{hint}"
    if kind in {"string_type", "str_type"}:
        return f"expected text, got {_show(value)}" + ("; put it in quotes" if for_yaml else "")
    if kind == "bool_type":
        return f"expected true or false, got {_show(value)}"
    if kind in {"int_type", "float_type"}:
        return f"expected a number, got {_show(value)}"
    if kind in {"list_type", "tuple_type"}:
        return f"expected a list, got {_show(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping of fields, got {_show(value)}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{_show(value)} is not allowed; use one of: {expected}"
    if kind == "union_tag_invalid":
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        return f"unknown kind {_show(ctx.get('tag'))}; use one of: {expected}"
    if kind == "union_tag_not_found":
        return "the required field 'kind' is missing"
    if kind == "string_pattern_mismatch":
        return f"{_show(value)} does not have the expected form ({_pattern_help(name)})"
    if kind in {"too_short", "string_too_short"}:
        minimum = ctx.get("min_length", 1)
        if kind == "string_too_short":
            return "must not be empty"
        return f"needs at least {minimum} item{'s' if minimum != 1 else ''}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def _pattern_help(name: str) -> str:
    if name in {"id", "disable"} or name.startswith("rule"):
        return "a rule id is category.name in lower case with hyphens, e.g. tone.shouting"
    if name == "name":
        return "lower-case letters, digits and hyphens"
    if name == "url":
        return "a web address starting with https://"
    if name == "locale":
        return "a language tag such as en or en-AU"
    return "see docs/ruleset-format.md"


def close_matches(word: str, choices: Sequence[str], n: int, cutoff: float = 0.6) -> list[str]:
    """``difflib.get_close_matches``, imported only when a name is misspelled."""
    import difflib

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)
