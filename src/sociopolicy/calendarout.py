"""Output of ``sociopolicy calendar``: text, JSON, and an HTML page with a week-by-week view.

The planning notes (a short reserve, gaps, busy days, an unbalanced mix of
purposes, posts that break a period's rules) are warnings; the posts' own
findings are placed in their files as ``sociopolicy check`` places them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TextIO

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from ._version import __version__
from .calendar import CalendarReport
from .errors import one_line
from .outputs import Finding, finding_json

__all__ = ["PlanningNote", "planning_notes", "write_calendar"]

CALENDAR_FORMATS = ("text", "json", "html")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class PlanningNote:
    """One thing about the calendar as a whole to look at."""

    kind: str  # reserve, gap, busy-day, balance, period
    message: str
    days: tuple[dt.date, ...] = ()
    #: The platform a gap or busy day is on (None for all platforms).
    platform: str | None = None


def _days(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    return tuple(first + dt.timedelta(days=n) for n in range((last - first).days + 1))


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def planning_notes(report: CalendarReport) -> list[PlanningNote]:
    """The planning problems, in a fixed order, as sentences."""
    notes = []
    reserve = report.reserve
    if not reserve.ok:
        count = reserve.evergreen_posts
        what = (
            f"the {count} unscheduled evergreen posts last"
            if count != 1
            else ("the 1 unscheduled evergreen post lasts")
        )
        notes.append(
            PlanningNote(
                "reserve",
                f"{what} {reserve.days_covered:g} days at {reserve.posts_per_week:g} posts a "
                f"week; the target is {reserve.target_days:g} days",
            )
        )
    for gap in report.gaps:
        where = "any platform" if gap.platform == "all" else gap.platform
        notes.append(
            PlanningNote(
                "gap",
                f"no post on {where} from {gap.first_day} to {gap.last_day} "
                f"({_count(gap.silent_days, 'day')}; at most {gap.allowed_days})",
                _days(gap.first_day, gap.last_day),
                None if gap.platform == "all" else gap.platform,
            )
        )
    for busy in report.busy_days:
        where = "in all" if busy.platform == "all" else f"on {busy.platform}"
        notes.append(
            PlanningNote(
                "busy-day",
                f"{_count(busy.posts, 'post')} {where} on {busy.day} (at most {busy.allowed})",
                (busy.day,),
                None if busy.platform == "all" else busy.platform,
            )
        )
    for row in report.balance:
        if not row.ok:
            notes.append(
                PlanningNote(
                    "balance",
                    f"'{row.purpose}' posts are {_percent(row.share)} of the scheduled posts "
                    f"with a purpose; the target is {_percent(row.target)}",
                )
            )
    for hit in report.period_hits:
        post = hit.post
        where = f"{post.path}:{post.line}" if post.path else (post.id or "a post")
        period = hit.period.replace("_", " ")
        if post.day is None:
            message = (
                f"{where} is an evergreen post that would break {', '.join(hit.rule_ids)} "
                f"if used in the {period}; keep it for after"
            )
        else:
            message = (
                f"{where} is scheduled on {post.day}, in the {period}, and breaks "
                f"{', '.join(hit.rule_ids)}"
            )
        notes.append(PlanningNote("period", message, (post.day,) if post.day else ()))
    return notes


def write_calendar(
    name: str, out: TextIO, report: CalendarReport, placed: Sequence[Finding]
) -> None:
    """Write the report in format ``name`` (text, json or html)."""
    notes = planning_notes(report)
    if name == "json":
        _json(out, report, placed, notes)
    elif name == "html":
        out.write(render_calendar_html(report, placed, notes))
    else:
        _text(out, report, placed, notes)


def _count(number: int | float, word: str) -> str:
    """``1 post``, ``2 posts``, ``1.5 days``."""
    shown = f"{number:g}" if isinstance(number, float) else str(number)
    return f"{shown} {word}" if number == 1 else f"{shown} {word}s"


def _summary(report: CalendarReport) -> str:
    inside = sum(
        1 for p in report.posts if p.day is not None and report.start <= p.day <= report.end
    )
    outside = sum(1 for p in report.posts if p.day is not None) - inside
    waiting = sum(1 for p in report.posts if p.day is None and not p.evergreen)
    days = (report.end - report.start).days + 1
    parts = [
        _count(len(report.posts), "post"),
        f"{inside} scheduled in the horizon",
        f"{outside} outside it",
        f"{report.reserve.evergreen_posts} unscheduled evergreen",
        f"{waiting} unscheduled and not evergreen",
    ]
    return (
        f"Calendar {report.start} to {report.end} ({_count(days, 'day')}, {report.timezone}): "
        + ", ".join(parts)
    )


def _text(
    out: TextIO, report: CalendarReport, placed: Sequence[Finding], notes: Sequence[PlanningNote]
) -> None:
    for f in placed:
        where = f"{f.path}:{f.line}:{f.column}"
        out.write(f"{where}: {f.severity} {f.rule_id} {one_line(f.message)}\n")
    for note in notes:
        out.write(f"planning: warning {note.kind}: {note.message}\n")
    if report.balance:
        mix = ", ".join(
            f"{row.purpose} {_percent(row.share)} (target {_percent(row.target)})"
            for row in report.balance
        )
        out.write(f"purposes: {mix}; {report.unspecified_purpose} scheduled without a purpose\n")
    out.write(f"reserve: {report.reserve.days_covered:g} of {report.reserve.target_days:g} days\n")
    out.write(_summary(report) + f"; {len(placed)} findings, {len(notes)} planning warnings.\n")


def _json(
    out: TextIO, report: CalendarReport, placed: Sequence[Finding], notes: Sequence[PlanningNote]
) -> None:
    payload = {
        "version": __version__,
        "calendar": report.model_dump(mode="json"),
        "planning": [{"kind": n.kind, "message": n.message} for n in notes],
        "findings": [finding_json(f) for f in placed],
    }
    out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


# ----------------------------------------------------------------------- html


@dataclass
class _DayCell:
    day: dt.date
    in_horizon: bool
    posts: list[dict[str, object]] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)  # gap, busy-day, period


class _PackageLoader(BaseLoader):
    def get_source(self, environment: object, template: str) -> tuple[str, str, None]:
        try:
            folder = resources.files("sociopolicy").joinpath("doc_templates")
            text = folder.joinpath(template).read_text("utf-8")
        except (FileNotFoundError, OSError):
            raise TemplateNotFound(template) from None
        return text, template, None


def _weeks(
    report: CalendarReport, placed: Sequence[Finding], notes: Sequence[PlanningNote]
) -> list[list[_DayCell]]:
    monday = report.start - dt.timedelta(days=report.start.weekday())
    sunday = report.end + dt.timedelta(days=6 - report.end.weekday())
    cells = {day: _DayCell(day, report.start <= day <= report.end) for day in _days(monday, sunday)}
    worst: dict[tuple[str | None, int | None], str] = {}
    rank = {"error": 0, "warning": 1, "suggestion": 2}
    for f in placed:
        key = (f.path, f.line)
        if key not in worst or rank[f.severity] < rank[worst[key]]:
            worst[key] = f.severity
    for post in report.posts:
        if post.day is None or post.day not in cells:
            continue
        cells[post.day].posts.append(
            {
                "platform": post.platform or "any platform",
                "purpose": post.purpose,
                "evergreen": post.evergreen,
                "where": f"{post.path}:{post.line}" if post.path else (post.id or ""),
                "id": post.id,
                "severity": worst.get((post.path, post.line)),
                "findings": sum(1 for v in post.report.violations if v.target == "draft"),
            }
        )
    for note in notes:
        label = note.kind.replace("-", " ") + (f" ({note.platform})" if note.platform else "")
        for day in note.days:
            if day in cells and label not in cells[day].marks:
                cells[day].marks.append(label)
    ordered = [cells[day] for day in sorted(cells)]
    return [ordered[n : n + 7] for n in range(0, len(ordered), 7)]


def render_calendar_html(
    report: CalendarReport, placed: Sequence[Finding], notes: Sequence[PlanningNote]
) -> str:
    """One self-contained, accessible page: summary, planning notes, the weeks, findings."""
    environment = SandboxedEnvironment(
        loader=_PackageLoader(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    template = environment.get_template("calendar.html.j2")
    return template.render(
        month=lambda day: _MONTHS[day.month - 1],
        report=report,
        summary=_summary(report),
        notes=notes,
        weeks=_weeks(report, placed, notes),
        findings=placed,
        percent=_percent,
    )
