"""Keep each loaded ruleset on disk, so the next process need not load it again.

Loading a ruleset reads its YAML files, validates every rule and builds its
phrase lists and templates: about 150 ms for a bundled ruleset, paid by every
run of ``sociopolicy check``. The compiled result is saved, pickled, in the
user's cache folder (see :func:`~sociopolicy.patterncache.cache_folder`); a later
process restores it in a few milliseconds when every file the ruleset was built
from still has the same content (SHA-256 of the bytes that were parsed) and the
same real path, with the same sociopolicy code, Python and libraries.

A pickle runs code when it is read, so a cache file is read only when

* it is signed (HMAC-SHA256) with this user's key, kept in the user's
  configuration folder, not the cache folder: a cache folder copied from
  elsewhere (a CI cache restored from another job, say) is never trusted;
* the signature covers what the file is for (the ruleset's path and the
  versions), so an entry cannot stand in for another;
* on POSIX, the file and its folder belong to the user and no one else may
  write to them.

``SOCIOPOLICY_NO_CACHE=1`` turns the cache off; deleting the folder is always
safe. Only rulesets that loaded without error are saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.util
import json
import logging
import os
import pickle
import secrets
import stat
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .limits import max_ruleset_bytes, read_at_most
from .patterncache import cache_folder

if TYPE_CHECKING:
    from .ruleset import Ruleset

__all__ = ["Stamp", "restore", "restoring", "stamp_of", "store", "unchanged"]

logger = logging.getLogger(__name__)

_FOLDER = "rulesets"
#: The most rulesets kept; the least recently used are removed beyond it.
MAX_ENTRIES = 32
#: The first line of a cache file; the second is its header (JSON), the rest the pickle.
_MAGIC = b"sociopolicy-ruleset-cache 2\n"
#: Temporary files older than this were left by a process that stopped while
#: writing; they are removed.
_STALE_SECONDS = 3600
_KEY_FILE = "cache-key"
_KEY_BYTES = 32

#: (path, modification time in ns, size) of a file read, as the loader takes it.
Stamp = tuple[str, int, int]
#: (absolute path, SHA-256 of the bytes parsed) of each file a ruleset was built from.
Digests = list[tuple[str, str]]

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


def _entry_key(path: Path, confine: bool) -> str:
    """What an entry is for. The path is kept as given too (the ruleset's
    ``files`` show it so), and the size limit decides whether a file loads."""
    return "\0".join(
        (
            _versions(),
            os.path.abspath(path),
            str(path),
            str(confine),
            str(max_ruleset_bytes()),
            os.path.expanduser("~"),  # "extends: ~/base.yaml" depends on it
        )
    )


def _entry_path(folder: Path, key: str) -> Path:
    return folder / (hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest() + ".pickle")


def _key_folder() -> Path:
    """The user's configuration folder for sociopolicy (``$XDG_CONFIG_HOME`` or
    ``~/.config``), where the signing key is kept, apart from the cache."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(base):  # unset, empty or relative: ignored, as the XDG spec says
        base = os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "sociopolicy"


def _signing_key(create: bool) -> bytes | None:
    """This user's key for signing cache entries (made when first needed), or None
    when there is no usable one: then nothing is cached, and nothing fails."""
    folder = _key_folder()
    path = folder / _KEY_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        return None
    temporary = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".key-")
        with os.fdopen(handle, "wb") as out:
            out.write(secrets.token_bytes(_KEY_BYTES))
        link = getattr(os, "link", None)
        try:
            if link is None:
                raise OSError("no links here")
            link(temporary, path)  # never replaces a key another process made
        except FileExistsError:
            pass
        except OSError:  # no links here: a key made at the same moment may be replaced,
            os.replace(temporary, path)  # which only makes that process's entries unused
    except OSError:
        return None
    finally:
        if temporary is not None:  # gone before the key is read (it must have one link)
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    try:
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    """The key in ``path``: a regular file of :data:`_KEY_BYTES` bytes that only
    this user can read or write, in a folder no one else can write to; opened
    without following a link or waiting on a pipe. None if it is not such a file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    handle = os.open(path, flags)
    try:
        info = os.fstat(handle)
        if not (stat.S_ISREG(info.st_mode) and _secret(info) and info.st_nlink == 1):
            return None
        if not _private(os.stat(path.parent)):
            return None
        key = os.read(handle, _KEY_BYTES + 1)
    finally:
        os.close(handle)
    return key if len(key) == _KEY_BYTES else None


def _signature(key: bytes, entry_key: str, header: bytes, payload: bytes) -> str:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (entry_key.encode("utf-8", "surrogatepass"), header, payload):
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()


def unchanged(digests: Digests) -> bool:
    """Whether each file still holds the bytes a ruleset was built from."""
    return all(_digest(name) == digest for name, digest in digests)


def _digest(path: str) -> str | None:
    """SHA-256 of a file's content (None if it cannot be read within the size limit)."""
    limit = max_ruleset_bytes()
    try:
        data = read_at_most(path, limit)
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest() if len(data) <= limit else None


