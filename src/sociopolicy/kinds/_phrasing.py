"""Shared by the kinds that match literal phrases (``terms``, ``substitution``)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field, StrictBool, StrictStr

from ..phrases import Hit, PhraseSet, longest_first
from ..text import Spans, looks_like_name
from .base import AnalysedText, RuleBase

__all__ = ["PhraseMatcher", "PhraseRuleBase", "compile_phrases"]


class PhraseRuleBase(RuleBase):
    """The matching options shared by the kinds that look for listed phrases."""

    ignore_case: StrictBool = Field(default=True, description="Match regardless of capitals.")
    inflect: StrictBool = Field(
        default=True, description="Also match -s, -ed and -ing forms of each term's last word."
    )
    skip_proper_names: StrictBool = Field(
        default=False,
        description="Do not report a match capitalised mid-sentence, as in a name "
        "('Home Assist', 'Endeavour Hills').",
    )
    exceptions: tuple[StrictStr, ...] = Field(
        default=(), description="Longer phrases inside which a term is not reported."
    )
    leetspeak: StrictBool = Field(
        default=False,
        description="Also match words written with digits or symbols for letters "
        "('sh1t', 'b!tch'): for abuse and profanity lists.",
    )


def compile_phrases(
    phrases: Sequence[str], *, ignore_case: bool, inflect: bool, leetspeak: bool = False
) -> PhraseSet | None:
    """Compile a list of phrases, or return None for an empty list."""
    if not phrases:
        return None
    return PhraseSet(phrases, ignore_case=ignore_case, inflect=inflect, leetspeak=leetspeak)


class PhraseMatcher:
    """Finds a rule's phrases, leaving out those inside one of its exceptions."""

    __slots__ = ("exceptions", "phrase_sets", "phrases", "required", "skip_names")

    def __init__(self, rule: PhraseRuleBase, phrases: Sequence[str]) -> None:
        self.skip_names = rule.skip_proper_names
        options = {
            "ignore_case": rule.ignore_case,
            "inflect": rule.inflect,
            "leetspeak": rule.leetspeak,
        }
        self.phrases = PhraseSet(phrases, **options)
        self.required: PhraseSet | None = self.phrases
        self.exceptions = compile_phrases(rule.exceptions, **options)
        extra = (self.exceptions,) if self.exceptions else ()
        self.phrase_sets: tuple[PhraseSet, ...] = (self.phrases, *extra)

    def hits(self, text: AnalysedText) -> list[Hit]:
        """Leftmost-longest hits that do not lie inside an exception (or a name).

        An exception shields a hit lying wholly within an occurrence of the
        exception phrase: with term ``gap pad`` and exception ``thermal gap
        pad``, "thermal gap pad" is not reported but "the gap pad" is.
        """
        found = text.hits(self.phrases)
        if not found:
            return found
        hits = longest_first(found)
        if self.skip_names:
            hits = [h for h in hits if not looks_like_name(text.text, h.start, h.end)]
        if self.exceptions is None:
            return hits
        shields = text.hits(self.exceptions)
        if not shields:
            return hits
        covered = Spans((s.start, s.end) for s in shields)
        return [h for h in hits if not covered.contain(h.start, h.end)]
