"""``terms``: words and phrases that should not appear."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, StrictStr

from ._phrasing import PhraseMatcher, PhraseRuleBase
from .base import AnalysedText, Finding

__all__ = ["TermsRule"]


class TermsRule(PhraseRuleBase):
    """Reports each occurrence of a listed word or phrase.

    Whole words only, case-insensitive by default; the last word of each term also
    matches its regular inflections. Occurrences inside an ``exceptions`` phrase are
    not reported. The message can use ``{{ match }}`` (the text found) and
    ``{{ term }}`` (the list entry that matched).
    """

    KIND_SUMMARY = "Words and phrases that should not appear."
    TEMPLATE_NAMES = frozenset({"term"})

    kind: Literal["terms"]
    terms: tuple[StrictStr, ...] = Field(min_length=1, description="Words or phrases to report.")

    def matcher(self) -> _TermsMatcher:
        return _TermsMatcher(self, self.terms)


class _TermsMatcher(PhraseMatcher):
    __slots__ = ()

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        for hit in self.hits(text):
            yield Finding(hit.start, hit.end, values={"term": hit.entry.phrase})
