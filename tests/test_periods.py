"""Date windows in vars that switch rules on: the caretaker period."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sociopolicy import RulesetError, UsageError, bundled_rulesets, check_draft, load_ruleset
from sociopolicy.periods import Period, with_periods

from .conftest import WriteRuleset

PROMOTION = "Thanks to the Minister's record investment, 40 new schools are open!"


def _fork(write_ruleset: WriteRuleset, period: str) -> Path:
    return write_ruleset(
        "fork.yaml",
        textwrap.dedent(
            f"""\
            name: fork
            version: "1"
            extends: [public-sector, caretaker]
            vars:
              caretaker_period: {period}
            """
        ),
    )


def _caretaker_rules(path: Path, **context: object) -> set[str]:
    report = check_draft(PROMOTION, ruleset=path, context=context)  # type: ignore[arg-type]
    return {v.rule_id for v in report.violations if v.rule_id.startswith("caretaker.")}


def test_the_dates_in_vars_switch_the_overlay_on(write_ruleset: WriteRuleset) -> None:
    path = _fork(write_ruleset, '{start: "2026-10-03", end: "2026-11-01"}')
    inside = _caretaker_rules(path, date="2026-10-03")
    assert inside == {"caretaker.promotion", "caretaker.ministers"}
    assert _caretaker_rules(path, date="2026-11-01") == inside  # both days count
    assert _caretaker_rules(path, date="2026-10-02") == set()
    assert _caretaker_rules(path, date="2026-11-02T09:30:00+11:00") == set()


def test_a_fact_given_in_context_wins_over_the_dates(write_ruleset: WriteRuleset) -> None:
    path = _fork(write_ruleset, '{start: "2026-10-03", end: "2026-11-01"}')
    assert _caretaker_rules(path, date="2026-10-10", caretaker_period=False) == set()
    assert _caretaker_rules(path, date="2025-01-01", caretaker_period=True)


def test_without_dates_only_the_context_fact_switches_it_on() -> None:
    assert _caretaker_rules(Path(bundled_rulesets()["caretaker"])) == set()
    assert _caretaker_rules(Path(bundled_rulesets()["caretaker"]), caretaker_period=True)


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ('{start: "2026-10-03"}', "a period needs both 'start' and 'end'; 'end' is missing"),
        ('{start: "2026-10-03", end: "1 Nov"}', "'end' must be a date written YYYY-MM-DD"),
        ('{start: "2026-11-03", end: "2026-11-01"}', "ends (2026-11-01) before it starts"),
        ('{start: "2026-10-03", end: "2026-11-01", tz: x}', "only 'start', 'end' and 'timezone'"),
        ('{start: "2026-10-03", end: "2026-11-01", timezone: Mars/Base}', "a time zone name"),
        ('{start: "20261003", end: "2026-11-01"}', "'start' must be a date written YYYY-MM-DD"),
    ],
)
def test_a_bad_period_is_a_located_load_error(
    write_ruleset: WriteRuleset, period: str, message: str
) -> None:
    path = _fork(write_ruleset, period)
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:5:")
    assert "field 'vars.caretaker_period'" in text
    assert message in text


def test_a_bad_context_date_is_a_usage_error(write_ruleset: WriteRuleset) -> None:
    path = _fork(write_ruleset, '{start: "2026-10-03", end: "2026-11-01"}')
    with pytest.raises(UsageError, match=r"invalid context fact 'date': '3/10/2026'"):
        check_draft(PROMOTION, ruleset=path, context={"date": "3/10/2026"})


days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


@given(days, days, days)
def test_a_period_holds_exactly_on_its_days(a: dt.date, b: dt.date, day: dt.date) -> None:
    start, end = min(a, b), max(a, b)
    context = with_periods({"date": day.isoformat()}, {"caretaker_period": Period(start, end)})
    assert context["caretaker_period"] is (start <= day <= end)


def test_a_date_time_counts_in_the_periods_time_zone(write_ruleset: WriteRuleset) -> None:
    sydney = '{start: "2026-10-03", end: "2026-11-01", timezone: Australia/Sydney}'
    path = _fork(write_ruleset, sydney)
    # 23:30 UTC on 2 October is 10:30 on 3 October in Sydney: inside.
    assert _caretaker_rules(path, date="2026-10-02T23:30:00Z")
    assert _caretaker_rules(path, date="2026-10-02 23:30:00+00:00")
    assert not _caretaker_rules(path, date="2026-10-02T12:00:00+00:00")
    # Without a zone the day is the one written.
    plain = _fork(write_ruleset, '{start: "2026-10-03", end: "2026-11-01"}')
    assert not _caretaker_rules(plain, date="2026-10-02T23:30:00Z")


@pytest.mark.parametrize("day", ["20261010", "2026-W41-1", "10/10/2026"])
def test_only_iso_dates_are_accepted(write_ruleset: WriteRuleset, day: str) -> None:
    path = _fork(write_ruleset, '{start: "2026-10-03", end: "2026-11-01"}')
    with pytest.raises(UsageError, match="invalid context fact 'date'"):
        check_draft(PROMOTION, ruleset=path, context={"date": day})


def test_a_true_var_switches_a_fact_on(write_ruleset: WriteRuleset) -> None:
    path = _fork(write_ruleset, "true")
    assert _caretaker_rules(path)
    assert _caretaker_rules(path, caretaker_period=False) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-10", dt.date(2026, 10, 10)),
        ("2026-10-10T09:00Z", dt.datetime(2026, 10, 10, 9, tzinfo=dt.timezone.utc)),
        (
            "2026-10-10 09:00:00+1100",
            dt.datetime(2026, 10, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=11))),
        ),
        ("2026-02-30", None),
        ("10/10/2026", None),
        ("2026-10-10T09:00:00+25:00", None),
    ],
)
def test_dates_and_date_times_as_written(text: str, expected: object) -> None:
    from sociopolicy.periods import parse_moment

    assert parse_moment(text) == expected
