"""Shared test helpers."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from _pytest.terminal import TerminalReporter
from hypothesis import HealthCheck, settings

from sociopolicy import Ruleset, load_ruleset, yamlparse

FIXTURES = Path(__file__).parent / "fixtures"

#: Lines of the corpus precision/recall report, set by tests/test_corpus.py.
CORPUS_REPORT = pytest.StashKey[list[str]]()
#: The same for incoming comments, set by tests/test_comments.py.
COMMENTS_REPORT = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    """Print the corpus figures after the test results."""
    for key, title in (
        (CORPUS_REPORT, "labelled corpora: precision and recall"),
        (COMMENTS_REPORT, "labelled comments: precision and recall per comment type"),
    ):
        lines = config.stash.get(key, None)
        if lines:
            terminalreporter.section(title)
            for line in lines:
                terminalreporter.write_line(line)


def labelled_params(items: Sequence[Any]) -> list[Any]:
    """Corpus items as test parameters: a ``known_miss`` is a strict expected failure.

    Each item needs ``corpus``, ``number`` and ``known_miss`` attributes.
    """
    return [
        pytest.param(
            item,
            marks=[pytest.mark.xfail(reason=item.known_miss, strict=True)]
            if item.known_miss
            else [],
            id=f"{item.corpus}-{item.number}",
        )
        for item in items
    ]


REPO = Path(__file__).resolve().parents[1]

# The tests (and the commands they run) keep the pattern cache out of the home folder.
os.environ.setdefault("SOCIOPOLICY_CACHE_DIR", tempfile.mkdtemp(prefix="sociopolicy-cache-"))
# ... and the ruleset cache's signing key out of the user's configuration folder.
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="sociopolicy-config-"))

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow]
)
# A long fuzz run (scripts/fuzz.py): SOCIOPOLICY_FUZZ_EXAMPLES examples per property.
settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=int(os.environ.get("SOCIOPOLICY_FUZZ_EXAMPLES") or 5000),
    suppress_health_check=list(HealthCheck),
    database=None,
)
if os.environ.get("SOCIOPOLICY_FUZZ_EXAMPLES"):
    settings.load_profile("fuzz")
else:
    settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def default_ruleset() -> Ruleset:
    """The bundled default ruleset, loaded once."""
    return load_ruleset("public-sector")


WriteRuleset = Callable[[str, str], Path]


@pytest.fixture
def write_ruleset(tmp_path: Path) -> WriteRuleset:
    """Write a ruleset file (dedented) into a temporary folder and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run with the libyaml parser (when PyYAML has it) and with the pure-Python one."""
    if request.param == "pure-python":
        monkeypatch.setattr(yamlparse, "_LOADERS", (yamlparse._Loader,))
    elif yamlparse._LOADERS[0] is yamlparse._Loader:
        pytest.skip("PyYAML was built without libyaml")
    return str(request.param)
