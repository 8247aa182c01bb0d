"""The ``sociopolicy`` command.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 usage, input or ruleset error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from ._version import __version__
from .api import check_draft
from .config import FileSettings, config_for, default_ruleset, settings_for
from .contentfiles import ContentItem, CsvColumns, FileProblem, read_content
from .discovery import content_files
from .errors import SociopolicyError, UsageError, one_line
from .loader import load_ruleset
from .models import PLATFORMS, SEVERITIES, ContextValue, Draft, Report, Violation
from .outputs import FORMATS, Finding, Result, failing, findings, write
from .periods import context_day
from .ruleset import Ruleset
from .suppression import filtered, suppressions, without
from .text import LineIndex

__all__ = ["main"]

_FAIL_ON = (*SEVERITIES, "never")
STDIN = "-"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"sociopolicy: error: {message} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sociopolicy",
        description="Check social media drafts against a public-sector policy ruleset.",
    )
    parser.add_argument("--version", action="version", version=f"sociopolicy {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    check = commands.add_parser(
        "check",
        help="check content files and folders, or standard input with '-'",
        description="Check drafts in text and Markdown files, content calendars (YAML, JSON) "
        "and CSV exports, in files and folders ('-' reads standard input). See docs/cli.md.",
    )
    check.add_argument(
        "paths", nargs="+", metavar="PATH", help="file or folder of content, or - for stdin"
    )
    check.add_argument(
        "--ruleset",
        "-r",
        default=None,
        help="bundled ruleset name or path (default: the configuration's, or public-sector)",
    )
    check.add_argument("--platform", "-p", choices=PLATFORMS, help="where the draft will appear")
    check.add_argument(
        "--kind",
        choices=("post", "reply"),
        default="post",
        help="a new post, or a reply (default: post; a reply with --in-reply-to)",
    )
    check.add_argument(
        "--in-reply-to", metavar="FILE", help="file holding the comment that a reply answers"
    )
    check.add_argument(
        "--context",
        "-c",
        action="append",
        default=[],
        metavar="FACT=VALUE",
        help="a fact for rules' 'when' conditions, e.g. caretaker_period=true (repeatable)",
    )
    check.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the day the drafts will be published (for periods such as caretaker_period)",
    )
    check.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default=None,
        help="text lines (default), json, github (workflow commands), sarif (2.1.0) or junit",
    )
    check.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE")
    check.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="in folders, only files matching GLOB (repeatable; replaces the configuration's)",
    )
    check.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files matching GLOB (repeatable; adds to the configuration's)",
    )
    check.add_argument(
        "--report-unused-suppressions",
        action="store_true",
        help="warn about suppression comments that hide nothing",
    )
    check.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="read standard input as a file of this name: its type (.md, .yaml, .csv ...), "
        "configuration and the path in findings (for editors)",
    )
    check.add_argument(
        "--csv-column", metavar="NAME", help="the CSV column holding the message (default: found)"
    )
    check.add_argument(
        "--csv-date-column", metavar="NAME", help="the CSV column holding the date (default: found)"
    )
    check.add_argument(
        "--csv-link-column", metavar="NAME", help="the CSV column holding a link (default: found)"
    )
    check.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        default=None,
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    test = commands.add_parser(
        "test",
        help="run rulesets' examples and tests files",
        description="Run every rule's examples, and the cases in the ruleset's tests file "
        "(<ruleset>.tests.yaml beside it). With no RULESET, test every bundled ruleset.",
    )
    test.add_argument("rulesets", nargs="*", metavar="RULESET", help="bundled ruleset name or path")
    validate = commands.add_parser(
        "validate",
        help="check rulesets for mistakes, all at once",
        description="Report every error in each ruleset (file:line:column, rule, field), then "
        "warnings: rules without examples or sources, slow patterns, unknown facts, unused vars.",
    )
    validate.add_argument("rulesets", nargs="+", metavar="RULESET", help="ruleset name or path")
    validate.add_argument("--strict", action="store_true", help="warnings also make exit code 1")
    explain = commands.add_parser(
        "explain",
        help="what a rule checks, why, its settings and examples",
        description="Explain one rule as the ruleset (after its overrides) has it.",
    )
    explain.add_argument("rule_id", metavar="RULE-ID")
    explain.add_argument("--ruleset", "-r", default=None, help="ruleset name or path")
    rules = commands.add_parser(
        "rules",
        help="list a ruleset's rules",
        description="A table of rules: id, category, severity and action.",
    )
    rules.add_argument("--ruleset", "-r", default=None, help="ruleset name or path")
    rules.add_argument("--category", "-c", default=None, help="only rules of this category")
    commands.add_parser(
        "schema",
        help="print the JSON Schema of the ruleset format",
        description="Print the JSON Schema of ruleset files, for editor completion "
        "(see docs/ruleset-format.md).",
    )
    init = commands.add_parser(
        "init",
        help="start a new ruleset that builds on a bundled one",
        description="Make a folder with a new ruleset, its tests, the JSON Schema, a README "
        "and a CI job; it passes 'validate' and 'test' as made.",
    )
    init.add_argument(
        "name", metavar="NAME", help="the new ruleset's name, e.g. springfield-council"
    )
    init.add_argument(
        "--extends",
        default="public-sector",
        help="bundled ruleset to build on (default: public-sector)",
    )
    init.add_argument("--into", metavar="FOLDER", help="folder to make (default: NAME)")
    docs = commands.add_parser(
        "docs",
        help="write a ruleset as a policy document for staff",
        description="Render a ruleset as a Markdown or HTML policy document: rules by category "
        "with examples, the escalation table, vars filled in, and sources.",
    )
    docs.add_argument("ruleset", metavar="RULESET", help="ruleset name or path")
    docs.add_argument("--format", "-f", choices=("md", "html"), default="md")
    docs.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: stdout)")
    docs.add_argument(
        "--templates", metavar="FOLDER", help="folder with policy.md.j2 / policy.html.j2 to use"
    )
    return parser


def _run_command(args: argparse.Namespace) -> int:
    """Run a command other than check."""
    from . import rulecommands  # only the commands for ruleset editors need these

    if args.command == "test":
        from .testrun import run_tests

        return run_tests(args.rulesets, sys.stdout)
    if args.command == "validate":
        return rulecommands.validate(args.rulesets, sys.stdout, strict=args.strict)
    if args.command == "explain":
        return rulecommands.explain(args.rule_id, args.ruleset, sys.stdout)
    if args.command == "rules":
        return rulecommands.list_rules(args.ruleset, args.category, sys.stdout)
    if args.command == "schema":
        return rulecommands.write_schema(sys.stdout)
    if args.command == "init":
        from .scaffold import init

        return init(args.name, args.extends, args.into, sys.stdout)
    return rulecommands.write_docs(
        args.ruleset, args.format, args.output, args.templates, sys.stdout
    )


def _csv_columns(args: argparse.Namespace, settings: FileSettings) -> CsvColumns:
    """The CSV columns named on the command line, or else in the configuration."""
    return CsvColumns(
        message=args.csv_column or settings.csv.message,
        date=args.csv_date_column or settings.csv.date,
        link=args.csv_link_column or settings.csv.link,
    )


def _stdin_item(kind: str, comment: str | None) -> tuple[list[ContentItem], list[FileProblem]]:
    """Standard input as one draft (UTF-8)."""
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = FileProblem("<stdin>", 1, 1, f"not UTF-8 text (bad byte at offset {exc.start})")
        return [], [problem]
    lines = LineIndex(text)
    draft = Draft.model_validate({"text": text, "kind": kind, "in_reply_to": comment})
    return [ContentItem("<stdin>", draft, 1, 1, lines.position, whole_file=True)], []


def _read_comment(path: str) -> str:
    """The comment a reply answers, from ``--in-reply-to FILE``."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None


