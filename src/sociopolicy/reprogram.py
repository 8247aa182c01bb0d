"""Big ``re`` expressions saved as the program the regex engine runs.

``re.compile`` spends nearly all its time in Python, reading the expression and
writing the engine's program; turning a saved program back into a pattern is a
single call into the engine (the default ruleset's phrase scan: 20 ms against
0.3 ms). The ruleset cache saves the programs of its biggest expressions, so a
process that restores a ruleset compiles none of them.

A program belongs to the Python version that wrote it: the ruleset cache keys
its entries by version, and a program that cannot be read back falls back to
compiling the expression. The program is bytes written by this user's own
process, signed with the ruleset cache (see :mod:`sociopolicy.rulesetcache`).
"""

from __future__ import annotations

import array
import re
import sys
from typing import Any, NamedTuple

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    from re import _compiler, _parser  # type: ignore[attr-defined]
else:  # pragma: no cover
    import sre_compile as _compiler  # type: ignore[no-redef,unused-ignore]
    import sre_parse as _parser  # type: ignore[no-redef,unused-ignore]

import _sre  # type: ignore[import-not-found]

__all__ = ["Program", "compile_program", "program_of"]

#: Engine words are packed as unsigned ints of the engine's own size.
_WORD = "I" if array.array("I").itemsize == _sre.CODESIZE else "L"


class Program(NamedTuple):
    """What ``re.compile(source, flags)`` builds, as plain data."""

    source: str
    #: The flags asked for, and the flags the engine runs with (the pattern's own added).
    flags: int
    engine_flags: int
    code: bytes
    groups: int
    groupindex: dict[str, int]
    indexgroup: tuple[str | None, ...]


def program_of(source: str, flags: int = 0) -> Program | None:
    """The program of ``re.compile(source, flags)``, or None if it cannot be had."""
    try:
        parsed: Any = _parser.parse(source, flags)
        code = _compiler._code(parsed, flags)  # type: ignore[attr-defined]
        words = array.array(_WORD, map(int, code))
        if words.itemsize != _sre.CODESIZE:
            return None
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, number in groupindex.items():
            indexgroup[number] = name
        return Program(
            source,
            flags,
            flags | parsed.state.flags,
            words.tobytes(),
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
    except Exception:  # an interpreter whose internals differ: compile as usual
        return None


def compile_program(program: Program | None, source: str, flags: int = 0) -> re.Pattern[str]:
    """The pattern ``program`` was made from: ``re.compile(source, flags)``, without
    compiling when the program is for that source and flags and can be read back."""
    if program is not None and program.source == source and program.flags == flags:
        try:
            words = array.array(_WORD)
            words.frombytes(program.code)
            pattern: re.Pattern[str] = _sre.compile(
                source,
                program.engine_flags,
                words.tolist(),
                program.groups,
                program.groupindex,
                program.indexgroup,
            )
            return pattern
        except Exception:  # another interpreter's program: compile as usual
            pass
    return re.compile(source, flags)
