"""Date windows in ``vars`` that switch context facts on (a caretaker period).

A var whose value is a mapping with ``start`` and ``end`` dates (``YYYY-MM-DD``,
both days included) names a period. A rule's ``when`` that asks for a fact of
the same name then holds on the days inside it, unless the caller gives the
fact in ``context`` (which always wins). The day checked is the context fact
``date`` (``YYYY-MM-DD``, or a date-time whose date part is used), or today's
date where the checking runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .errors import UsageError
from .models import ContextValue

__all__ = ["Period", "context_day", "is_period", "parse_period", "periods_in", "with_periods"]

Period = tuple[dt.date, dt.date]


def is_period(value: Any) -> bool:
    """Whether a var value is meant as a period (a mapping with ``start`` or ``end``)."""
    return isinstance(value, Mapping) and ("start" in value or "end" in value)


def parse_period(value: Mapping[str, Any]) -> Period:
    """The (start, end) of a period var; ``ValueError`` says what is wrong with it."""
    extra = sorted(set(value) - {"start", "end"})
    if extra:
        raise ValueError(f"a period has only 'start' and 'end', not {', '.join(map(repr, extra))}")
    days = []
    for key in ("start", "end"):
        if key not in value:
            raise ValueError(f"a period needs both 'start' and 'end'; '{key}' is missing")
        raw = value[key]
        day = raw if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime) else None
        if day is None and isinstance(raw, str):
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                day = None
        if day is None:
            raise ValueError(f"'{key}' must be a date written YYYY-MM-DD, not {raw!r}")
        days.append(day)
    start, end = days
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    return start, end


def periods_in(variables: Mapping[str, Any]) -> dict[str, Period]:
    """Every period var of a (validated) ruleset, by name."""
    return {name: parse_period(value) for name, value in variables.items() if is_period(value)}


def context_day(context: Mapping[str, ContextValue]) -> dt.date:
    """The day a check is about: context ``date``, or today."""
    raw = context.get("date")
    if raw is None:
        return dt.date.today()
    if isinstance(raw, str):
        try:
            return (
                dt.datetime.fromisoformat(raw).date() if "T" in raw else dt.date.fromisoformat(raw)
            )
        except ValueError:
            pass
    raise UsageError(
        f"invalid context fact 'date': {raw!r} is not a date written YYYY-MM-DD "
        "(or an ISO 8601 date-time)"
    )


def with_periods(
    context: Mapping[str, ContextValue], periods: Mapping[str, Period]
) -> Mapping[str, ContextValue]:
    """The context with each period's fact added, where the caller did not give it."""
    missing = [name for name in periods if name not in context]
    if not missing:
        return context
    day = context_day(context)
    added = dict(context)
    for name in missing:
        start, end = periods[name]
        added[name] = start <= day <= end
    return added
