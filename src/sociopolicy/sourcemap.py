"""Map offsets in a value read from a file back to where it is written.

A post's text in a YAML calendar, a JSON file or a CSV cell is not the file's
characters: quotes are removed, doubled quotes and escapes undone, folded lines
joined and block indentation dropped. :func:`value_offsets` lines the value up
with the characters written, so a finding can point at its own line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["value_offsets"]

#: Written characters that may stand between a value's characters without being
#: part of it: quotes (and the doubled quotes that escape them) and whitespace.
_SKIPPABLE = frozenset("\"'")
#: YAML's and JSON's one-letter escapes in double-quoted text.
_SIMPLE_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")
_LOW_SURROGATE = re.compile(r"\\u([dD][c-fC-F][0-9A-Fa-f]{2})")


def _escape(written: str, j: int) -> tuple[str, int] | None:
    """The character a backslash escape at ``written[j]`` stands for, and its length;
    ``("", n)`` for an escaped line break (which stands for nothing); None if unknown."""
    after = written[j + 1 : j + 2]
    if after in ("\n", "\r"):
        end = j + 2 + (written[j + 1 : j + 3] == "\r\n")
        while end < len(written) and written[end] in " \t":
            end += 1
        return "", end - j
    if after in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[after], 2
    match = _HEX_ESCAPE.match(written, j)
    if match is None:
        return None
    code = int(next(group for group in match.groups() if group), 16)
    length = match.end() - j
    if 0xD800 <= code <= 0xDBFF:  # JSON writes a character beyond U+FFFF as a pair
        low = _LOW_SURROGATE.match(written, match.end())
        if low is not None:
            code = 0x10000 + ((code - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
            length = low.end() - j
    try:
        return chr(code), length
    except (ValueError, OverflowError):  # pragma: no cover - the reader rejected it
        return None


def value_offsets(
    value: str, written: str, start: int, *, escapes: bool = False
) -> Callable[[int], int]:
    """A function from an offset in ``value`` to an offset in the file.

    ``written`` is the value as it is written in the file, beginning at file
    offset ``start``. Each character of the value is matched to the next equal
    written character (any whitespace matches any whitespace: a folded line
    break reads as a space), skipping whitespace and quotes between them, and
    (with ``escapes``: double-quoted YAML and JSON) reading backslash escapes
    as the character they stand for. Where the two
    cannot be lined up, offsets from there on fall back to the last place
    matched, so a finding still points into the value.
    """
    places: list[int] = []
    j = 0
    for char in value:
        space = char.isspace()
        matched = False
        while j < len(written):
            w = written[j]
            if escapes and w == "\\":
                escape = _escape(written, j)
                if escape is not None and escape[0] == "":
                    j += escape[1]  # an escaped line break: the text goes on after it
                    continue
                if escape is not None and escape[0] == char:
                    places.append(start + j)
                    j += escape[1]
                    matched = True
                    break
            if w == char or (space and w.isspace()):
                places.append(start + j)
                j += 1
                matched = True
                break
            if w.isspace() or w in _SKIPPABLE:
                j += 1
                continue
            break  # cannot be lined up
        if not matched:
            break
    fallback = places[-1] if places else start
    end = start + j if len(places) == len(value) else fallback

    def offset(position: int) -> int:
        if 0 <= position < len(places):
            return places[position]
        return end if position >= len(value) else fallback

    return offset
