"""A cheap necessary condition for a regular expression: its *gate*.

Most pattern rules find nothing in most texts, yet a ``regex`` search with a
time limit costs microseconds even then. :func:`gate_for` reads a pattern and
returns a small expression that every text the pattern matches also contains:
a literal word (``call``), a run of a rare class (``\\d{3}``, ``[A-Z]{2}``), or
an alternation of such. The engine searches for the gate first (with Python's
``re``, which starts faster) and skips the rule on texts without it.

The gate is only a filter: it may let through texts the pattern does not
match, never the other way round. Only what every match needs is used:

* a literal, a character set or a category (``\\d``), repeated at least once;
* in a sequence, the rarest of: each other element's need, and each *window*,
  a run of one-character elements in a row (optional and repeated ones
  included), which a match holds together (``\\d{3}[ -]?\\d{3}``);
* in an alternation, one from each branch;
* a positive lookaround's content (it must be in the text too).

Anything else (negated sets, ``.``, back-references) needs nothing; zero-width
checks (``\\b``, ``^``) are left out of windows. A window allows only a few
ways to split a run between its elements, short counts and a short span, so
the gate (which has no time limit) tries little at each position: its time
grows in step with the text.

A gate is given only when it is likely to skip most texts, judged by rough
letter frequencies of English social posts; a pattern Python's parser cannot
read (the ``regex`` package's own syntax) gets none, and so does a character
whose case rules may differ between the engines (any non-ASCII one, when case
is ignored). Patterns run on text whose curly apostrophes are straightened, so
a ``'`` in a pattern is gated as any apostrophe.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from .text import APOSTROPHES, text_shape

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef,unused-ignore]

__all__ = ["ShapeNeedle", "gate_for", "shape_needle"]

#: Syntax of the ``regex`` package that Python's parser reads otherwise (POSIX
#: classes, fuzzy matching, full case folding, properties, branch resets,
#: recursion...): patterns using it get no gate.
_REGEX_ONLY = (
    "[:", "{e", "{i", "{d", "{s", "(?V", "(?f", "(?r", "(?w", "(?b", "(?e", "(?p",
    "(?|", "(?&", "(?R", "(?(", "(?P>", "(*", "\\p", "\\P", "\\X", "\\m", "\\M",
    "\\G", "\\K", "\\L", "\\N", "\\h",
)  # fmt: skip
#: A brace that does not start a count ({2}, {2,5}, {2,}): fuzzy matching
#: ({1<=e<=1}, {2i+2d<=4}) and the like, which Python reads as literal text.
_NOT_A_COUNT = re.compile(r"\{(?!\d*(?:,\d*)?\})")
#: A gate is used only if it is expected in fewer texts than this.
_USEFUL_BELOW = 0.4
#: The length of a typical text, for the chance that it contains a gate.
_TYPICAL_LENGTH = 300
#: Repeats longer than this add little selectivity and make gates slower.
_LONGEST_RUN = 4
_LOWER_FREQUENCY = 0.03
_UPPER_FREQUENCY = 0.0012
_DIGIT_FREQUENCY = 0.004
_SPACE_FREQUENCY = 0.16
_OTHER_FREQUENCY = 0.003


class _Need(NamedTuple):
    """Something every match needs: as an ``re`` source, and how often texts have it."""

    source: str
    chance: float


def _char_frequency(char: str) -> float:
    """A rough share of a social post's characters that are ``char``."""
    if char.islower():
        return _LOWER_FREQUENCY if char.isascii() else _OTHER_FREQUENCY
    if char.isupper():
        return _UPPER_FREQUENCY
    if char.isdigit():
        return _DIGIT_FREQUENCY
    if char.isspace():
        return _SPACE_FREQUENCY
    return _OTHER_FREQUENCY


def _chance(per_position: float, length: int = 1) -> float:
    """The chance that a typical text holds a run with this per-character share."""
    return min(1.0, _TYPICAL_LENGTH * per_position**length)