def stamp_of(path: str) -> Stamp | None:
    """(path, modification time, size) of a file, or None if it cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (path, info.st_mtime_ns, info.st_size)


def _secret(info: os.stat_result) -> bool:
    """Owned by this user, and no one else may read or write it (true off POSIX,
    where the user's profile folder keeps it)."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & 0o077


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (always true off POSIX)."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def restore(path: Path, confine: bool) -> tuple[Ruleset, list[Stamp]] | None:
    """The ruleset saved for ``path``, with fresh stamps of its files, or None when
    there is none, it is out of date, or it cannot be trusted (see the module)."""
    folder = cache_folder()
    if folder is None:
        return None
    key = _signing_key(create=False)
    if key is None:
        return None
    entry_key = _entry_key(path, confine)
    entry = _entry_path(folder / _FOLDER, entry_key)
    try:
        with open(entry, "rb") as handle:
            if not (_private(os.fstat(handle.fileno())) and _private(os.stat(entry.parent))):
                logger.debug("ruleset cache %s: not private to this user, ignored", entry)
                return None
            if handle.readline() != _MAGIC:
                return None
            header_line = handle.readline()
            payload = handle.read()
        header = json.loads(header_line)
        files = [(str(name), str(real), str(digest)) for name, real, digest in header["files"]]
        signed = json.dumps({"files": header["files"]}).encode("utf-8")
        if not hmac.compare_digest(str(header["mac"]), _signature(key, entry_key, signed, payload)):
            logger.debug("ruleset cache %s: not signed with this user's key, ignored", entry)
            return None
        if any(os.path.realpath(name) != real for name, real, _ in files):
            return None  # a link now points elsewhere: load it again (and check confine)
        stamps = [stamp_of(name) for name, _, _ in files]
        digests = [(name, digest) for name, _, digest in files]
        if not unchanged(digests):
            return None  # a file changed: load it again
        with restoring():
            ruleset, compiled = pickle.loads(payload)  # signed by this user: see above
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file is ignored, never fatal
        logger.debug("ruleset cache %s: ignored (%s)", entry, exc)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept longest (see _prune)
    compiled.owner = weakref.ref(ruleset)
    ruleset._compiled = compiled
    ruleset._origin = (path, confine, digests)
    return ruleset, [s for s in stamps if s is not None]


def store(path: Path, confine: bool, ruleset: Ruleset, digests: Digests) -> None:
    """Save a freshly loaded ruleset for the next process (quietly skipped on failure).

    ``digests`` are of the bytes the loader parsed, so a file edited while the
    ruleset loaded no longer matches, and the next process loads it again.
    """
    folder = cache_folder()
    if folder is None:
        return
    key = _signing_key(create=True)
    if key is None:
        return
    files = [[name, os.path.realpath(name), digest] for name, digest in digests]
    try:
        # Phrase scans (with their compiled programs) and pattern gates are
        # worked out and saved with the rest, so a later process does none of it.
        ruleset.compiled.prepare()
        payload = pickle.dumps((ruleset, ruleset.compiled), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a rule kind that does not pickle: simply not cached
        logger.debug("ruleset %s not cached: %s", ruleset.ref, exc)
        return
    entry_key = _entry_key(path, confine)
    signed = json.dumps({"files": files}).encode("utf-8")
    header = {"files": files, "mac": _signature(key, entry_key, signed, payload)}
    target = folder / _FOLDER
    with contextlib.suppress(OSError):
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, prefix=".ruleset-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC)
                out.write(json.dumps(header).encode("utf-8") + b"\n")
                out.write(payload)
            os.replace(temporary, _entry_path(target, entry_key))
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _prune(target)


def _prune(folder: Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently used rulesets, and remove
    temporary files left by a process that stopped while writing one."""
    saved = []
    now = time.time()
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):  # removed meanwhile by another process
            if entry.name.endswith(".pickle"):
                saved.append((entry.stat().st_mtime_ns, entry))
            elif (
                entry.name.startswith(".ruleset-") and now - entry.stat().st_mtime > _STALE_SECONDS
            ):
                entry.unlink()
    saved.sort(reverse=True)
    for _, old in saved[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            old.unlink()
