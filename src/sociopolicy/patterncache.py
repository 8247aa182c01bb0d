"""Remember, across runs, which regular expressions compile and their group names.

Compiling a ruleset's expressions is most of the cost of loading it, and a
command such as ``sociopolicy check`` loads its ruleset in every run. Loading
only needs to know that an expression is valid and what its named groups are;
the compiled expression is needed only when a text gets past the rule's
prefilter. So the answer is kept in a small JSON file in the user's cache folder,
and expressions are compiled when first used.

The cache holds no code and nothing from drafts: only digests of expressions
known to compile, with their group names. Delete it at any time. Its folder is
``$SOCIOPOLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/sociopolicy``, else
``~/.cache/sociopolicy``; set ``SOCIOPOLICY_NO_CACHE=1`` to neither read nor
write it. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import regex

__all__ = ["cache_file", "cache_folder", "is_known", "pattern_groups", "staged_entries"]

_FILE_NAME = "patterns.json"
_MAX_ENTRIES = 20_000
_lock = threading.Lock()
_known: dict[str, tuple[str, ...]] | None = None
_dirty = False


def cache_folder() -> Path | None:
    """sociopolicy's cache folder, or None when caching is turned off."""
    if os.environ.get("SOCIOPOLICY_NO_CACHE"):
        return None
    folder = os.environ.get("SOCIOPOLICY_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):  # unset, empty or relative: ignored, as the XDG spec says
            base = os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "sociopolicy")
    return Path(folder)


def cache_file() -> Path | None:
    """Where the pattern cache is kept, or None when caching is turned off."""
    folder = cache_folder()
    return folder / _FILE_NAME if folder is not None else None


def _digest(pattern: str, flags: int) -> str:
    text = f"{regex.__version__}\0{flags}\0{pattern}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _load() -> dict[str, tuple[str, ...]]:
    global _known
    if _known is None:
        _known = {}
        path = cache_file()
        if path is not None:
            with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
                data = json.loads(path.read_text(encoding="utf-8"))
                _known = {
                    str(key): tuple(str(name) for name in names)
                    for key, names in data["patterns"].items()
                    if isinstance(names, list)
                }
    return _known


def is_known(pattern: str, flags: int) -> bool:
    """Whether the cache knows ``pattern`` compiles: it passed every check before."""
    key = _digest(pattern, flags)
    with _lock:
        if key in _load():
            return True
    staged = getattr(_staging, "entries", None)
    return staged is not None and key in staged


def pattern_groups(pattern: str, flags: int) -> tuple[str, ...]:
    """The named groups of ``pattern`` (compiled with ``flags``).

    Raises ``regex.error`` when it does not compile. The answer is remembered
    in the cache, so a later run need not compile the expression to know it.
    """
    key = _digest(pattern, flags)
    with _lock:
        known = _load()
        if key in known:
            return known[key]
    staged = getattr(_staging, "entries", None)
    if staged is not None and key in staged:
        return staged[key]  # type: ignore[no-any-return]
    names = tuple(regex.compile(pattern, flags).groupindex)
    if staged is not None:
        staged[key] = names  # kept only if the ruleset loads (see staged_entries)
        return names
    with _lock:
        _remember({key: names})
    return names


def _remember(entries: dict[str, tuple[str, ...]]) -> None:
    """Add entries to the cache (the caller holds the lock)."""
    global _dirty
    known = _load()
    if len(known) + len(entries) > _MAX_ENTRIES:
        known.clear()
    known.update(entries)
    _dirty = _dirty or bool(entries)


_staging = threading.local()


@contextlib.contextmanager
def staged_entries() -> Iterator[None]:
    """Within this block (one ruleset load), new entries are kept only if it ends
    without an error: a ruleset that is refused leaves nothing in the cache."""
    outer = getattr(_staging, "entries", None)
    _staging.entries = {}
    try:
        yield
        entries = _staging.entries
        if outer is not None:
            outer.update(entries)
        else:
            with _lock:
                _remember(entries)
    finally:
        _staging.entries = outer


@atexit.register
def _save() -> None:
    """Write new entries (atomically: a reader never sees half a file)."""
    global _dirty
    path = cache_file()
    if not _dirty or _known is None or path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"patterns": {k: list(v) for k, v in _known.items()}})
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".patterns-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _dirty = False
