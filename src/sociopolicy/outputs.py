"""Output formats for ``sociopolicy check``: text, json, github, sarif and junit.

Every format lists findings in the same stable order (file, line, column, rule)
and carries no timestamps, so two runs on the same files give the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from ._version import __version__
from .contentfiles import ContentItem, FileProblem
from .errors import one_line
from .models import Action, Report, Violation
from .ruleset import Ruleset

__all__ = ["FORMATS", "Finding", "Result", "write"]

FORMATS = ("text", "json", "github", "sarif", "junit")
#: The rule id under which unreadable files are reported.
INPUT_ERROR = "input-error"


@dataclass(frozen=True)
class Finding:
    """A violation placed in a file (or a file that could not be read)."""

    path: str
    line: int
    column: int
    severity: str
    rule_id: str
    message: str
    item_id: str | None = None
    violation: Violation | None = None
    #: ``comment`` when found in the comment a reply answers.
    target: str = "draft"
    #: The report of the draft the finding is in.
    report: Report | None = None


@dataclass(frozen=True)
class Result:
    """One checked draft: where it is, and its report."""

    item: ContentItem
    report: Report


def findings(
    results: Sequence[Result], problems: Sequence[FileProblem], extra: Sequence[Finding] = ()
) -> list[Finding]:
    """Every finding and problem, placed in its file, in a stable order."""
    found = list(extra)
    for result in results:
        item = result.item
        for v in result.report.violations:
            # A finding in the comment a reply answers points where the comment is
            # written in the file, or else at the reply's start.
            if v.target == "draft":
                line, column = item.place(v.start)
            elif item.place_comment is not None:
                line, column = item.place_comment(v.start)
            else:
                line, column = item.line, item.column
            found.append(
                Finding(
                    item.path,
                    line,
                    column,
                    v.severity,
                    v.rule_id,
                    one_line(v.message),
                    item.id,
                    v,
                    v.target,
                    result.report,
                )
            )
    for p in problems:
        found.append(Finding(p.path, p.line, p.column, "error", INPUT_ERROR, one_line(p.message)))
    return sorted(found, key=lambda f: (f.path, f.line, f.column, f.rule_id, f.message))


def write(
    name: str,
    out: TextIO,
    results: Sequence[Result],
    problems: Sequence[FileProblem],
    ruleset: Ruleset,
    *,
    colour: bool = False,
    extra: Sequence[Finding] = (),
) -> None:
    """Write the results in format ``name`` (``extra``: findings about suppressions)."""
    placed = findings(results, problems, extra)
    if name == "json":
        _json(out, results, placed)
    elif name == "github":
        _github(out, placed, results)
    elif name == "sarif":
        _sarif(out, placed, ruleset)
    elif name == "junit":
        _junit(out, results, placed)
    else:
        _text(out, results, placed, colour)


# -------------------------------------------------------------------- text

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "suggestion": "\033[36m"}


def _text(out: TextIO, results: Sequence[Result], placed: Sequence[Finding], colour: bool) -> None:
    for f in placed:
        severity = f"{_COLOURS[f.severity]}{f.severity}\033[0m" if colour else f.severity
        where = f"{f.path}:{f.line}:{f.column}" + (" (comment)" if f.target == "comment" else "")
        out.write(f"{where}: {severity} {f.rule_id} {f.message}\n")
    # One line per draft with its decision; a post in a calendar is named by its line.
    for result in results:
        item = result.item
        where = item.path if item.whole_file else f"{item.path}:{item.line}"
        line = f"{where}: decision {result.report.decision}"
        if result.report.actions:
            line += f"; actions: {_actions(result.report.actions)}"
        out.write(line + "\n")


def _actions(actions: Sequence[Action]) -> str:
    return ", ".join(
        a.kind + (f" -> {a.to}" if a.to else "") + f" ({', '.join(a.rule_ids)})" for a in actions
    )


# -------------------------------------------------------------------- json


def _json(out: TextIO, results: Sequence[Result], placed: Sequence[Finding]) -> None:
    payload = {
        "version": __version__,
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "severity": f.severity,
                "rule_id": f.rule_id,
                "message": f.message,
                "id": f.item_id,
            }
            for f in placed
        ],
        "drafts": [
            {
                "path": r.item.path,
                "line": r.item.line,
                "id": r.item.id,
                "report": r.report.model_dump(mode="json"),
            }
            for r in results
        ],
    }
    out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------ github

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "suggestion": "notice"}


def _github(out: TextIO, placed: Sequence[Finding], results: Sequence[Result]) -> None:
    # Workflow commands: https://docs.github.com/actions (escape %, CR, LF; and , : in properties).
    for f in placed:
        props = ",".join(
            [
                f"file={_gh_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={_gh_property(f.rule_id)}",
            ]
        )
        out.write(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_gh_data(f.message)}\n")
    # What to do with each draft that needs action (a reply to escalate, a comment to hide).
    for result in results:
        if result.report.actions:
            item = result.item
            title = _gh_property(f"decision {result.report.decision}")
            props = f"file={_gh_property(item.path)},line={item.line},title={title}"
            out.write(f"::notice {props}::{_gh_data(_actions(result.report.actions))}\n")


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


# ------------------------------------------------------------------- sarif

_SARIF_LEVEL = {"error": "error", "warning": "warning", "suggestion": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _sarif(out: TextIO, placed: Sequence[Finding], ruleset: Ruleset) -> None:
    used = sorted({f.rule_id for f in placed})
    by_id = {rule.id: rule for rule in ruleset.rules}
    rules = []
    for rule_id in used:
        rule = by_id.get(rule_id)
        entry: dict[str, object] = {"id": rule_id}
        if rule is not None:
            rationale = rule.rationale or rule.id
            entry["shortDescription"] = {"text": rationale.split(". ")[0].rstrip(".") + "."}
            entry["fullDescription"] = {"text": rationale}
            entry["help"] = {"text": f"{rationale} Source: {_cite(ruleset, rule.source)}"}
            url = next(
                (
                    ruleset.sources[k].url
                    for k in rule.source
                    if k in ruleset.sources and ruleset.sources[k].url
                ),
                None,
            )
            if url:
                entry["helpUri"] = url
            entry["defaultConfiguration"] = {"level": _SARIF_LEVEL[rule.severity]}
            entry["properties"] = {"category": rule.category}
        else:
            entry["shortDescription"] = {"text": "A file could not be read or parsed."}
        rules.append(entry)
    index = {rule_id: number for number, rule_id in enumerate(used)}
    sarif_results = [
        {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            **_properties(f),
        }
        for f in placed
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sociopolicy",
                        "version": __version__,
                        "informationUri": "https://example.org/sociopolicy",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    out.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")


def _properties(f: Finding) -> dict[str, object]:
    """The draft's decision and actions, on each of its results."""
    if f.report is None or not f.report.actions:
        return {}
    return {
        "properties": {
            "decision": f.report.decision,
            "actions": [a.model_dump(mode="json", exclude_none=True) for a in f.report.actions],
        }
    }


