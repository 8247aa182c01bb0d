"""Jinja2 templates for rule messages and suggested replies.

Templates come from ruleset files that anyone may fork, so they run in Jinja2's
immutable sandbox: no access to Python internals, no changing data. Undefined
names are errors, caught when the ruleset loads rather than when a draft is
checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "COMMON_NAMES",
    "MAX_ITEMS",
    "MAX_RENDERED_CHARS",
    "MAX_TEMPLATE_CHARS",
    "REPLY_NAMES",
    "SAFE_FILTERS",
    "Template",
    "TemplateLimit",
    "TemplateProblem",
    "compile_template",
    "names_in",
]

#: Names every rule message may use; each kind adds its own (``term``, ``groups``...)
#: and suggested replies add :data:`REPLY_NAMES`.
COMMON_NAMES = frozenset({"match", "vars", "rule", "platform", "kind"})
#: Names suggested replies may also use: the comment answered, and the first
#: name its author signed with (None when it gives none).
REPLY_NAMES = frozenset({"comment", "commenter"})


#: The longest template source a ruleset may have, and the longest text a
#: template may produce (a message or a reply is a few sentences).
MAX_TEMPLATE_CHARS = 20_000
MAX_RENDERED_CHARS = 20_000
#: Filters a template may use: each gives text no longer than its input allows.
SAFE_FILTERS = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float",
        "forceescape", "int", "join", "last", "length", "list", "lower", "max", "min",
        "replace", "reverse", "round", "sort", "string", "striptags", "sum", "title",
        "trim", "truncate", "unique", "upper", "urlencode", "wordcount",
    }
)  # fmt: skip


class TemplateLimit(Exception):
    """A template tried to make more text than a message or reply can hold."""


class TemplateProblem(ValueError):
    """A template that cannot be compiled or uses a name it cannot have."""


# A simple template as parts: literal text, or a name with an optional key and
# an optional filter: ("join", separator) or ("capitalize", None).
_Filter = tuple[str, str | None]
_Part = str | tuple[str, str | None, _Filter | None]
#: The most items a filter may make a list of, or join (a string's characters included).
MAX_ITEMS = 10_000
_NOT_SIMPLE = object()


class Template:
    """A compiled message or reply template.

    Most messages are text with ``{{ name }}`` or ``{{ name.key }}`` in it and
    nothing else; those are rendered by joining their parts, which gives
    Jinja2's result many times faster. Anything else (filters, conditions,
    loops, or a value that is not a plain mapping entry) is rendered by Jinja2,
    which compiles the template the first time it renders it.
    """

    __slots__ = ("_parts", "_template", "source")

    def __init__(self, source: str, parts: tuple[_Part, ...] | None = None) -> None:
        self.source = source
        self._template: jinja2.Template | None = None
        self._parts = parts

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        # Without Jinja2's compiled form (it does not pickle; it is made again when needed).
        return None, {"source": self.source, "_parts": self._parts, "_template": None}

    def render(self, values: Mapping[str, Any]) -> str:
        """Render with ``values``; the result is stripped of surrounding blanks."""
        if self._parts is not None:
            joined = _join(self._parts, values)
            if joined is not None:
                return joined.strip()
        # Rendered piece by piece and counted, so a template cannot build up
        # more than the limit before it is stopped.
        pieces: list[str] = []
        made = 0
        for piece in self.compiled().generate(values):
            made += len(piece)
            if made > MAX_RENDERED_CHARS:
                raise TemplateLimit(
                    f"the template made more than {MAX_RENDERED_CHARS:,} characters"
                )
            pieces.append(piece)
        return "".join(pieces).strip()

    def compiled(self) -> jinja2.Template:
        """The template compiled by Jinja2 (the first time it is asked for)."""
        template = self._template
        if template is None:
            from .jinjasandbox import ENVIRONMENT  # Jinja2 only for templates that need it

            template = self._template = ENVIRONMENT.from_string(self.source)
        return template


def _join(parts: tuple[_Part, ...], values: Mapping[str, Any]) -> str | None:
    """The parts with values put in, or None if a value needs Jinja2 to render."""
    pieces = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        name, key, how = part
        value = values.get(name, _NOT_SIMPLE)
        if key is not None:
            if type(value) is not dict or key not in value or hasattr(dict, key):
                return None  # attributes, missing keys: Jinja2 knows the rules
            value = value[key]
        if value is _NOT_SIMPLE:
            return None
        if how is not None:
            value = _filtered(value, how)
            if value is _NOT_SIMPLE:
                return None
        if value is None:
            continue  # shown as nothing (see _finalize)
        if type(value) is not str and type(value) not in (int, float, bool):
            return None
        pieces.append(value if type(value) is str else str(value))
    if sum(map(len, pieces)) > MAX_RENDERED_CHARS:
        raise TemplateLimit(f"the template made more than {MAX_RENDERED_CHARS:,} characters")
    return "".join(pieces)


def _filtered(value: Any, how: _Filter) -> Any:
    """``value`` through the filter, as Jinja2 gives it, or _NOT_SIMPLE when
    the value is not plain text (or a list of it): Jinja2 then renders it."""
    name, separator = how
    if name == "join":
        if type(value) not in (list, tuple) or not all(type(item) is str for item in value):
            return _NOT_SIMPLE
        if len(value) > MAX_ITEMS:
            raise TemplateLimit(f"a filter would join more than {MAX_ITEMS:,} items")
        return (separator or "").join(value)
    if name == "capitalize" and type(value) is str:
        return value.capitalize()
    return _NOT_SIMPLE


#: ``{{ name }}`` or ``{{ name.key }}``, perhaps with ``| join("...")`` (a
#: separator without backslashes) or ``| capitalize`` (see _quick_parts).
_SIMPLE_OUTPUT = re.compile(
    r"\{\{\s*([A-Za-z][A-Za-z0-9_]*)(?:\.([A-Za-z][A-Za-z0-9_]*))?\s*"
    r"(?:\|\s*(?:(join)\(\s*(?:\"([^\"\\\\]*)\"|'([^'\\\\]*)')\s*\)|(capitalize))\s*)?\}\}"
)
#: Words Jinja2 reads as constants or operators, not as names.
_NOT_NAMES = frozenset(
    ["true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else"]
)


def _quick_parts(source: str) -> tuple[_Part, ...] | None:
    """The parts of a simple template, read without Jinja2's parser (None: not simple).

    Only text with ``{{ name }}`` or ``{{ name.key }}`` qualifies, perhaps
    joined with a constant separator or capitalised: no other ``{{``, ``{%`` or
    ``{#`` anywhere. It gives what :func:`_simple_parts` gives
    from Jinja2's tree (a test compares them), several times faster.
    """
    parts: list[_Part] = []
    at = 0
    for match in _SIMPLE_OUTPUT.finditer(source):
        if source[match.start() - 1 : match.start()] == "{":
            return None  # "{{{": Jinja2 reads the tag from the first two
        parts.append(source[at : match.start()])
        name, key = match.group(1), match.group(2)
        if name in _NOT_NAMES:
            return None
        how: _Filter | None = None
        if match.group(3):
            separator = match.group(4) if match.group(4) is not None else match.group(5)
            how = ("join", separator)
        elif match.group(6):
            how = ("capitalize", None)
        parts.append((name, key, how))
        at = match.end()
    parts.append(source[at:])
    texts = [part for part in parts if isinstance(part, str)]
    if any("{{" in t or "{%" in t or "{#" in t for t in texts):
        return None
    if source.endswith("\n"):
        return None  # Jinja2 drops one trailing newline; leave such text to it
    return tuple(part for part in parts if part != "")


def names_in(parts: tuple[_Part, ...]) -> tuple[set[str], list[tuple[str, str]]]:
    """A simple template's top-level names, and the keys it looks up on them.

    They are its parts' (a simple template assigns none): much quicker than
    Jinja2's analysis, which generates the template's code.
    """
    used = {part[0] for part in parts if not isinstance(part, str)}
    keys = [
        (part[0], part[1]) for part in parts if not isinstance(part, str) and part[1] is not None
    ]
    return used, keys


def compile_template(
    source: str,
    *,
    allowed: frozenset[str],
    variables: Iterable[str] = (),
    groups: Iterable[str] | None = None,
) -> Template:
    """Compile ``source`` and check every name it uses.

    Args:
        source: the template text.
        allowed: the top-level names the template may use.
        variables: the names defined under ``vars`` in the ruleset.
        groups: the named groups of a pattern rule, if the template can use ``groups``.

    Raises:
        TemplateProblem: the template has a syntax error, or uses an unknown name.
    """
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateProblem(
            f"the template is {len(source):,} characters long; the most is {MAX_TEMPLATE_CHARS:,}"
        )
    parts = _quick_parts(source)
    if parts is not None:
        used, keys = names_in(parts)
    else:
        from .jinjasandbox import analyse  # Jinja2 only for templates that need it

        parts, used, keys = analyse(source)
    unknown = sorted(used - allowed)
    if unknown:
        names = ", ".join(sorted(allowed))
        raise TemplateProblem(
            f"the template uses '{unknown[0]}', which is not defined; it can use {names}"
        )
    missing = sorted({key for name, key in keys if name == "vars"} - set(variables))
    if missing:
        raise TemplateProblem(
            f"the template uses 'vars.{missing[0]}', but the ruleset defines no var "
            f"'{missing[0]}'; add it under 'vars'"
        )
    if groups is not None:
        missing = sorted({key for name, key in keys if name == "groups"} - set(groups))
        if missing:
            named = ", ".join(sorted(groups)) or "none"
            raise TemplateProblem(
                f"the template uses 'groups.{missing[0]}', but the pattern has no group "
                f"named '{missing[0]}' (named groups: {named})"
            )
    # Jinja2 compiles it the first time it is needed: most templates of a
    # ruleset never are in a run, and simple ones are joined without it.
    return Template(source, parts)
