"""Find the rulesets that ship with sociopolicy."""

from __future__ import annotations

import functools
import os
from pathlib import Path

__all__ = ["DEFAULT_RULESET", "bundled_dir", "bundled_rulesets", "is_bundled"]

#: The ruleset used when none is named.
DEFAULT_RULESET = "public-sector"

_SUFFIXES = (".yaml", ".yml")


def bundled_dir() -> Path:
    """The folder holding the bundled rulesets.

    In an installed wheel they sit in ``sociopolicy/rulesets``; in a source
    checkout (or an editable install) they are the top-level ``rulesets/`` folder.
    """
    packaged = Path(__file__).parent / "rulesets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rulesets"


@functools.lru_cache(maxsize=1)
def _scan() -> tuple[tuple[str, Path], ...]:
    folder = bundled_dir()
    if not folder.is_dir():
        return ()
    found = {
        path.stem: path
        for path in folder.iterdir()
        if path.suffix in _SUFFIXES and not path.stem.endswith(".tests")
    }
    return tuple(sorted(found.items()))


def bundled_rulesets() -> dict[str, Path]:
    """Bundled ruleset names and their files, sorted by name."""
    return dict(_scan())


@functools.lru_cache(maxsize=1)
def _bundled_files() -> frozenset[str]:
    return frozenset(os.path.realpath(path) for _, path in _scan())


def is_bundled(path: str | Path) -> bool:
    """Whether ``path`` is one of the rulesets that ship with sociopolicy."""
    return os.path.realpath(path) in _bundled_files()
