"""Output formats for ``sociopolicy check``: text, json, github, sarif and junit.

Every format lists findings in the same stable order (file, line, column, rule)
and carries no timestamps, so two runs on the same files give the same bytes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from ._version import __version__
from .contentfiles import ContentItem, FileProblem
from .errors import one_line
from .models import Action, Report, Violation
from .ruleset import Ruleset
from .vocabulary import FORMATS

__all__ = ["FORMATS", "Finding", "Result", "write"]

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
    #: Where the finding's text ends (the position after its last character).
    end: tuple[int, int] | None = None


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
            end: tuple[int, int] | None = None
            if v.target == "draft":
                (line, column), end = item.place(v.start), item.place(v.end)
            elif item.place_comment is not None:
                (line, column), end = item.place_comment(v.start), item.place_comment(v.end)
            else:
                line, column = item.line, item.column
            path = item.comment_path if v.target == "comment" and item.comment_path else item.path
            found.append(
                Finding(
                    path,
                    line,
                    column,
                    v.severity,
                    v.rule_id,
                    v.message,
                    item.id,
                    v,
                    v.target,
                    result.report,
                    end if end is not None and end > (line, column) else None,
                )
            )
    for p in problems:
        found.append(Finding(p.path, p.line, p.column, "error", INPUT_ERROR, p.message))
    return sorted(found, key=lambda f: (f.path, f.line, f.column, f.rule_id, f.message))


#: Findings the command itself reports, with what they mean (for SARIF's rule list).
TOOL_FINDINGS = {
    INPUT_ERROR: "A content file, or a post in it, could not be read or parsed.",
    "suppression": "A suppression comment or 'ignore' names a rule the ruleset does not have.",
    "unused-suppression": "A suppression comment hides nothing and can be removed.",
}
_RANK = {"error": 0, "warning": 1, "suggestion": 2, "never": -1}


def failing(finding: Finding, fail_on: str) -> bool:
    """Whether ``finding`` makes the run fail at ``--fail-on fail_on``.

    Findings in the comment a reply answers never do: they are not the author's to fix.
    """
    return finding.target == "draft" and _RANK[finding.severity] <= _RANK[fail_on]


def write(
    name: str,
    out: TextIO,
    results: Sequence[Result],
    problems: Sequence[FileProblem],
    rulesets: Sequence[Ruleset],
    *,
    colour: bool = False,
    extra: Sequence[Finding] = (),
    fail_on: str = "error",
) -> list[Finding]:
    """Write the results in format ``name``, and return the findings written.

    ``rulesets`` are those the run used, the main one first (they describe the
    rules in SARIF); ``extra`` are findings about suppressions; ``fail_on``
    decides which findings JUnit counts as failures.
    """
    placed = findings(results, problems, extra)
    if name == "json":
        _json(out, results, placed)
    elif name == "github":
        _github(out, placed, results)
    elif name == "sarif":
        _sarif(out, placed, rulesets)
    elif name == "junit":
        _junit(out, results, placed, fail_on)
    else:
        _text(out, results, placed, colour)
    return placed


# -------------------------------------------------------------------- text

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "suggestion": "\033[36m"}


def _text(out: TextIO, results: Sequence[Result], placed: Sequence[Finding], colour: bool) -> None:
    for f in placed:
        severity = f"{_COLOURS[f.severity]}{f.severity}\033[0m" if colour else f.severity
        # Paths are shown escaped: a file name may hold control characters too.
        where = f"{one_line(f.path)}:{f.line}:{f.column}" + (
            " (comment)" if f.target == "comment" else ""
        )
        # Lines for a terminal: control characters shown escaped, one finding a line.
        out.write(f"{where}: {severity} {f.rule_id} {one_line(f.message)}\n")
    # A line for each draft that needs something done (a post in a calendar is
    # named by its line), then a summary.
    for result in results:
        item = result.item
        if not result.report.actions:
            continue
        shown = one_line(item.path)
        where = shown if item.whole_file else f"{shown}:{item.line}"
        out.write(
            f"{where}: decision {result.report.decision}; "
            f"actions: {_actions(result.report.actions)}\n"
        )
    out.write(summary(results, placed) + "\n")


def summary(results: Sequence[Result], placed: Sequence[Finding]) -> str:
    """One line: how much was checked and what was found (in the drafts themselves;
    findings in the comments they answer are counted apart, as they do not fail a run)."""
    own = [f for f in placed if f.target == "draft"]
    files = len({r.item.path for r in results} | {f.path for f in own})
    counts = dict.fromkeys(("error", "warning", "suggestion"), 0)
    for f in own:
        counts[f.severity] += 1
    found = ", ".join(f"{n} {severity}{'s' if n != 1 else ''}" for severity, n in counts.items())
    in_comments = len(placed) - len(own)
    if in_comments:
        found += f" (and {in_comments} in the comment{'s' if in_comments != 1 else ''} replied to)"
    acting = sum(1 for r in results if r.report.actions)
    drafts = len(results)
    return (
        f"Checked {drafts} draft{'s' if drafts != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''}: {found}; "
        f"{acting} draft{'s' if acting != 1 else ''} need{'s' if acting == 1 else ''} action."
    )


def _actions(actions: Sequence[Action]) -> str:
    return ", ".join(
        a.kind + (f" -> {a.to}" if a.to else "") + f" ({', '.join(a.rule_ids)})" for a in actions
    )


# -------------------------------------------------------------------- json


def finding_json(f: Finding) -> dict[str, object]:
    """A finding as JSON output writes it."""
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "severity": f.severity,
        "rule_id": f.rule_id,
        "message": f.message,
        "id": f.item_id,
        "target": f.target,
    }


def _json(out: TextIO, results: Sequence[Result], placed: Sequence[Finding]) -> None:
    payload = {
        "version": __version__,
        "findings": [finding_json(f) for f in placed],
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
_COMMENT_TITLE = {"comment": " (in the comment)"}


def _message(f: Finding, *, escaped: bool = True) -> str:
    """The message, saying so when it is about the comment a reply answers;
    ``escaped`` for lines read in a terminal or a log (control characters shown)."""
    message = one_line(f.message) if escaped else f.message
    return f"In the comment replied to: {message}" if f.target == "comment" else message


def _github(out: TextIO, placed: Sequence[Finding], results: Sequence[Result]) -> None:
    # Workflow commands: https://docs.github.com/actions (escape %, CR, LF; and , : in properties).
    # GitHub places annotations by paths from the repository's top folder.
    root = _repository_root()
    for f in placed:
        props = ",".join(
            [
                f"file={_gh_property(one_line(_from_root(f.path, root)))}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={_gh_property(f.rule_id + _COMMENT_TITLE.get(f.target, ''))}",
            ]
        )
        out.write(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_gh_data(_message(f))}\n")
    # What to do with each draft that needs action (a reply to escalate, a comment to hide).
    for result in results:
        if result.report.actions:
            item = result.item
            title = _gh_property(f"decision {result.report.decision}")
            path = _gh_property(one_line(_from_root(item.path, root)))
            props = f"file={path},line={item.line},title={title}"
            out.write(f"::notice {props}::{_gh_data(_actions(result.report.actions))}\n")


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


# ------------------------------------------------------------------- sarif

_SARIF_LEVEL = {"error": "error", "warning": "warning", "suggestion": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _sarif(out: TextIO, placed: Sequence[Finding], rulesets: Sequence[Ruleset]) -> None:
    used = sorted({f.rule_id for f in placed})
    rules = [_descriptor(rule_id, rulesets) for rule_id in used]
    index = {rule_id: number for number, rule_id in enumerate(used)}
    root = _repository_root()
    sarif_results = [
        {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": _message(f, escaped=False)},  # JSON escapes it
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.path, root),
                        "region": _region(f),
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


def _region(f: Finding) -> dict[str, int]:
    region = {"startLine": f.line, "startColumn": f.column}
    if f.end is not None:
        region.update(endLine=f.end[0], endColumn=f.end[1])
    return region


def _descriptor(rule_id: str, rulesets: Sequence[Ruleset]) -> dict[str, object]:
    """SARIF's description of a rule, from the first ruleset of the run that has it."""
    entry: dict[str, object] = {"id": rule_id}
    for ruleset in rulesets:
        rule = next((r for r in ruleset.rules if r.id == rule_id), None)
        if rule is None:
            continue
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
        entry["properties"] = {"category": rule.category, "ruleset": ruleset.ref}
        return entry
    meaning = TOOL_FINDINGS.get(rule_id, "A finding of the sociopolicy command.")
    entry["shortDescription"] = {"text": meaning}
    entry["fullDescription"] = {"text": meaning}
    entry["help"] = {"text": meaning}
    return entry


