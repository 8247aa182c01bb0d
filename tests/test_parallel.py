"""A loaded ruleset pickles, and drafts can be checked in several processes (or in Dask)."""

from __future__ import annotations

import pickle
from pathlib import Path

import dask.bag
import pytest

from sociopolicy import check_draft, check_many, load_ruleset
from sociopolicy.cli import main
from sociopolicy.errors import UsageError

TEXTS = [
    "That is a stupid idea.",
    "Call me on 0412 558 903 about the bins.",
    "Vote Greens on Saturday!",
    "The library opens at 9am. We will utilise the new hall.",
    "",
    "新しい図書館は月曜日に開館します。",
] * 70  # more than one batch


def test_a_ruleset_pickles_and_checks_the_same() -> None:
    ruleset = load_ruleset("public-sector-au")
    copy = pickle.loads(pickle.dumps(ruleset))
    assert copy.model_dump() == ruleset.model_dump()
    assert copy.ref == ruleset.ref
    for text in TEXTS[:6]:
        assert check_draft(text, ruleset=copy) == check_draft(text, ruleset=ruleset)


def test_check_many_in_processes_keeps_the_order() -> None:
    ruleset = load_ruleset("public-sector")
    one = list(check_many(TEXTS, ruleset=ruleset))
    several = list(check_many(iter(TEXTS), ruleset=ruleset, jobs=2))
    assert several == one
    assert [r.violations[0].rule_id for r in several[:3]] == [
        "tone.insult",
        "privacy.personal-information",
        "neutrality.voting-instruction",
    ]


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True])
def test_jobs_must_be_a_whole_number(jobs: object) -> None:
    with pytest.raises(UsageError, match="jobs must be"):
        check_many(TEXTS, jobs=jobs)  # type: ignore[arg-type]


def test_check_many_in_dask_on_processes_agrees_with_one_process() -> None:
    ruleset = load_ruleset("public-sector-au")
    expected = list(check_many(TEXTS, ruleset=ruleset))
    bag = dask.bag.from_sequence(TEXTS, npartitions=4)  # type: ignore[no-untyped-call]
    reports = bag.map_partitions(lambda part: list(check_many(part, ruleset=ruleset)))
    assert reports.compute(scheduler="processes", num_workers=2) == expected


def test_the_command_gives_the_same_output_with_several_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, text in enumerate(TEXTS[:60]):
        (tmp_path / f"post-{number:03d}.txt").write_text(text or "Hello.", encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        assert main(["check", str(tmp_path), "--format", "json", "--jobs", jobs]) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    with pytest.raises(SystemExit):
        main(["check", str(tmp_path), "--jobs", "0"])
    assert "a number of processes" in capsys.readouterr().err
