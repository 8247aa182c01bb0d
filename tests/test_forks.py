"""Councils fork rulesets: extends, disable, overrides and vars."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from sociopolicy import RulesetError, check_draft, load_ruleset
from sociopolicy.testing import example_cases, run_example

from .conftest import WriteRuleset

DRAFT = "That's a stupid question. We will utilise the portal. Vote Greens!"


def _ids(report_rules: object) -> list[str]:
    return [v.rule_id for v in report_rules.violations]  # type: ignore[attr-defined]


def test_bare_extends_gives_the_same_report(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset("fork.yaml", 'name: fork\nversion: "1"\nextends: public-sector\n')
    base = check_draft(DRAFT)
    forked = check_draft(DRAFT, ruleset=fork)
    assert forked.violations == base.violations
    assert forked.decision == base.decision
    assert forked.ruleset == "fork@1"


def test_fork_disables_overrides_adds_and_uses_vars(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "springfield.yaml",
        """
        name: springfield
        version: "2.0"
        extends: public-sector
        vars:
          organisation: Springfield City Council
          phone: 1300 555 123
        disable: [language.plain-words]
        overrides:
          tone.insult: {severity: warning, terms: [numpty]}
        rules:
          - id: language.local-slang
            category: language
            kind: terms
            severity: warning
            when: {platform: [facebook, instagram]}
            terms: [arvo, servo]
            message: "Spell out '{{ match }}' ({{ vars.organisation }}, {{ vars.phone }})."
            source: https://www.springfield.example/style
            examples:
              fail: ["See you at the [[servo]] this [[arvo]]"]
              pass: ["See you at the service station this afternoon"]
        """,
    )
    ruleset = load_ruleset(fork)
    ids = [rule.id for rule in ruleset.rules]
    assert "language.plain-words" not in ids
    assert ids[-1] == "language.local-slang"
    assert ruleset.vars["organisation"] == "Springfield City Council"

    report = check_draft("A numpty said the stupid servo is open this arvo", ruleset=fork)
    assert [(v.rule_id, v.excerpt, v.severity) for v in report.violations] == [
        ("tone.insult", "numpty", "warning")
    ]  # 'stupid' is no longer listed; slang only on facebook/instagram

    on_facebook = check_draft("the servo is open", ruleset=fork, platform="facebook")
    assert [v.message for v in on_facebook.violations] == [
        "Spell out 'servo' (Springfield City Council, 1300 555 123)."
    ]
    # The inherited message renders with the fork's vars.
    vote = check_draft("Vote Greens", ruleset=fork)
    assert "Springfield City Council must stay politically impartial" in vote.violations[0].message
    # The fork's examples, and the inherited ones after its changes, all pass.
    assert all(
        run_example(case) is None
        for case in example_cases(ruleset)
        if case.rule.id != "tone.insult"
    )


def test_override_replaces_lists_whole_and_keeps_other_fields(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "fork.yaml",
        """
        name: fork
        version: "1"
        extends: public-sector
        overrides:
          tone.insult:
            terms: [numpty]
            examples: {fail: ["[[numpty]]"], pass: ["stupid"]}
        """,
    )
    rule = load_ruleset(fork).rule("tone.insult")
    base = load_ruleset("public-sector").rule("tone.insult")
    assert rule.terms == ("numpty",)  # type: ignore[attr-defined]
    assert rule.message == base.message
    assert rule.severity == base.severity
    assert all(run_example(c) is None for c in example_cases(load_ruleset(fork)))


def test_override_with_an_invalid_value_points_at_the_fork(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "fork.yaml",
        """
        name: fork
        version: "1"
        extends: public-sector
        overrides:
          tone.insult:
            terms: [ok, true]
        """,
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(fork)
    assert str(caught.value).startswith(f"{fork}:6:17: rule 'tone.insult', field 'terms[1]': ")


def test_relative_extends_chain_and_several_parents(write_ruleset: WriteRuleset) -> None:
    write_ruleset(
        "shared/extra.yaml",
        """
        name: extra
        version: "1"
        vars: {organisation: Extra Org, colour: blue}
        rules:
          - id: tone.hedging
            category: tone
            kind: terms
            terms: [perhaps]
            message: "Avoid '{{ match }}' ({{ vars.colour }})."
            source: https://example.org
            examples: {fail: ["[[perhaps]]"], pass: ["yes"]}
        """,
    )
    middle = write_ruleset(
        "team/middle.yaml",
        """
        name: middle
        version: "1"
        extends: [public-sector, ../shared/extra.yaml]
        vars: {colour: green}
        """,
    )
    top = write_ruleset("top.yaml", 'name: top\nversion: "3"\nextends: team/middle.yaml\n')
    ruleset = load_ruleset(top)
    assert ruleset.vars["organisation"] == "Extra Org"  # later parent wins
    assert ruleset.vars["colour"] == "green"  # the file's own vars win
    assert [Path(f).name for f in ruleset.files] == [
        "top.yaml",
        "middle.yaml",
        "public-sector.yaml",
        "extra.yaml",
    ]
    report = check_draft("perhaps", ruleset=top)
    assert report.violations[0].message == "Avoid 'perhaps' (green)."
    assert middle.exists()


def test_diamond_keeps_the_changed_version(write_ruleset: WriteRuleset) -> None:
    write_ruleset(
        "changed.yaml",
        """
        name: changed
        version: "1"
        extends: public-sector
        overrides: {tone.insult: {severity: suggestion}}
        """,
    )
    write_ruleset("plain.yaml", 'name: plain\nversion: "1"\nextends: public-sector\n')
    for order in (["changed.yaml", "plain.yaml"], ["plain.yaml", "changed.yaml"]):
        top = write_ruleset("top.yaml", f"name: top\nversion: '1'\nextends: {order}\n")
        assert load_ruleset(top).rule("tone.insult").severity == "suggestion"


def test_diamond_with_two_different_changes_takes_the_later(write_ruleset: WriteRuleset) -> None:
    write_ruleset(
        "a.yaml",
        "name: a\nversion: '1'\nextends: public-sector\noverrides: {tone.insult: {severity: suggestion}}\n",
    )
    write_ruleset(
        "b.yaml",
        "name: b\nversion: '1'\nextends: public-sector\noverrides: {tone.insult: {severity: warning}}\n",
    )
    top = write_ruleset("top.yaml", "name: top\nversion: '1'\nextends: [a.yaml, b.yaml]\n")
    assert load_ruleset(top).rule("tone.insult").severity == "warning"
    top = write_ruleset("top2.yaml", "name: top\nversion: '1'\nextends: [b.yaml, a.yaml]\n")
    assert load_ruleset(top).rule("tone.insult").severity == "suggestion"


def test_same_rule_id_in_two_unrelated_parents_is_an_error(write_ruleset: WriteRuleset) -> None:
    body = """
        version: '1'
        rules:
          - id: tone.hedging
            category: tone
            kind: terms
            terms: [perhaps]
            message: m
            source: https://example.org
            examples: {fail: ["[[perhaps]]"], pass: ["yes"]}
        """
    write_ruleset("a.yaml", "name: a" + textwrap.dedent(body))
    write_ruleset("b.yaml", "name: b" + textwrap.dedent(body))
    top = write_ruleset("top.yaml", "name: top\nversion: '1'\nextends: [a.yaml, b.yaml]\n")
    with pytest.raises(
        RulesetError,
        match=r"top.yaml:3:19: rule 'tone.hedging', field 'extends': the rule 'tone.hedging' is defined both in",
    ):
        load_ruleset(top)


def test_disabling_a_rule_only_removes_its_violations(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "fork.yaml", "name: fork\nversion: '1'\nextends: public-sector\ndisable: tone.insult\n"
    )
    base = check_draft(DRAFT)
    forked = check_draft(DRAFT, ruleset=fork)
    assert list(forked.violations) == [v for v in base.violations if v.rule_id != "tone.insult"]


def test_edited_fork_is_reloaded(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset("fork.yaml", "name: fork\nversion: '1'\nextends: public-sector\n")
    assert "tone.insult" in _ids(check_draft("stupid", ruleset=fork))
    fork.write_text(
        "name: fork\nversion: '2'\nextends: public-sector\ndisable: [tone.insult]\n",
        encoding="utf-8",
    )
    stat = fork.stat()
    os.utime(fork, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    report = check_draft("stupid", ruleset=fork)
    assert report.ruleset == "fork@2"
    assert report.violations == ()


def test_same_path_is_cached(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset("fork.yaml", "name: fork\nversion: '1'\nextends: public-sector\n")
    assert load_ruleset(fork) is load_ruleset(str(fork))


def test_disabled_rule_id_cannot_be_reused(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "fork.yaml",
        """
        name: fork
        version: "1"
        extends: public-sector
        disable: [tone.insult]
        rules:
          - id: tone.insult
            category: tone
            kind: terms
            terms: [numpty]
            message: m
            source: https://example.org
            examples: {fail: ["[[numpty]]"], pass: ["friend"]}
        """,
    )
    with pytest.raises(
        RulesetError,
        match=r"fork.yaml:6:9: rule 'tone.insult', field 'id': this id is already defined in .*public-sector.yaml \(disabled\); give your rule a new id",
    ):
        load_ruleset(fork)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "{swap: {stupid: silly}}",
            "'swap' is not a field of a 'terms' rule; it belongs to kind substitution",
        ),
        ("{kind: substitution}", "an override cannot change a rule's kind"),
        ("{when: {platfrom: x}}", "'platfrom' looks like a misspelling of 'platform'"),
    ],
)
def test_override_mistakes_are_explained(
    write_ruleset: WriteRuleset, override: str, message: str
) -> None:
    fork = write_ruleset(
        "fork.yaml",
        f"name: fork\nversion: '1'\nextends: public-sector\noverrides:\n  tone.insult: {override}\n",
    )
    with pytest.raises(RulesetError, match=r"fork\.yaml:5:\d+: rule 'tone\.insult'") as caught:
        load_ruleset(fork)
    assert message in str(caught.value)


def test_resolution_and_field_problems_are_reported_together(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "fork.yaml",
        """
        name: fork
        version: "1"
        extends: public-sector
        disable: [tone.insults]
        rules:
          - id: tone.local
            category: tone
            kind: terms
            trems: [numpty]
            message: m
            source: https://example.org
            examples: {fail: ["[[numpty]]"], pass: ["friend"]}
        """,
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(fork)
    assert [(i.rule_id, i.field, i.location.line) for i in caught.value.issues] == [
        ("tone.insults", "disable", 4),
        ("tone.local", "trems", 9),
    ]
    assert str(caught.value).endswith("(and 1 more problem)")


@pytest.mark.parametrize("order", [["a.yaml", "b.yaml"], ["b.yaml", "a.yaml"]])
def test_diamond_keeps_a_disable_and_a_var_set_on_one_path(
    write_ruleset: WriteRuleset, order: list[str]
) -> None:
    write_ruleset(
        "a.yaml",
        "name: a\nversion: '1'\nextends: public-sector\n"
        "vars: {organisation: Alpha Council}\ndisable: [tone.insult]\n",
    )
    write_ruleset("b.yaml", "name: b\nversion: '1'\nextends: public-sector\n")
    top = write_ruleset("top.yaml", f"name: top\nversion: '1'\nextends: {order}\n")
    ruleset = load_ruleset(top)
    assert "tone.insult" not in [rule.id for rule in ruleset.rules]
    assert ruleset.vars["organisation"] == "Alpha Council"


def test_diamond_later_change_wins_over_a_disable(write_ruleset: WriteRuleset) -> None:
    write_ruleset(
        "a.yaml", "name: a\nversion: '1'\nextends: public-sector\ndisable: [tone.insult]\n"
    )
    write_ruleset(
        "b.yaml",
        "name: b\nversion: '1'\nextends: public-sector\n"
        "overrides: {tone.insult: {severity: warning}}\n",
    )
    top = write_ruleset("top.yaml", "name: top\nversion: '1'\nextends: [a.yaml, b.yaml]\n")
    assert load_ruleset(top).rule("tone.insult").severity == "warning"
    top = write_ruleset("top2.yaml", "name: top\nversion: '1'\nextends: [b.yaml, a.yaml]\n")
    assert "tone.insult" not in [rule.id for rule in load_ruleset(top).rules]