def _properties(f: Finding) -> dict[str, object]:
    """Where the finding is (draft or comment), and the draft's decision and actions."""
    properties: dict[str, object] = {"target": f.target}
    if f.report is not None and f.report.actions:
        properties["decision"] = f.report.decision
        properties["actions"] = [
            a.model_dump(mode="json", exclude_none=True) for a in f.report.actions
        ]
    return {"properties": properties}


def _cite(ruleset: Ruleset, keys: Sequence[str]) -> str:
    parts = []
    for key in keys:
        source = ruleset.sources.get(key)
        if source is None:
            parts.append(key)
        else:
            parts.append(source.title + (f" <{source.url}>" if source.url else ""))
    return "; ".join(parts)


def _repository_root() -> Path:
    """The repository the working folder is in (its top folder), or else the working folder."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def _from_root(path: str, root: Path) -> str:
    """``path`` from the repository's top folder (with ``/``), or as given outside it."""
    if path == "<stdin>":
        return path
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return path


def _artifact(path: str, root: Path) -> dict[str, str]:
    """A file as SARIF wants it: a URI relative to the repository's top folder
    (percent-encoded, ``uriBaseId`` ``%SRCROOT%``), or a ``file:`` URI outside it."""
    if path == "<stdin>":
        return {"uri": "stdin"}
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root).as_posix()
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative, safe="/"), "uriBaseId": "%SRCROOT%"}