def _context(pairs: Sequence[str], date: str | None) -> dict[str, ContextValue]:
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


def _check(args: argparse.Namespace) -> int:
    # The configuration found from the working folder gives the run's defaults;
    # each file's own (found from its folder) gives its ruleset and overrides.
    here = config_for(Path.cwd())
    project = here[0] if here else None
    output_format = args.format or (project.format if project else None) or "text"
    fail_on = args.fail_on or (project.fail_on if project else None) or "error"
    rulesets: dict[str | None, Ruleset] = {}

    def ruleset_named(name: str | None) -> Ruleset:
        if name not in rulesets:
            rulesets[name] = load_ruleset(name)
        return rulesets[name]

    comment = _read_comment(args.in_reply_to) if args.in_reply_to else None
    context = _context(args.context, args.date)
    out = _open_output(args.output)
    results = []
    problems: list[FileProblem] = []
    extra: list[Finding] = []
    warned: set[tuple[str, str]] = set()
    explicit = {os.path.abspath(p) for p in args.paths if p != STDIN and Path(p).is_file()}
    for path, shown in _inputs(args):
        stdin_name = Path(args.stdin_filename) if args.stdin_filename else Path("<stdin>")
        settings = settings_for(path if path is not None else Path.cwd() / stdin_name)
        if path is not None and (settings.excluded or not (args.include or settings.included)):
            # The configuration says this is not content; say so for a file named.
            if os.path.abspath(path) in explicit:
                sys.stderr.write(f"sociopolicy: skipped {shown}: excluded by {settings.source}\n")
            continue
        if path is None and args.stdin_filename:
            read = read_content(
                Path(args.stdin_filename),
                args.stdin_filename,
                csv=_csv_columns(args, settings),
                data=sys.stdin.buffer.read(),
            )
            found, trouble = read.items, read.problems
        elif path is None:
            found, trouble = _stdin_item(args.kind, comment)
        else:
            named = os.path.abspath(path) in explicit
            read = read_content(path, shown, csv=_csv_columns(args, settings), found=not named)
            found, trouble = read.items, read.problems
            if read.skipped:
                sys.stderr.write(f"sociopolicy: skipped {shown}: {read.skipped}\n")
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
            report = check_draft(draft, ruleset=ruleset)
            notes = _ignored(item, report, ruleset, args.report_unused_suppressions)
            report = without(report, (*settings.disable, *item.ignore))
            report, more = _suppress(item, report, ruleset, args.report_unused_suppressions)
            extra.extend([*notes, *more])
            results.append(Result(item, report))
    main_ruleset = ruleset_named(args.ruleset or default_ruleset(here))
    if not results and not problems:
        sys.stderr.write("sociopolicy: warning: no content was checked (no drafts found)\n")
    try:
        colour = output_format == "text" and out.isatty() and not os.environ.get("NO_COLOR")
        used = [main_ruleset, *(r for r in rulesets.values() if r is not main_ruleset)]
        write(
            output_format,
            out,
            results,
            problems,
            used,
            colour=colour,
            extra=extra,
            fail_on=fail_on,
        )
    finally:
        if out is not sys.stdout:
            out.close()
    if problems:
        return 2
    return 1 if any(failing(f, fail_on) for f in findings(results, (), extra)) else 0


def _ignored(
    item: ContentItem, report: Report, ruleset: Ruleset, report_unused: bool
) -> list[Finding]:
    """Notes on a draft's ``ignore:`` list: names that are not rules, and (with
    ``report_unused``) names that hide nothing in ``report``."""
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


def _open_output(path: str | None) -> TextIO:
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
    # A comment given with --in-reply-to makes the drafts replies to it (as
    # in_reply_to does in front matter), with or without --kind reply.
    if draft.kind == "post" and comment is not None:
        changes.update(kind="reply", in_reply_to=comment)
    if context:
        changes["context"] = {**context, **draft.context}
    return draft.model_copy(update=changes) if changes else draft


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        # Never fail on a terminal that cannot show a character of a draft.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command == "check":
            return _check(args)
        return _run_command(args)
    except SociopolicyError as exc:
        sys.stderr.write(f"sociopolicy: error: {one_line(str(exc))}\n")
        return 2
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
