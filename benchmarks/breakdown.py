"""Where a check's time goes: the parts of ``check_draft`` measured one by one.

Run with ``python benchmarks/breakdown.py``. On the short drafts (up to 500
characters) of the benchmark's corpus, with the ruleset named by
``--ruleset`` (default ``public-sector-au``), it prints the median time of:

* the whole check;
* the engine and the report with no rule at work and no phrase scan (the cost
  of calling ``check_draft`` at all);
* the phrase scan (one pass for every word list of every rule);
* each rule, over the drafts it runs on (after the scan has chosen them), and
  on what share of drafts it runs;
* one violation (its message, position and model) and a report with one.

The last lines add up the parts every draft pays whatever its words: they are
the least a check of this ruleset costs on this machine without a change to
how rules are written or run. It reads the engine's private parts, so it is a
tool for this repository, not an example of the API.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from corpus import drafts
from sociopolicy import check_draft, load_ruleset
from sociopolicy.engine import CompiledRuleset, _Plan
from sociopolicy.kinds import AnalysedText, text_features
from sociopolicy.normalise import cleaned
from sociopolicy.text import LineIndex


def _median_us(function: Callable[[str], object], texts: Iterable[str], rounds: int) -> float:
    """The best over ``rounds`` of the median µs of ``function`` per text."""
    best = float("inf")
    for _ in range(rounds):
        timings = []
        for text in texts:
            start = time.perf_counter_ns()
            function(text)
            timings.append(time.perf_counter_ns() - start)
        best = min(best, statistics.median(timings) / 1000)
    return best


def _chosen(compiled: CompiledRuleset, text: str) -> tuple[AnalysedText, tuple[Any, ...]]:
    """A draft as the engine sees it after the phrase scan, and the steps it runs."""
    plan = compiled._plan("post", None, {})
    index, positions = compiled._scan_for("post")
    analysed = AnalysedText(text)
    scanned = index.scan_with(text, analysed.memo("cleaned", cleaned))
    analysed.remember_all(positions, scanned)
    return analysed, plan.chosen(text_features(text, ()), scanned)


def _rule_medians(
    compiled: CompiledRuleset, texts: list[str], rounds: int
) -> dict[str, tuple[float, float]]:
    """Each rule's median µs over the drafts it runs on, and the share it runs on."""
    timings: dict[str, list[int]] = defaultdict(list)
    for _ in range(rounds):
        for text in texts:
            analysed, steps = _chosen(compiled, text)
            for step in steps:
                start = time.perf_counter_ns()
                with contextlib.suppress(Exception):  # a rule that fails is timed all the same
                    list(step.find(analysed))
                timings[step.item.rule.id].append(time.perf_counter_ns() - start)
    runs = len(texts) * rounds
    return {
        rule: (statistics.median(values) / 1000, len(values) / runs)
        for rule, values in timings.items()
    }


def _violation_us(compiled: CompiledRuleset, texts: list[str]) -> tuple[float, float, float]:
    """Median µs of one violation and of a report that holds one, and the
    violations a draft has (median). Each is timed on its own, as the other
    parts are: a mean over thousands of them would take in garbage collection."""
    shared = {"vars": compiled.vars, "platform": None, "kind": "post"}
    violations, reports, counts = [], [], []
    for text in texts:
        analysed, steps = _chosen(compiled, text)
        lines = LineIndex(text)
        count = 0
        for step in steps:
            try:
                findings = list(step.find(analysed))
            except Exception:
                continue
            for finding in findings:
                start = time.perf_counter_ns()
                fired = compiled._violation(step.item, finding, text, "draft", lines, shared)
                violations.append(time.perf_counter_ns() - start)
                start = time.perf_counter_ns()
                compiled.report([fired], comment=None)
                reports.append(time.perf_counter_ns() - start)
                count += 1
        counts.append(count)
    return (
        statistics.median(violations) / 1000 if violations else 0.0,
        statistics.median(reports) / 1000 if reports else 0.0,
        statistics.median(counts),
    )


def _without_rules_or_scan(compiled: CompiledRuleset, texts: list[str], rounds: int) -> float:
    """``check_draft`` with every rule's work and the scan taken out (changes ``compiled``)."""
    for key, plan in list(compiled._plans.items()):
        compiled._plans[key] = _Plan.of(tuple(s._replace(find=lambda _: ()) for s in plan.steps))
    index, _ = compiled._scan_for("post")
    empty: list[list[Any]] = [[] for _ in index.sets]
    index.scan_with = lambda _text, _normal: empty  # type: ignore[method-assign,assignment]
    ruleset = compiled.owner()
    return _median_us(lambda text: check_draft(text, ruleset=ruleset), texts, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ruleset", default="public-sector-au")
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ruleset = load_ruleset(args.ruleset)
    texts = [t for t in drafts(args.drafts) if len(t) <= 500]
    for text in texts:
        check_draft(text, ruleset=ruleset)  # compiles what is compiled on first use
    compiled = ruleset.compiled
    index, _ = compiled._scan_for("post")
    whole = _median_us(lambda t: check_draft(t, ruleset=ruleset), texts, args.rounds)
    # The normalised copies are made beforehand: the engine's row has them already.
    normal = {text: cleaned(text) for text in texts}
    scan = _median_us(lambda t: index.scan_with(t, normal[t]), texts, args.rounds)
    rows = [("check_draft, whole", whole, "all"), ("phrase scan", scan, "all")]
    rules = _rule_medians(compiled, texts, args.rounds)
    for rule, (median, share) in sorted(rules.items(), key=lambda r: -r[1][0] * r[1][1]):
        rows.append((f"rule {rule}", median, f"{share:.0%}"))
    violation, report, violations = _violation_us(compiled, texts)
    rows.append(("one violation", violation, "per finding"))
    rows.append(("report with one violation", report, "per report"))
    overhead = _without_rules_or_scan(compiled, texts, args.rounds)
    rows.insert(1, ("engine and report, no rule work, no scan", overhead, "all"))
    print(f"{len(texts)} drafts of up to 500 characters, {args.ruleset}")
    print(f"{'part':58} {'median µs':>10}  runs on")
    for name, value, runs_on in rows:
        print(f"{name:58} {value:10.1f}  {runs_on}")
    always = sum(median for median, share in rules.values() if share == 1.0)
    least = overhead + scan + always
    print(f"\nthe engine, the scan and the {sum(s == 1.0 for _, s in rules.values())} rules that")
    print(f"run on every draft, added: {least:.1f} µs")
    print(f"with the median draft's {violations:g} violation(s) and the report: ", end="")
    print(f"{least + violations * violation + (report if violations else 0):.1f} µs")


if __name__ == "__main__":
    main()
