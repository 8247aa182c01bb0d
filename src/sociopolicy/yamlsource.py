"""Read YAML safely and remember where every value came from.

Rulesets are edited by hand and forked by many people, so the reader is strict:

* only plain data is built (no YAML tags that construct objects);
* a key given twice in one mapping is an error, not a silent overwrite;
* YAML 1.1 surprises are errors: a bare ``no``/``yes``/``on``/``off`` (which other
  tools read as a boolean) and ``1:30`` (read as a base-60 number) must be quoted;
* files over :data:`MAX_FILE_BYTES`, structures deeper than :data:`MAX_DEPTH` and
  alias expansion beyond :data:`MAX_VALUES` values are refused.

Every value's position is kept in :class:`YamlDocument.marks` so that errors found
later (by Pydantic, or while merging forks) can name ``file:line:column``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import RulesetSyntaxError
from .limits import (
    DEFAULT_MAX_RULESET_BYTES,
    RULESET_VARIABLE,
    max_ruleset_bytes,
    read_at_most,
)
from .text import LineIndex

__all__ = [
    "MAX_CHARACTERS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_VALUES",
    "ScalarSpan",
    "ValueProblem",
    "YamlDocument",
    "load_yaml",
]

#: The default size limit of a file read (see sociopolicy.limits).
MAX_FILE_BYTES = DEFAULT_MAX_RULESET_BYTES
MAX_DEPTH = 50
MAX_VALUES = 200_000
#: The most characters of text a file may expand to, aliases included.
MAX_CHARACTERS = 10_000_000

YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class ScalarSpan:
    """Where a text value is written: offsets of its first and last character, and its
    YAML style (``None`` plain, ``'`` or ``"`` quoted, ``|`` literal, ``>`` folded)."""

    start: int
    end: int
    style: str | None


@dataclass(frozen=True)
class ValueProblem:
    """A value that a lenient read kept as text, and why it could not be read."""

    where: YamlPath
    line: int
    column: int
    message: str


@dataclass
class YamlDocument:
    """Plain data read from a YAML file, with the position of every key and value."""

    path: str
    data: Any
    value_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    #: With ``lenient``: each text value's (start, end) offsets in the file and style.
    spans: dict[YamlPath, ScalarSpan] = field(default_factory=dict)
    #: With ``lenient``: values that could not be read as written, kept as text.
    problems: list[ValueProblem] = field(default_factory=list)
    #: SHA-256 of the bytes read, when read from a file (see rulesetcache).
    digest: str | None = None

    def locate(self, path: Iterable[str | int], *, key: bool = False) -> tuple[int, int]:
        """Return the 1-based (line, column) nearest to ``path``.

        With ``key=True`` the position of the mapping key is preferred (for
        "unknown field" errors); otherwise the position of the value.
        """
        parts: YamlPath = tuple(path)
        while True:
            if key and parts in self.key_marks:
                return self.key_marks[parts]
            if parts in self.value_marks:
                return self.value_marks[parts]
            if parts in self.key_marks:
                return self.key_marks[parts]
            if not parts:
                return (1, 1)
            parts = parts[:-1]


# Characters a ruleset's text may not hold, even written as escapes ("\\x1b"):
# control characters other than tab and line breaks (they can rewrite what a
# terminal or a log shows), and the bidirectional embeddings, overrides and
# isolates that make text display in another order than it is read
# ("Trojan Source"). Drafts may hold anything; this is for rulesets only.
_UNSAFE_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


# Characters that reorder or break lines out of sight; refused anywhere in a ruleset.
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _shortened(value: str, most: int = 40) -> str:
    """A value for a one-line message: long ones are cut, with an ellipsis."""
    return value if len(value) <= most else value[: most - 1] + "\u2026"


def _unsafe_message(char: str) -> str:
    name = unicodedata.name(char, "a control character")
    return (
        f"the text holds U+{ord(char):04X} ({name}), which rulesets may not contain: "
        "control characters and bidirectional overrides can hide what a ruleset says"
    )


def _read_bounded(name: str, limit: int) -> bytes:
    """The file's bytes, refused once over ``limit`` (see limits.read_at_most)."""
    try:
        raw = read_at_most(name, limit)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise RulesetSyntaxError.at(name, f"cannot read the file: {reason}") from None
    if len(raw) > limit:
        raise RulesetSyntaxError.at(
            name,
            f"the file is larger than {limit:,} bytes, the most read for a ruleset or "
            f"configuration (--max-ruleset-bytes or {RULESET_VARIABLE} raises it; a ruleset "
            "can also be split with extends)",
        )
    return raw


def load_yaml(
    path: str | Path,
    text: str | None = None,
    *,
    lenient: bool = False,
    max_bytes: int | None = None,
) -> YamlDocument:
    """Read one YAML document from ``path`` (or from ``text``, named ``path``).

    With ``lenient`` (content files, where one bad value must not hide the
    others), a value YAML would read ambiguously or cannot read is kept as the
    text written and recorded in :attr:`YamlDocument.problems`, and every
    value's span is kept in :attr:`YamlDocument.spans`. A file is refused over
    ``max_bytes`` (default: :func:`~sociopolicy.limits.max_ruleset_bytes`); given
    ``text`` is measured only against an explicit ``max_bytes``.

    Raises:
        RulesetSyntaxError: unreadable file, invalid YAML, unsafe tags, duplicate
            keys, ambiguous YAML 1.1 scalars, or a file that is too large or too deep.
    """
    name = str(path)
    digest = None
    if text is None:
        limit = max_ruleset_bytes() if max_bytes is None else max_bytes
        raw = _read_bounded(name, limit)
        digest = hashlib.sha256(raw).hexdigest()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start].decode("utf-8", "replace")
            line, column = LineIndex(before).position(len(before))
            raise RulesetSyntaxError.at(
                name,
                f"the file is not UTF-8 text (bad byte at offset {exc.start})",
                line=line,
                column=column,
            ) from None
    elif max_bytes is not None and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise RulesetSyntaxError.at(name, f"the file is larger than {max_bytes:,} bytes")
    if not lenient:
        # Anywhere in the file, comments included: bidirectional overrides make
        # text display in another order than it is read ("Trojan Source").
        hidden = _REORDERING.search(text)
        if hidden is not None:
            before = text[: hidden.start()]
            line = before.count("\n") + 1
            column = hidden.start() - (before.rfind("\n") + 1) + 1
            raise RulesetSyntaxError.at(
                name, _unsafe_message(hidden.group()), line=line, column=column
            )
    from .yamlparse import parse  # PyYAML only when a YAML file is read

    document = parse(name, text, lenient)
    document.digest = digest
    return document
