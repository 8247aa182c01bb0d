"""``length``: platform limits, counted the way each platform counts."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Annotated, Literal

import regex
from pydantic import BeforeValidator, Field

from .._common import StrictModel, one_or_many
from ..models import Platform
from ..phrases import PhraseSet
from ..text import grapheme_spans, graphemes
from .base import AnalysedText, Finding, RuleBase
from .links import URL_PATTERN

__all__ = ["COUNTERS", "SEGMENTERS", "LengthRule", "count_and_cut", "x_weighted_length"]

Counting = Literal["characters", "graphemes", "utf8_bytes", "x", "mastodon", "threads"]

_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]|\u20e3")
_MENTION_DOMAIN = regex.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w")
# twitter-text v3: code points in these ranges weigh 100 (one character); all
# others weigh 200; the limit is 28,000 in these units, that is 280 characters.
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_URL_WEIGHT = 23  # any link counts as 23 characters on X and Mastodon


def _is_emoji(cluster: str) -> bool:
    return bool(_EMOJI.search(cluster)) and (len(cluster) > 1 or ord(cluster) > 0x2000)


def _light(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _LIGHT_RANGES)


def _ascii_graphemes(text: str) -> int:
    """Graphemes of ASCII text: every character, except that CR LF is one."""
    return len(text) - text.count("\r\n")


def _x_units(piece: str) -> int:
    """Weighted length of text with no link, in characters (X counts in halves)."""
    if piece.isascii():
        return len(piece)  # all light, no emoji: the common case, counted in C
    total = 0
    for cluster in graphemes(piece):
        if _is_emoji(cluster):
            total += 2  # an emoji sequence counts as two characters
        else:
            total += sum(1 if _light(c) else 2 for c in cluster)
    return total


def _with_links(text: str, count: Callable[[str], int]) -> int:
    """Count ``text`` with every web address counting as 23 characters."""
    total = 0
    position = 0
    for match in URL_PATTERN.finditer(text):
        total += count(text[position : match.start()]) + _URL_WEIGHT
        position = match.end()
    return total + count(text[position:])


def x_weighted_length(text: str) -> int:
    """The length of a post as X counts it (twitter-text v3 rules).

    The text is NFC-normalised; each web address counts 23; each emoji sequence
    (with skin tones, ZWJ joins or flags) counts 2; a code point in the light
    ranges (most Latin, Greek, Cyrillic, Hebrew, Arabic and general punctuation)
    counts 1; any other (for example Chinese, Japanese, Korean) counts 2.
    """
    return _with_links(unicodedata.normalize("NFC", text), _x_units)


def _graphemes(text: str) -> int:
    if text.isascii():
        return _ascii_graphemes(text)
    return len(graphemes(text))


def _mastodon(text: str) -> int:
    without_domains = _MENTION_DOMAIN.sub(lambda m: m.group(1), text)
    return _with_links(without_domains, _graphemes)


def _threads(text: str) -> int:
    """Characters, with each emoji counting as its UTF-8 byte length (as Meta counts)."""
    if text.isascii():
        return len(text)
    return sum(
        len(cluster.encode("utf-8")) if _is_emoji(cluster) else len(cluster)
        for cluster in graphemes(text)
    )


#: The counting methods, by name.
COUNTERS: dict[str, Callable[[str], int]] = {
    "characters": len,
    "graphemes": _graphemes,
    "utf8_bytes": lambda text: len(text.encode("utf-8", "surrogatepass")),
    "x": x_weighted_length,
    "mastodon": _mastodon,
    "threads": _threads,
}


# One-pass counting: a text as segments (start, end, weight, per_character).
# A per-character segment weighs one per character, so a limit can fall inside
# it; any other segment (a link, an emoji, a grapheme) is cut whole.
Segment = tuple[int, int, int, bool]


def _plain_or_graphemes(
    text: str, start: int, end: int, weigh: Callable[[str], int]
) -> Iterator[Segment]:
    """``text[start:end]``: one per-character segment if it is plain ASCII,
    otherwise a segment per grapheme, weighed by ``weigh``."""
    if start == end:
        return
    piece = text[start:end]
    if piece.isascii() and "\r\n" not in piece:
        yield start, end, end - start, True
        return
    for first, last in grapheme_spans(text, start, end):
        yield first, last, weigh(text[first:last]), False


def _x_weight(cluster: str) -> int:
    if _is_emoji(cluster):
        return 2
    return sum(1 if _light(c) else 2 for c in cluster)


def _x_segments(text: str) -> Iterator[Segment]:
    position = 0
    for match in URL_PATTERN.finditer(text):
        yield from _plain_or_graphemes(text, position, match.start(), _x_weight)
        yield match.start(), match.end(), _URL_WEIGHT, False
        position = match.end()
    yield from _plain_or_graphemes(text, position, len(text), _x_weight)


def _threads_weight(cluster: str) -> int:
    return len(cluster.encode("utf-8")) if _is_emoji(cluster) else len(cluster)


#: Segmenters for the countings that can be done in one pass, with the cut
#: point found on the way. (X counts the NFC form: used only on NFC text.)
SEGMENTERS: dict[str, Callable[[str], Iterator[Segment]]] = {
    "x": _x_segments,
    "graphemes": lambda text: _plain_or_graphemes(text, 0, len(text), lambda _: 1),
    "threads": lambda text: _plain_or_graphemes(text, 0, len(text), _threads_weight),
}


def count_and_cut(segments: Iterable[Segment], limit: int) -> tuple[int, int | None]:
    """The total weight of ``segments``, and the offset where it first passes
    ``limit`` (None if it never does)."""
    total = 0
    cut: int | None = None
    for start, _end, weight, per_character in segments:
        if cut is None and total + weight > limit:
            cut = start + (limit - total if per_character else 0)
        total += weight
    return total, cut


class Limit(StrictModel):
    """One limit: the most a platform takes, and how it counts."""

    max: int = Field(ge=1, description="The most the platform accepts.")
    count: Counting = Field(default="characters", description="How the platform counts.")


Limits = Annotated[tuple[Limit, ...], BeforeValidator(one_or_many)]


class LengthRule(RuleBase):
    """Reports a post longer than its platform accepts, counted as the platform counts.

    ``limits`` maps each platform to one limit or a list of them, each with a
    counting method:

    * ``characters``: code points; ``utf8_bytes``: bytes of UTF-8;
    * ``graphemes``: characters as people see them (an emoji family is one);
    * ``x``: X's weighted count (links 23, emoji 2, CJK characters 2);
    * ``mastodon``: graphemes, links 23, ``@user@domain`` counts as ``@user``;
    * ``threads``: characters, each emoji counting its UTF-8 bytes.

    The rule runs only when the draft's platform has a limit. The finding
    spans the part of the text past the limit, so a writer sees what to cut.
    The message can use ``{{ count }}``, ``{{ limit }}`` and ``{{ counting }}``.
    Limits are data: when a platform changes, a fork changes the number.
    """

    KIND_SUMMARY = "Platform length limits, counted as each platform counts."
    TEMPLATE_NAMES = frozenset({"count", "limit", "counting"})

    kind: Literal["length"]
    limits: dict[Platform, Limits] = Field(
        min_length=1, description="Platform -> limit (or limits), each with a counting method."
    )

    def matcher(self) -> _LengthMatcher:
        return _LengthMatcher(self)


class _LengthMatcher:
    __slots__ = ("limits", "phrase_sets", "platforms", "required")

    def __init__(self, rule: LengthRule) -> None:
        self.limits: dict[str, tuple[Limit, ...]] = {
            platform: tuple(limits) for platform, limits in rule.limits.items()
        }
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None
        self.platforms = frozenset(self.limits)

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        limits = self.limits.get(text.platform) if text.platform else None
        if not limits:
            return
        body = text.text
        for limit in limits:
            segmenter = SEGMENTERS.get(limit.count)
            if segmenter is not None and (
                limit.count != "x" or unicodedata.is_normalized("NFC", body)
            ):
                total, cut = count_and_cut(segmenter(body), limit.max)
                if cut is None:
                    continue
            else:
                counter = COUNTERS[limit.count]
                total = counter(body)
                if total <= limit.max:
                    continue
                linear = _one_per_character(body, limit.count)
                cut = _cut_point(body, counter, limit.max, linear=linear)
            values = {"count": total, "limit": limit.max, "counting": limit.count}
            yield Finding(cut, len(body), values=values)
            return  # one finding per text: the first limit passed


def _one_per_character(text: str, counting: str) -> bool:
    """True if every character of ``text`` counts exactly one under ``counting``.

    (Only the countings without a one-pass segmenter, or X on text that is not
    NFC and so not ASCII, get here.)
    """
    return counting in ("characters", "utf8_bytes") and text.isascii() and "\r\n" not in text


def _cut_point(text: str, counter: Callable[[str], int], limit: int, *, linear: bool) -> int:
    """The offset where the text first goes past ``limit`` (a grapheme boundary)."""
    if linear:
        return limit
    boundaries: Sequence[int]
    if text.isascii():
        boundaries = range(1, len(text) + 1)  # every offset (a CR LF pair may be split)
    else:
        boundaries = [last for _, last in grapheme_spans(text)]
    low, high = 0, len(boundaries) - 1
    while low < high:  # the first boundary whose prefix is over the limit
        middle = (low + high) // 2
        if counter(text[: boundaries[middle]]) > limit:
            high = middle
        else:
            low = middle + 1
    return boundaries[low - 1] if low > 0 else 0
