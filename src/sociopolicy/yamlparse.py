"""PyYAML's side of :mod:`sociopolicy.yamlsource`: parsing, with positions kept.

Imported the first time a YAML file is read: a run that restores its ruleset
from the cache and checks Markdown or text files never imports PyYAML.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from .errors import RulesetSyntaxError
from .yamlsource import (
    _UNSAFE_CHARACTER,
    MAX_CHARACTERS,
    MAX_DEPTH,
    MAX_VALUES,
    ScalarSpan,
    ValueProblem,
    YamlDocument,
    YamlPath,
    _shortened,
    _unsafe_message,
)

__all__ = ["parse"]

_AMBIGUOUS_TAG = "tag:sociopolicy,2026:ambiguous"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_ALLOWED_SCALAR_TAGS = frozenset(
    {
        _STR,
        _MERGE,
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
)


class _Resolver(BaseResolver):
    """YAML 1.2-like implicit typing: only true/false are booleans.

    Words that YAML 1.1 reads as booleans, and base-60 numbers, resolve to a tag
    of our own so that the reader can refuse them with a clear message.
    """


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Resolver.add_implicit_resolver(
    _AMBIGUOUS_TAG,
    re.compile(
        r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N"
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$"
    ),
    list("yYnNoO-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|0o[0-7_]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
        r"|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
    ),
    list("0123456789"),
)


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    SafeConstructor,
    _Resolver,
):
    """Composes a node graph with our resolver; construction is done by :func:`_build`."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)


