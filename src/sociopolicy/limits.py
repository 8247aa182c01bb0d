"""Resource limits, with safe defaults a user can raise.

Rulesets and drafts may come from anyone, so sizes are bounded before any
work starts: a file or text over a limit is a clear error, never a hang or a
memory blow-up. Each limit is read from an environment variable when it is
set (so it applies alike to the API, the command and CI), and the command's
options override it for one run.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UsageError

__all__ = [
    "DEFAULT_MAX_DRAFT_CHARS",
    "DEFAULT_MAX_RULESET_BYTES",
    "DRAFT_VARIABLE",
    "RULESET_VARIABLE",
    "max_draft_chars",
    "max_ruleset_bytes",
    "read_at_most",
]

#: The longest draft or comment checked (characters). The design promises any
#: text up to 1 MB a report; this leaves ten times that.
DEFAULT_MAX_DRAFT_CHARS = 10_000_000
#: The largest ruleset file read (bytes); a bigger ruleset is split with ``extends``.
DEFAULT_MAX_RULESET_BYTES = 1_000_000
DRAFT_VARIABLE = "SOCIOPOLICY_MAX_DRAFT_CHARS"
RULESET_VARIABLE = "SOCIOPOLICY_MAX_RULESET_BYTES"


def _read(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip().replace("_", "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"{variable} must be a whole number above 0, not '{raw}'")
    return int(raw)


def max_draft_chars() -> int:
    """The longest draft or comment to check (``SOCIOPOLICY_MAX_DRAFT_CHARS``)."""
    return _read(DRAFT_VARIABLE, DEFAULT_MAX_DRAFT_CHARS)


def max_ruleset_bytes() -> int:
    """The largest ruleset file to read (``SOCIOPOLICY_MAX_RULESET_BYTES``)."""
    return _read(RULESET_VARIABLE, DEFAULT_MAX_RULESET_BYTES)


#: Files whose size is not known (devices, pipes) are read in pieces this large.
_PIECE = 1 << 16


def read_at_most(path: str | Path, limit: int) -> bytes:
    """The file's bytes, reading no more than one past ``limit``: a result longer
    than ``limit`` means the file is over it (and a device such as /dev/zero,
    which never ends, is not read for ever). Raises OSError (its ``strerror``
    says why) when the file cannot be opened or read.

    A file is read by the size it says it has (asking for ``limit + 1`` bytes
    at once would set aside that much memory for every small file); one that
    says nothing, or grows meanwhile, is read on in pieces up to the limit.
    """
    # The descriptor is used directly: a buffered file object costs more than
    # the read itself for the small files most content is.
    handle = os.open(path, _READ_FLAGS)
    try:
        size = os.fstat(handle).st_size
        # A read may return less than asked before the end (the system's
        # choice): only an empty read means the end.
        data = os.read(handle, min(size, limit) + 1) if size > 0 else b""
        pieces = [data]
        total = len(data)
        while total <= limit:
            piece = os.read(handle, min(_PIECE, limit + 1 - total))
            if not piece:
                break
            pieces.append(piece)
            total += len(piece)
        return b"".join(pieces)
    finally:
        os.close(handle)


#: Read-only, and on Windows without turning line ends into others.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
