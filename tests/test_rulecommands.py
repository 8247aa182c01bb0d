"""The commands for ruleset editors: validate, explain, rules, schema, init and docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sociopolicy.bundled import bundled_rulesets
from sociopolicy.cli import main
from sociopolicy.rulecommands import schema_text
from sociopolicy.yamlsource import load_yaml
from tests.schemacheck import problems

REPO = Path(__file__).resolve().parents[1]
SHIPPED_SCHEMA = REPO / "src" / "sociopolicy" / "schema" / "ruleset.schema.json"

LINTY = """\
name: linty
version: "1"
extends: public-sector
vars:
  unused_thing: hello
  organisation: Linty Council
rules:
  - id: local.whatever
    category: language
    kind: terms
    terms: [whatever]
    message: "Avoid '{{ match }}' at {{ vars.organisation }}."
    source: [seed]
    examples: {fail: ["say [[whatever]]", "[[Whatever]]."], pass: ["say what", "ever"]}
  - id: local.slow
    category: language
    kind: pattern
    pattern: '(\\w+\\s)+!'
    message: "Slow."
    source: [seed]
    when: {moon_phase: full}
    examples:
      fail: ["[[a b!]]", "[[yes!]]"]
      pass: ["no", "none"]
overrides:
  tone.insult:
    severity: warning
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_reports_every_error_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        'name: broken\nversion: "1"\nextends: public-sector\nrules:\n'
        "  - id: local.a\n    category: tone\n    kind: terms\n    terms: []\n"
        "    message: x\n    source: [seed]\n"
        "  - id: local.b\n    category: nonsense\n    kind: terms\n    terms: [x]\n"
        "    message: x\n    source: []\n"
        "    examples: {fail: ['[[x]]', 'an [[x]]'], pass: [none, zed]}\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "validate", str(path))
    assert code == 1
    lines = out.splitlines()
    # Every problem in one run, each at its line and column, in file order.
    assert lines[0].startswith(f"{path}:5:5: error: rule 'local.a', field 'examples':")
    assert lines[1].startswith(f"{path}:8:12: error: rule 'local.a', field 'terms':")
    assert lines[2].startswith(f"{path}:12:15: error: rule 'local.b', field 'category':")
    assert lines[3].startswith(f"{path}:16:13: error: rule 'local.b', field 'source':")
    assert lines[-1] == f"{path}: 4 errors"


def test_validate_warns_about_what_loads_but_is_probably_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "linty.yaml"
    path.write_text(LINTY, encoding="utf-8")
    code, out, _ = _run(capsys, "validate", str(path))
    assert code == 0  # warnings alone pass, unless --strict
    warnings = [line for line in out.splitlines() if ": warning: " in line]
    assert any("'moon_phase' is not a standard fact" in line for line in warnings)
    assert any(
        line.startswith(f"{path}:5:3: warning: field 'vars.unused_thing'") for line in warnings
    )
    # Inherited rules, the used var and the overridden severity are not warned about.
    assert len(warnings) == 2
    assert out.splitlines()[-1] == f"{path}: valid (linty@1, 65 rules), 2 warnings"
    code, _, _ = _run(capsys, "validate", "--strict", str(path))
    assert code == 1


def test_a_pattern_that_can_backtrack_without_end_is_an_error_at_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "slow.yaml"
    path.write_text(LINTY.replace("(\\w+\\s)+!", "(\\w+\\s?)+!"), encoding="utf-8")
    code, out, _ = _run(capsys, "validate", str(path))
    assert code == 1
    assert out.splitlines()[0].startswith(
        f"{path}:18:14: error: rule 'local.slow', field 'pattern': the pattern can take very "
        "long on some texts: a repeat inside a repeated group"
    )


def test_bundled_rulesets_validate_without_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", "--strict", *bundled_rulesets())
    assert code == 0
    assert ": warning: " not in out


def test_explain_shows_the_rule_after_the_fork_changed_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "linty.yaml"
    path.write_text(LINTY, encoding="utf-8")
    code, out, _ = _run(capsys, "explain", "tone.insult", "--ruleset", str(path))
    assert code == 0
    assert out.startswith("tone.insult (terms, tone, warning)\n")  # severity overridden
    assert "\nWhy\n" in out
    assert "\nExamples it fails on\n" in out
    code, _, err = _run(capsys, "explain", "tone.insul", "--ruleset", str(path))
    assert code == 2
    assert "has no rule 'tone.insul'; did you mean 'tone.insult'?" in err


def test_rules_lists_a_table_filtered_by_category(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "rules", "--category", "privacy")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "category", "severity", "action"]
    assert all(line.split()[1] == "privacy" for line in lines[1:-1])
    assert lines[-1].endswith("rules in public-sector@0.1.0")
    code, _, err = _run(capsys, "rules", "--category", "astrology")
    assert code == 2
    assert "no rules in category 'astrology'" in err


def test_the_shipped_schema_is_fresh(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "schema")
    assert code == 0
    assert out == schema_text()
    assert SHIPPED_SCHEMA.read_text("utf-8") == out, (
        "the shipped schema is stale; run: sociopolicy schema > "
        "src/sociopolicy/schema/ruleset.schema.json"
    )