def _cite(ruleset: Ruleset, keys: Sequence[str]) -> str:
    parts = []
    for key in keys:
        source = ruleset.sources.get(key)
        if source is None:
            parts.append(key)
        else:
            parts.append(source.title + (f" <{source.url}>" if source.url else ""))
    return "; ".join(parts)


def _uri(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")


# ------------------------------------------------------------------- junit


def _junit(out: TextIO, results: Sequence[Result], placed: Sequence[Finding]) -> None:
    by_file: dict[str, list[Finding]] = {}
    for f in placed:
        by_file.setdefault(f.path, []).append(f)
    files = sorted({r.item.path for r in results} | set(by_file))
    failures = sum(1 for f in placed if f.severity != "suggestion")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="sociopolicy" tests="{len(files)}" failures="{failures}">\n')
    out.write(f'  <testsuite name="sociopolicy" tests="{len(files)}" failures="{failures}">\n')
    decisions: dict[str, list[str]] = {}
    for result in results:
        if result.report.actions:
            decisions.setdefault(result.item.path, []).append(
                f"{result.item.path}:{result.item.line}: decision {result.report.decision}; "
                f"actions: {_actions(result.report.actions)}"
            )
    for path in files:
        found = [f for f in by_file.get(path, []) if f.severity != "suggestion"]
        out.write(f'    <testcase name={quoteattr(path)} classname="sociopolicy"')
        if not found and path not in decisions:
            out.write("/>\n")
            continue
        out.write(">\n")
        for f in found:
            text = f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule_id} {f.message}"
            out.write(
                f"      <failure type={quoteattr(f.rule_id)} message={quoteattr(_xml(f.message))}>"
                f"{escape(_xml(text))}</failure>\n"
            )
        if path in decisions:
            joined = _xml(chr(10).join(decisions[path]))
            out.write(f"      <system-out>{escape(joined)}</system-out>\n")
        out.write("    </testcase>\n")
    out.write("  </testsuite>\n</testsuites>\n")


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("\ufffd", text)
