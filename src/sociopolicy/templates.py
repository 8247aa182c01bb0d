"""Jinja2 templates for rule messages and suggested replies.

Templates come from ruleset files that anyone may fork, so they run in Jinja2's
immutable sandbox: no access to Python internals, no changing data. Undefined
names are errors, caught when the ruleset loads rather than when a draft is
checked.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
import jinja2.nodes
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = [
    "COMMON_NAMES",
    "MAX_RENDERED_CHARS",
    "MAX_TEMPLATE_CHARS",
    "REPLY_NAMES",
    "SAFE_FILTERS",
    "Template",
    "TemplateLimit",
    "TemplateProblem",
    "compile_template",
]

#: Names every rule message may use; each kind adds its own (``term``, ``groups``...)
#: and suggested replies add :data:`REPLY_NAMES`.
COMMON_NAMES = frozenset({"match", "vars", "rule", "platform", "kind"})
#: Names suggested replies may also use: the comment answered, and the first
#: name its author signed with (None when it gives none).
REPLY_NAMES = frozenset({"comment", "commenter"})


def _finalize(value: Any) -> Any:
    """Show a missing value (``None``) as nothing rather than the word None."""
    return "" if value is None else value


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
#: What a template cannot contain: other files, macros, and calls of any kind
#: (the usual ways out of a sandbox, or into a long loop).
_REFUSED_NODES: dict[type[nodes.Node], str] = {
    nodes.Call: "calls functions or methods (use a filter, such as '| upper')",
    nodes.Include: "includes another template",
    nodes.Import: "imports another template",
    nodes.FromImport: "imports another template",
    nodes.Extends: "extends another template",
    nodes.Block: "defines a block",
    nodes.Macro: "defines a macro",
    nodes.CallBlock: "calls a macro",
    nodes.Pow: "raises a number to a power (**)",
    nodes.Assign: "sets a variable ({% set %})",
    nodes.AssignBlock: "sets a variable ({% set %})",
    nodes.With: "sets a variable ({% with %})",
}
#: The most pieces a template may join with "~" in all: text joined from pieces
#: the template repeats can grow only as far as its own length allows.
_MOST_JOINED = 64
# A %-format with a width or precision of four digits or more, or taken from
# the arguments ("%*s"): it would make text of any length.
_WIDE_FORMAT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d{4,}|\*|\d*\.(?:\d{4,}|\*))")


class TemplateLimit(SecurityError):
    """A template tried to make more text than a message or reply can hold."""


def _too_long(size: int) -> None:
    if size > MAX_RENDERED_CHARS:
        raise TemplateLimit(f"a filter would make more than {MAX_RENDERED_CHARS:,} characters")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple | dict) else len(str(value))


def _check_join(value: Any, separator: Any = "", *_: Any, **__: Any) -> None:
    if not isinstance(value, str | list | tuple):
        return  # an iterator: checked by its size when made
    if len(value) > MAX_ITEMS:
        raise TemplateLimit(f"a filter would join more than {MAX_ITEMS:,} items")
    _too_long(sum(_size(item) for item in value) + _size(separator) * max(len(value) - 1, 0))


def _check_replace(value: Any, old: Any = "", new: Any = "", count: Any = None, **_: Any) -> None:
    text, old, new = str(value), str(old), str(new)
    times = (len(text) + 1 if not old else text.count(old)) if count is None else int(count)
    _too_long(len(text) + max(len(new) - len(old), 0) * times)


def _check_items(value: Any, *_: Any, **__: Any) -> None:
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_ITEMS:
        raise TemplateLimit(f"a filter would make a list of more than {MAX_ITEMS:,} items")


def _check_escape_growth(value: Any, *_: Any, **__: Any) -> None:
    _too_long(3 * _size(value))


#: Checks run before a filter whose result can be larger than its input.
_BEFORE: dict[str, Any] = {
    "join": _check_join,
    "replace": _check_replace,
    "list": _check_items,
    "sort": _check_items,
    "unique": _check_items,
    "reverse": _check_items,
    "urlencode": _check_escape_growth,
    "e": _check_escape_growth,
    "escape": _check_escape_growth,
    "forceescape": _check_escape_growth,
}
#: The most items a filter may make a list of (a string's characters included).
MAX_ITEMS = 10_000


def _limited(name: str, filter_function: Any) -> Any:
    """A filter that refuses, before it runs, to make more than
    :data:`MAX_RENDERED_CHARS` characters (or :data:`MAX_ITEMS` items)."""
    check = _BEFORE.get(name)
    takes_context = hasattr(filter_function, "jinja_pass_arg")

    def limited(*args: Any, **kwargs: Any) -> Any:
        if check is not None:
            check(*(args[1:] if takes_context else args), **kwargs)
        value = filter_function(*args, **kwargs)
        if isinstance(value, str) and len(value) > MAX_RENDERED_CHARS:
            raise TemplateLimit(f"a filter made more than {MAX_RENDERED_CHARS:,} characters")
        return value

    # Jinja2 reads how to call a filter (with the context or environment) from this.
    if takes_context:
        limited.jinja_pass_arg = filter_function.jinja_pass_arg  # type: ignore[attr-defined]
    return limited


class _RulesetEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, narrowed for templates from anyone's ruleset.

    No globals (``range``, ``lipsum`` and ``cycler`` are common ways in), only
    :data:`SAFE_FILTERS`, and repetition (``*``) and %-formatting checked
    before they run, so no template can make text without bound.
    """

    intercepted_binops = frozenset({"*", "%", "+"})

    def __init__(self) -> None:
        super().__init__(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=_finalize,
        )
        self.globals.clear()
        self.filters = {
            name: _limited(name, function)
            for name, function in self.filters.items()
            if name in SAFE_FILTERS
        }

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for many, times in ((left, right), (right, left)):
                if (
                    isinstance(many, str | list | tuple)
                    and isinstance(times, int)
                    and len(many) * max(times, 0) > MAX_RENDERED_CHARS
                ):
                    raise TemplateLimit("a repetition would make too long a text")
        if operator == "%" and isinstance(left, str):
            if _WIDE_FORMAT.search(left):
                raise TemplateLimit("a %-format asks for too wide a field")
            # Each directive may take the longest value, padded to three digits' width.
            values = right.values() if isinstance(right, dict) else right
            values = values if isinstance(values, tuple | list | type({}.values())) else [right]
            longest = max((len(str(v)) for v in values), default=0)
            if len(left) + left.count("%") * (longest + 999) > MAX_RENDERED_CHARS:
                raise TemplateLimit("a %-format would make too long a text")
        if (
            operator == "+"
            and isinstance(left, str | list | tuple)
            and isinstance(right, str | list | tuple)
            and len(left) + len(right) > MAX_RENDERED_CHARS
        ):
            raise TemplateLimit("joining these would make too long a text")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | list | tuple) and len(result) > MAX_RENDERED_CHARS:
            raise TemplateLimit(f"a calculation made more than {MAX_RENDERED_CHARS:,} characters")
        return result


