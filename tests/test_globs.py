"""Globs work as in .gitignore: '*' stays in one folder, '**' crosses folders."""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sociopolicy.globs import matches_any


@pytest.mark.parametrize(
    ("path", "glob", "expected"),
    [
        ("a/b/c.md", "*.md", True),  # no '/': a name at any depth
        ("a/b/c.md", "b", True),  # a folder's name: everything inside it
        ("a/b/c.md", "c", False),
        ("a/b/c.md", "a/*", True),  # a/b matches, so everything in it
        ("a/b/c.md", "a/*.md", False),  # '*' does not cross '/'
        ("a/c.md", "a/*.md", True),
        ("a/b/c.md", "a/**/*.md", True),
        ("a/c.md", "a/**/*.md", True),  # '**/' may be no folder at all
        ("a/b/c.md", "a/**", True),
        ("b/a/c.md", "a/*.md", False),  # a glob with '/' starts at the base
        ("c.md", "/c.md", True),
        ("a/c.md", "/c.md", False),
        ("a/c.md", "./a/c.md", True),
        ("a/c.md", "c.md/", False),  # a trailing '/' matches folders only
        ("a/c/x.md", "c/", True),
        ("x[1].md", "x[[]1].md", True),
        ("x1.md", "x[!2].md", True),
        ("x2.md", "x[!2].md", False),
        ("notes.md", "?otes.md", True),
        ("a/notes.md", "a?notes.md", False),  # '?' does not match '/'
    ],
)
def test_glob_matching(path: str, glob: str, expected: bool) -> None:
    assert matches_any(path, [glob]) is expected


_NAME = st.text(st.sampled_from("abc.-_"), min_size=1, max_size=5).filter(
    lambda name: name not in (".", "..")
)


@given(st.lists(_NAME, min_size=1, max_size=4), _NAME)
def test_a_glob_without_slash_matches_a_name_as_fnmatch_does(parts: list[str], glob: str) -> None:
    path = "/".join(parts)
    assert matches_any(path, [glob]) == any(fnmatch.fnmatchcase(p, glob) for p in parts)


@given(st.lists(_NAME, min_size=2, max_size=4))
def test_a_folder_glob_matches_everything_below_it(parts: list[str]) -> None:
    path = "/".join(parts)
    for depth in range(1, len(parts)):
        assert matches_any(path, ["/".join(parts[:depth]) + "/"])
        assert matches_any(path, ["/".join(parts[:depth]) + "/**"])


_GLOB = st.text(st.sampled_from("abc.-_*?/"), min_size=1, max_size=6).filter(
    lambda glob: glob.strip("/") not in ("", ".", "..")
)


@given(st.lists(_NAME, min_size=1, max_size=4), st.lists(_GLOB, max_size=5))
def test_several_globs_match_as_any_one_of_them(parts: list[str], globs: list[str]) -> None:
    path = "/".join(parts)
    assert matches_any(path, globs) == any(matches_any(path, [glob]) for glob in globs)
