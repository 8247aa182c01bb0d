"""Small pieces shared by the model modules: the strict base model, list
coercion and ISO 8601 durations."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["StrictModel", "duration_seconds", "is_duration", "one_or_many", "trusted"]

_Model = TypeVar("_Model", bound=BaseModel)
_set_attribute = object.__setattr__


class StrictModel(BaseModel):
    """Frozen, and unknown fields are errors."""

    # Validators are built when a model is first validated, not when its class
    # is defined: a run that restores its ruleset from the cache never builds
    # most of them (about 20 ms of start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


def trusted(
    model: type[_Model], values: dict[str, Any], given: frozenset[str] | None = None
) -> _Model:
    """A model instance made from ``values`` without validating them.

    Only for values built by our own code from validated parts (the engine's
    violations and reports), where validating again costs more than the rest
    of a check; ``values`` must give every field, none extra. Pydantic's own
    ``model_construct`` does the same but is slower than validating. The
    tests check that the result equals the validated model. ``given`` names
    the fields the validated model would count as set (default: all).
    """
    instance = model.__new__(model)
    _set_attribute(instance, "__dict__", values)
    _set_attribute(instance, "__pydantic_fields_set__", set(values if given is None else given))
    _set_attribute(instance, "__pydantic_extra__", None)
    _set_attribute(instance, "__pydantic_private__", None)
    return instance


def one_or_many(value: Any) -> Any:
    """Let a single value stand for a list of one (``kind: reply`` for ``[reply]``)."""
    if value is None or isinstance(value, list | tuple):
        return value
    return (value,)


_DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)
# Seconds per unit, in the order of the groups above (a month counts 30 days).
_UNIT_SECONDS = (31_536_000, 2_592_000, 604_800, 86_400, 3_600, 60, 1)


def is_duration(text: str) -> bool:
    """True for an ISO 8601 duration such as ``PT1H``, ``P2D`` or ``P1DT12H``."""
    return _DURATION.match(text) is not None


def duration_seconds(text: str) -> int:
    """The approximate length of an ISO 8601 duration in seconds.

    Raises:
        ValueError: ``text`` is not an ISO 8601 duration.
    """
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    return sum(int(n) * s for n, s in zip(match.groups(), _UNIT_SECONDS, strict=True) if n)
