"""Map offsets in a value read from a file back to where it is written.

A post's text in a YAML calendar or a CSV cell is not the file's characters:
quotes are removed, doubled quotes undone, folded lines joined and block
indentation dropped. :func:`value_offsets` lines the value up with the
characters written, so a finding can point at its own line and column.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["value_offsets"]

#: Written characters that may stand between a value's characters without being
#: part of it: quotes (and the doubled quotes that escape them) and whitespace.
_SKIPPABLE = frozenset("\"'")


def value_offsets(value: str, written: str, start: int) -> Callable[[int], int]:
    """A function from an offset in ``value`` to an offset in the file.

    ``written`` is the value as it is written in the file, beginning at file
    offset ``start``. Each character of the value is matched to the next equal
    written character (any whitespace matches any whitespace: a folded line
    break reads as a space), skipping whitespace and quotes between them. Where
    the two cannot be lined up (an escape such as ``\\n``), offsets from there on
    fall back to the last place matched, so a finding still points into the value.
    """
    places: list[int] = []
    j = 0
    for char in value:
        space = char.isspace()
        while j < len(written):
            w = written[j]
            if w == char or (space and w.isspace()):
                break
            if w.isspace() or w in _SKIPPABLE:
                j += 1
                continue
            j = len(written)  # cannot be lined up: stop here
        if j >= len(written):
            break
        places.append(start + j)
        j += 1
    fallback = places[-1] if places else start
    end = start + j if len(places) == len(value) else fallback

    def offset(position: int) -> int:
        if 0 <= position < len(places):
            return places[position]
        return end if position >= len(value) else fallback

    return offset
