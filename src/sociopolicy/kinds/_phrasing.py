"""Shared by the kinds that match literal phrases (``terms``, ``substitution``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..phrases import Hit, PhraseSet, longest_first
from .base import AnalysedText

__all__ = ["compile_phrases", "unshielded_hits"]


def compile_phrases(
    phrases: Sequence[str], *, ignore_case: bool, inflect: bool
) -> PhraseSet | None:
    """Compile a list of phrases, or return None for an empty list."""
    return PhraseSet(phrases, ignore_case=ignore_case, inflect=inflect) if phrases else None


def unshielded_hits(
    text: AnalysedText, phrases: PhraseSet, exceptions: PhraseSet | None
) -> list[Hit]:
    """Leftmost-longest hits of ``phrases`` that do not lie inside an exception.

    An exception shields a hit when the hit lies wholly within an occurrence of an
    exception phrase: with term ``gap pad`` and exception ``thermal gap pad``, the
    text "thermal gap pad" is not reported but "the gap pad" is.
    """
    hits = longest_first(text.hits(phrases))
    if not hits or exceptions is None:
        return hits
    shields = text.hits(exceptions)
    if not shields:
        return hits
    return [h for h in hits if not any(s.start <= h.start and h.end <= s.end for s in shields)]
