"""Content calendar checks: reserve, gaps, busy days, balance, periods, days in time zones."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sociopolicy import load_ruleset
from sociopolicy.calendar import CalendarPost, check_calendar, parse_horizon, posting_day
from sociopolicy.cli import main
from sociopolicy.errors import RulesetValidationError, UsageError
from sociopolicy.ruleset import Ruleset

PLANNED = """\
name: planned
version: "1"
extends: [public-sector, caretaker]
vars:
  caretaker_period: {{start: "2026-09-01", end: "2026-09-30", timezone: Australia/Sydney}}
planning:
  timezone: {timezone}
  reserve: P30D
  cadence: {{all: 7}}
  max_silence: {{all: P2D, linkedin: P7D}}
  max_per_day: {{all: 2}}
  purposes: {{share: 0.5, listen: 0.25, engage: 0.25}}
  purpose_tolerance: 0.1
"""


def _ruleset(tmp_path: Path, timezone: str = "Australia/Sydney") -> Ruleset:
    path = tmp_path / "planned.yaml"
    path.write_text(PLANNED.format(timezone=timezone), encoding="utf-8")
    return load_ruleset(path)


def _post(day: str | dt.date | dt.datetime | None, **fields: object) -> CalendarPost:
    scheduled = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return CalendarPost(
        text=str(fields.pop("text", "Library news.")), scheduled=scheduled, **fields
    )


START = dt.date(2026, 8, 1)


def test_reserve_counts_unscheduled_evergreen_posts_at_the_cadence(tmp_path: Path) -> None:
    ruleset = _ruleset(tmp_path)
    posts = [_post(None, evergreen=True) for _ in range(20)] + [
        _post("2026-08-02", evergreen=True),  # scheduled: not in the reserve
        _post(None),  # not evergreen
    ]
    reserve = check_calendar(posts, ruleset=ruleset, start=START, horizon=7).reserve
    assert (reserve.evergreen_posts, reserve.posts_per_week) == (20, 7)
    assert reserve.days_covered == 20  # one a day
    assert reserve.target_days == 30
    assert not reserve.ok
    more = posts + [_post(None, evergreen=True) for _ in range(10)]
    assert check_calendar(more, ruleset=ruleset, start=START, horizon=7).reserve.ok


def test_gaps_at_the_start_between_posts_and_at_the_end(tmp_path: Path) -> None:
    ruleset = _ruleset(tmp_path)
    posts = [_post("2026-08-04"), _post("2026-08-06"), _post("2026-08-10", platform="linkedin")]
    report = check_calendar(posts, ruleset=ruleset, start=START, horizon=14)
    found = [(g.platform, g.first_day.day, g.last_day.day, g.silent_days) for g in report.gaps]
    # all: 1-3 (3 days), 7-9 (3), 11-14 (4) are over 2; 5 (1) is not.
    # linkedin: 1-9 (9 days) and 11-14 (4) against 7: only the first.
    assert found == [("all", 1, 3, 3), ("all", 7, 9, 3), ("all", 11, 14, 4), ("linkedin", 1, 9, 9)]
    assert all(g.allowed_days == (7 if g.platform == "linkedin" else 2) for g in report.gaps)


def test_busy_days(tmp_path: Path) -> None:
    ruleset = _ruleset(tmp_path)
    posts = [_post("2026-08-02") for _ in range(3)] + [_post("2026-08-03") for _ in range(2)]
    busy = check_calendar(posts, ruleset=ruleset, start=START, horizon=5).busy_days
    assert [(b.day.day, b.posts, b.allowed) for b in busy] == [(2, 3, 2)]


def test_balance_of_purposes(tmp_path: Path) -> None:
    ruleset = _ruleset(tmp_path)
    purposes = ["share"] * 5 + ["listen"] * 3 + ["engage"] * 1 + [None]
    posts = [_post(f"2026-08-{n + 1:02d}", purpose=p) for n, p in enumerate(purposes)]
    report = check_calendar(posts, ruleset=ruleset, start=START, horizon=14)
    rows = {row.purpose: (row.posts, row.share, row.ok) for row in report.balance}
    # Shares over the 9 posts with a purpose: 0.56 (target 0.5), 0.33 (0.25), 0.11 (0.25).
    assert rows == {
        "share": (5, 0.5556, True),
        "listen": (3, 0.3333, True),
        "engage": (1, 0.1111, False),
    }
    assert report.unspecified_purpose == 1


def test_posts_inside_the_caretaker_period_that_break_its_rules(tmp_path: Path) -> None:
    ruleset = _ruleset(tmp_path)
    announcement = "The Mayor is proud to announce a new $2 million pool for our city."
    posts = [
        _post("2026-09-10", text=announcement),  # inside the window
        _post("2026-08-10", text=announcement),  # before it: the caretaker rules do not run
        _post("2026-09-11", text="The library opens at 9am."),
    ]
    report = check_calendar(posts, ruleset=ruleset, start=START, horizon=90)
    assert len(report.period_hits) == 1
    hit = report.period_hits[0]
    # An evergreen post in the reserve is warned about when a period falls in the
    # horizon (the reserve fills slow weeks, which may be in it), not otherwise.
    reserve = [_post(None, text=announcement, evergreen=True)]
    during = check_calendar(reserve, ruleset=ruleset, start=START, horizon=90).period_hits
    assert [(h.period, h.post.day) for h in during] == [("caretaker_period", None)]
    before = check_calendar(reserve, ruleset=ruleset, start=START, horizon=20).period_hits
    assert before == ()
    assert hit.period == "caretaker_period"
    assert hit.post.day == dt.date(2026, 9, 10)
    assert all(rule_id.startswith("caretaker.") for rule_id in hit.rule_ids)


def test_days_are_counted_in_the_planning_time_zone() -> None:
    sydney = load_ruleset("public-sector").planning.zone.__class__("Australia/Sydney")
    late_utc = dt.datetime(2026, 4, 4, 23, 30, tzinfo=dt.timezone.utc)
    assert posting_day(late_utc, sydney) == dt.date(2026, 4, 5)
    # A naive date-time is already in the planning zone.
    assert posting_day(dt.datetime(2026, 4, 4, 23, 30), sydney) == dt.date(2026, 4, 4)


def test_daylight_saving_does_not_change_the_count_of_days(tmp_path: Path) -> None:
    ruleset = _ruleset(tmp_path)
    # Sydney's clocks go back at 3am on 5 April 2026: that day has 25 hours.
    zone = ruleset.planning.zone
    posts = [
        _post(dt.datetime(2026, 4, 3, 20, 0, tzinfo=zone)),
        _post(dt.datetime(2026, 4, 6, 8, 0, tzinfo=zone)),
    ]
    report = check_calendar(posts, ruleset=ruleset, start=dt.date(2026, 4, 3), horizon=4)
    # 4 and 5 April are silent: 2 days, which is allowed.
    assert report.gaps == ()


def test_a_leap_day_is_a_day(tmp_path: Path) -> None:
    ruleset = _ruleset(tmp_path)
    posts = [_post("2028-02-27"), _post("2028-03-01")]
    report = check_calendar(posts, ruleset=ruleset, start=dt.date(2028, 2, 27), horizon=4)
    assert report.gaps == ()  # 28 and 29 February are silent: 2 days, allowed
    posts = [_post("2028-02-27"), _post("2028-03-02")]
    report = check_calendar(posts, ruleset=ruleset, start=dt.date(2028, 2, 27), horizon=5)
    assert [(g.first_day, g.last_day, g.silent_days) for g in report.gaps] == [
        (dt.date(2028, 2, 28), dt.date(2028, 3, 1), 3)
    ]
    assert report.end == dt.date(2028, 3, 2)


@pytest.mark.parametrize(
    ("text", "days"), [("90d", 90), ("12w", 84), ("3m", 90), ("P30D", 30), ("P1W", 7)]
)
def test_horizons(text: str, days: int) -> None:
    assert parse_horizon(text) == days


@pytest.mark.parametrize("text", ["", "0d", "soon", "-5d", "PT1H"])
def test_bad_horizons_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_horizon(text)


def test_bad_planning_settings_are_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        'name: bad\nversion: "1"\nplanning:\n  max_silence: {all: three days}\n',
        encoding="utf-8",
    )
    with pytest.raises(RulesetValidationError) as caught:
        load_ruleset(path)
    assert str(caught.value).startswith(f"{path}:4:")
    assert "not an ISO 8601 duration" in str(caught.value)


_DAYS = st.integers(min_value=0, max_value=27).map(lambda n: START + dt.timedelta(days=n))


@settings(max_examples=60, deadline=None)
@given(st.lists(_DAYS, max_size=12), st.integers(min_value=0, max_value=5))
def test_adding_an_evergreen_post_never_lowers_the_reserve(days: list[dt.date], extra: int) -> None:
    ruleset = load_ruleset("public-sector")
    posts = [_post(day) for day in days] + [_post(None, evergreen=True) for _ in range(extra)]
    before = check_calendar(posts, ruleset=ruleset, start=START, horizon=28).reserve
    after = check_calendar(
        [*posts, _post(None, evergreen=True)], ruleset=ruleset, start=START, horizon=28
    ).reserve
    assert after.days_covered >= before.days_covered
    assert after.ok or not before.ok


@settings(max_examples=60, deadline=None)
@given(st.lists(_DAYS, min_size=1, max_size=12), st.data())
def test_removing_a_scheduled_post_never_closes_a_gap(
    days: list[dt.date], data: st.DataObject
) -> None:
    ruleset = load_ruleset("public-sector")
    posts = [_post(day) for day in days]
    drop = data.draw(st.integers(min_value=0, max_value=len(posts) - 1))

    def silent(items: list[CalendarPost]) -> set[dt.date]:
        gaps = check_calendar(items, ruleset=ruleset, start=START, horizon=28).gaps
        return {g.first_day + dt.timedelta(days=n) for g in gaps for n in range(g.silent_days)}

    assert silent(posts) <= silent(posts[:drop] + posts[drop + 1 :])


CALENDAR = """\
- id: bins
  scheduled: 2026-08-03
  platform: facebook
  purpose: share
  text: Bin day moves to Thursday from next week.
