"""The ``sociopolicy`` command.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 usage, input or ruleset error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .errors import RulesetError, SociopolicyError, UsageError, one_line
from .limits import (
    DEFAULT_MAX_DRAFT_CHARS,
    DEFAULT_MAX_RULESET_BYTES,
    DRAFT_VARIABLE,
    RULESET_VARIABLE,
)
from .vocabulary import FORMATS, PLATFORMS, SEVERITIES

if TYPE_CHECKING:
    from .calendar import CalendarPost
    from .outputs import Result

# The modules that check (Pydantic, Jinja2, the rule kinds) are imported by the
# command that needs them, so --help, --version and usage errors answer at once.

__all__ = ["main"]

_FAIL_ON = (*SEVERITIES, "never")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"sociopolicy: error: {message} (see '{self.prog} --help')\n")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a number of processes, 1 or more, not '{text}'")
    return value


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number above 0, not '{text}'")
    return value


def _encoding(text: str) -> str:
    import codecs

    try:
        if codecs.lookup(text)._is_text_encoding:
            return text
    except LookupError:
        pass
    raise argparse.ArgumentTypeError(f"'{text}' is not a text encoding Python knows")


def _content_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of the commands that read content files (check, calendar)."""
    parser.add_argument("--platform", "-p", choices=PLATFORMS, help="where the drafts will appear")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE")
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="check in N processes (default: all cores from 5,000 drafts on, else 1); "
        "the output is the same",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="file or folder of content, or - for stdin"
    )
    parser.add_argument(
        "--ruleset",
        "-r",
        default=None,
        help="bundled ruleset name or path (default: the configuration's, or public-sector)",
    )
    parser.add_argument(
        "--context",
        "-c",
        action="append",
        default=[],
        metavar="FACT=VALUE",
        help="a fact for rules' 'when' conditions, e.g. caretaker_period=true (repeatable)",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the day the drafts will be published (for periods such as caretaker_period)",
    )
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="in folders, only files matching GLOB (repeatable; replaces the configuration's)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files matching GLOB (repeatable; adds to the configuration's)",
    )
    parser.add_argument(
        "--csv-column", metavar="NAME", help="the CSV column holding the message (default: found)"
    )
    parser.add_argument(
        "--csv-date-column", metavar="NAME", help="the CSV column holding the date (default: found)"
    )
    parser.add_argument(
        "--csv-link-column", metavar="NAME", help="the CSV column holding a link (default: found)"
    )
    _ruleset_file_arguments(parser)
    parser.add_argument(
        "--encoding",
        type=_encoding,
        metavar="NAME",
        help="encoding of files without a byte-order mark (default: UTF-8; e.g. cp1252)",
    )
    parser.add_argument(
        "--max-draft-chars",
        type=_positive,
        metavar="N",
        help=f"longest draft or content file to check (default {DEFAULT_MAX_DRAFT_CHARS:,}; "
        f"also {DRAFT_VARIABLE})",
    )
    parser.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        default=None,
        help="lowest severity that makes the exit code 1 (default: error)",
    )


def _ruleset_file_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of every command that loads rulesets from files."""
    parser.add_argument(
        "--max-ruleset-bytes",
        type=_positive,
        metavar="N",
        help=f"largest ruleset file to read (default {DEFAULT_MAX_RULESET_BYTES:,}; "
        f"also {RULESET_VARIABLE})",
    )
    parser.add_argument(
        "--confine-extends",
        action="store_true",
        default=None,
        help="refuse a ruleset whose 'extends' names a file outside its own folder "
        "(bundled rulesets are always allowed)",
    )


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
    _content_arguments(check)
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
        "--format",
        "-f",
        choices=FORMATS,
        default=None,
        help="text lines (default), json, github (workflow commands), sarif (2.1.0) or junit",
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
    calendar = commands.add_parser(
        "calendar",
        help="check a content calendar: reserve, gaps, balance and every post",
        description="Check content calendars (YAML, JSON or CSV) against the ruleset's "
        "planning settings over a horizon: the evergreen reserve, gaps and busy days, the "
        "balance of purposes, posts that break a period's rules, and every post. See "
        "docs/calendar.md.",
    )
    _content_arguments(calendar)
    calendar.add_argument(
        "--from",
        dest="start",
        metavar="YYYY-MM-DD",
        help="the first day of the horizon (default: today in the planning time zone)",
    )
    calendar.add_argument(
        "--horizon", default="90d", help="days to look ahead: 90d, 12w, 3m or P90D (default: 90d)"
    )
    calendar.add_argument(
        "--format",
        "-f",
        choices=("text", "json", "html"),
        default="text",
        help="text (default), json, or html (a page with a week-by-week view)",
    )
    calendar.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="with '-': read standard input as a calendar file of this name (.yaml, .json, .csv)",
    )
    calendar.set_defaults(kind="post", in_reply_to=None, report_unused_suppressions=False)
    test = commands.add_parser(
        "test",
        help="run rulesets' examples and tests files",
        description="Run every rule's examples, and the cases in the ruleset's tests file "
        "(<ruleset>.tests.yaml beside it). With no RULESET, test every bundled ruleset.",
    )
    test.add_argument("rulesets", nargs="*", metavar="RULESET", help="bundled ruleset name or path")
    _ruleset_file_arguments(test)
    validate = commands.add_parser(
        "validate",
        help="check rulesets for mistakes, all at once",
        description="Report every error in each ruleset (file:line:column, rule, field), then "
        "warnings: unknown facts, unused vars.",
    )
    validate.add_argument("rulesets", nargs="+", metavar="RULESET", help="ruleset name or path")
    validate.add_argument("--strict", action="store_true", help="warnings also make exit code 1")
    _ruleset_file_arguments(validate)
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
    rules.add_argument("--category", default=None, help="only rules of this category")
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
    docs.add_argument(
        "--format",
        "-f",
        choices=("md", "html"),
        default=None,
        help="md or html (default: html for an --output ending .html or .htm, else md)",
    )
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

        return run_tests(args.rulesets, sys.stdout, confine=_confine(args))
    if args.command == "validate":
        return rulecommands.validate(
            args.rulesets, sys.stdout, strict=args.strict, confine=_confine(args)
        )
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


def _confine(args: argparse.Namespace) -> bool:
    """--confine-extends, else the configuration's confine-extends."""
    if args.confine_extends:
        return True
    from .config import config_for

    found = config_for(Path.cwd())
    return bool(found and found[0].confine_extends)


