"""A ruleset's planning settings: what a content calendar should look like.

The guidelines ask for a calendar with up to three months of material ready,
much of it "evergreen" (human-interest stories, how-to advice) for slow news
periods, posts that keep each account active, and a balance of sharing,
listening and engaging. The ``planning`` section of a ruleset says what that
means for an organisation; forks change it key by key, as they change vars::

    planning:
      timezone: Australia/Sydney
      reserve: P90D              # evergreen posts to cover this long
      cadence: {all: 5}          # posts per week the reserve is counted against
      max_silence: {all: P3D, linkedin: P7D}
      max_per_day: {all: 3}
      purposes: {share: 0.5, listen: 0.2, engage: 0.3}
      purpose_tolerance: 0.15

Keys of ``cadence``, ``max_silence`` and ``max_per_day`` are platforms, or
``all`` for every platform together; a platform without its own key has no
limit of its own.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, StrictStr, field_validator

from ._common import StrictModel, duration_seconds, is_duration
from .models import PLATFORMS

__all__ = ["PURPOSES", "Planning", "Purpose", "days_of"]

PURPOSES = ("share", "listen", "engage")
_PLATFORM_KEYS = frozenset({*PLATFORMS, "all"})


def days_of(duration: str) -> float:
    """An ISO 8601 duration in days (a month is 30 days, a year 365)."""
    return duration_seconds(duration) / 86_400


def _duration(value: str) -> str:
    if not is_duration(value):
        raise ValueError(f"'{value}' is not an ISO 8601 duration such as P3D or PT12H")
    return value


Duration = Annotated[StrictStr, AfterValidator(_duration)]


def _platform_keys(value: dict[str, object]) -> dict[str, object]:
    unknown = sorted(set(value) - _PLATFORM_KEYS)
    if unknown:
        raise ValueError(
            f"'{unknown[0]}' is not a platform; use 'all' or one of: {', '.join(PLATFORMS)}"
        )
    return value


Purpose = Literal["share", "listen", "engage"]


def _default_purposes() -> dict[Purpose, float]:
    return {"share": 0.5, "listen": 0.2, "engage": 0.3}


class Planning(StrictModel):
    """What a content calendar should look like (the ruleset's ``planning``)."""

    timezone: StrictStr | None = Field(
        default=None,
        description="Time zone in which posting days are counted (UTC if not set); "
        "periods in vars without a timezone of their own use it too.",
    )
    reserve: Duration = Field(
        default="P90D",
        description="How long the unscheduled evergreen posts should last at the cadence.",
    )
    cadence: Annotated[dict[StrictStr, float], AfterValidator(_platform_keys)] = Field(
        default_factory=lambda: {"all": 5.0},
        description="Posts per week, per platform or 'all', to count the reserve against.",
    )
    max_silence: Annotated[dict[StrictStr, Duration], AfterValidator(_platform_keys)] = Field(
        default_factory=lambda: {"all": "P3D"},
        description="Longest time without a post, per platform or 'all'.",
    )
    max_per_day: Annotated[dict[StrictStr, int], AfterValidator(_platform_keys)] = Field(
        default_factory=lambda: {"all": 3},
        description="Most posts on one day, per platform or 'all'.",
    )
    purposes: dict[Purpose, float] = Field(
        default_factory=_default_purposes,
        description="Target share of scheduled posts for each purpose (they add up to 1).",
    )
    purpose_tolerance: float = Field(
        default=0.15, ge=0, le=1, description="How far a purpose's share may be from its target."
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"'{value}' is not a time zone name such as Australia/Sydney or UTC"
            ) from None
        return value

    @field_validator("cadence")
    @classmethod
    def _positive(cls, value: dict[str, float]) -> dict[str, float]:
        for name, rate in value.items():
            if not math.isfinite(rate) or rate <= 0:
                raise ValueError(f"the cadence of '{name}' must be a number of posts above 0")
        return value

    @field_validator("max_per_day")
    @classmethod
    def _at_least_one(cls, value: dict[str, int]) -> dict[str, int]:
        for name, most in value.items():
            if most < 1:
                raise ValueError(f"'{name}' must allow at least 1 post a day, not {most}")
        return value

    @field_validator("max_silence")
    @classmethod
    def _whole_days(cls, value: dict[str, str]) -> dict[str, str]:
        for name, limit in value.items():
            days = days_of(limit)
            if days < 1 or days != int(days):
                raise ValueError(
                    f"'{name}': {limit} is not a whole number of days (such as P1D or P3D); "
                    "silence is counted in days"
                )
        return value

    @field_validator("reserve")
    @classmethod
    def _a_day_or_more(cls, value: str) -> str:
        if days_of(value) < 1:
            raise ValueError(f"{value} is less than a day; the reserve is counted in days")
        return value

    @field_validator("purposes")
    @classmethod
    def _shares(cls, value: dict[Purpose, float]) -> dict[Purpose, float]:
        if any(not math.isfinite(v) or v < 0 for v in value.values()):
            raise ValueError("each purpose's share must be a number from 0 to 1")
        if value and abs(sum(value.values()) - 1) > 0.01:
            raise ValueError(f"the purposes' shares add up to {sum(value.values()):g}, not 1")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The time zone posting days are counted in."""
        return ZoneInfo(self.timezone or "UTC")

    def posts_per_day(self) -> float:
        """The planned cadence, in posts per day over all platforms."""
        if "all" in self.cadence:
            return self.cadence["all"] / 7
        return sum(self.cadence.values()) / 7
