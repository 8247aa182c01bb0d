"""``sociopolicy test``: every rule's examples and the ruleset's tests file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .bundled import bundled_rulesets
from .casefiles import load_cases, run_case, tests_file_for
from .loader import load_ruleset, locate_in, resolve_reference
from .ruleset import Ruleset
from .testing import ExampleCase, example_cases, run_example

__all__ = ["run_tests"]


def run_tests(references: Sequence[str], out: TextIO, *, confine: bool = False) -> int:
    """Test each ruleset (every bundled one if none is named); returns the exit code.

    Prints one line per failure and known miss, then a summary per ruleset.
    Exit code 0 when everything passes (known misses included), 1 otherwise.

    Raises:
        RulesetError: a ruleset or its tests file cannot be read.
    """
    names = list(references) or list(bundled_rulesets())
    failed = 0
    for reference in names:
        ruleset = load_ruleset(reference, confine=confine)
        failed += _test_one(ruleset, _path_of(reference), out)
    return 1 if failed else 0


def _path_of(reference: str) -> Path:
    bundled = bundled_rulesets()
    return Path(bundled[reference]) if reference in bundled else resolve_reference(reference)


def _test_one(ruleset: Ruleset, path: Path, out: TextIO) -> int:
    counts: Counter[str] = Counter()
    examples = example_cases(ruleset)
    for example in examples:
        problem = run_example(example)
        counts["failed" if problem else "passed"] += 1
        if problem:
            where = locate_in(ruleset, example.rule.id, _example_loc(example))
            out.write(f"FAIL {where}: {example.name}: {example.example.plain!r} {problem}\n")
    tests_file = tests_file_for(path)
    cases = load_cases(tests_file, ruleset) if tests_file.is_file() else []
    for loaded in cases:
        result = run_case(loaded, ruleset)
        counts[result.status] += 1
        if result.status != "passed":
            label = "FAIL" if result.status == "failed" else "TODO"
            at = f"{loaded.path}:{loaded.line}"
            for problem in result.problems:
                out.write(f"{label} {at}: case '{loaded.case.name}': {problem}\n")
    source = f" and {len(cases)} cases from {tests_file}" if cases else ""
    summary = ", ".join(
        f"{counts[status]} {status}" for status in ("passed", "failed", "todo") if counts[status]
    )
    out.write(f"{ruleset.ref}: {len(examples)} examples{source}: {summary}\n")
    return counts["failed"]


def _example_loc(example: ExampleCase) -> tuple[str | int, ...]:
    return ("examples", example.expectation, example.number)
