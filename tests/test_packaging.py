"""The wheel carries the bundled rulesets and works outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="the test extra installs hatchling")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("sociopolicy-*.whl")
    return built


def test_wheel_contains_rulesets_and_typing_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {p.name for p in (REPO / "rulesets").glob("*.yaml")}
    assert {f"sociopolicy/rulesets/{name}" for name in bundled} <= names
    assert "sociopolicy/py.typed" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_works_outside_the_tree(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import sociopolicy, pathlib;"
        "from sociopolicy import check_draft, load_ruleset;"
        "assert pathlib.Path(sociopolicy.__file__).is_relative_to(pathlib.Path.cwd().parent / 'site');"
        "r = check_draft('That is a stupid idea');"
        "print(load_ruleset('public-sector').ref, r.decision, r.violations[0].rule_id)"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["public-sector@0.1.0", "revise", "tone.insult"]