# ------------------------------------------------------------------- junit


def _junit(out: TextIO, results: Sequence[Result], placed: Sequence[Finding], fail_on: str) -> None:
    # One test case per file: an <error> per file problem, a <failure> per finding
    # that fails the run at --fail-on, and the rest (lower findings, findings in
    # the comment replied to, decisions) in <system-out>.
    by_file: dict[str, list[Finding]] = {}
    for f in placed:
        by_file.setdefault(f.path, []).append(f)
    files = sorted({r.item.path for r in results} | set(by_file))
    # JUnit counts test cases (files): one in error, or failed, or neither.
    errors = sum(
        1 for path in files if any(f.rule_id == INPUT_ERROR for f in by_file.get(path, ()))
    )
    failures = sum(
        1
        for path in files
        if not any(f.rule_id == INPUT_ERROR for f in by_file.get(path, ()))
        and any(failing(f, fail_on) for f in by_file.get(path, ()))
    )
    # Imported here: it brings in urllib, which the other formats do not need.
    from xml.sax.saxutils import escape, quoteattr

    counts = f'tests="{len(files)}" failures="{failures}" errors="{errors}"'
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="sociopolicy" {counts}>\n')
    out.write(f'  <testsuite name="sociopolicy" {counts}>\n')
    decisions: dict[str, list[str]] = {}
    for result in results:
        if result.report.actions:
            decisions.setdefault(result.item.path, []).append(
                f"{result.item.path}:{result.item.line}: decision {result.report.decision}; "
                f"actions: {_actions(result.report.actions)}"
            )
    for path in files:
        found = by_file.get(path, [])
        out.write(f'    <testcase name={quoteattr(path)} classname="sociopolicy"')
        if not found and path not in decisions:
            out.write("/>\n")
            continue
        out.write(">\n")
        notes = []
        for f in found:
            text = f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule_id} {_message(f)}"
            if f.rule_id == INPUT_ERROR or failing(f, fail_on):
                tag = "error" if f.rule_id == INPUT_ERROR else "failure"
                message = quoteattr(_xml(f.message))
                out.write(
                    f"      <{tag} type={quoteattr(f.rule_id)} message={message}>"
                    f"{escape(_xml(text))}</{tag}>\n"
                )
            else:
                notes.append(text)
        notes.extend(decisions.get(path, ()))
        if notes:
            out.write(f"      <system-out>{escape(_xml(chr(10).join(notes)))}</system-out>\n")
        out.write("    </testcase>\n")
    out.write("  </testsuite>\n</testsuites>\n")


_NOT_XML = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def _xml(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return re.sub(_NOT_XML, "\ufffd", text)  # re caches the compiled pattern
