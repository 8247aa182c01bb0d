"""Which files ``sociopolicy check`` reads: given files, and content files in folders."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from .contentfiles import SUFFIXES
from .globs import glob_set, matches_any

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
#: Files that are never content, found in a folder or named (as pre-commit names
#: every changed file): rulesets' tests files, configuration, and a project's own
#: documents.
NOT_CONTENT = (
    "*.tests.yaml",
    "*.tests.yml",
    ".sociopolicy.yaml",
    ".pre-commit-*.yaml",
    "README*",
    "CHANGELOG*",
    "LICENSE*",
    "LICENCE*",
    "CONTRIBUTING*",
    "CODE_OF_CONDUCT*",
    "SECURITY*",
    "requirements*.txt",
)


def content_files(
    paths: Sequence[str],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    skipped: list[str] | None = None,
) -> Iterator[tuple[Path, str]]:
    """(path, name to show) for each file to check, in a stable order.

    A file named on the command line is always read (whatever its suffix) unless
    it matches ``exclude``, or is never content (:data:`NOT_CONTENT`; it is then
    added to ``skipped``, so the caller can say so); a folder is searched
    recursively for content files (``.txt``, ``.md``, ``.yaml``, ``.yml``,
    ``.json``, ``.csv``) that match ``include`` (if given) and not ``exclude``.
    Globs are relative to the working folder (see :mod:`sociopolicy.globs`).
    """
    seen: set[str] = set()
    here = os.getcwd()
    never = glob_set(NOT_CONTENT)
    excluded = glob_set(exclude) if exclude else None
    included = glob_set(include) if include else None
    for given in paths:
        path = Path(given)
        if path.is_dir():
            base = _from_here(given, here)
            # Names from the walk hold no "." or ".." parts: joining them to the
            # folder's absolute path gives the file's.
            folder = os.path.abspath(given)
            for relative, is_link in sorted(_walk(given)):
                file = os.path.join(given, relative)
                where = f"{base}/{relative}" if base != "." else relative
                if never.matches(where) or (excluded is not None and excluded.matches(where)):
                    continue
                if included is not None and not included.matches(where):
                    continue
                key = (
                    os.path.realpath(file)
                    if is_link
                    else os.path.join(folder, *relative.split("/"))  # "\\" on Windows
                )
                if key not in seen:
                    seen.add(key)
                    found = Path(file)
                    yield found, found.as_posix()
        elif matches_any(_from_here(given, here), NOT_CONTENT):
            if skipped is not None:
                skipped.append(given)
        elif not matches_any(_from_here(given, here), exclude):
            key = os.path.realpath(given)
            if key not in seen:
                seen.add(key)
                yield path, given


def _walk(folder: str, prefix: str = "") -> Iterator[tuple[str, bool]]:
    """(path under ``folder`` with ``/``, is a link) for each regular content file.

    Links to folders are not followed (no loops); version control, environments
    and caches are skipped.
    """
    try:
        entries = list(os.scandir(os.path.join(folder, prefix) if prefix else folder))
    except OSError:
        return
    for entry in entries:
        name = prefix + entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_FOLDERS:
                    yield from _walk(folder, name + "/")
            elif os.path.splitext(entry.name)[1].lower() in SUFFIXES:
                link = entry.is_symlink()
                # is_file() follows a link to a file; pipes and devices fail it and
                # are left alone. A broken link is yielded, to be reported as unreadable.
                if entry.is_file() or (link and not os.path.exists(entry.path)):
                    yield name, link
        except OSError:
            continue


def _from_here(path: str, here: str) -> str:
    """``path`` relative to the working folder ``here``, with ``/``, for globs
    (as given when outside it)."""
    absolute = os.path.abspath(path)
    if absolute == here:
        return "."
    if absolute.startswith(here.rstrip(os.sep) + os.sep):
        return absolute[len(here.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    return Path(path).as_posix()