_ENVIRONMENT = _RulesetEnvironment()
#: Every filter Jinja2 has, to tell a refused filter from a mistyped one.
_JINJA_FILTERS = frozenset(ImmutableSandboxedEnvironment().filters)


class TemplateProblem(ValueError):
    """A template that cannot be compiled or uses a name it cannot have."""


# A simple template as parts: literal text, or a name with an optional key.
_Part = str | tuple[str, str | None]
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
            template = self._template = _ENVIRONMENT.from_string(self.source)
        return template


def _join(parts: tuple[_Part, ...], values: Mapping[str, Any]) -> str | None:
    """The parts with values put in, or None if a value needs Jinja2 to render."""
    pieces = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        name, key = part
        value = values.get(name, _NOT_SIMPLE)
        if key is not None:
            if type(value) is not dict or key not in value or hasattr(dict, key):
                return None  # attributes, missing keys: Jinja2 knows the rules
            value = value[key]
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


def _simple_parts(tree: nodes.Template) -> tuple[_Part, ...] | None:
    """The parts of a template that is only text and ``{{ name }}``/``{{ name.key }}``."""
    parts: list[_Part] = []
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            return None
        for node in statement.nodes:
            if isinstance(node, nodes.TemplateData):
                parts.append(node.data)
            elif isinstance(node, nodes.Name):
                parts.append((node.name, None))
            elif (
                isinstance(node, nodes.Getattr)
                and isinstance(node.node, nodes.Name)
                and not node.attr.startswith("_")
            ):
                parts.append((node.node.name, node.attr))
            else:
                return None
    return tuple(parts)


