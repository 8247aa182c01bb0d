"""``lexicon``: weighted phrases scored per sentence or per text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, StrictBool, StrictStr

from ..phrases import PhraseSet, longest_first
from ..text import trimmed
from ._scoring import Scope, hits_by_span
from .base import AnalysedText, Finding, RuleBase

__all__ = ["LexiconRule"]


class LexiconRule(RuleBase):
    """Reports sentences (or whole texts) whose phrases add up to a tone.

    No single word shows that a reply is defensive or condescending, but
    several together do. ``lexicon`` maps phrases to weights (a weight may be
    negative, for phrases that soften); the weights of the phrases found in a
    sentence are added, and a sentence whose score reaches ``threshold`` is
    reported. With ``scope: draft`` the whole text is scored and reported
    instead. Phrases match as in ``terms`` (whole words, any capitals, regular
    inflections unless ``inflect: false``); overlapping phrases count once,
    longest first. The message can use ``{{ match }}``, ``{{ score }}`` and
    ``{{ phrases }}`` (the phrases found, in order).
    """

    KIND_SUMMARY = "Weighted phrases that together show a tone, scored per sentence or text."
    TEMPLATE_NAMES = frozenset({"score", "phrases"})

    kind: Literal["lexicon"]
    lexicon: dict[StrictStr, float] = Field(
        min_length=1, description="Phrase -> weight; weights of phrases found are added."
    )
    threshold: float = Field(gt=0, description="Score at which a sentence (or text) is reported.")
    scope: Scope = Field(default="sentence", description="Score each sentence, or the whole text.")
    inflect: StrictBool = Field(default=True, description="Also match regular inflections.")

    def matcher(self) -> _LexiconMatcher:
        return _LexiconMatcher(self)


class _LexiconMatcher:
    __slots__ = ("phrase_sets", "phrases", "required", "scope", "threshold", "weights")

    def __init__(self, rule: LexiconRule) -> None:
        self.phrases = PhraseSet(list(rule.lexicon), ignore_case=True, inflect=rule.inflect)
        self.weights = tuple(rule.lexicon.values())
        self.threshold = rule.threshold
        self.scope = rule.scope
        self.phrase_sets: tuple[PhraseSet, ...] = (self.phrases,)
        self.required: PhraseSet | None = self.phrases

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        found = text.hits(self.phrases)
        if not found:
            return
        body = text.text
        for start, end, inside in hits_by_span(body, longest_first(found), self.scope):
            score = sum(self.weights[h.entry.index] for h in inside)
            if score >= self.threshold:
                start, end = trimmed(body, start, end)
                phrases = [h.entry.phrase for h in inside]
                yield Finding(start, end, values={"score": round(score, 2), "phrases": phrases})
