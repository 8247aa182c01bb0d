"""Running ``sociopolicy check``: read every input, check each draft, apply suppressions.

The command line's ``check`` and ``calendar`` commands share this: it gives the
results, the problems met and the notes about suppressions, and the commands
write them in their own formats.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from .api import check_draft, check_many
from .config import FileSettings, config_for, default_ruleset, settings_for
from .contentfiles import (
    ContentDecodeError,
    ContentItem,
    CsvColumns,
    FileProblem,
    decode_content,
    read_content,
)
from .discovery import content_files
from .errors import UsageError, one_line
from .limits import max_draft_chars, read_at_most
from .loader import load_ruleset
from .models import ContextValue, Draft, Report, Violation
from .outputs import Finding, Result
from .periods import context_day
from .ruleset import Ruleset
from .suppression import filtered, suppressions, without
from .text import LineIndex

__all__ = ["STDIN", "CheckRun", "context_of", "open_output", "run_check"]

STDIN = "-"


@dataclass
class CheckRun:
    """What a run of checks gave."""

    results: list[Result]
    problems: list[FileProblem]
    #: Findings about suppressions (unknown or unused).
    extra: list[Finding]
    #: The rulesets used, the run's main one first.
    rulesets: list[Ruleset]
    fail_on: str
    output_format: str


def _csv_columns(args: argparse.Namespace, settings: FileSettings) -> CsvColumns:
    """The CSV columns named on the command line, or else in the configuration."""
    return CsvColumns(
        message=args.csv_column or settings.csv.message,
        date=args.csv_date_column or settings.csv.date,
        link=args.csv_link_column or settings.csv.link,
    )


def _read_comment(path: str, encoding: str | None) -> str:
    """The comment a reply answers, from ``--in-reply-to FILE``."""
    limit = max_draft_chars()
    try:
        raw = read_at_most(path, limit)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the file: {exc.strerror}") from None
    if len(raw) > limit:
        raise UsageError(f"{path}: the file is larger than {limit:,} bytes, the most read")
    try:
        return decode_content(raw, encoding)
    except ContentDecodeError as exc:
        raise UsageError(f"{path}:{exc.line}:{exc.column}: {exc}") from None


def context_of(pairs: Sequence[str], date: str | None) -> dict[str, ContextValue]:
    """``--context FACT=VALUE`` and ``--date`` as context facts."""
    context: dict[str, ContextValue] = {}
    for pair in pairs:
        name, equals, raw = pair.partition("=")
        if not equals or not name.strip():
            raise UsageError(f"--context takes FACT=VALUE, not {pair!r}")
        context[name.strip()] = _fact_value(raw.strip())
    if date is not None:
        context["date"] = date
    if "date" in context:
        context_day(context)  # a bad date is a usage error even if no period reads it
    return context


def _fact_value(raw: str) -> ContextValue:
    """``true``/``false``, ``null``, a number, or else the text itself."""
    words: dict[str, ContextValue] = {"true": True, "false": False, "null": None}
    if raw.lower() in words:
        return words[raw.lower()]
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def run_check(args: argparse.Namespace, default_format: str = "text") -> CheckRun:
    """Read and check every input the arguments name (``sociopolicy check``'s work).

    The configuration found from the working folder gives the run's defaults;
    each file's own (found from its folder) gives its ruleset and overrides.
    """
    here = config_for(Path.cwd())
    project = here[0] if here else None
    output_format = args.format or (project.format if project else None) or default_format
    fail_on = args.fail_on or (project.fail_on if project else None) or "error"
    rulesets: dict[str | None, Ruleset] = {}
    confine = bool(args.confine_extends or (project and project.confine_extends))
    encoding = args.encoding or (project.encoding if project else None)

    def ruleset_named(name: str | None) -> Ruleset:
        if name not in rulesets:
            rulesets[name] = load_ruleset(name, confine=confine)
        return rulesets[name]

    comment = _read_comment(args.in_reply_to, encoding) if args.in_reply_to else None
    context = context_of(args.context, args.date)
    results = []
    pending: list[tuple[ContentItem, Draft, Ruleset, FileSettings]] = []
    problems: list[FileProblem] = []
    extra: list[Finding] = []
    warned: set[tuple[str, str]] = set()
    explicit = {os.path.abspath(p) for p in args.paths if p != STDIN and Path(p).is_file()}
    longest = max_draft_chars()
    for path, shown in _inputs(args):
        if path is None:
            stdin_name = Path(args.stdin_filename) if args.stdin_filename else Path("<stdin>")
        settings = settings_for(path if path is not None else Path.cwd() / stdin_name)
        if path is not None and (settings.excluded or not (args.include or settings.included)):
            # The configuration says this is not content; say so for a file named.
            if explicit and os.path.abspath(path) in explicit:
                sys.stderr.write(
                    f"sociopolicy: skipped {one_line(shown)}: excluded by {settings.source}\n"
                )
            continue
        if path is None:
            # Standard input is one plain-text draft, or a file of the name given.
            name = args.stdin_filename or "<stdin>"
            read = read_content(
                Path(args.stdin_filename or "stdin.txt"),
                name,
                csv=_csv_columns(args, settings),
                data=sys.stdin.buffer.read(max_draft_chars() + 1),
                encoding=encoding,
            )
            found, trouble = read.items, read.problems
        else:
            named = bool(explicit) and os.path.abspath(path) in explicit
            read = read_content(
                path, shown, csv=_csv_columns(args, settings), found=not named, encoding=encoding
            )
            found, trouble = read.items, read.problems
            if read.skipped:
                sys.stderr.write(f"sociopolicy: skipped {one_line(shown)}: {read.skipped}\n")
            elif named and not found and not trouble:
                # Every file named is accounted for, even one with nothing in it.
                sys.stderr.write(f"sociopolicy: skipped {one_line(shown)}: it holds no drafts\n")
        problems.extend(trouble)
        ruleset = ruleset_named(args.ruleset or settings.ruleset)
        for name, where in zip(settings.disable, settings.disable_at, strict=False):
            if name not in ruleset.compiled.rule_ids and (where, name) not in warned:
                warned.add((where, name))
                sys.stderr.write(
                    f"sociopolicy: warning: {where}: 'disable' names '{name}', "
                    f"which is not a rule of {ruleset.ref}\n"
                )
        for item in found:
            if len(item.draft.text) > longest:
                # Reported at the draft, and the file's other drafts still checked.
                problems.append(
                    FileProblem(
                        item.path,
                        item.line,
                        1,
                        f"the draft is {len(item.draft.text):,} characters long; the most "
                        f"checked is {longest:,} (--max-draft-chars)",
                    )
                )
                continue
            draft = _with_defaults(item.draft, args, comment, context, settings.platform)
            if (
                comment is not None
                and draft.in_reply_to == comment
                and item.draft.in_reply_to is None
            ):
                # The comment came from --in-reply-to FILE: its findings point there.
                item = replace(
                    item, place_comment=LineIndex(comment).position, comment_path=args.in_reply_to
                )
            pending.append((item, draft, ruleset, settings))
    reports = _reports(pending, getattr(args, "jobs", None))
    for (item, _, ruleset, settings), report in zip(pending, reports, strict=True):
        notes = _ignored(item, report, ruleset, args.report_unused_suppressions)
        report = without(report, (*settings.disable, *item.ignore))
        report, more = _suppress(item, report, ruleset, args.report_unused_suppressions)
        extra.extend([*notes, *more])
        results.append(Result(item, report))
    main_ruleset = ruleset_named(args.ruleset or default_ruleset(here))
    if not results and not problems:
        sys.stderr.write("sociopolicy: warning: no content was checked (no drafts found)\n")
    used = [main_ruleset, *(r for r in rulesets.values() if r is not main_ruleset)]
    return CheckRun(results, problems, extra, used, fail_on, output_format)


def _ignored(
    item: ContentItem, report: Report, ruleset: Ruleset, report_unused: bool
) -> list[Finding]:
    """Notes on a draft's ``ignore:`` list: names that are not rules, and (with
    ``report_unused``) names that hide nothing in ``report``."""
    if not item.ignore:
        return []
    known: frozenset[str] = ruleset.compiled.rule_ids
    fired = {v.rule_id for v in report.violations if v.target == "draft"}
    notes = []
    for number, name in enumerate(item.ignore):
        line, column = item.ignore_at[number] if number < len(item.ignore_at) else (1, 1)
        if name not in known:
            message = f"'ignore' names '{name}', which is not a rule of {ruleset.ref}"
            notes.append(Finding(item.path, line, column, "warning", "suppression", message))
        elif report_unused and name not in fired:
            message = f"'ignore' lists '{name}', which finds nothing here; remove it"
            notes.append(Finding(item.path, line, column, "warning", "unused-suppression", message))
    return notes


def _suppress(
    item: ContentItem, report: Report, ruleset: Ruleset, report_unused: bool
) -> tuple[Report, list[Finding]]:
    """Apply a Markdown file's suppression comments; note unknown and unused ones."""
    known: frozenset[str] = ruleset.compiled.rule_ids

    def note(at: tuple[int, int], rule_id: str, message: str) -> Finding:
        return Finding(item.path, at[0], at[1], "warning", rule_id, message)

    notes: list[Finding] = []
    if item.source is None or "sociopolicy-" not in item.source:
        return report, notes
    regions = suppressions(item.source)
    for region in regions:
        for name in sorted(region.rules - known):
            notes.append(
                note(
                    item.place(region.at),
                    "suppression",
                    f"the suppression names '{name}', which is not a rule of {ruleset.ref}",
                )
            )

    def drop(violation: Violation) -> bool:
        hit = False
        for region in regions:
            if violation.target == "draft" and region.covers(violation):
                region.used = hit = True
        return hit

    report = filtered(report, drop)
    if report_unused:
        notes.extend(
            note(
                item.place(region.at),
                "unused-suppression",
                "this suppression hides nothing; remove it",
            )
            for region in regions
            if not region.used
        )
    return report, notes


