"""Which files ``sociopolicy check`` reads: given files, and content files in folders."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from .contentfiles import SUFFIXES
from .globs import matches_any

__all__ = ["SKIPPED_FOLDERS", "content_files"]

#: Folders never searched: version control, environments, caches.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".github",
        ".gitlab",
    }
)
#: Files in folders that are not content: rulesets' tests files and configuration.
NOT_CONTENT = ("*.tests.yaml", "*.tests.yml", ".sociopolicy.yaml", ".pre-commit-*.yaml")


def content_files(
    paths: Sequence[str], include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> Iterator[tuple[Path, str]]:
    """(path, name to show) for each file to check, in a stable order.

    A file named on the command line is always read (whatever its suffix) unless
    it matches ``exclude``; a folder is searched recursively for content files
    (``.txt``, ``.md``, ``.yaml``, ``.yml``, ``.json``, ``.csv``) that match
    ``include`` (if given) and not ``exclude``. Globs are relative to the
    working folder (see :mod:`sociopolicy.globs`).
    """
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(_walk(path), key=lambda p: p.as_posix())
            for file in found:
                shown = file.as_posix()
                where = _from_here(file)
                if matches_any(where, NOT_CONTENT) or matches_any(where, exclude):
                    continue
                if include and not matches_any(where, include):
                    continue
                if file.resolve() not in seen:
                    seen.add(file.resolve())
                    yield file, shown
        elif not matches_any(_from_here(path), exclude):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path, given


def _walk(folder: Path) -> Iterator[Path]:
    """Regular content files under ``folder``; links to folders are not followed (no loops)."""
    for root, folders, files in os.walk(folder, followlinks=False):
        folders[:] = [name for name in folders if name not in SKIPPED_FOLDERS]
        for name in files:
            path = Path(root) / name
            if path.suffix.lower() in SUFFIXES and _regular(path):
                yield path


def _regular(path: Path) -> bool:
    """A regular file (or a link to one): not a pipe, device or broken link."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _from_here(path: Path) -> str:
    """``path`` relative to the working folder, for globs (as given when outside it)."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
