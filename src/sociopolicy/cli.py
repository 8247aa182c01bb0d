"""The ``sociopolicy`` command.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 usage, input or ruleset error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ._version import __version__
from .api import check_draft
from .errors import SociopolicyError, UsageError, one_line
from .loader import load_ruleset
from .models import PLATFORMS, SEVERITIES, ContextValue, Report
from .periods import context_day
from .testrun import run_tests

__all__ = ["main"]

_FAIL_ON = (*SEVERITIES, "never")
_RANK = {"error": 0, "warning": 1, "suggestion": 2}
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
        help="check drafts in text files, or from standard input with '-'",
        description="Check each file as one draft ('-' reads standard input).",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="text file, or - for stdin")
    check.add_argument(
        "--ruleset",
        "-r",
        default=None,
        help="bundled ruleset name or path (default: public-sector)",
    )
    check.add_argument("--platform", "-p", choices=PLATFORMS, help="where the draft will appear")
    check.add_argument(
        "--kind",
        choices=("post", "reply"),
        default="post",
        help="a new post, or a reply to a comment (default: post)",
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
        choices=("text", "json"),
        default="text",
        help="text lines (default), or JSON with each report in full",
    )
    check.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    test = commands.add_parser(
        "test",
        help="run rulesets' examples and tests files",
        description="Run every rule's examples, and the cases in the ruleset's tests file "
        "(<ruleset>.tests.yaml beside it). With no RULESET, test every bundled ruleset.",
    )
    test.add_argument("rulesets", nargs="*", metavar="RULESET", help="bundled ruleset name or path")
    return parser


def _read(path: str) -> str:
    """Read a draft as UTF-8, from a file or (for ``-``) standard input's bytes."""
    try:
        raw = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except OSError as exc:
        raise SociopolicyError(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SociopolicyError(
            f"{_display(path)}: not UTF-8 text (bad byte at offset {exc.start})"
        ) from None


def _display(path: str) -> str:
    return "<stdin>" if path == STDIN else path


def _write_text(results: Sequence[tuple[str, Report]], out: TextIO) -> None:
    for path, report in results:
        name = _display(path)
        for v in report.violations:
            where = f"{name}:{v.line}:{v.column}"
            if v.target == "comment":
                where += " (comment)"
            out.write(f"{where}: {v.severity} {v.rule_id} {v.message}\n")
        actions = ", ".join(
            a.kind + (f" -> {a.to}" if a.to else "") + f" ({', '.join(a.rule_ids)})"
            for a in report.actions
        )
        summary = f"{name}: decision {report.decision}"
        out.write(summary + (f"; actions: {actions}" if actions else "") + "\n")


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
    ruleset = load_ruleset(args.ruleset)
    comment = _read(args.in_reply_to) if args.in_reply_to else None
    context = _context(args.context, args.date)
    results = []
    for path in args.paths:
        text = _read(path)
        report = check_draft(
            text,
            ruleset=ruleset,
            platform=args.platform,
            kind=args.kind,
            in_reply_to=comment,
            context=context,
        )
        results.append((path, report))
    if args.format == "json":
        payload = [{"path": _display(p), "report": r.model_dump(mode="json")} for p, r in results]
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        _write_text(results, sys.stdout)
    if args.fail_on == "never":
        return 0
    threshold = _RANK[args.fail_on]
    failing = any(_RANK[v.severity] <= threshold for _, r in results for v in r.violations)
    return 1 if failing else 0


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
        if args.command == "test":
            return run_tests(args.rulesets, sys.stdout)
        return _check(args)
    except SociopolicyError as exc:
        sys.stderr.write(f"sociopolicy: error: {one_line(str(exc))}\n")
        return 2
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