# Only \d (\s and \w are in every text). The ``regex`` package may know digits
# of a newer Unicode version than Python's ``re`` (Kawi, Garay...); all of
# those are outside the Basic Multilingual Plane, so the class takes in every
# character there (a test compares it with ``regex``'s \d over every code point).
DIGIT_CLASS = r"\d\U00010000-\U0010ffff"
_CATEGORIES = {"CATEGORY_DIGIT": (DIGIT_CLASS, 10 * _DIGIT_FREQUENCY)}
#: Letters that also match an ASCII letter when case is ignored: the Kelvin
#: sign for "k", the long s, the dotted and dotless i.
_OTHER_CASES = {"k": "\u212a", "s": "\u017f", "i": "\u0130\u0131"}
#: The chance that a text holds a given word, by the word's length: words are
#: not random letters, so this floor is used when letter shares say less.
_WORD_CHANCE = {1: 1.0, 2: 0.5, 3: 0.2}
_LONGER_WORD_CHANCE = 0.05
#: Gates longer than this, or with more branches, cost more than they save.
_LONGEST_GATE = 160
_MOST_BRANCHES = 6


class _Atom(NamedTuple):
    """A one-character element of a sequence, with how many times it repeats."""

    source: str
    share: float
    least: int
    most: int
    #: The character, for a literal one (written with its neighbours as a word).
    char: str | None


#: The most ways a window may split a run of characters between its repeats
#: (the product of their spreads), the longest count of one of its elements,
#: and the most characters it may span: the gate runs without a time limit, so
#: it must not try much at each position.
_MOST_WAYS = 16
_LONGEST_COUNT = 16
_LONGEST_WINDOW = 48


def _reach(atoms: Sequence[_Atom]) -> int:
    """The most characters ``atoms`` may span."""
    return sum(atom.most for atom in atoms)


def _ways(atoms: Sequence[_Atom]) -> int:
    """How many ways a run may be split between ``atoms`` (their spreads multiplied)."""
    ways = 1
    for atom in atoms:
        ways *= atom.most - atom.least + 1
    return ways


def _class_body(chars: Iterable[str]) -> str:
    """The inside of an ``re`` class holding ``chars``, runs of three or more
    written as ranges (``A-Z``), so that gates stay short."""
    codes = sorted(set(map(ord, chars)))
    pieces: list[str] = []
    start = 0
    while start < len(codes):
        end = start
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        first, last = re.escape(chr(codes[start])), re.escape(chr(codes[end]))
        if end - start >= 2:
            pieces.append(f"{first}-{last}")
        else:
            pieces.extend(re.escape(chr(code)) for code in codes[start : end + 1])
        start = end + 1
    return "".join(pieces)


def _set_items(value: Any) -> tuple[list[tuple[int, int]], list[str]] | None:
    """The ranges of code points (a character is a range of one) and the
    category names of a parsed character set; None for a negated set."""
    ranges: list[tuple[int, int]] = []
    categories: list[str] = []
    for item_op, item_value in value:
        name = str(item_op)
        if name == "LITERAL":
            ranges.append((item_value, item_value))
        elif name == "RANGE":
            ranges.append((item_value[0], item_value[1]))
        elif name == "CATEGORY":
            categories.append(str(item_value))
        else:  # NEGATE
            return None
    return ranges, categories


def _count(least: int, most: int) -> str:
    """An ``re`` repeat count (nothing for exactly one)."""
    if least == most:
        return "" if least == 1 else f"{{{least}}}"
    return "?" if (least, most) == (0, 1) else f"{{{least},{most}}}"


