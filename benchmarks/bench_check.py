"""Benchmark: median time per check_draft call, and ruleset load time.

Run with ``python benchmarks/bench_check.py``. It prints figures and checks
nothing: performance targets are read off its output, never asserted in tests.

The drafts are built from the realistic post sentences in ``sentences.txt``
(written for this project), joined at random (fixed seed) into texts of 50 to
500 characters.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sociopolicy import check_draft, clear_cache, load_ruleset

HERE = Path(__file__).parent


def make_drafts(count: int, seed: int = 2026) -> list[str]:
    """``count`` drafts of 50 to 500 characters from the sentence file."""
    sentences = (HERE / "sentences.txt").read_text(encoding="utf-8").splitlines()
    chooser = random.Random(seed)
    drafts: list[str] = []
    while len(drafts) < count:
        target = chooser.randint(50, 500)
        text = chooser.choice(sentences)
        while len(text) < target:
            text += " " + chooser.choice(sentences)
        if len(text) > 500:
            text = text[:500].rsplit(" ", 1)[0]
        if len(text) >= 50:
            drafts.append(text)
    return drafts


def import_seconds(runs: int = 5) -> float:
    """Best wall time of ``import sociopolicy`` in a fresh interpreter."""
    code = (
        "import time; t = time.perf_counter(); import sociopolicy; print(time.perf_counter() - t)"
    )
    return min(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout)
        for _ in range(runs)
    )


def cli_run(files: int, ruleset: str, runs: int = 3) -> tuple[float, float]:
    """Best wall time (s) and peak memory (MB) of ``sociopolicy check`` over a folder
    of ``files`` one-post files, start-up included."""
    with tempfile.TemporaryDirectory() as folder:
        for number, text in enumerate(make_drafts(files, seed=7)):
            suffix = ".md" if number % 2 else ".txt"
            Path(folder, f"post-{number:05d}{suffix}").write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "sociopolicy", "check", folder, "--ruleset", ruleset]
        command += ["--fail-on", "never"]
        subprocess.run(command, capture_output=True, check=True)  # fills the pattern cache
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    return min(times), peak_kb / 1024


def _micro(ns: float) -> str:
    return f"{ns / 1000:8.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5, help="passes over all drafts")
    parser.add_argument("--ruleset", default="public-sector")
    parser.add_argument(
        "--cli-files", type=int, default=1300, help="one-post files for the CLI run (0: skip)"
    )
    args = parser.parse_args()

    loads = []
    for _ in range(5):
        clear_cache()
        start = time.perf_counter_ns()
        ruleset = load_ruleset(args.ruleset)
        loads.append(time.perf_counter_ns() - start)
    start = time.perf_counter_ns()
    load_ruleset(args.ruleset)
    cached = time.perf_counter_ns() - start

    drafts = make_drafts(args.drafts)
    for text in drafts:  # warm up
        check_draft(text, ruleset=ruleset)
    timings = []
    round_medians = []
    violations = 0
    for _ in range(args.rounds):
        this_round = []
        for text in drafts:
            start = time.perf_counter_ns()
            report = check_draft(text, ruleset=ruleset)
            this_round.append(time.perf_counter_ns() - start)
            violations += len(report.violations)
        timings += this_round
        round_medians.append(statistics.median(this_round))
    timings.sort()
    by_name = []
    for text in drafts:  # the common call: no ruleset given, the bundled default
        start = time.perf_counter_ns()
        check_draft(text)
        by_name.append(time.perf_counter_ns() - start)
    on_x = []
    for text in drafts:  # with a platform, so platform limits are counted too
        start = time.perf_counter_ns()
        check_draft(text, ruleset=ruleset, platform="x")
        on_x.append(time.perf_counter_ns() - start)
    lengths = [len(t) for t in drafts]
    print(f"ruleset          {ruleset.ref} ({len(ruleset.rules)} rules)")
    print(f"load (cold)      median {_micro(statistics.median(loads))}")
    print(f"load (cached)    {_micro(cached)}")
    print(
        f"drafts           {len(drafts)} x {args.rounds} rounds, "
        f"{min(lengths)}-{max(lengths)} chars (mean {statistics.mean(lengths):.0f}), "
        f"{violations / len(timings):.2f} violations per draft"
    )
    print(f"check_draft      median {_micro(statistics.median(timings))}")
    print(
        f"                 rounds {_micro(min(round_medians)).strip()} to "
        f"{_micro(max(round_medians)).strip()} (median of each round; spread = machine noise)"
    )
    print(f"                 p90    {_micro(timings[int(len(timings) * 0.9)])}")
    print(f"                 p99    {_micro(timings[int(len(timings) * 0.99)])}")
    print(f"ruleset=None     median {_micro(statistics.median(by_name))}  (looked up by name)")
    print(f"platform=x       median {_micro(statistics.median(on_x))}  (X length counted)")
    print(f"throughput       {1e9 * len(timings) / sum(timings):,.0f} drafts per second")
    print(
        f"import           {import_seconds() * 1000:8.1f} ms  (import sociopolicy, fresh process)"
    )
    if args.cli_files:
        seconds, megabytes = cli_run(args.cli_files, args.ruleset)
        print(
            f"CLI              {seconds:8.2f} s   (sociopolicy check, {args.cli_files} one-post "
            f"files, start-up included; peak memory {megabytes:.0f} MB)"
        )


if __name__ == "__main__":
    main()