if yaml.__with_libyaml__:
    import yaml.cyaml

    _CParser: Any = getattr(yaml.cyaml, "CParser")  # noqa: B009 (not in the type stubs)

    class _FastLoader(_CParser, SafeConstructor, _Resolver):  # type: ignore[misc]
        """The same, with scanning and composing done by libyaml (about five times faster)."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            _Resolver.__init__(self)

    _LOADERS: tuple[type[Any], ...] = (_FastLoader, _Loader)
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_Loader,)


def _tag_message(tag: str) -> str:
    return (
        f"the YAML tag '{tag}' is not allowed: only plain data (text, numbers, "
        "true/false, dates, lists and mappings)"
    )


def _describe_scalar(node: ScalarNode) -> str:
    value = node.value
    if re.fullmatch(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?", value):
        return (
            f"'{value}' is read as a base-60 number by YAML 1.1 tools; "
            f'put it in quotes ("{value}") to mean the text'
        )
    return (
        f"'{value}' is read as true/false by YAML 1.1 tools; put it in quotes "
        f'("{value}") to mean the word, or write true or false'
    )


class _Builder:
    """Turns a composed node graph into plain Python data, recording positions."""

    def __init__(self, path: str, constructor: SafeConstructor, lenient: bool = False) -> None:
        self.path = path
        self.constructor = constructor
        self.document = YamlDocument(path=path, data=None)
        self.count = 0
        self.characters = 0  # of text built, aliases counted each time they are used
        self.lenient = lenient

    def fail(self, node: Node, message: str) -> RulesetSyntaxError:
        mark = node.start_mark
        return RulesetSyntaxError.at(self.path, message, line=mark.line + 1, column=mark.column + 1)

    def build(self, node: Node, where: YamlPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(
                node,
                f"the file expands to more than {MAX_VALUES:,} values "
                "(too many aliases of aliases?); write the values out instead",
            )
        if depth > MAX_DEPTH:
            raise self.fail(node, f"values are nested more than {MAX_DEPTH} levels deep")
        mark = node.start_mark
        self.document.value_marks.setdefault(where, (mark.line + 1, mark.column + 1))
        if isinstance(node, ScalarNode):
            if self.lenient:
                self.document.spans[where] = ScalarSpan(
                    node.start_mark.index, node.end_mark.index, node.style
                )
            return self.scalar(node, where)
        if isinstance(node, SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, _tag_message(node.tag))
            return [self.build(item, (*where, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, _tag_message(node.tag))
            return self.mapping(node, where, depth)
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover - defensive

    def scalar(self, node: ScalarNode, where: YamlPath) -> Any:
        if node.tag == _AMBIGUOUS_TAG:
            return self.unreadable(node, where, _describe_scalar(node))
        if node.tag not in _ALLOWED_SCALAR_TAGS:
            raise self.fail(node, _tag_message(node.tag))
        try:
            value = self.constructor.construct_object(node)
        except (ConstructorError, ValueError, OverflowError) as exc:
            shown = _shortened(str(node.value))
            reason = "the number is too long" if "integer string" in str(exc) else str(exc)
            return self.unreadable(node, where, f"cannot read the value '{shown}': {reason}")
        if isinstance(value, str):
            self.characters += len(value)
            if self.characters > MAX_CHARACTERS:
                raise self.fail(
                    node,
                    f"the file expands to more than {MAX_CHARACTERS:,} characters of text "
                    "(a long value repeated by aliases?); write the values out instead",
                )
        if isinstance(value, str) and not self.lenient:
            unsafe = _UNSAFE_CHARACTER.search(value)
            if unsafe is not None:
                raise self.fail(node, _unsafe_message(unsafe.group()))
        if isinstance(value, dt.datetime | dt.date | str | int | float | bool) or value is None:
            return value
        shown = _shortened(str(node.value))
        raise self.fail(node, f"the value '{shown}' is not plain data")  # pragma: no cover

    def unreadable(self, node: ScalarNode, where: YamlPath, message: str) -> str:
        """A value YAML reads ambiguously or not at all: an error, or (lenient) a
        problem recorded against it and the value kept as the text written."""
        if not self.lenient:
            raise self.fail(node, message)
        mark = node.start_mark
        self.document.problems.append(ValueProblem(where, mark.line + 1, mark.column + 1, message))
        return str(node.value)

    def mapping(self, node: MappingNode, where: YamlPath, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: list[MappingNode] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE:
                merged.extend(self.merge_sources(value_node))
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "a mapping key must be a plain value, not a list or map")
            key = self.scalar(key_node, (*where, key_node.value))
            if isinstance(key, list | dict):  # pragma: no cover - scalars only
                raise self.fail(key_node, "a mapping key must be a plain value")
            if key in result:
                message = (
                    f"the key '{key}' is given twice in the same mapping; "
                    "remove one (the second would silently replace the first)"
                )
                if not self.lenient:
                    raise self.fail(key_node, message)
                mark = key_node.start_mark
                self.document.problems.append(
                    ValueProblem((*where, key), mark.line + 1, mark.column + 1, message)
                )
                continue
            mark = key_node.start_mark
            child: YamlPath = (*where, key)
            self.document.key_marks[child] = (mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, child, depth + 1)
        for source in merged:
            extra = self.mapping(source, where, depth + 1)
            for key, value in extra.items():
                result.setdefault(key, value)
        return result

    def merge_sources(self, node: Node) -> list[MappingNode]:
        if isinstance(node, MappingNode):
            return [node]
        if isinstance(node, SequenceNode) and all(
            isinstance(item, MappingNode) for item in node.value
        ):
            return list(node.value)
        raise self.fail(node, "'<<' must be followed by a mapping or a list of mappings")


def parse(name: str, text: str, lenient: bool) -> YamlDocument:
    """The document in ``text``, read from the file ``name`` (see
    :func:`~sociopolicy.yamlsource.load_yaml`)."""
    try:
        loader = _LOADERS[0](text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if problem == "but found another document":
            problem = "the file holds a second document (after a '---' line); use one only"
        if mark is None:
            raise RulesetSyntaxError.at(name, f"invalid YAML: {problem}") from None
        raise RulesetSyntaxError.at(
            name, f"invalid YAML: {problem}", line=mark.line + 1, column=mark.column + 1
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise RulesetSyntaxError.at(
            name,
            f"the character U+{code:04X} is not allowed in YAML (a control character?); remove it",
            line=line,
            column=column,
        ) from None
    except yaml.YAMLError as exc:
        raise RulesetSyntaxError.at(name, f"invalid YAML: {exc}") from None
    builder = _Builder(name, loader, lenient)
    if node is not None:
        builder.document.data = builder.build(node, (), 0)
    return builder.document
