"""Shared by the kinds that add up phrase weights per sentence (``lexicon``, ``signals``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from ..phrases import Hit
from ..text import sentences

__all__ = ["Scope", "hits_by_span"]

Scope = Literal["sentence", "draft"]


def hits_by_span(
    body: str, hits: Sequence[Hit], scope: Scope
) -> Iterator[tuple[int, int, list[Hit]]]:
    """Yield each sentence (or the whole text) with the hits wholly inside it.

    ``hits`` must be in text order and not overlap. Spans without hits are skipped.
    """
    spans = [(0, len(body))] if scope == "draft" else sentences(body)
    next_hit = 0
    for start, end in spans:
        while next_hit < len(hits) and hits[next_hit].start < start:
            next_hit += 1
        inside = []
        while next_hit < len(hits) and hits[next_hit].start < end:
            if hits[next_hit].end <= end:
                inside.append(hits[next_hit])
            next_hit += 1
        if inside:
            yield start, end, inside
