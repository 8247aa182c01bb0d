"""The benchmark tools keep working: they read the engine's private parts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def test_the_breakdown_adds_up_the_parts_of_a_check(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "breakdown.py"), "--drafts", "40", "--rounds", "1"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SOCIOPOLICY_CACHE_DIR": str(tmp_path)},
        cwd=BENCHMARKS,
    )
    assert done.returncode == 0, done.stderr
    figures = {
        name.strip(): float(value)
        for name, value in re.findall(r"^(\S.*?)\s+(\d+\.\d)\s+\S", done.stdout, re.MULTILINE)
    }
    assert figures["check_draft, whole"] > 0
    # Every part the summary adds is a row of the table, and each part costs
    # less than the whole check.
    assert "rule readability.grade" in figures
    parts = ["engine and report, no rule work, no scan", "phrase scan", "rule readability.grade"]
    assert all(0 < figures[part] < figures["check_draft, whole"] for part in parts)
    assert re.search(r"run on every draft, added: \d+\.\d µs", done.stdout)