- id: vote
  scheduled: 2026-08-05
  platform: x
  purpose: engage
  text: Vote Greens on Saturday!
- id: water
  evergreen: true
  purpose: share
  tags: [water, summer]
  text: Five ways to save water at home this summer.
"""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.headings: list[int] = []
        self.scripts = 0
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "script":
            self.scripts += 1
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        if tag not in ("meta", "br", "img", "link", "input"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, tag
        assert self.open[-1] == tag, (self.open[-3:], tag)
        self.open.pop()


def test_the_calendar_command_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("quarter.yaml").write_text(CALENDAR, encoding="utf-8")
    args = ["calendar", "quarter.yaml", "--from", "2026-08-01", "--horizon", "2w"]
    assert main(args) == 1  # the voting instruction is an error
    out = capsys.readouterr().out
    assert "quarter.yaml:10:9: error neutrality.voting-instruction" in out
    assert "planning: warning gap: no post on any platform from 2026-08-06 to 2026-08-14" in out
    assert "planning: warning reserve: the 1 unscheduled evergreen post lasts" in out
    assert out.splitlines()[-1].startswith("Calendar 2026-08-01 to 2026-08-14 (14 days, UTC)")

    assert main([*args, "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["calendar"]["start"] == "2026-08-01"
    assert [note["kind"] for note in payload["planning"]][:2] == ["reserve", "gap"]
    assert payload["findings"][0]["rule_id"] == "neutrality.voting-instruction"

    assert main([*args, "--format", "html", "-o", "cal.html"]) == 1
    page = Path("cal.html").read_text("utf-8")
    parser = _Tags()
    parser.feed(page)
    assert parser.open == []  # every tag closed
    assert parser.lang == "en"
    assert parser.scripts == 0
    assert parser.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(parser.headings, parser.headings[1:], strict=False))
    assert "x, engage: 1 finding (error)" in page
    assert page.count('<span class="mark">gap</span>') == 9  # 6 to 14 August
    assert "<caption>" in page
    assert 'scope="col"' in page

    # Planning warnings fail the run only at --fail-on warning.
    Path("clean.yaml").write_text(CALENDAR.replace("Vote Greens on Saturday!", "Hi!"), "utf-8")
    clean = ["calendar", "clean.yaml", "--from", "2026-08-01", "--horizon", "2w"]
    assert main(clean) == 0
    assert main([*clean, "--fail-on", "warning"]) == 1
    capsys.readouterr()


def test_calendar_input_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text(
        "- text: Fine.\n  scheduled: 2026-02-30\n- text: Also fine.\n  purpose: sell\n", "utf-8"
    )
    assert main(["calendar", "bad.yaml", "--from", "2026-02-01"]) == 2
    out = capsys.readouterr().out
    assert "bad.yaml:2:14: error input-error" in out
    assert "bad.yaml:4:12: error input-error field 'purpose'" in out
    assert main(["calendar", "bad.yaml", "--from", "1 Feb"]) == 2
    assert "--from takes a date" in capsys.readouterr().err
    assert main(["calendar", "bad.yaml", "--horizon", "forever"]) == 2
    assert "a horizon is a number of days" in capsys.readouterr().err


def test_the_example_calendar_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "calendar" / "quarter.yaml"
    code = main(["calendar", str(example), "--from", "2026-07-01", "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert not [f for f in payload["findings"] if f["rule_id"] == "input-error"]
    assert len(payload["calendar"]["posts"]) >= 20


def test_a_csv_export_is_a_calendar_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("export.csv").write_text(
        "Date,Network,Message,Purpose,Evergreen,Tags\n"
        "2026-08-03,Facebook,Bin day moves to Thursday.,share,no,bins\n"
        ",,Five ways to save water at home.,share,yes,how-to;water\n"
        "2026-08-04,Twitter,Hello,sell,maybe,\n",
        encoding="utf-8",
    )
    assert main(["calendar", "export.csv", "--from", "2026-08-01", "--format", "json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    posts = payload["calendar"]["posts"]
    assert [(p["platform"], p["purpose"], p["evergreen"]) for p in posts] == [
        ("facebook", "share", False),
        (None, "share", True),
    ]
    problems = [
        (f["line"], f["column"]) for f in payload["findings"] if f["rule_id"] == "input-error"
    ]
    assert problems == [(4, 31)]  # the "maybe" in the evergreen cell of the last row


def test_a_platform_limit_keeps_the_all_limit_and_the_parents(tmp_path: Path) -> None:
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        'name: parent\nversion: "1"\nplanning:\n  max_silence: {linkedin: P14D}\n', "utf-8"
    )
    child = tmp_path / "child.yaml"
    child.write_text(
        'name: child\nversion: "1"\nextends: parent.yaml\nplanning:\n  max_silence: {x: P2D}\n',
        "utf-8",
    )
    planning = load_ruleset(child).planning
    assert planning.max_silence == {"all": "P3D", "linkedin": "P14D", "x": "P2D"}


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("max_per_day: {all: 0}", "at least 1 post a day"),
        ("max_silence: {all: PT36H}", "not a whole number of days"),
        ("reserve: PT1H", "less than a day"),
    ],
)
def test_planning_limits_must_make_sense(tmp_path: Path, setting: str, says: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f'name: bad\nversion: "1"\nplanning:\n  {setting}\n', encoding="utf-8")
    with pytest.raises(RulesetValidationError, match=says):
        load_ruleset(path)


def test_a_csv_date_time_keeps_its_time_and_the_period_agrees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "Thanks to the Minister's record investment 40 new schools are open!"
    Path("ct.csv").write_text(
        f'date,platform,message\n2026-10-02T14:30:00Z,facebook,"{text}"\n'
        f'2026-11-01T14:30:00Z,facebook,"{text}"\n',
        encoding="utf-8",
    )
    Path("ct.yaml").write_text(
        'name: ct\nversion: "1"\nextends: [public-sector-au, caretaker]\nvars:\n'
        '  caretaker_period: {start: "2026-10-03", end: "2026-11-01"}\n'
        "planning: {timezone: Australia/Sydney}\n",
        encoding="utf-8",
    )
    args = ["calendar", "ct.csv", "--ruleset", "ct.yaml", "--from", "2026-09-30", "--format"]
    main([*args, "json"])
    payload = json.loads(capsys.readouterr().out)
    # 14:30 UTC on 2 October is 00:30 on 3 October in Sydney: inside the period;
    # 14:30 UTC on 1 November is 2 November in Sydney: after it.
    assert [p["day"] for p in payload["calendar"]["posts"]] == ["2026-10-03", "2026-11-02"]
    assert [hit["post"]["line"] for hit in payload["calendar"]["period_hits"]] == [2]
