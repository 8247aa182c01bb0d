"""Keep each loaded ruleset on disk, so the next process need not load it again.

Loading a ruleset reads its YAML files, validates every rule and builds its
phrase lists and templates: about 150 ms for a bundled ruleset, paid by every
run of ``sociopolicy check``. The compiled result is saved, pickled, in the
user's cache folder (see :func:`~sociopolicy.patterncache.cache_folder`); a later
process restores it in a few milliseconds when every file the ruleset was built
from still has the same content (compared by SHA-256), and the same versions of
Python, sociopolicy and the libraries it uses.

A pickle runs code when it is read, so a cache file is read only when it and
its folder belong to the user running sociopolicy and nobody else may write to
them (the folder is created readable by its owner only). ``SOCIOPOLICY_NO_CACHE=1``
turns the cache off; deleting the folder is always safe. Only rulesets that
loaded without error are saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import pickle
import stat
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .limits import max_ruleset_bytes, read_at_most
from .patterncache import cache_folder

if TYPE_CHECKING:
    from .ruleset import Ruleset

__all__ = ["restore", "restoring", "store"]

logger = logging.getLogger(__name__)

_FOLDER = "rulesets"
#: The most rulesets kept; the least recently saved are removed beyond it.
MAX_ENTRIES = 32
#: The first line of a cache file; the rest is the pickle.
_MAGIC = b"sociopolicy-ruleset-cache 1\n"

#: (path, modification time in ns, size) of a file read, as the loader takes it.
Stamp = tuple[str, int, int]

_state = threading.local()


@contextlib.contextmanager
def restoring() -> Iterator[None]:
    """Within this block, an unpickled Ruleset does not compile itself: the
    compiled form comes from the cache file too."""
    before = getattr(_state, "restoring", False)
    _state.restoring = True
    try:
        yield
    finally:
        _state.restoring = before


def is_restoring() -> bool:
    """True while :func:`restoring` is in force (read by ``Ruleset.__setstate__``)."""
    return bool(getattr(_state, "restoring", False))


def _code_stamp() -> str:
    """The size and modification time of each of sociopolicy's modules: a cache
    saved by other code (an edited checkout, another install) is never used."""
    package = os.path.dirname(os.path.abspath(__file__))
    stamps = []
    for folder, folders, files in os.walk(package):
        folders[:] = sorted(f for f in folders if not f.startswith((".", "__")))
        for name in sorted(files):
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                stamps.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(stamps)


def _library_stamp(name: str) -> str:
    """Which install of a library is in use, without importing it (Jinja2 and
    PyYAML take tens of milliseconds to import, and a run that restores its
    ruleset may need neither)."""
    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None else None
    if origin is None:
        return f"{name}:none"
    try:
        info = os.stat(origin)
    except OSError:
        return f"{name}:{origin}"
    return f"{name}:{origin}:{info.st_size}:{info.st_mtime_ns}"


def _versions() -> str:
    import pydantic
    import regex

    return "\0".join(
        (
            __version__,
            _code_stamp(),
            sys.version,
            pydantic.VERSION,
            regex.__version__,
            _library_stamp("jinja2"),
            _library_stamp("yaml"),
        )
    )


def _entry_path(folder: Path, path: Path, confine: bool) -> Path:
    # The size limit decides whether a file loads at all, so it is part of the key.
    key = "\0".join((_versions(), os.path.abspath(path), str(confine), str(max_ruleset_bytes())))
    return folder / (hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest() + ".pickle")


def _digest(path: str) -> str | None:
    """SHA-256 of a file's content (None if it cannot be read within the size limit)."""
    limit = max_ruleset_bytes()
    try:
        data = read_at_most(path, limit)
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest() if len(data) <= limit else None


def _stamp(path: str) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (path, info.st_mtime_ns, info.st_size)


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (always true off POSIX)."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def restore(path: Path, confine: bool) -> tuple[Ruleset, list[Stamp]] | None:
    """The ruleset saved for ``path``, with fresh stamps of its files, or None when
    there is none, it is out of date, or it cannot be read safely."""
    folder = cache_folder()
    if folder is None:
        return None
    entry = _entry_path(folder / _FOLDER, path, confine)
    try:
        with open(entry, "rb") as handle:
            if not (_private(os.fstat(handle.fileno())) and _private(os.stat(entry.parent))):
                logger.debug("ruleset cache %s: not private to this user, ignored", entry)
                return None
            if handle.readline() != _MAGIC:
                return None
            header = json.loads(handle.readline())
            files = [(str(name), str(digest)) for name, digest in header["files"]]
            stamps = [_stamp(name) for name, _ in files]
            if any(_digest(name) != digest for name, digest in files):
                return None  # a file changed: load it again
            with restoring():
                ruleset, compiled = pickle.load(handle)  # a private file: see above
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file is ignored, never fatal
        logger.debug("ruleset cache %s: ignored (%s)", entry, exc)
        return None
    compiled.owner = weakref.ref(ruleset)
    ruleset._compiled = compiled
    ruleset._origin = (path, confine)
    return ruleset, [s for s in stamps if s is not None]


def store(path: Path, confine: bool, ruleset: Ruleset, stamps: Sequence[Stamp]) -> None:
    """Save a freshly loaded ruleset for the next process (quietly skipped on failure).

    Each file's content is hashed now; a file whose stamp moved since it was
    read may hold other content than was loaded, so nothing is saved then.
    """
    folder = cache_folder()
    if folder is None:
        return
    files = []
    for stamp in stamps:
        digest = _digest(stamp[0])
        if digest is None or _stamp(stamp[0]) != tuple(stamp):
            return
        files.append((stamp[0], digest))
    try:
        # Saved with the rest, so a later process does not build them; their
        # expressions are compiled when first used.
        ruleset.compiled.prepare_scans()
        payload = pickle.dumps((ruleset, ruleset.compiled), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a rule kind that does not pickle: simply not cached
        logger.debug("ruleset %s not cached: %s", ruleset.ref, exc)
        return
    target = folder / _FOLDER
    with contextlib.suppress(OSError):
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, prefix=".ruleset-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC)
                out.write(json.dumps({"files": files}).encode("utf-8") + b"\n")
                out.write(payload)
            os.replace(temporary, _entry_path(target, path, confine))
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _prune(target)


def _prune(folder: Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently saved rulesets."""
    saved = []
    for entry in folder.glob("*.pickle"):
        with contextlib.suppress(OSError):  # removed meanwhile by another process
            saved.append((entry.stat().st_mtime_ns, entry))
    saved.sort(reverse=True)
    for _, old in saved[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            old.unlink()
