"""Benchmark: every figure of the performance targets, and proselint beside us where installed.

Run with ``python benchmarks/bench_check.py`` (``--quick`` for a short run,
``--json FILE`` to keep the figures for comparing runs). It prints figures and
checks nothing: targets are read off its table, never asserted in tests.

Measured on the corpus of ``corpus.py`` (1,000 drafts of 20 to 1,000
characters and 400 comments by default), with the ruleset named by
``--ruleset`` (default ``public-sector-au``, every rule active):

* ``check_draft`` per draft of up to 500 characters (median, p99), all drafts,
  throughput on one core, and with ``platform="x"``;
* ``triage`` per comment (median, p99);
* growth with length: one text of 100 KB and one of 1 MB;
* ruleset load: in a fresh process (with and without the pattern cache), and
  cached in the same process;
* ``import sociopolicy`` in a fresh process (its names are imported on first
  use), and import, load and a first check together;
* ``sociopolicy check`` over a folder of one-post files (wall time, start-up
  included, on one core where ``taskset`` exists) and its peak memory;
* proselint on the same drafts, when it is installed (it is never a dependency).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sociopolicy
from corpus import comments, drafts
from sociopolicy import __version__, check_draft, load_ruleset, triage

#: The targets of the performance issue, by figure: (limit, unit).
TARGETS = {
    "check_draft_median_us": (50, "µs"),
    "check_draft_p99_us": (500, "µs"),
    "text_100kb_ms": (50, "ms"),
    "load_cold_ms": (150, "ms"),
    "load_cached_ms": (1, "ms"),
    "import_ms": (150, "ms"),
    "cli_seconds": (0.7, "s"),
    "cli_peak_mb": (80, "MB"),
}


def _timed(function: Callable[[str], object], texts: Sequence[str]) -> list[float]:
    """Microseconds per call, one per text."""
    timings = []
    for text in texts:
        start = time.perf_counter_ns()
        function(text)
        timings.append((time.perf_counter_ns() - start) / 1000)
    return timings


def _median_p99(timings: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _fresh(code: str, runs: int = 5, env: dict[str, str] | None = None) -> float:
    """Best of ``runs`` of a number printed by ``code`` in a fresh interpreter."""
    best = float("inf")
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            check=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        best = min(best, float(done.stdout))
    return best


def _cli(files: int, ruleset: str, runs: int = 5) -> tuple[float, float]:
    """Best wall time (s) and peak memory (MB) of ``sociopolicy check`` over a folder."""
    with tempfile.TemporaryDirectory() as folder:
        for number, text in enumerate(drafts(files, seed=7, high=500)):
            suffix = ".md" if number % 2 else ".txt"
            Path(folder, f"post-{number:05d}{suffix}").write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "sociopolicy", "check", folder, "--ruleset", ruleset]
        command += ["--fail-on", "never"]
        if shutil.which("taskset"):
            command = ["taskset", "-c", "0", *command]
        subprocess.run(command, capture_output=True, check=True)  # fills the pattern cache
        best = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            best = min(best, time.perf_counter() - start)
        # Peak memory, measured from a small launcher: a child forked from this
        # process would count this process's memory too until it starts the command.
        launcher = (
            "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        done = subprocess.run(
            [sys.executable, "-c", launcher, *command], capture_output=True, check=True, text=True
        )
    return best, int(done.stdout) / 1024  # ru_maxrss is in KB on Linux


def _proselint(texts: Sequence[str]) -> float | None:
    """proselint's median µs per text, or None when it is not installed.

    proselint 0.16 and later run only the checks registered with its registry,
    which its command line fills on start-up: a library call without that runs
    no check at all (and takes microseconds). So the checks are registered the
    same way here, and the timing is refused unless proselint then finds a
    known mistake.
    """
    try:
        from proselint import tools
    except ImportError:
        return None
    if hasattr(tools, "LintFile"):  # proselint 0.16 and later
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry

        CheckRegistry().register_many(__register__)

        def lint(text: str) -> object:
            return tools.LintFile("<draft>", text).lint()

    else:  # earlier versions
        lint = tools.lint
    if not lint("This is very unique."):
        print("proselint found nothing in a known mistake, so it is not compared", file=sys.stderr)
        return None
    for text in texts[:20]:  # warm up its caches
        lint(text)
    return statistics.median(_timed(lint, texts))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every figure, by name."""
    figures: dict[str, Any] = {}
    # Fresh processes then read compiled bytecode, as an installed package has it:
    # where PYTHONDONTWRITEBYTECODE is set, every process would otherwise compile
    # each module changed since its bytecode was last written.
    compileall.compile_dir(Path(sociopolicy.__file__).parent, quiet=1)
    ruleset = load_ruleset(args.ruleset)
    figures["ruleset"] = f"{ruleset.ref} ({len(ruleset.rules)} rules)"
    posts = drafts(args.drafts)
    short = [t for t in posts if len(t) <= 500]
    for text in posts[:50]:
        check_draft(text, ruleset=ruleset)  # compiles what is compiled on first use
    rounds = [
        _timed(lambda text: check_draft(text, ruleset=ruleset), short) for _ in range(args.rounds)
    ]
    everything = [t for one in rounds for t in one]
    median, p99 = _median_p99(everything)
    figures["check_draft_median_us"] = round(median, 1)
    figures["check_draft_p99_us"] = round(p99, 1)
    figures["check_draft_round_medians_us"] = [round(statistics.median(r), 1) for r in rounds]
    all_lengths = _timed(lambda text: check_draft(text, ruleset=ruleset), posts)
    figures["check_draft_all_lengths_median_us"] = round(statistics.median(all_lengths), 1)
    figures["throughput_per_second"] = round(1e6 * len(everything) / sum(everything))
    on_x = _timed(lambda text: check_draft(text, ruleset=ruleset, platform="x"), short)
    figures["check_draft_platform_x_median_us"] = round(statistics.median(on_x), 1)
    said = comments(args.comments)
    for text in said[:20]:
        triage(text, ruleset=ruleset)
    triage_median, triage_p99 = _median_p99(_timed(lambda t: triage(t, ruleset=ruleset), said))
    figures["triage_median_us"] = round(triage_median, 1)
    figures["triage_p99_us"] = round(triage_p99, 1)
    long_text = " ".join(posts)
    for size, name in ((100_000, "text_100kb_ms"), (1_000_000, "text_1mb_ms")):
        text = (long_text * (size // len(long_text) + 1))[:size]
        best = float("inf")
        for _ in range(3):  # the first also compiles what only long texts need
            start = time.perf_counter()
            check_draft(text, ruleset=ruleset)
            best = min(best, time.perf_counter() - start)
        figures[name] = round(best * 1000, 1)
    start = time.perf_counter()
    load_ruleset(args.ruleset)
    figures["load_cached_ms"] = round((time.perf_counter() - start) * 1000, 3)
    # The package's names are imported on first use: do that before the clock starts.
    load = (
        "import time; from sociopolicy import load_ruleset; t = time.perf_counter(); "
        f"load_ruleset({args.ruleset!r}); print((time.perf_counter() - t) * 1000)"
    )
    figures["load_cold_ms"] = round(_fresh(load), 1)
    figures["load_cold_no_cache_ms"] = round(_fresh(load, env={"SOCIOPOLICY_NO_CACHE": "1"}), 1)
    figures["import_ms"] = round(
        _fresh(
            "import time; t = time.perf_counter(); import sociopolicy; "
            "print((time.perf_counter() - t) * 1000)"
        ),
        1,
    )
    # What a tool pays before its first answer: import, load and one check.
    figures["import_load_first_check_ms"] = round(
        _fresh(
            "import time; t = time.perf_counter(); import sociopolicy; "
            f"ruleset = sociopolicy.load_ruleset({args.ruleset!r}); "
            "sociopolicy.check_draft('We will utilise the new portal.', ruleset=ruleset); "
            "print((time.perf_counter() - t) * 1000)"
        ),
        1,
    )
    if args.cli_files:
        seconds, megabytes = _cli(args.cli_files, args.ruleset)
        figures["cli_files"] = args.cli_files
        figures["cli_seconds"] = round(seconds, 2)
        figures["cli_peak_mb"] = round(megabytes, 1)
    proselint = _proselint(short)
    if proselint is not None:
        figures["proselint_median_us"] = round(proselint, 1)
        figures["proselint_ratio"] = round(proselint / median, 1)
    return figures


def report(figures: dict[str, Any]) -> str:
    """The figures as a table, each target marked met or missed."""
    lines = [f"sociopolicy {__version__}, Python {platform.python_version()}, {figures['ruleset']}"]
    lines.append(f"{'figure':40} {'value':>12}  target")
    for name, value in figures.items():
        if name == "ruleset":
            continue
        target = TARGETS.get(name)
        mark = ""
        if target is not None and isinstance(value, int | float):
            mark = f"< {target[0]} {target[1]}  {'met' if value < target[0] else 'MISSED'}"
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        lines.append(f"{name:40} {shown:>12}  {mark}")
    if "proselint_median_us" not in figures:
        lines.append("proselint: not installed or not working, so not compared")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the short drafts")
    parser.add_argument("--ruleset", default="public-sector-au")
    parser.add_argument("--cli-files", type=int, default=1300, help="0: skip the CLI run")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--quick", action="store_true", help="a short run, for a quick look")
    args = parser.parse_args()
    if args.quick:
        args.drafts, args.comments, args.rounds, args.cli_files = 300, 100, 1, 300
    figures = measure(args)
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