class _Reader:
    """Works out the needs of a parsed pattern."""

    def __init__(self, ignore_case: bool) -> None:
        self.ignore_case = ignore_case

    def chars(self, chars: Sequence[str]) -> tuple[str, float] | None:
        """Literal characters as an ``re`` class, and their share of text (None: unsure).

        Letters of a pattern that ignores case are written in both cases, with
        the other letters that match them there (the Kelvin sign for "k", and
        so on), so the gate lets through all it should.
        """
        wanted: set[str] = set()
        for char in chars:
            wanted.add(char)
            if char in APOSTROPHES:
                wanted.update(APOSTROPHES)
            if self.ignore_case and not char.isascii():
                # Case rules differ between the engines, and not only for
                # letters (a circled letter, a Roman numeral, a combining mark).
                return None
            if self.ignore_case and char.isalpha():
                wanted.update((char.lower(), char.upper()))
                wanted.update(_OTHER_CASES.get(char.lower(), ""))
        share = sum(_char_frequency(c) for c in wanted)
        if len(wanted) == 1:
            return re.escape(next(iter(wanted))), share
        return "[" + _class_body(wanted) + "]", share

    def single(self, op: str, value: Any) -> tuple[str, float] | None:
        """A one-character element as a class, or None if it needs nothing useful."""
        if op == "LITERAL":
            return self.chars([chr(value)])
        if op == "IN":
            items = _set_items(value)
            if items is None or any(c not in _CATEGORIES for c in items[1]):
                return None  # negated sets, \w and the like: nearly every text
            chars: list[str] = []
            for low, high in items[0]:
                if high - low > 200:
                    return None
                chars.extend(chr(code) for code in range(low, high + 1))
            source = [_CATEGORIES[name][0] for name in items[1]]
            share = sum(_CATEGORIES[name][1] for name in items[1])
            if chars:
                literal = self.chars(chars)
                if literal is None:
                    return None
                literal_source, literal_share = literal
                source.append(
                    literal_source[1:-1] if literal_source.startswith("[") else literal_source
                )
                share += literal_share
            return "[" + "".join(source) + "]", share
        if op == "CATEGORY" and str(value) in _CATEGORIES:
            category, category_share = _CATEGORIES[str(value)]
            return "[" + category + "]", category_share
        return None

    def atom(self, op: str, value: Any) -> _Atom | None:
        """A one-character element, repeated or not, that a window can hold."""
        if op == "LITERAL":
            literal = self.chars([chr(value)])
            if literal is None:
                return None
            return _Atom(literal[0], literal[1], 1, 1, chr(value))
        if op in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            least, most, body = value
            body = list(body)
            if len(body) != 1:
                return None
            one = self.single(str(body[0][0]), body[0][1])
            if one is None:
                return None
            return _Atom(one[0], one[1], least, most, None)
        single = self.single(op, value)
        if single is None:
            return None
        return _Atom(single[0], single[1], 1, 1, None)

    def sequence(self, items: Sequence[tuple[Any, Any]]) -> _Need | None:
        """The rarest need of a sequence: a window of its one-character elements
        in a row, or the need of one of its other elements."""
        needs: list[_Need | None] = []
        window: list[_Atom] = []
        for op, value in [*items, ("END", None)]:
            name = str(op)
            atom = self.atom(name, value) if name != "END" else None
            if atom is not None:
                if (
                    atom.most == sre_parse.MAXREPEAT
                    or atom.least > _LONGEST_COUNT
                    or _ways(window[1:]) * _ways([atom]) > _MOST_WAYS
                    or _reach(window) + atom.most > _LONGEST_WINDOW
                ):
                    # An open-ended or long repeat, or one more way to split a
                    # run (or one more character) than a window allows, ends one
                    # window and starts the next: a match holds the repeat's
                    # least count (at most _LONGEST_COUNT of it) next to each
                    # neighbour. (The first element's spread is left out of the
                    # ways: a window needs only its least count.)
                    count = min(atom.least, _LONGEST_COUNT)
                    fixed = atom._replace(least=count, most=count)
                    needs.append(self.window([*window, fixed]))
                    window = [fixed]
                else:
                    window.append(atom)
                continue
            if name == "AT":
                continue  # zero width (\b, ^): leaving it out only lets more through
            needs.append(self.window(window))
            window = []
            if name != "END":
                need = self.element(name, value)
                if need is not None:
                    needs.append(need)
        usable = (n for n in needs if n is not None and len(n.source) <= _LONGEST_GATE)
        return min(usable, key=lambda n: n.chance, default=None)

    def window(self, atoms: Sequence[_Atom]) -> _Need | None:
        """What a run of one-character elements needs: all of them, in a row.

        Optional elements at either end add nothing and are dropped; at the
        ends a repeat needs only its least count (a lone one at most
        ``_LONGEST_RUN``). Runs of literal characters are written as words
        (see :meth:`literal`). The window is judged as rare as its rarest part.
        """
        kept = list(atoms)
        while kept and kept[0].least == 0:
            kept.pop(0)
        while kept and kept[-1].least == 0:
            kept.pop()
        if not kept:
            return None
        if len(kept) == 1 and kept[0].char is None:
            run = min(kept[0].least, _LONGEST_RUN)
            return _Need(kept[0].source + _count(run, run), _chance(kept[0].share, run))
        kept[0] = kept[0]._replace(most=kept[0].least)
        kept[-1] = kept[-1]._replace(most=kept[-1].least)
        parts: list[_Need] = []  # each part's need, in order
        letters: list[str] = []
        for atom in [*kept, None]:
            if atom is not None and atom.char is not None and atom.least == atom.most == 1:
                letters.append(atom.char)
                continue
            if letters:
                parts.append(self.literal(letters))
                letters = []
            if atom is None:
                break
            chance = _chance(atom.share, atom.least) if atom.least else 1.0
            parts.append(_Need(atom.source + _count(atom.least, atom.most), chance))
        rarest = min(parts, key=lambda n: n.chance)
        whole = _Need("".join(part.source for part in parts), rarest.chance)
        # A window too long to be a gate gives way to its rarest part.
        return whole if len(whole.source) <= _LONGEST_GATE else rarest

    def literal(self, chars: Sequence[str]) -> _Need:
        """A run of literal characters (each known to :meth:`chars`)."""
        text = "".join(chars)
        share = 1.0
        for char in chars:
            share *= self.chars([char])[1]  # type: ignore[index]
        chance = _chance(share)
        if any(c.isalpha() for c in text):
            chance = max(chance, _WORD_CHANCE.get(len(text), _LONGER_WORD_CHANCE))
        letters = self.ignore_case and any(c.isalpha() for c in text)
        escaped = "".join(self.chars([c])[0] if c in APOSTROPHES else re.escape(c) for c in text)  # type: ignore[index]
        return _Need(f"(?i:{escaped})" if letters else escaped, chance)

    def element(self, op: str, value: Any) -> _Need | None:
        single = self.single(op, value)
        if single is not None:
            source, share = single
            return _Need(source, _chance(share))
        if op in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            least, _, body = value
            if least == 0:
                return None
            body = list(body)
            if len(body) == 1:
                one = self.single(str(body[0][0]), body[0][1])
                if one is not None:
                    source, share = one
                    run = min(least, _LONGEST_RUN)
                    return _Need(source if run == 1 else f"{source}{{{run}}}", _chance(share, run))
            return self.sequence(body)
        if op == "SUBPATTERN":
            _, add_flags, del_flags, body = value
            reader = self
            if add_flags & re.IGNORECASE and not self.ignore_case:
                reader = _Reader(True)
            elif del_flags & re.IGNORECASE and self.ignore_case:
                reader = _Reader(False)
            return reader.sequence(list(body))
        if op == "ATOMIC_GROUP":
            return self.sequence(list(value))
        if op == "ASSERT":
            _, body = value
            return self.sequence(list(body))
        if op == "BRANCH":
            _, branches = value
            needs = [self.sequence(list(branch)) for branch in branches]
            if any(n is None for n in needs):
                return None
            sources = list(dict.fromkeys(n.source for n in needs if n is not None))
            if len(sources) > _MOST_BRANCHES:
                return None
            chance = min(1.0, sum(n.chance for n in needs if n is not None))
            return _Need("(?:" + "|".join(sources) + ")", chance)
        return None


