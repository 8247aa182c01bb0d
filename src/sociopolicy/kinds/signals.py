"""``signals``: kinds of evidence that together show a comment needs a person."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictBool,
    StrictStr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from .._common import StrictModel
from ..phrases import Hit, PhraseSet, longest_first
from ._scoring import Scope, hits_by_span
from .base import AnalysedText, Finding, RuleBase

__all__ = ["Signal", "SignalsRule"]

#: Scores are sums of decimals: 0.3 + 0.6 must reach a threshold of 0.9.
_TOLERANCE = 1e-9

Weight = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Phrase = Annotated[StrictStr, Field(min_length=1, pattern=r"\S")]


def _groups(value: Any) -> Any:
    """``requires`` items are a name, or a list of names of which one is enough."""
    if not isinstance(value, list | tuple):
        return value  # the field's own type check reports it
    groups = []
    for item in value:
        if isinstance(item, str):
            groups.append((item,))
        elif isinstance(item, list | tuple) and item and all(isinstance(n, str) for n in item):
            groups.append(tuple(item))
        else:
            raise ValueError(
                "each item of 'requires' is a signal name, or a non-empty list of names "
                f"of which one is enough; got {item!r}"
            )
    return tuple(groups)


_REQUIRES_SCHEMA = {
    "type": "array",
    "items": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}, "minItems": 1},
        ]
    },
}


class Signal(StrictModel):
    """One kind of evidence: phrases that show it, and what it is worth."""

    weight: Weight = Field(description="Added once when any of the phrases is found.")
    phrases: tuple[Phrase, ...] = Field(min_length=1, description="Phrases that show it.")


class SignalsRule(RuleBase):
    """Reports sentences (or texts) where several kinds of evidence come together.

    A threat is rarely one phrase: it is someone's intent, a violent act and a
    person to do it to, in any of many wordings and orders. ``signals`` names
    each kind of evidence with its phrases and weight. In each sentence (or the
    whole text, with ``scope: draft``) every signal found adds its weight once,
    however many of its phrases appear. The sentence is reported when at least
    ``min_signals`` different signals with a positive weight are found, every
    item of ``requires`` is found (an item that is a list needs one of its
    names), and the score reaches ``threshold``. A negative weight counts
    against (a joke). ``exceptions`` are everyday phrases inside which a
    signal's phrase does not count ("kill" in "would kill for a coffee"). The
    span runs from the first to the last positive phrase. Phrases match as in
    ``terms``. The message can use ``{{ match }}``, ``{{ score }}``,
    ``{{ signals }}`` (names found, in order) and ``{{ phrases }}`` (the
    positive phrases found, each once).
    """

    KIND_SUMMARY = "Kinds of evidence (intent, act, target) that together show a need."
    TEMPLATE_NAMES = frozenset({"score", "signals", "phrases"})

    kind: Literal["signals"]
    inflect: StrictBool = Field(default=True, description="Also match regular inflections.")
    signals: dict[StrictStr, Signal] = Field(
        min_length=1, description="Signal name -> its weight and phrases."
    )
    requires: Annotated[
        tuple[tuple[StrictStr, ...], ...],
        BeforeValidator(_groups),
        WithJsonSchema(_REQUIRES_SCHEMA),
    ] = Field(
        default=(),
        description="Signals that must all be found; an item may be a list of names, "
        "of which one is enough.",
    )
    min_signals: Annotated[int, Field(ge=1)] = Field(
        default=2, description="How many different positive signals a report needs."
    )
    threshold: Weight = Field(gt=0, description="Score at which a sentence (or text) is reported.")
    exceptions: tuple[Phrase, ...] = Field(
        default=(), description="Everyday phrases inside which no signal's phrase counts."
    )
    scope: Scope = Field(default="sentence", description="Score each sentence, or the whole text.")

    @field_validator("signals")
    @classmethod
    def _one_signal_per_phrase(cls, value: dict[str, Signal], info: ValidationInfo) -> Any:
        inflect = info.data.get("inflect", True)
        owner: dict[str, str] = {}
        for name, signal in value.items():
            for spelling in PhraseSet(signal.phrases, inflect=inflect).keys:
                other = owner.setdefault(spelling, name)
                if other != name:
                    raise ValueError(
                        f"'{spelling}' is a phrase (or a form of one) of two signals, "
                        f"'{other}' and '{name}'; a phrase can show only one kind of evidence"
                    )
        return value

    @field_validator("requires")
    @classmethod
    def _known_positive_names(cls, value: tuple[tuple[str, ...], ...], info: ValidationInfo) -> Any:
        signals: dict[str, Signal] | None = info.data.get("signals")
        if signals is None:
            return value  # the signals themselves are wrong; that is reported
        for group in value:
            for name in group:
                if name not in signals:
                    raise ValueError(f"'requires' names no signal: {name}")
                if signals[name].weight <= 0:
                    raise ValueError(
                        f"'requires' names '{name}', whose weight is not positive: "
                        "evidence against can never be required"
                    )
        return value

    @field_validator("min_signals")
    @classmethod
    def _enough_signals(cls, value: int, info: ValidationInfo) -> int:
        signals: dict[str, Signal] | None = info.data.get("signals")
        if signals is not None and sum(1 for s in signals.values() if s.weight > 0) < value:
            raise ValueError(
                f"'min_signals' is {value}, but only "
                f"{sum(1 for s in signals.values() if s.weight > 0)} signals have a positive weight"
            )
        return value

    @field_validator("threshold")
    @classmethod
    def _reachable(cls, value: float, info: ValidationInfo) -> float:
        signals: dict[str, Signal] | None = info.data.get("signals")
        if signals is not None:
            best = math.fsum(s.weight for s in signals.values() if s.weight > 0)
            if best + _TOLERANCE < value:
                raise ValueError(
                    f"the threshold {value:g} is more than all the positive signals add up to "
                    f"({best:g}), so the rule could never fire"
                )
        return value

    def matcher(self) -> _SignalsMatcher:
        return _SignalsMatcher(self)


class _SignalsMatcher:
    __slots__ = (
        "exceptions",
        "min_signals",
        "names",
        "phrase_sets",
        "phrases",
        "required",
        "requires",
        "scope",
        "signal_of",
        "threshold",
        "weights",
    )

    def __init__(self, rule: SignalsRule) -> None:
        self.names = tuple(rule.signals)
        listed: list[str] = []
        signal_of: list[int] = []
        for number, signal in enumerate(rule.signals.values()):
            listed.extend(signal.phrases)
            signal_of.extend([number] * len(signal.phrases))
        self.phrases = PhraseSet(listed, ignore_case=True, inflect=rule.inflect)
        self.exceptions = (
            PhraseSet(rule.exceptions, ignore_case=True, inflect=rule.inflect)
            if rule.exceptions
            else None
        )
        self.signal_of = tuple(signal_of)
        self.weights = tuple(float(s.weight) for s in rule.signals.values())
        self.requires = tuple(
            frozenset(self.names.index(name) for name in group) for group in rule.requires
        )
        self.min_signals = rule.min_signals
        self.threshold = float(rule.threshold)
        self.scope = rule.scope
        sets = (self.phrases,) if self.exceptions is None else (self.phrases, self.exceptions)
        self.phrase_sets: tuple[PhraseSet, ...] = sets
        self.required: PhraseSet | None = self.phrases

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        found = text.hits(self.phrases)
        if not found:
            return
        if self.exceptions is not None:
            found = _outside(found, text.hits(self.exceptions))
        weights, signal_of = self.weights, self.signal_of
        for _, _, inside in hits_by_span(text.text, longest_first(found), self.scope):
            present = {signal_of[h.entry.index] for h in inside}
            if sum(1 for s in present if weights[s] > 0) < self.min_signals:
                continue
            if not all(present & needed for needed in self.requires):
                continue
            score = math.fsum(weights[s] for s in present)
            if score + _TOLERANCE < self.threshold:
                continue
            positive = [h for h in inside if weights[signal_of[h.entry.index]] > 0]
            order = dict.fromkeys(signal_of[h.entry.index] for h in inside)
            yield Finding(
                positive[0].start,
                positive[-1].end,
                values={
                    "score": round(score, 2),
                    "signals": [self.names[s] for s in order],
                    "phrases": list(dict.fromkeys(h.entry.phrase for h in positive)),
                },
            )


def _outside(hits: list[Hit], exceptions: list[Hit]) -> list[Hit]:
    """The hits not lying inside an exception (an everyday phrase), in one sweep."""
    if not exceptions:
        return hits
    spans = sorted((e.start, e.end) for e in exceptions)
    kept = []
    next_span, reach = 0, -1  # reach: the furthest end of the exceptions begun so far
    for hit in sorted(hits, key=lambda h: h.start):
        while next_span < len(spans) and spans[next_span][0] <= hit.start:
            reach = max(reach, spans[next_span][1])
            next_span += 1
        if reach < hit.end:
            kept.append(hit)
    return kept
