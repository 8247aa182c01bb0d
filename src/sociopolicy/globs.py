"""Path globs for ``--include``, ``--exclude`` and configuration, as in ``.gitignore``.

* ``*`` matches any characters but ``/``; ``?`` one character but ``/``;
  ``[abc]`` one of a set; ``**`` any number of folders (``drafts/**/*.md``).
* A glob without a ``/`` (``*.csv``, ``archive``) matches a file or folder of
  that name at any depth.
* A glob with a ``/`` (``drafts/*.md``, ``/notes.txt``) matches from the base
  folder: the configuration's folder, or the working folder on the command line.
* A glob that matches a folder matches everything inside it; one that ends in
  ``/`` matches folders only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Glob", "GlobSet", "glob_set", "matches_any"]


@dataclass(frozen=True)
class Glob:
    """One compiled glob."""

    pattern: str
    regex: re.Pattern[str]
    #: Matches a single file or folder name at any depth (the glob has no ``/``).
    by_name: bool
    folders_only: bool

    def matches(self, path: str) -> bool:
        """Whether ``path`` (``/``-separated, relative to the base) or a folder it is in matches."""
        parts = path.strip("/").split("/")
        last = len(parts) - 1
        for depth in range(len(parts)):
            if self.folders_only and depth == last:
                return False
            candidate = parts[depth] if self.by_name else "/".join(parts[: depth + 1])
            if self.regex.fullmatch(candidate):
                return True
        return False


@functools.lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    """Compile ``pattern`` (see the module's description)."""
    text = pattern.removeprefix("./")
    folders_only = text.endswith("/")
    anchored = text.startswith("/")
    text = text.strip("/")
    by_name = "/" not in text and not anchored
    return Glob(pattern, re.compile(_translate(text)), by_name, folders_only)


def _translate(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if text.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            first = i + 2 if text.startswith("[!", i) else i + 1
            close = text.find("]", first + 1)
            if close == -1:
                out.append(re.escape(char))
                i += 1
                continue
            body = text[i + 1 : close]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
            i = close + 1
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class GlobSet:
    """Several globs: those that match a name at any depth joined in one expression."""

    names: re.Pattern[str] | None
    others: tuple[Glob, ...]

    def matches(self, path: str) -> bool:
        if self.names is not None:
            fullmatch = self.names.fullmatch
            if any(fullmatch(part) for part in path.strip("/").split("/")):
                return True
        return any(glob.matches(path) for glob in self.others)


@functools.lru_cache(maxsize=256)
def _glob_set(globs: tuple[str, ...]) -> GlobSet:
    compiled = [compile_glob(glob) for glob in globs]
    by_name = [g for g in compiled if g.by_name and not g.folders_only]
    names = re.compile("|".join(f"(?:{g.regex.pattern})" for g in by_name)) if by_name else None
    return GlobSet(names, tuple(g for g in compiled if g not in by_name))


def matches_any(path: str, globs: Sequence[str]) -> bool:
    """Whether ``path`` (relative to the globs' base, ``/``-separated) matches any glob."""
    return bool(globs) and _glob_set(tuple(globs)).matches(path)


def glob_set(globs: Sequence[str]) -> GlobSet:
    """The globs compiled together, for matching many paths (``.matches(path)``)."""
    return _glob_set(tuple(globs))