def _check(args: argparse.Namespace) -> int:
    from .checkrun import open_output, run_check
    from .outputs import failing, write

    out = open_output(args.output)  # first, so a bad path fails before any work
    try:
        run = run_check(args)
        colour = run.output_format == "text" and out.isatty() and not os.environ.get("NO_COLOR")
        placed = write(
            run.output_format,
            out,
            run.results,
            run.problems,
            run.rulesets,
            colour=colour,
            extra=run.extra,
            fail_on=run.fail_on,
        )
    finally:
        if out is not sys.stdout:
            out.close()
    if run.problems:
        return 2
    failed = any(failing(f, run.fail_on) for f in placed)
    return 1 if failed else 0


def _calendar(args: argparse.Namespace) -> int:
    from .calendar import check_calendar, parse_horizon
    from .calendarout import planning_notes, write_calendar
    from .checkrun import open_output, run_check
    from .outputs import failing, findings

    if "-" in args.paths and not args.stdin_filename:
        raise UsageError(
            "a calendar on standard input needs --stdin-filename NAME (such as cal.yaml), "
            "which says how to read it"
        )
    start = _start_day(args.start)
    horizon = parse_horizon(args.horizon)
    out = open_output(args.output)
    try:
        run = run_check(args)
        posts = [_calendar_post(result) for result in run.results]
        report = check_calendar(
            posts,
            ruleset=run.rulesets[0],
            start=start,
            horizon=horizon,
            reports=[result.report for result in run.results],
        )
        placed = findings(run.results, run.problems, run.extra)
        write_calendar(args.format, out, report, placed)
    finally:
        if out is not sys.stdout:
            out.close()
    if run.problems:
        return 2
    failed = any(failing(f, run.fail_on) for f in findings(run.results, (), run.extra))
    warned = bool(planning_notes(report)) and run.fail_on in ("warning", "suggestion")
    return 1 if failed or warned else 0


def _start_day(raw: str | None) -> dt.date | None:
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"--from takes a date written YYYY-MM-DD, not '{raw}'") from None


def _calendar_post(result: Result) -> CalendarPost:
    from .calendar import CalendarPost
    from .periods import parse_moment

    item = result.item
    plan = item.plan
    scheduled = item.scheduled
    if isinstance(scheduled, str):
        scheduled = parse_moment(scheduled)
    return CalendarPost(
        text=item.draft.text,
        platform=item.draft.platform,
        scheduled=scheduled,
        evergreen=plan.evergreen if plan else False,
        purpose=plan.purpose if plan else None,
        tags=plan.tags if plan else (),
        media=item.draft.media,
        id=item.id,
        path=item.path,
        line=item.line,
    )


class _OneLine(logging.Formatter):
    """Log records as one escaped line: what failed and why, without a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"sociopolicy: {record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            text += f" ({type(error).__name__}: {error})"
        return one_line(text)


def _log_in_one_line() -> None:
    """Warnings and internal errors on standard error, one line each (set
    SOCIOPOLICY_DEBUG=1 for the full tracebacks, to report a bug)."""
    log = logging.getLogger("sociopolicy")
    if log.handlers or os.environ.get("SOCIOPOLICY_DEBUG"):
        return
    # With a handler of its own, Python's last-resort handler (which prints
    # tracebacks) is not used; records still reach any handler the root has.
    handler = logging.StreamHandler()
    handler.setFormatter(_OneLine())
    log.addHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _log_in_one_line()
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
    # The limits reach every check through the environment, worker processes
    # included, for this run only.
    limits = {
        variable: str(getattr(args, option))
        for option, variable in (
            ("max_draft_chars", DRAFT_VARIABLE),
            ("max_ruleset_bytes", RULESET_VARIABLE),
        )
        if getattr(args, option, None) is not None
    }
    before = {variable: os.environ.get(variable) for variable in limits}
    os.environ.update(limits)
    try:
        return _run(args)
    finally:
        for variable, value in before.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value


def _run(args: argparse.Namespace) -> int:
    """Run the command the arguments name; errors become one line and exit code 2."""
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "calendar":
            return _calendar(args)
        return _run_command(args)
    except RulesetError as exc:
        if args.command in ("check", "calendar"):
            sys.stderr.write(f"sociopolicy: error: {one_line(str(exc))}\n")
        else:  # the commands for ruleset editors show every problem, one a line
            for issue in exc.issues:
                sys.stderr.write(f"sociopolicy: error: {one_line(str(issue))}\n")
        return 2
    except SociopolicyError as exc:
        sys.stderr.write(f"sociopolicy: error: {one_line(str(exc))}\n")
        return 2
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
