"""Jinja2's side of the templates: the narrowed sandbox, and reading a template's tree.

Imported only when a template needs Jinja2: one that is more than text with
``{{ name }}`` in it, when a ruleset is validated or such a template renders.
A run that restores its ruleset from the cache and renders only simple
messages never imports Jinja2 (about 50 ms of start-up).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import jinja2
import jinja2.nodes
from jinja2 import meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .diagnostics import close_matches
from .templates import (
    MAX_ITEMS,
    MAX_RENDERED_CHARS,
    SAFE_FILTERS,
    TemplateLimit,
    TemplateProblem,
    _Filter,
    _Part,
    names_in,
)

__all__ = ["ENVIRONMENT", "analyse", "simple_parts"]


def _finalize(value: Any) -> Any:
    """Show a missing value (``None``) as nothing rather than the word None."""
    return "" if value is None else value


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


ENVIRONMENT = _RulesetEnvironment()
#: Every filter Jinja2 has, to tell a refused filter from a mistyped one.
_JINJA_FILTERS = frozenset(ImmutableSandboxedEnvironment().filters)


def simple_parts(tree: nodes.Template) -> tuple[_Part, ...] | None:
    """The parts of a template that is only text and ``{{ name }}``/``{{ name.key }}``
    (what templates._quick_parts reads without Jinja2; a test compares them)."""
    parts: list[_Part] = []
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            return None
        for node in statement.nodes:
            if isinstance(node, nodes.TemplateData):
                parts.append(node.data)
            else:
                part = _simple_output(node)
                if part is None:
                    return None
                parts.append(part)
    return tuple(parts)


def _simple_output(node: nodes.Node) -> tuple[str, str | None, _Filter | None] | None:
    """``name``, ``name.key``, and either of them joined with a constant or capitalised."""
    how: _Filter | None = None
    if isinstance(node, nodes.Filter) and not node.kwargs and not node.dyn_args:
        if node.dyn_kwargs is not None or node.node is None:
            return None
        if node.name == "join" and len(node.args) == 1:
            separator = node.args[0]
            if not (isinstance(separator, nodes.Const) and isinstance(separator.value, str)):
                return None
            how = ("join", separator.value)
        elif node.name == "capitalize" and not node.args:
            how = ("capitalize", None)
        else:
            return None
        node = node.node
    if isinstance(node, nodes.Name):
        return (node.name, None, how)
    if (
        isinstance(node, nodes.Getattr)
        and isinstance(node.node, nodes.Name)
        and not node.attr.startswith("_")
    ):
        return (node.node.name, node.attr, how)
    return None


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


def analyse(source: str) -> tuple[tuple[_Part, ...] | None, set[str], list[tuple[str, str]]]:
    """A template Jinja2 must read: its parts if it is simple after all, the
    top-level names it uses, and the keys it looks up on ``vars`` and ``groups``.

    Raises:
        TemplateProblem: a syntax error, or something templates cannot do.
    """
    tree = _parsed(source)
    parts = simple_parts(tree)
    if parts is not None:
        return (parts, *names_in(parts))
    names = set(meta.find_undeclared_variables(tree))
    keys = [(name, key) for name in ("vars", "groups") for key in _keys_used(tree, name)]
    return None, names, keys


def _parsed(source: str) -> nodes.Template:
    """Jinja2's tree of ``source``, refused if it has a syntax error, reaches for
    Python internals, or uses an unknown filter or test."""
    try:
        tree = ENVIRONMENT.parse(source)
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
            ("filter", ENVIRONMENT.filters)
            if isinstance(node, jinja2.nodes.Filter)
            else ("test", ENVIRONMENT.tests)
        )
        if kind == "filter" and node.name in _JINJA_FILTERS and node.name not in known:
            raise TemplateProblem(
                f"the template uses the filter '{node.name}', which templates cannot use "
                f"(they can use {', '.join(sorted(SAFE_FILTERS))})"
            )
        if node.name not in known:
            close = close_matches(node.name, list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise TemplateProblem(f"the template uses the unknown {kind} '{node.name}'{hint}")
    return tree