#: With no --jobs, several processes are used from this many drafts on: below it,
#: starting them costs more than they save.
PARALLEL_FROM = 5000


def _reports(
    pending: Sequence[tuple[ContentItem, Draft, Ruleset, FileSettings]], jobs: int | None
) -> list[Report]:
    """Each draft's report, in order; in ``jobs`` processes (default: all cores for
    many drafts), with the drafts of each ruleset checked together."""
    if jobs is None:
        jobs = (os.cpu_count() or 1) if len(pending) >= PARALLEL_FROM else 1
    if jobs <= 1:
        return [check_draft(draft, ruleset=ruleset) for _, draft, ruleset, _ in pending]
    reports: list[Report | None] = [None] * len(pending)
    by_ruleset: dict[int, list[int]] = {}
    for number, (_, _, ruleset, _) in enumerate(pending):
        by_ruleset.setdefault(id(ruleset), []).append(number)
    for numbers in by_ruleset.values():
        ruleset = pending[numbers[0]][2]
        drafts = [pending[n][1] for n in numbers]
        checked = check_many(drafts, ruleset=ruleset, jobs=jobs)
        for number, report in zip(numbers, checked, strict=True):
            reports[number] = report
    return [report for report in reports if report is not None]


def open_output(path: str | None) -> TextIO:
    """``--output FILE``, opened before any checking so a bad path fails at once."""
    if path is None:
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")  # closed by the caller
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the output: {exc.strerror}") from None


