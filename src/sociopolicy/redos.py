"""Find regular expressions that can backtrack catastrophically.

An expression such as ``(\\w+\\s?)+$`` takes time exponential in the length of
a text it fails on: the repeated group can split a run of letters in many
ways, and the engine tries them all. :func:`backtracking_risk` looks for the
shapes that cause this:

* a repeated group that can match nothing (``(a*)*``);
* inside a repeated group, a repeat whose characters the rest of the group
  does not separate from the next round (``(\\w+\\s?)+``, ``(?:\\s*\\w+)+``,
  ``(x+x+)+``).

It raises no alarm for the common safe forms (``(\\w+\\s)+``,
``(?:[^,]+,)*``, ``(?:foo|bar)+``), but it cannot see every risk (overlapping
alternatives such as ``(a|aa)+`` pass): match time is also bounded when a
pattern runs (see the ``pattern`` kind).
Expressions in the ``regex`` package's own syntax that Python's parser does
not know are not analysed.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef,unused-ignore]

__all__ = ["PatternSize", "backtracking_risk", "pattern_size"]

#: Characters used to compare character sets: enough of each class to tell
#: letters, digits, spaces, punctuation and other scripts apart.
_SAMPLE = frozenset(
    [chr(code) for code in range(32, 127)]
    + list("\t\n\r\u00a0\u2019\u2010\u00e9\u00df\u0663\u4e2d\u0416\u05d0")
)
_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_LINEBREAK": lambda c: c == "\n",
}
#: Repeats of at most this many rounds are too short to explode.
_SHORT = 10
Items = Sequence[tuple[Any, Any]]


def backtracking_risk(pattern: str, ignore_case: bool = True) -> str | None:
    """Why ``pattern`` can backtrack catastrophically, or None if no risk is seen."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            parsed = sre_parse.parse(pattern, re.IGNORECASE if ignore_case else 0)
    except (re.error, OverflowError, RecursionError):
        return None  # not Python syntax (the regex package's own); not analysed
    return _scan(list(parsed), ignore_case)


def _name(op: Any) -> str:
    return str(op)