def _keys_used(tree: nodes.Template, name: str) -> Iterable[str]:
    """Attribute or constant keys looked up on the top-level ``name``."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = getattr(node, "node", None)
        if not (isinstance(target, nodes.Name) and target.name == name):
            continue
        if isinstance(node, nodes.Getattr):
            yield node.attr
        elif isinstance(node, nodes.Getitem):
            key = node.arg
            if isinstance(key, nodes.Const) and isinstance(key.value, str):
                yield key.value


def _internal_access(tree: nodes.Template) -> str | None:
    """The first attribute or key starting with '_' that the template looks up, if any.

    The sandbox refuses them when rendering too; finding them here reports the
    ruleset's mistake (or attack) when it loads, with its file and line.
    """
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            return node.attr
        # A constant key (x['__class__']) or attr() name (x|attr('__class__')).
        keys = [node.arg] if isinstance(node, nodes.Getitem) else []
        if isinstance(node, nodes.Filter) and node.name == "attr":
            keys = list(node.args)
        for key in keys:
            value = key.value if isinstance(key, nodes.Const) else None
            if isinstance(value, str) and value.startswith("_"):
                return value
    return None


#: ``{{ name }}`` or ``{{ name.key }}`` (see _quick_parts).
_SIMPLE_OUTPUT = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_]*)(?:\.([A-Za-z][A-Za-z0-9_]*))?\s*\}\}")
#: Words Jinja2 reads as constants or operators, not as names.
_NOT_NAMES = frozenset(
    ["true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else"]
)


def _quick_parts(source: str) -> tuple[_Part, ...] | None:
    """The parts of a simple template, read without Jinja2's parser (None: not simple).

    Only text with ``{{ name }}`` or ``{{ name.key }}`` qualifies: no other
    ``{{``, ``{%`` or ``{#`` anywhere. It gives what :func:`_simple_parts` gives
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
        parts.append((name, key))
        at = match.end()
    parts.append(source[at:])
    texts = [part for part in parts if isinstance(part, str)]
    if any("{{" in t or "{%" in t or "{#" in t for t in texts):
        return None
    if source.endswith("\n"):
        return None  # Jinja2 drops one trailing newline; leave such text to it
    return tuple(part for part in parts if part != "")


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
    tree: nodes.Template | None = None
    if parts is None:
        tree = _parsed(source)
        parts = _simple_parts(tree)
    if parts is not None:
        # A simple template's names are its parts' (it assigns none): much
        # quicker than Jinja2's analysis, which generates the template's code.
        used = {part[0] for part in parts if not isinstance(part, str)}
        keys = [
            (part[0], part[1])
            for part in parts
            if not isinstance(part, str) and part[1] is not None
        ]
    else:
        assert tree is not None
        used = meta.find_undeclared_variables(tree)
        keys = [(name, key) for name in ("vars", "groups") for key in _keys_used(tree, name)]
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


def _parsed(source: str) -> nodes.Template:
    """Jinja2's tree of ``source``, refused if it has a syntax error, reaches for
    Python internals, or uses an unknown filter or test."""
    try:
        tree = _ENVIRONMENT.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"template syntax error on its line {exc.lineno}: {exc.message}"
        ) from None
    internal = _internal_access(tree)
    if internal is not None:
        raise TemplateProblem(
            f"the template reaches for '{internal}'; names starting with '_' are Python "
            "internals, which templates cannot use"
        )
    for node in tree.find_all(tuple(_REFUSED_NODES)):
        raise TemplateProblem(
            f"the template {_REFUSED_NODES[type(node)]}, which templates cannot do"
        )
    for node in tree.find_all((nodes.Mul, nodes.Mod)):
        constants = [
            side.value for side in (node.left, node.right) if isinstance(side, nodes.Const)
        ]
        if isinstance(node, nodes.Mul) and any(
            isinstance(value, int) and value > MAX_RENDERED_CHARS for value in constants
        ):
            raise TemplateProblem("the template repeats something too many times")
        left = node.left.value if isinstance(node.left, nodes.Const) else None
        if isinstance(node, nodes.Mod) and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise TemplateProblem("the template's %-format asks for too wide a field")
    joined = sum(len(node.nodes) for node in tree.find_all(nodes.Concat))
    if joined > _MOST_JOINED:
        raise TemplateProblem(
            f"the template joins {joined} pieces with '~' (the most is {_MOST_JOINED})"
        )
    for loop in tree.find_all(nodes.For):
        if any(True for _ in loop.find_all(nodes.For)):
            raise TemplateProblem(
                "the template has a loop inside a loop, which templates cannot have"
            )
    for node in tree.find_all((jinja2.nodes.Filter, jinja2.nodes.Test)):
        kind, known = (
            ("filter", _ENVIRONMENT.filters)
            if isinstance(node, jinja2.nodes.Filter)
            else ("test", _ENVIRONMENT.tests)
        )
        if kind == "filter" and node.name in _JINJA_FILTERS and node.name not in known:
            raise TemplateProblem(
                f"the template uses the filter '{node.name}', which templates cannot use "
                f"(they can use {', '.join(sorted(SAFE_FILTERS))})"
            )
        if node.name not in known:
            close = difflib.get_close_matches(node.name, list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise TemplateProblem(f"the template uses the unknown {kind} '{node.name}'{hint}")
    return tree
