"""Broken ruleset files give one located, one-line error each.

Each file in fixtures/bad/ states what it expects in its first lines:
``# error-type:``, ``# error-at: LINE:COLUMN``, ``# error-says: <text>`` and,
when the error is in another file, ``# error-file:``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sociopolicy import RulesetError, check_draft, load_ruleset

BAD = Path(__file__).parent / "fixtures" / "bad"
FILES = sorted(BAD.glob("*.yaml"))


def _expectations(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^# (error-[a-z]+): (.*)$", path.read_text(encoding="utf-8"), re.M))


def test_there_are_at_least_ten_broken_files() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_ruleset_error_is_located(path: Path, yaml_loader: str) -> None:
    expected = _expectations(path)
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    error = caught.value
    message = str(error)
    where = path.parent / expected["error-file"] if "error-file" in expected else path
    line, column = (int(n) for n in expected["error-at"].split(":"))
    assert type(error).__name__ == expected["error-type"]
    assert message.startswith(f"{where}:{line}:{column}: "), message
    assert expected["error-says"] in message
    assert "\n" not in message
    assert error.location.line == line
    assert error.location.column == column


def test_check_draft_with_a_broken_ruleset_raises_the_same_error() -> None:
    with pytest.raises(RulesetError, match=r"unknown-field\.yaml:12:5"):
        check_draft("hello", ruleset=BAD / "unknown-field.yaml")


def test_every_problem_is_listed_not_only_the_first(write_ruleset) -> None:  # type: ignore[no-untyped-def]
    path = write_ruleset(
        "two-problems.yaml",
        """
        name: two-problems
        version: "1"
        rules:
          - id: tone.one
            category: tonne
            kind: terms
            terms: [a1]
            message: "m"
            source: https://example.org
            examples: {fail: ["[[a1]]"], pass: ["b"]}
          - id: tone.two
            category: tone
            kind: terms
            terms: [a2]
            severity: fatal
            message: "m"
            source: https://example.org
            examples: {fail: ["[[a2]]"], pass: ["b"]}
        """,
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    issues = caught.value.issues
    assert [(i.rule_id, i.field, i.location.line) for i in issues] == [
        ("tone.one", "category", 5),
        ("tone.two", "severity", 15),
    ]
    assert str(caught.value).endswith("(and 1 more problem)")


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = Path("/tmp/sociopolicy-pwned")
    marker.unlink(missing_ok=True)
    with pytest.raises(RulesetError):
        load_ruleset(BAD / "python-tag.yaml")
    assert not marker.exists()