@lru_cache(maxsize=1024)
def gate_for(pattern: str, ignore_case: bool) -> str | None:
    """An ``re`` source found in every text ``pattern`` matches, or None.

    The source carries its own flags, so it is compiled as it is. None when the
    pattern is not Python syntax, needs nothing useful, or what it needs is
    found in most texts.
    """
    if any(token in pattern for token in _REGEX_ONLY) or _NOT_A_COUNT.search(pattern):
        return None  # Python's parser would read it differently
    flags = re.IGNORECASE if ignore_case else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            parsed = sre_parse.parse(pattern, flags)
        # An inline (?i) at the start sets the flag for the whole pattern.
        whole_ignores_case = ignore_case or bool(parsed.state.flags & re.IGNORECASE)
        need = _Reader(whole_ignores_case).sequence(list(parsed))
    except (re.error, OverflowError, RecursionError, ValueError):
        return None
    if need is None or need.chance >= _USEFUL_BELOW or len(need.source) > _LONGEST_GATE:
        return None
    return need.source


class ShapeNeedle(NamedTuple):
    """Bytes that :func:`~sociopolicy.text.text_shape` of every text a gate
    matches contains: checked in C before the gate is searched."""

    needle: bytes
    #: False when the gate's characters include non-ASCII ones, whose shape is
    #: not one byte: the needle then holds only for ASCII texts.
    any_text: bool


