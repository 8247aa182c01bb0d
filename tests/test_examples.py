"""Every example embedded in every bundled ruleset is a test case."""

from __future__ import annotations

import re

import pytest

from sociopolicy import bundled_rulesets, load_ruleset
from sociopolicy.testing import ExampleCase, example_cases, run_example

CASES = [case for name in bundled_rulesets() for case in example_cases(load_ruleset(name))]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_embedded_example(case: ExampleCase) -> None:
    problem = run_example(case)
    assert problem is None, f"{case.name}: {case.example.text!r} {problem}"


def test_there_are_examples_for_every_bundled_ruleset() -> None:
    names = {case.ruleset.name for case in CASES}
    assert names == set(bundled_rulesets())


@pytest.mark.parametrize("name", list(bundled_rulesets()))
def test_bundled_ruleset_is_named_after_its_file(name: str) -> None:
    assert load_ruleset(name).name == name


def test_every_rule_cites_a_listed_source() -> None:
    for name in bundled_rulesets():
        ruleset = load_ruleset(name)
        for rule in ruleset.rules:
            assert rule.source, rule.id
            for key in rule.source:
                assert key in ruleset.sources, f"{name}: {rule.id} cites unlisted {key!r}"


def test_runner_reports_a_rule_that_misses_its_marked_span(write_ruleset) -> None:  # type: ignore[no-untyped-def]
    path = write_ruleset(
        "wrong-span.yaml",
        """
        name: wrong-span
        version: "1"
        rules:
          - id: tone.hedging
            category: tone
            kind: terms
            terms: [perhaps]
            message: "Avoid {{ match }}."
            source: https://example.org
            examples:
              fail: ["[[Perhaps we]] will"]
              pass: ["perhaps not"]
        """,
    )
    cases = {case.name: run_example(case) for case in example_cases(load_ruleset(path))}
    assert cases["wrong-span::tone.hedging::fail-1"] == (
        "fired on 'Perhaps' but the example marks 'Perhaps we'"
    )
    assert cases["wrong-span::tone.hedging::pass-1"] == "fired on 'perhaps' but should not have"


def test_every_bundled_rule_is_documented_and_has_near_misses() -> None:
    # Two fail and two pass examples each (the pass ones catch false positives),
    # a rationale in plain words and a message that says what to do.
    for name in bundled_rulesets():
        for rule in load_ruleset(name).rules:
            assert len(rule.examples.fail) >= 2, f"{name}: {rule.id} has one fail example"
            assert len(rule.examples.pass_) >= 2, f"{name}: {rule.id} has one pass example"
            assert rule.rationale, f"{name}: {rule.id} has no rationale"
            assert len(rule.rationale.split()) >= 8, f"{name}: {rule.id} rationale is too short"


def test_every_cited_source_says_where_to_find_it() -> None:
    # A web address, or a title that names the section or pages, or a note.
    section = re.compile(r"\bpp?\.\s*\d|\bs\d+|\bsection\b", re.IGNORECASE)
    for name in bundled_rulesets():
        ruleset = load_ruleset(name)
        for key in {key for rule in ruleset.rules for key in rule.source}:
            source = ruleset.sources[key]
            where = source.url or section.search(source.title) or source.note
            assert where, f"{name}: source {key} has no URL, section or note"
