"""A long fuzz run of the whole pipeline: many more examples than the test suite runs.

    python scripts/fuzz.py                 # 5,000 examples per property (about 20 minutes)
    python scripts/fuzz.py --examples 500  # a shorter run

It runs the property tests that feed arbitrary text and bytes to ``check_draft``,
``triage``, the normalisation that sees through disguised words, and the
``sociopolicy check`` command, with Hypothesis set to the given number of
examples and no example database (each run explores afresh). A failure prints
the smallest input Hypothesis found; add it to the tests as an explicit case.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FUZZED = [
    "tests/test_hostile_text.py",
    "tests/test_nothing_lost.py",
    "tests/test_properties.py",
    "tests/test_regexgate.py",
    "tests/test_template_reading.py",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per property")
    args = parser.parse_args()
    env = {**os.environ, "SOCIOPOLICY_FUZZ_EXAMPLES": str(args.examples)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *FUZZED],
        cwd=REPO,
        env=env,
        check=False,
    )
    minutes = (time.perf_counter() - start) / 60
    print(f"fuzz run: {args.examples} examples per property, {minutes:.1f} minutes")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