def _element_shape(op: str, value: Any) -> tuple[int, bool] | None:
    """The one shape byte of every ASCII character a one-character element
    matches, and whether it matches non-ASCII ones too (None: no one byte)."""
    ascii_chars: set[str] = set()
    non_ascii = False
    if op == "LITERAL":
        if value > 0x7F:
            return None  # a non-ASCII literal: several shape bytes
        ascii_chars.add(chr(value))
    elif op == "IN":
        items = _set_items(value)
        if items is None or any(name != "CATEGORY_DIGIT" for name in items[1]):
            return None  # a negated set, \w...: nothing to say
        for low, high in items[0]:
            ascii_chars.update(chr(code) for code in range(low, min(high, 0x7F) + 1))
            non_ascii = non_ascii or high > 0x7F
        if items[1]:  # \d
            ascii_chars.update("0123456789")
            non_ascii = True
    else:
        return None
    if not ascii_chars:
        return None  # a set with no ASCII character
    shapes = {text_shape(c)[0] for c in ascii_chars}
    if len(shapes) != 1:
        return None
    return shapes.pop(), non_ascii


#: Shape bytes that nearly every text has in a row: a needle of only these says little.
_COMMON_SHAPES = frozenset(b"a ")


@lru_cache(maxsize=1024)
def shape_needle(gate: str) -> ShapeNeedle | None:
    """The longest run of fixed one-character elements at the top of ``gate``
    (an ``re`` source from :func:`gate_for`) as shape bytes, or None if it has
    no run of two or more worth checking."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(gate)
    except (re.error, OverflowError, RecursionError, ValueError):
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    best = ShapeNeedle(b"", True)
    run, run_any_text = bytearray(), True
    for op, value in [*parsed, ("END", None)]:
        name = str(op)
        least, most, body = 1, 1, [(op, value)]
        if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            least, most, body = value[0], value[1], list(value[2])
        shape = _element_shape(str(body[0][0]), body[0][1]) if len(body) == 1 else None
        if shape is not None and least >= 1:
            run += bytes([shape[0]]) * min(least, _LONGEST_COUNT)
            run_any_text = run_any_text and not shape[1]
        if shape is None or least < 1 or least != most or least > _LONGEST_COUNT:
            # The run ends here: a repeat of no fixed count ends it after its
            # least, and a count cut to _LONGEST_COUNT after the part kept.
            if len(run) > len(best.needle):
                best = ShapeNeedle(bytes(run), run_any_text)
            run, run_any_text = bytearray(), True
    if len(best.needle) < 2 or set(best.needle) <= _COMMON_SHAPES:
        return None
    return best