def _inputs(args: argparse.Namespace) -> list[tuple[Path | None, str]]:
    """The files to read (None for standard input), in order."""
    inputs: list[tuple[Path | None, str]] = []
    files = [p for p in args.paths if p != STDIN]
    if STDIN in args.paths:
        inputs.append((None, "<stdin>"))
    # A path that does not exist is read like the others, and reported as a file
    # that cannot be read; the other paths are still checked.
    not_content: list[str] = []
    inputs.extend(content_files(files, args.include, args.exclude, not_content))
    for given in not_content:
        sys.stderr.write(f"sociopolicy: skipped {given}: a project file, not content\n")
    return inputs


def _with_defaults(
    draft: Draft,
    args: argparse.Namespace,
    comment: str | None,
    context: dict[str, ContextValue],
    platform: str | None,
) -> Draft:
    """The command line's (or configuration's) platform, kind, comment and context,
    where the file gives none."""
    changes: dict[str, object] = {}
    if draft.platform is None and (args.platform or platform):
        changes["platform"] = args.platform or platform
    # --kind reply makes the drafts replies, and so does a comment given with
    # --in-reply-to (as in_reply_to does in front matter).
    if draft.kind == "post" and (args.kind == "reply" or comment is not None):
        changes["kind"] = "reply"
        if comment is not None:
            changes["in_reply_to"] = comment
    if context:
        changes["context"] = {**context, **draft.context}
    return draft.model_copy(update=changes) if changes else draft
