"""Date windows in ``vars`` that switch context facts on (a caretaker period).

A var whose value is a mapping with ``start`` and ``end`` dates (``YYYY-MM-DD``,
both days included, optionally with a ``timezone`` such as
``Australia/Sydney``) names a period. A rule's ``when`` that asks for a fact of
the same name then holds on the days inside it, unless the caller gives the
fact in ``context`` (which always wins). The day checked is the context fact
``date``: a date, or a date-time whose day is taken in the period's time zone
(as written, if the period has none); without it, today in the period's time
zone (or on the machine's clock).

A var whose value is ``true`` or ``false`` gives a fact of the same name a
default (``caretaker_period: true`` switches the caretaker rules on until the
var is changed); again the caller's context wins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UsageError
from .models import ContextValue

__all__ = ["Period", "context_day", "is_period", "parse_period", "periods_in", "with_periods"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


class Period(NamedTuple):
    """The first and last day of a period, and the time zone its days are in."""

    start: dt.date
    end: dt.date
    zone: ZoneInfo | None = None


def is_period(value: Any) -> bool:
    """Whether a var value is meant as a period (a mapping with ``start`` or ``end``)."""
    return isinstance(value, Mapping) and ("start" in value or "end" in value)


def _day(raw: Any, key: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, str) and _DATE.fullmatch(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError(f"'{key}' must be a date written YYYY-MM-DD, not {raw!r}")


def parse_period(value: Mapping[str, Any]) -> Period:
    """The period a var describes; ``ValueError`` says what is wrong with it."""
    extra = sorted(set(value) - {"start", "end", "timezone"})
    if extra:
        raise ValueError(
            f"a period has only 'start', 'end' and 'timezone', not {', '.join(map(repr, extra))}"
        )
    for key in ("start", "end"):
        if key not in value:
            raise ValueError(f"a period needs both 'start' and 'end'; '{key}' is missing")
    start, end = _day(value["start"], "start"), _day(value["end"], "end")
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    zone = None
    if "timezone" in value:
        name = value["timezone"]
        try:
            zone = ZoneInfo(name) if isinstance(name, str) and name else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            raise ValueError(
                f"'timezone' must be a time zone name such as 'Australia/Sydney', not {name!r}"
            )
    return Period(start, end, zone)


def periods_in(variables: Mapping[str, Any]) -> dict[str, Period]:
    """Every period var of a (validated) ruleset, by name."""
    return {name: parse_period(value) for name, value in variables.items() if is_period(value)}


def parse_moment(text: str) -> dt.date | dt.datetime | None:
    """A date (``YYYY-MM-DD``) or an ISO 8601 date-time written as text, or None.

    A date-time may have a space for ``T``, no seconds, ``Z``, and an offset
    with or without its colon (Python 3.10 reads neither ``Z`` nor ``+1000``).
    """
    text = text.strip()
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _DATE_TIME.fullmatch(text):
            text = re.sub(r"Z$", "+00:00", text.replace(" ", "T", 1))
            return dt.datetime.fromisoformat(re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text))
    except ValueError:  # a date that does not exist, an offset out of range
        pass
    return None


def context_day(context: Mapping[str, ContextValue], zone: ZoneInfo | None = None) -> dt.date:
    """The day a check is about: context ``date``, or today (in ``zone`` if given)."""
    raw = context.get("date")
    if raw is None:
        return dt.datetime.now(zone).date()
    moment = parse_moment(raw) if isinstance(raw, str) else None
    if isinstance(moment, dt.datetime):
        if zone is not None and moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.date()
    if moment is not None:
        return moment
    raise UsageError(
        f"invalid context fact 'date': {raw!r} is not a date written YYYY-MM-DD "
        "or a date-time such as 2026-10-10T09:00:00+11:00"
    )


def with_periods(
    context: Mapping[str, ContextValue],
    periods: Mapping[str, Period],
    defaults: Mapping[str, bool] | None = None,
) -> Mapping[str, ContextValue]:
    """The context with each period's fact (and each default) added where not given."""
    missing = [name for name in periods if name not in context]
    unset = [name for name in (defaults or {}) if name not in context and name not in periods]
    if not missing and not unset:
        return context
    added = dict(context)
    for name in missing:
        period = periods[name]
        added[name] = period.start <= context_day(context, period.zone) <= period.end
    for name in unset:
        added[name] = (defaults or {})[name]
    return added
