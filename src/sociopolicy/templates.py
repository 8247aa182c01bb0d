"""Jinja2 templates for rule messages and suggested replies.

Templates come from ruleset files that anyone may fork, so they run in Jinja2's
immutable sandbox: no access to Python internals, no changing data. Undefined
names are errors, caught when the ruleset loads rather than when a draft is
checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = ["COMMON_NAMES", "Template", "TemplateProblem", "compile_template"]

#: Names every rule message may use; each kind adds its own (``term``, ``groups``...)
#: and suggested replies add ``comment``.
COMMON_NAMES = frozenset({"match", "vars", "rule", "platform", "kind"})


def _finalize(value: Any) -> Any:
    """Show a missing value (``None``) as nothing rather than the word None."""
    return "" if value is None else value


_ENVIRONMENT = ImmutableSandboxedEnvironment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    keep_trailing_newline=False,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_finalize,
)


class TemplateProblem(ValueError):
    """A template that cannot be compiled or uses a name it cannot have."""


class Template:
    """A compiled message or reply template."""

    __slots__ = ("_template", "source")

    def __init__(self, source: str, template: jinja2.Template) -> None:
        self.source = source
        self._template = template

    def render(self, values: Mapping[str, Any]) -> str:
        """Render with ``values``; the result is stripped of surrounding blanks."""
        return self._template.render(values).strip()


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
    try:
        tree = _ENVIRONMENT.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"template syntax error on its line {exc.lineno}: {exc.message}"
        ) from None
    unknown = sorted(meta.find_undeclared_variables(tree) - allowed)
    if unknown:
        names = ", ".join(sorted(allowed))
        raise TemplateProblem(
            f"the template uses '{unknown[0]}', which is not defined; it can use {names}"
        )
    missing = sorted(set(_keys_used(tree, "vars")) - set(variables))
    if missing:
        raise TemplateProblem(
            f"the template uses 'vars.{missing[0]}', but the ruleset defines no var "
            f"'{missing[0]}'; add it under 'vars'"
        )
    if groups is not None:
        missing = sorted(set(_keys_used(tree, "groups")) - set(groups))
        if missing:
            named = ", ".join(sorted(groups)) or "none"
            raise TemplateProblem(
                f"the template uses 'groups.{missing[0]}', but the pattern has no group "
                f"named '{missing[0]}' (named groups: {named})"
            )
    return Template(source, _ENVIRONMENT.from_string(tree))