def _scan(items: Items, fold: bool) -> str | None:
    for op, av in items:
        name = _name(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            _, high, body = av
            unbounded = high == sre_parse.MAXREPEAT or high > _SHORT
            if unbounded:
                risk = _repeat_risk(list(body), fold)
                if risk is not None:
                    return risk
            found = _scan(list(body), fold)
        elif name in ("SUBPATTERN",):
            found = _scan(list(av[-1]), fold)
        elif name == "BRANCH":
            found = next((r for b in av[1] if (r := _scan(list(b), fold)) is not None), None)
        elif name in ("ASSERT", "ASSERT_NOT"):
            found = _scan(list(av[1]), fold)
        elif name == "GROUPREF_EXISTS":
            found = next(
                (r for b in av[1:] if b is not None and (r := _scan(list(b), fold)) is not None),
                None,
            )
        else:  # literals, sets, anchors; atomic groups and possessive repeats never backtrack
            found = None
        if found is not None:
            return found
    return None


def _repeat_risk(body: Items, fold: bool) -> str | None:
    """The risk in the body of a repeat of many rounds."""
    if _nullable(body):
        return "a repeated group can match nothing, so the engine can loop in many ways"
    for sequence in _sequences(body):
        for index, (op, av) in enumerate(sequence):
            name = _name(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT") and av[1] > 1:
                chars = _chars(av[2], fold)
                others = [item for i, item in enumerate(sequence) if i != index]
                separated = any(
                    not _nullable([item]) and not (_chars([item], fold) & chars) for item in others
                )
                if not separated:
                    return (
                        "a repeat inside a repeated group can split the same text in many "
                        "ways (as in (\\w+\\s?)+); make the separator required or the "
                        "inner repeat possessive"
                    )
    return None


def _sequences(items: Items) -> Iterable[Items]:
    """The body and every sequence nested in its groups and alternatives."""
    yield items
    for op, av in items:
        name = _name(op)
        if name == "SUBPATTERN":
            yield from _sequences(list(av[-1]))
        elif name == "BRANCH":
            for branch in av[1]:
                yield from _sequences(list(branch))


def _nullable(items: Items) -> bool:
    """Whether the items can match the empty string."""
    for op, av in items:
        name = _name(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if av[0] > 0 and not _nullable(list(av[2])):
                return False
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            if not _nullable(list(av[-1] if name == "SUBPATTERN" else av)):
                return False
        elif name == "BRANCH":
            if not any(_nullable(list(branch)) for branch in av[1]):
                return False
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS"):
            continue
        else:
            return False
    return True


def _chars(items: Items, fold: bool) -> frozenset[str]:
    """Every sample character the items can match anywhere."""
    found: set[str] = set()
    for op, av in items:
        name = _name(op)
        if name == "LITERAL":
            found |= _cased(chr(av), fold)
        elif name == "NOT_LITERAL":
            found |= _SAMPLE - _cased(chr(av), fold)
        elif name == "ANY":
            found |= _SAMPLE - {"\n"}
        elif name == "IN":
            found |= {c for c in _SAMPLE if _in_set(c, av, fold)}
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            found |= _chars(list(av[2]), fold)
        elif name == "SUBPATTERN":
            found |= _chars(list(av[-1]), fold)
        elif name == "ATOMIC_GROUP":
            found |= _chars(list(av), fold)
        elif name == "BRANCH":
            for branch in av[1]:
                found |= _chars(list(branch), fold)
        elif name in ("GROUPREF", "GROUPREF_EXISTS"):
            found |= _SAMPLE
    return frozenset(found)


def _cased(char: str, fold: bool) -> set[str]:
    return {char, char.lower(), char.upper()} if fold else {char}


def _in_set(char: str, members: Items, fold: bool) -> bool:
    negate = False
    hit = False
    for op, av in members:
        name = _name(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or char in _cased(chr(av), fold)
        elif name == "RANGE":
            low, high = av
            hit = hit or any(low <= ord(c) <= high for c in _cased(char, fold))
        elif name == "CATEGORY":
            category = str(av)
            positive = category.replace("CATEGORY_NOT_", "CATEGORY_")
            test = _CATEGORIES.get(positive.replace("CATEGORY_UNI_", "CATEGORY_"))
            if test is not None:
                result = bool(test(char))
                hit = hit or (result if positive == category else not result)
    return hit != negate


_COUNT = re.compile(r"\{(\d*)(?:,(\d*))?\}")


class PatternSize(NamedTuple):
    """What compiling a pattern costs, read from its text (see :func:`pattern_size`)."""

    #: Pieces the compiled pattern holds once counted repeats are expanded.
    pieces: int
    #: How deeply repeated groups nest inside one another.
    nesting: int


class _Frame:
    __slots__ = ("last", "last_nesting", "nesting", "total")

    def __init__(self) -> None:
        self.total = 0  # pieces in this group so far
        self.last = 0  # pieces of the item a quantifier would apply to
        self.last_nesting = 0
        self.nesting = 0


_VERBOSE = re.compile(r"\(\?[a-zA-Z]*x")
_LINE_COMMENT = re.compile(r"#[^\n]*")


def pattern_size(pattern: str) -> PatternSize:
    """How large a pattern becomes when compiled, and how deeply its repeats nest.

    Comments are left out, as the engine leaves them out: ``(?#...)`` always,
    and ``#`` to the end of the line in a verbose pattern (``(?x)``). When a
    pattern may be verbose only in part, both readings are taken and the
    larger kept, so brackets hidden in a comment cannot make it look small.
    """
    size = _size_of(pattern)
    if _VERBOSE.search(pattern):
        verbose = _size_of(pattern, verbose=True)
        size = PatternSize(max(size.pieces, verbose.pieces), max(size.nesting, verbose.nesting))
    return size


def _size_of(pattern: str, *, verbose: bool = False) -> PatternSize:
    """:func:`pattern_size` for one reading of the pattern.

    The regex engine expands counted repeats when it compiles, and nested
    repeats multiply: ``(?:a{1000}){1000}`` holds a million pieces, and thirty
    nested ``(?:...)+`` groups make compiling take memory without end. Read
    from the text alone (escapes and character sets count as one piece),
    before anything is compiled: pieces add up, a count multiplies the item
    before it (its upper bound when it has one; ``{m,}`` counts as ``m``), and
    each quantifier on a group adds a level of nesting.
    """
    stack = [_Frame()]
    at = 0
    while at < len(pattern):
        frame = stack[-1]
        char = pattern[at]
        times: int | None = None
        if pattern.startswith("(?#", at):  # a comment, to its closing bracket
            close = pattern.find(")", at)
            at = len(pattern) if close == -1 else close + 1
            continue
        if verbose and char == "#":
            at = _LINE_COMMENT.match(pattern, at).end()  # type: ignore[union-attr]
            continue
        if verbose and char.isspace():
            at += 1
            continue
        if char == "\\":
            at += 2
            frame.last, frame.last_nesting = 1, 0
            frame.total += 1
            continue
        if char == "[":
            at = _set_end(pattern, at)
            frame.last, frame.last_nesting = 1, 0
            frame.total += 1
            continue
        if char == "(":
            stack.append(_Frame())
        elif char == ")" and len(stack) > 1:
            inner = stack.pop()
            parent = stack[-1]
            parent.last, parent.last_nesting = max(inner.total, 1), inner.nesting
            parent.total += parent.last
            parent.nesting = max(parent.nesting, inner.nesting)
        elif char in "*+?":
            times = 1
        elif char == "{" and (count := _COUNT.match(pattern, at)) is not None:
            low, high = count.group(1), count.group(2)
            times = max(int(high) if high else int(low or 1), 1)
            at = count.end() - 1
        elif char != "|":
            frame.last, frame.last_nesting = 1, 0
            frame.total += 1
        at += 1
        if times is not None and frame.last:
            frame.total += frame.last * (times - 1)
            frame.last *= times
            frame.last_nesting += 1
            frame.nesting = max(frame.nesting, frame.last_nesting)
            if at < len(pattern) and pattern[at] in "?+":
                at += 1  # lazy or possessive: the same repeat
    while len(stack) > 1:  # an unclosed group: the compiler will say so
        inner = stack.pop()
        stack[-1].total += inner.total
        stack[-1].nesting = max(stack[-1].nesting, inner.nesting)
    return PatternSize(stack[0].total, stack[0].nesting)


def _set_end(pattern: str, start: int) -> int:
    """The index just past the character set opening at ``start``."""
    at = start + 1
    if pattern[at : at + 1] == "^":
        at += 1
    if pattern[at : at + 1] == "]":
        at += 1  # a ']' first is a member
    while at < len(pattern) and pattern[at] != "]":
        at += 2 if pattern[at] == "\\" else 1
    return at + 1
