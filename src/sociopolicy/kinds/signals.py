"""``signals``: kinds of evidence that together show a comment needs a person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from .._common import StrictModel
from ..phrases import PhraseSet, longest_first
from ._scoring import Scope, hits_by_span
from .base import AnalysedText, Finding, RuleBase

__all__ = ["Signal", "SignalsRule"]


class Signal(StrictModel):
    """One kind of evidence: phrases that show it, and what it is worth."""

    weight: float = Field(description="Added once when any of the phrases is found.")
    phrases: tuple[StrictStr, ...] = Field(min_length=1, description="Phrases that show it.")


class SignalsRule(RuleBase):
    """Reports sentences (or texts) where enough kinds of evidence come together.

    A threat is rarely one phrase: it is someone's intent, a violent act and a
    person to do it to, in any of many wordings and orders. ``signals`` names
    each kind of evidence with its phrases and weight. In each sentence (or the
    whole text, with ``scope: draft``) every signal found adds its weight once,
    however many of its phrases appear; the sentence is reported when every
    signal in ``requires`` is found (an item that is a list needs one of its
    names) and the score reaches ``threshold``. A
    negative weight counts against (a joke, a sport). The span runs from the
    first to the last phrase of a positive signal. Phrases match as in
    ``terms``; overlapping phrases count once, longest first. The message can
    use ``{{ match }}``, ``{{ score }}``, ``{{ signals }}`` (names found, in
    order) and ``{{ phrases }}``.
    """

    KIND_SUMMARY = "Kinds of evidence (intent, act, target) that together show a need."
    TEMPLATE_NAMES = frozenset({"score", "signals", "phrases"})

    kind: Literal["signals"]
    signals: dict[StrictStr, Signal] = Field(
        min_length=1, description="Signal name -> its weight and phrases."
    )
    requires: tuple[StrictStr | tuple[StrictStr, ...], ...] = Field(
        default=(),
        description="Signals that must all be found for a report; an item may be a list "
        "of names, of which one is enough.",
    )
    threshold: float = Field(gt=0, description="Score at which a sentence (or text) is reported.")
    scope: Scope = Field(default="sentence", description="Score each sentence, or the whole text.")
    inflect: StrictBool = Field(default=True, description="Also match regular inflections.")

    @model_validator(mode="after")
    def _check_names(self) -> SignalsRule:
        unknown = [name for name in _names(self.requires) if name not in self.signals]
        if unknown:
            raise ValueError(f"'requires' names no signal: {', '.join(unknown)}")
        seen: dict[str, str] = {}
        for name, signal in self.signals.items():
            for phrase in signal.phrases:
                key = phrase.casefold()
                if seen.setdefault(key, name) != name:
                    raise ValueError(
                        f"the phrase {phrase!r} is in two signals: {seen[key]}, {name}"
                    )
        if sum(s.weight for s in self.signals.values() if s.weight > 0) < self.threshold:
            raise ValueError("the threshold is more than all the positive signals add up to")
        return self

    def matcher(self) -> _SignalsMatcher:
        return _SignalsMatcher(self)


class _SignalsMatcher:
    __slots__ = (
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
        self.signal_of = tuple(signal_of)
        self.weights = tuple(s.weight for s in rule.signals.values())
        self.requires = tuple(
            frozenset(
                self.names.index(name) for name in ((item,) if isinstance(item, str) else item)
            )
            for item in rule.requires
        )
        self.threshold = rule.threshold
        self.scope = rule.scope
        self.phrase_sets: tuple[PhraseSet, ...] = (self.phrases,)
        self.required: PhraseSet | None = self.phrases

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        found = text.hits(self.phrases)
        if not found:
            return
        for _, _, inside in hits_by_span(text.text, longest_first(found), self.scope):
            present = {self.signal_of[h.entry.index] for h in inside}
            if not all(present & needed for needed in self.requires):
                continue
            if sum(self.weights[s] for s in present) < self.threshold:
                continue
            positive = [h for h in inside if self.weights[self.signal_of[h.entry.index]] > 0]
            order = dict.fromkeys(self.signal_of[h.entry.index] for h in inside)
            yield Finding(
                positive[0].start,
                positive[-1].end,
                values={
                    "score": round(sum(self.weights[s] for s in present), 2),
                    "signals": [self.names[s] for s in order],
                    "phrases": [h.entry.phrase for h in inside],
                },
            )


def _names(requires: tuple[str | tuple[str, ...], ...]) -> list[str]:
    return [name for item in requires for name in ((item,) if isinstance(item, str) else item)]