@pytest.mark.parametrize("name", sorted(bundled_rulesets()))
def test_every_bundled_ruleset_fits_the_schema(name: str) -> None:
    schema = json.loads(schema_text())
    data = json.loads(json.dumps(load_yaml(bundled_rulesets()[name]).data, default=str))
    assert problems(data, schema, schema) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"colour": "red"}, "/colour: not allowed"),
        (
            {"rules": [{"id": "a.b", "category": "tone", "kind": "nope", "message": "x"}]},
            "/rules/0/kind: 'nope' not in",
        ),
        (
            {"rules": [{"id": "a.b", "category": "tone", "kind": "terms", "trems": ["x"]}]},
            "/rules/0/trems: not allowed",
        ),
        ({"version": 3}, "/version: expected"),
        ({"planning": {"reserv": "P90D"}}, "/planning/reserv: not allowed"),
        (
            {"overrides": {"tone.insult": {"severty": "error"}}},
            "/overrides/tone.insult/severty: not allowed",
        ),
        ({"overrides": {"tone.insult": {"severity": "warn"}}}, "/overrides/tone.insult/severity"),
        (
            {"overrides": {"tone.insult": {"action": {"kind": "escalate", "within": "1 hour"}}}},
            "/overrides/tone.insult/action",
        ),
    ],
)
def test_the_schema_rejects_common_mistakes(change: dict[str, object], expected: str) -> None:
    schema = json.loads(schema_text())
    data = {"name": "x", "version": "1", **change}
    assert any(expected in problem for problem in problems(data, schema, schema))


def test_init_makes_a_fork_that_validates_and_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "init", "springfield", "--extends", "public-sector-au")
    assert code == 0
    folder = tmp_path / "springfield"
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "ci-github.yml",
        "ruleset.schema.json",
        "springfield.tests.yaml",
        "springfield.yaml",
    ]
    code, out, _ = _run(capsys, "validate", "--strict", "springfield/springfield.yaml")
    assert code == 0, out
    code, out, _ = _run(capsys, "test", "springfield/springfield.yaml")
    assert code == 0, out
    assert "2 cases" in out
    # Nothing is overwritten; bad names and bases are usage errors.
    assert _run(capsys, "init", "springfield")[0] == 2
    assert _run(capsys, "init", "Bad Name")[0] == 2
    code, _, err = _run(capsys, "init", "other", "--extends", "public-sector-uk")
    assert code == 2
    assert "did you mean 'public-sector-au'?" in err


def test_docs_writes_a_policy_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "policy.html"
    code, _, _ = _run(capsys, "docs", "public-sector-au", "--format", "html", "-o", str(output))
    assert code == 0
    html = output.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "escalation.self-harm" in html
    code, out, _ = _run(capsys, "docs", "caretaker")
    assert code == 0
    assert out.startswith("# ")
    code, _, err = _run(capsys, "docs", "caretaker", "--templates", str(tmp_path / "missing"))
    assert code == 2
    assert "missing" in err


def test_a_team_can_come_from_the_vars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "teams.yaml"
    path.write_text(
        'name: teams\nversion: "1"\nextends: public-sector\nvars:\n  press_office: comms-media\n'
        "overrides:\n  escalation.media-enquiry:\n"
        '    action: {kind: escalate, to: "{{ vars.press_office }}", within: PT2H}\n',
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "explain", "escalation.media-enquiry", "--ruleset", str(path))
    assert code == 0
    assert "escalate -> comms-media within PT2H" in out
    path.write_text(path.read_text("utf-8").replace("press_office: comms-media", "other: z"))
    code, out, _ = _run(capsys, "validate", str(path))
    assert code == 1
    assert "'to' uses vars.press_office, which is not defined" in out


def test_docs_format_follows_the_output_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "policy.html"
    assert _run(capsys, "docs", "caretaker", "-o", str(output))[0] == 0
    assert output.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_validate_reports_template_mistakes_with_the_rules_other_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "layers.yaml"
    path.write_text(
        'name: x\nversion: "1"\nextends: public-sector\nvars:\n  urgent_within: 1 hour\n'
        "rules:\n  - id: local.a\n    category: tonez\n    kind: terms\n    terms: [x]\n"
        '    message: "{{ match | uper }}"\n    source: [seed]\n'
        "    examples: {fail: ['[[x]]', 'a [[x]]'], pass: [none, zed]}\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "validate", str(path))
    assert code == 1
    lines = out.splitlines()
    # In file order: the var (reported once, where it is set), the category, the filter.
    assert lines[0].startswith(f"{path}:5:18: error: field 'vars.urgent_within'")
    assert lines[1].startswith(f"{path}:8:15: error: rule 'local.a', field 'category'")
    assert lines[2] == (
        f"{path}:11:14: error: rule 'local.a', field 'message': "
        "the template uses the unknown filter 'uper'; did you mean 'upper'?"
    )
    assert lines[-1] == f"{path}: 3 errors"


def test_explain_says_when_a_rule_is_disabled_or_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text('name: d\nversion: "1"\nextends: public-sector\ndisable: [tone.insult]\n')
    _, _, err = _run(capsys, "explain", "tone.insult", "--ruleset", str(path))
    assert "disables 'tone.insult'" in err
    _, _, err = _run(capsys, "explain", "caretaker.promotion")
    assert "add --ruleset caretaker" in err
