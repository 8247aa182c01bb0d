"""``terms``: words and phrases that should not appear."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field, PrivateAttr, StrictBool, StrictStr

from ..phrases import PhraseSet
from ._phrasing import compile_phrases, unshielded_hits
from .base import AnalysedText, Finding, RuleBase

__all__ = ["TermsRule"]


class TermsRule(RuleBase):
    """Reports each occurrence of a listed word or phrase.

    Whole words only, case-insensitive by default; the last word of each term also
    matches its regular inflections. Occurrences inside an ``exceptions`` phrase are
    not reported. The message can use ``{{ match }}`` (the text found) and
    ``{{ term }}`` (the list entry that matched).
    """

    KIND_SUMMARY = "Words and phrases that should not appear."

    kind: Literal["terms"]
    terms: tuple[StrictStr, ...] = Field(min_length=1, description="Words or phrases to report.")
    exceptions: tuple[StrictStr, ...] = Field(
        default=(), description="Longer phrases inside which a term is not reported."
    )
    ignore_case: StrictBool = Field(default=True, description="Match regardless of capitals.")
    inflect: StrictBool = Field(
        default=True, description="Also match -s, -ed and -ing forms of each term's last word."
    )

    _terms: PhraseSet = PrivateAttr()
    _exceptions: PhraseSet | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any, /) -> None:
        self._terms = PhraseSet(self.terms, ignore_case=self.ignore_case, inflect=self.inflect)
        self._exceptions = compile_phrases(
            self.exceptions, ignore_case=self.ignore_case, inflect=self.inflect
        )

    def phrase_sets(self) -> tuple[PhraseSet, ...]:
        extra = (self._exceptions,) if self._exceptions else ()
        return (self._terms, *extra)

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        for hit in unshielded_hits(text, self._terms, self._exceptions):
            yield Finding(hit.start, hit.end, values={"term": hit.entry.phrase})
