"""Content calendar checks: reserve, gaps, busy days, balance of purposes, periods.

:func:`check_calendar` takes a calendar's posts and the ruleset's planning
settings (:mod:`sociopolicy.planning`) and reports, over a horizon of days:

* **reserve**: how many days of posting the unscheduled evergreen posts cover
  at the planned cadence, against the target;
* **gaps**: runs of days without a post longer than the allowed silence, for
  all platforms together and for each platform with its own limit;
* **busy days**: days with more posts than the maximum;
* **balance**: the share of scheduled posts that share, listen and engage,
  against the targets;
* **periods**: posts scheduled inside a period of the ruleset's vars (such as
  the caretaker period) that break a rule which runs in that period;

and checks every post with :func:`~sociopolicy.check_draft` for its platform
and date. Days are counted in the planning time zone: a post at 23:30 UTC is
on the next day in Sydney, and a day is a day across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, StrictBool, StrictStr

from ._common import StrictModel
from .api import RulesetRef, _compiled, check_draft
from .errors import UsageError
from .loader import load_ruleset
from .models import Draft, Media, Platform, Report
from .periods import periods_in
from .planning import PURPOSES, Planning, Purpose, days_of
from .ruleset import Ruleset

__all__ = [
    "BusyDay",
    "CalendarPost",
    "CalendarReport",
    "Gap",
    "PeriodHit",
    "PlannedPost",
    "PurposeBalance",
    "Reserve",
    "check_calendar",
    "parse_horizon",
    "posting_day",
]


class CalendarPost(StrictModel):
    """One post of a content calendar."""

    text: StrictStr = Field(description="What will be published.")
    platform: Platform | None = Field(default=None, description="Where it will appear.")
    scheduled: dt.datetime | dt.date | None = Field(
        default=None,
        description="When: a date, or a date-time (with a time zone, or in the planning one).",
    )
    evergreen: StrictBool = Field(default=False, description="Fits any week (a how-to, a story).")
    purpose: Purpose | None = Field(default=None, description="share, listen or engage.")
    tags: tuple[StrictStr, ...] = Field(default=(), description="Free labels.")
    media: tuple[Media, ...] = Field(default=(), description="Attachments, with alt text.")
    id: StrictStr | None = Field(default=None, description="The post's id in the calendar.")
    path: StrictStr | None = Field(default=None, description="The file it is in.")
    line: int | None = Field(default=None, description="The line of its text in that file.")


class PlannedPost(StrictModel):
    """A post as the calendar report sees it: its day and its check."""

    id: str | None
    path: str | None
    line: int | None
    platform: str | None
    day: dt.date | None = Field(description="Its posting day in the planning time zone.")
    evergreen: bool
    purpose: str | None
    report: Report


class Reserve(StrictModel):
    """How long the unscheduled evergreen posts last at the planned cadence."""

    evergreen_posts: int
    posts_per_week: float
    days_covered: float
    target_days: float
    ok: bool


class Gap(StrictModel):
    """A run of days without a post, longer than allowed."""

    platform: str = Field(description="A platform, or 'all'.")
    first_day: dt.date = Field(description="The first silent day.")
    last_day: dt.date = Field(description="The last silent day.")
    silent_days: int
    allowed_days: int


class BusyDay(StrictModel):
    """A day with more posts than allowed."""

    platform: str
    day: dt.date
    posts: int
    allowed: int


class PurposeBalance(StrictModel):
    """The share of scheduled posts with one purpose, against its target."""

    purpose: str
    posts: int
    share: float
    target: float
    ok: bool


class PeriodHit(StrictModel):
    """A post inside a period (such as the caretaker period) that breaks its rules;
    for an unscheduled evergreen post, one that would break them if it were used in a
    period that falls in the horizon."""

    period: str
    post: PlannedPost
    rule_ids: tuple[str, ...]


class CalendarReport(StrictModel):
    """What :func:`check_calendar` found."""

    start: dt.date = Field(description="The first day of the horizon.")
    end: dt.date = Field(description="The last day of the horizon.")
    timezone: str
    posts: tuple[PlannedPost, ...]
    reserve: Reserve
    gaps: tuple[Gap, ...]
    busy_days: tuple[BusyDay, ...]
    balance: tuple[PurposeBalance, ...]
    unspecified_purpose: int = Field(description="Scheduled posts in the horizon with no purpose.")
    period_hits: tuple[PeriodHit, ...]
    ruleset: str

    @property
    def ok(self) -> bool:
        """Nothing to fix: reserve met, no gaps or busy days, balance in range,
        no period breaches and no post with errors or warnings."""
        return (
            self.reserve.ok
            and not self.gaps
            and not self.busy_days
            and all(b.ok for b in self.balance)
            and not self.period_hits
            and all(p.report.ok for p in self.posts)
        )


#: The longest horizon: 100 years.
MAX_HORIZON_DAYS = 36_500


def parse_horizon(text: str) -> int:
    """``90d``, ``12w``, ``3m`` (30 days each) or an ISO 8601 duration, in whole days."""
    raw = text.strip().lower()
    units = {"d": 1, "w": 7, "m": 30}
    try:
        if raw[-1:] in units and raw[:-1].isdigit():
            days = int(raw[:-1]) * units[raw[-1]]
        else:
            days = math.floor(days_of(text.strip().upper()))
    except (ValueError, KeyError):
        days = 0
    if days < 1 or days > MAX_HORIZON_DAYS:
        raise UsageError(
            f"a horizon is a number of days such as 90d, 12w or P90D (at most "
            f"{MAX_HORIZON_DAYS:,} days), not '{text}'"
        )
    return days


def posting_day(scheduled: dt.datetime | dt.date | None, zone: ZoneInfo) -> dt.date | None:
    """The day a post goes out, in ``zone`` (a naive date-time is already in it)."""
    if scheduled is None:
        return None
    if isinstance(scheduled, dt.datetime):
        if scheduled.tzinfo is None:
            return scheduled.date()
        return scheduled.astimezone(zone).date()
    return scheduled


def _context_date(scheduled: dt.datetime | dt.date, zone: ZoneInfo) -> str:
    if isinstance(scheduled, dt.datetime) and scheduled.tzinfo is None:
        scheduled = scheduled.replace(tzinfo=zone)
    return scheduled.isoformat()


def check_calendar(
    posts: Iterable[CalendarPost | Mapping[str, Any]],
    *,
    ruleset: RulesetRef = None,
    start: dt.date | str | None = None,
    horizon: int | str = 90,
    reports: Sequence[Report] | None = None,
) -> CalendarReport:
    """Check a content calendar against the ruleset's planning settings.

    Args:
        posts: the calendar's posts (:class:`CalendarPost` or mappings with its fields).
        ruleset: a Ruleset, a bundled name or a path (default: the bundled default).
        start: the first day of the horizon (default: today in the planning time zone).
        horizon: days to look ahead (a number, or text such as ``90d`` or ``12w``).
        reports: each post's report, when the caller has checked them already (the
            command line does, to apply suppressions); by default each post is
            checked here with its platform and date.

    Raises:
        UsageError: a post that is not valid, or a bad horizon.
    """
    loaded = ruleset if isinstance(ruleset, Ruleset) else load_ruleset(ruleset)
    compiled = _compiled(loaded)
    planning = loaded.planning
    zone = planning.zone
    days = horizon if isinstance(horizon, int) else parse_horizon(horizon)
    if days < 1 or days > MAX_HORIZON_DAYS:
        raise UsageError(f"the horizon must be 1 to {MAX_HORIZON_DAYS:,} days, not {days}")
    first = _first_day(start, zone)
    try:
        last = first + dt.timedelta(days=days - 1)
    except OverflowError:
        raise UsageError(f"a horizon of {days} days from {first} runs past the year 9999") from None
    given = [_post(p, number) for number, p in enumerate(posts)]
    if reports is not None and len(reports) != len(given):
        raise UsageError("give one report for each post")
    planned = []
    for number, post in enumerate(given):
        if reports is not None:
            report = reports[number]
        else:
            context = {"date": _context_date(post.scheduled, zone)} if post.scheduled else {}
            draft = Draft(text=post.text, platform=post.platform, media=post.media, context=context)
            report = check_draft(draft, ruleset=loaded)
        planned.append(
            PlannedPost(
                id=post.id,
                path=post.path,
                line=post.line,
                platform=post.platform,
                day=posting_day(post.scheduled, zone),
                evergreen=post.evergreen,
                purpose=post.purpose,
                report=report,
            )
        )
    in_horizon = [p for p in planned if p.day is not None and first <= p.day <= last]
    balance, unspecified = _balance(in_horizon, planning)
    return CalendarReport(
        start=first,
        end=last,
        timezone=planning.timezone or "UTC",
        posts=tuple(planned),
        reserve=_reserve(planned, planning),
        gaps=tuple(_gaps(in_horizon, planning, first, last)),
        busy_days=tuple(_busy_days(in_horizon, planning)),
        balance=balance,
        unspecified_purpose=unspecified,
        period_hits=tuple(
            _period_hits(planned, compiled)
            + _reserve_period_hits(given, planned, compiled, loaded, first, last)
        ),
        ruleset=compiled.ref,
    )


def _first_day(start: object, zone: ZoneInfo) -> dt.date:
    """The horizon's first day: a date, a date-time's date, ISO text, or today."""
    if start is None:
        return dt.datetime.now(zone).date()
    if isinstance(start, dt.datetime):
        return posting_day(start, zone) or start.date()
    if isinstance(start, dt.date):
        return start
    if isinstance(start, str):
        try:
            return dt.date.fromisoformat(start)
        except ValueError:
            pass
    raise UsageError(f"start must be a date (or YYYY-MM-DD), not {start!r}")


def _post(value: CalendarPost | Mapping[str, Any], number: int) -> CalendarPost:
    if isinstance(value, CalendarPost):
        return value
    from pydantic import ValidationError

    try:
        return CalendarPost.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the post"
        raise UsageError(
            f"calendar post {number + 1} is not valid: {where}: {first['msg']}"
        ) from None


def _reserve(posts: Sequence[PlannedPost], planning: Planning) -> Reserve:
    evergreen = sum(1 for p in posts if p.evergreen and p.day is None)
    per_day = planning.posts_per_day()
    covered = evergreen / per_day if per_day > 0 else math.inf
    target = days_of(planning.reserve)
    return Reserve(
        evergreen_posts=evergreen,
        posts_per_week=round(per_day * 7, 2),
        days_covered=round(covered, 2),
        target_days=round(target, 2),
        ok=covered >= target,
    )


def _days_for(posts: Sequence[PlannedPost], platform: str) -> list[dt.date]:
    return [
        p.day for p in posts if p.day is not None and (platform == "all" or p.platform == platform)
    ]


def _gaps(
    posts: Sequence[PlannedPost], planning: Planning, first: dt.date, last: dt.date
) -> list[Gap]:
    gaps = []
    one = dt.timedelta(days=1)
    for platform, limit in sorted(planning.max_silence.items()):
        allowed = math.floor(days_of(limit))
        days = sorted(set(_days_for(posts, platform)))
        # The silent runs: before the first posting day, between two, after the last.
        edges = [first - one, *days, last + one]
        for before, after in itertools.pairwise(edges):
            silent = (after - before).days - 1
            if silent > allowed:
                gaps.append(
                    Gap(
                        platform=platform,
                        first_day=before + one,
                        last_day=after - one,
                        silent_days=silent,
                        allowed_days=allowed,
                    )
                )
    return gaps


def _busy_days(posts: Sequence[PlannedPost], planning: Planning) -> list[BusyDay]:
    busy = []
    for platform, allowed in sorted(planning.max_per_day.items()):
        counts = Counter(_days_for(posts, platform))
        for day, number in sorted(counts.items()):
            if number > allowed:
                busy.append(BusyDay(platform=platform, day=day, posts=number, allowed=allowed))
    return busy


def _balance(
    posts: Sequence[PlannedPost], planning: Planning
) -> tuple[tuple[PurposeBalance, ...], int]:
    with_purpose = [p for p in posts if p.purpose is not None]
    unspecified = len(posts) - len(with_purpose)
    if not with_purpose or not planning.purposes:
        return (), unspecified
    counts = Counter(p.purpose for p in with_purpose)
    rows = []
    for purpose in PURPOSES:
        target = planning.purposes.get(purpose, 0.0)  # type: ignore[call-overload]
        share = counts[purpose] / len(with_purpose)
        rows.append(
            PurposeBalance(
                purpose=purpose,
                posts=counts[purpose],
                share=round(share, 4),
                target=target,
                ok=abs(share - target) <= planning.purpose_tolerance + 1e-9,
            )
        )
    return tuple(rows), unspecified


def _period_hits(posts: Sequence[PlannedPost], compiled: Any) -> list[PeriodHit]:
    """Posts inside a period of the ruleset's vars that break a rule run in it."""
    periods = periods_in(compiled.vars)
    if not periods:
        return []
    by_fact: dict[str, set[str]] = {}
    for item in compiled.rules:
        if item.when is not None:
            for fact in item.when.facts:
                if fact in periods:
                    by_fact.setdefault(fact, set()).add(item.rule.id)
    hits = []
    for post in posts:
        if post.day is None:
            continue
        for name, period in sorted(periods.items()):
            if not period.start <= post.day <= period.end:
                continue
            broken = tuple(
                sorted(
                    {
                        v.rule_id
                        for v in post.report.violations
                        if v.rule_id in by_fact.get(name, ())
                    }
                )
            )
            if broken:
                hits.append(PeriodHit(period=name, post=post, rule_ids=broken))
    return hits


def _reserve_period_hits(
    given: Sequence[CalendarPost],
    planned: Sequence[PlannedPost],
    compiled: Any,
    ruleset: Ruleset,
    first: dt.date,
    last: dt.date,
) -> list[PeriodHit]:
    """Evergreen posts in the reserve that would break a period's rules, for each
    period that overlaps the horizon: the reserve fills slow weeks, which may fall
    in the caretaker period."""
    periods = {
        name: period
        for name, period in periods_in(compiled.vars).items()
        if period.start <= last and period.end >= first
    }
    hits = []
    for post, seen in zip(given, planned, strict=True):
        if seen.day is not None or not seen.evergreen:
            continue
        for name in sorted(periods):
            rules = {
                item.rule.id
                for item in compiled.rules
                if item.when is not None and name in item.when.facts
            }
            if not rules:
                continue
            draft = Draft(text=post.text, platform=post.platform, context={name: True})
            report = check_draft(draft, ruleset=ruleset)
            broken = tuple(sorted({v.rule_id for v in report.violations if v.rule_id in rules}))
            if broken:
                hits.append(PeriodHit(period=name, post=seen, rule_ids=broken))
    return hits
