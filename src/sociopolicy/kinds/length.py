"""``length``: platform limits, counted the way each platform counts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Annotated, Literal

import regex
from pydantic import BeforeValidator, Field

from .._common import StrictModel, one_or_many
from ..models import Platform
from ..phrases import PhraseSet
from ..text import GRAPHEME, grapheme_spans, graphemes
from .base import AnalysedText, Finding, RuleBase
from .links import URL_PATTERN

__all__ = [
    "CLUSTER_WEIGHTS",
    "COUNTERS",
    "RUN_SEGMENTERS",
    "SEGMENTERS",
    "LengthRule",
    "count_and_cut",
    "x_weighted_length",
]

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


# A character outside the light ranges (it counts two).
_HEAVY = re.compile(
    "[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _LIGHT_RANGES) + "]"
)
#: How far back a safe place to start reading grapheme clusters is looked for.
_LOOK_BACK = 64


def _x_units(piece: str) -> int:
    """Weighted length of text with no link, in characters (X counts in halves).

    Every character counts by its weight (1 light, 2 heavy), except that an
    emoji sequence counts 2 whatever it holds: the characters are weighed in
    C, and only the clusters around emoji are read one by one.
    """
    if piece.isascii():
        return len(piece)  # all light, no emoji: the common case, counted in C
    total = len(piece) + len(_HEAVY.findall(piece))
    for start, end in _emoji_clusters(piece):
        cluster = piece[start:end]
        total -= len(cluster) + len(_HEAVY.findall(cluster)) - 2
    return total


def _emoji_clusters(text: str) -> Iterator[tuple[int, int]]:
    """The grapheme clusters of ``text`` that are emoji sequences (see _is_emoji).

    Clusters are read from a place known to begin one, shortly before each
    emoji: the text's start, the end of the last emoji sequence, or a point
    between two ASCII characters (always a cluster boundary, unless they are
    CR LF). So each character is read at most once, and usually only a few
    characters before each emoji.
    """
    reach = 0
    for hit in _EMOJI.finditer(text):
        at = hit.start()
        if at < reach:
            continue  # in the last emoji sequence
        start = reach
        for back in range(at, max(reach, at - _LOOK_BACK), -1):
            before, char = text[back - 1], text[back]
            if char.isascii() and before.isascii() and (before, char) != ("\r", "\n"):
                start = back
                break
        first, last = _cluster_at(text, start, at)
        if _is_emoji(text[first:last]):
            yield first, last
        reach = last


def _cluster_at(text: str, start: int, at: int) -> tuple[int, int]:
    """The grapheme cluster holding ``text[at]``, read from ``start`` (a boundary).

    Clusters are matched in a slice that begins at ``start``, so the regex
    never looks back over what came before (a long run of flag letters would
    make that slow); a slice too short for the last cluster is made longer.
    """
    window = at - start + _LOOK_BACK
    while True:
        end = min(len(text), start + window)
        offset = start
        for cluster in GRAPHEME.finditer(text[start:end]):
            first, last = offset + cluster.start(), offset + cluster.end()
            if last > at and (last < end or end == len(text)):
                return first, last
            if last > at:
                break  # cut by the slice: read it again with a longer one
        window *= 2


def _with_links(text: str, count: Callable[[str], int]) -> int:
    """Count ``text`` with every web address counting as 23 characters."""
    total = 0
    position = 0
    for match in URL_PATTERN.finditer(text):
        total += count(text[position : match.start()]) + _URL_WEIGHT
        position = match.end()
    return total + count(text[position:])


def _x_upper_bound(text: str) -> int:
    """At least :func:`x_weighted_length`, worked out in C: a link counts 23, and
    any other character no more than its bytes in UTF-8 (a light character is
    one byte or more; a heavy one, three; an emoji sequence, which counts two,
    has at least one character of two bytes or more). Measured, as X counts,
    on the NFC form."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)  # which may lengthen a text ("\u0958")
    links = URL_PATTERN.findall(text) if ":" in text or "." in text else []
    size = len(text.encode("utf-8", "surrogatepass"))
    return (
        size - sum(len(link.encode("utf-8", "surrogatepass")) for link in links) + 23 * len(links)
    )


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
Segment = tuple[int, int, int, bool | None]


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _plain_or_graphemes(
    text: str,
    start: int,
    end: int,
    weigh: Callable[[str], int],
    weigh_run: Callable[[str], int] | None = None,
) -> Iterator[Segment]:
    """``text[start:end]`` as segments: ASCII stretches as per-character
    segments, the characters around anything else grapheme by grapheme, each
    cluster weighed by ``weigh``. With ``weigh_run``, the clusters between two
    such boundaries are one segment, weighed by it, with ``None`` for
    ``per_character``: :func:`count_and_cut` splits it only if the limit falls
    inside it.

    Between two ASCII characters there is always a cluster boundary (except in
    CR LF, a cluster of its own), so the clusters are read only from such a
    boundary before each run of other characters to one after it: the ASCII
    character on each side may belong to a cluster of the run ("e" and a
    combining accent, "1" and a keycap).
    """

    def boundary(at: int) -> bool:
        """A cluster boundary known without reading clusters."""
        if at <= start or at >= end:
            return True
        pair = text[at - 1 : at + 1]
        return pair.isascii() and pair != "\r\n"

    runs = list(_NON_ASCII_RUN.finditer(text, start, end))
    position = start
    number = 0
    while number < len(runs):
        first = runs[number].start() - 1
        while first > position and not boundary(first):
            first -= 1
        first = max(first, position)
        last = runs[number].end() + 1
        while not boundary(last):
            if not text[last].isascii():  # the next run begins: read it too
                number += 1
                last = runs[number].end()
            last += 1
        last = min(last, end)
        yield from _ascii_segments(text, position, first, weigh)
        if weigh_run is not None:
            yield first, last, weigh_run(text[first:last]), None
        else:
            for cluster_start, cluster_end in grapheme_spans(text, first, last):
                yield cluster_start, cluster_end, weigh(text[cluster_start:cluster_end]), False
        position = last
        number += 1
    yield from _ascii_segments(text, position, end, weigh)


def _ascii_segments(
    text: str, start: int, end: int, weigh: Callable[[str], int]
) -> Iterator[Segment]:
    """ASCII ``text[start:end]``: one per-character segment, with each CR LF a
    cluster of its own."""
    position = start
    while position < end:
        pair = text.find("\r\n", position, end)
        if pair == -1:
            yield position, end, end - position, True
            return
        if pair > position:
            yield position, pair, pair - position, True
        yield pair, pair + 2, weigh("\r\n"), False
        position = pair + 2


def _x_weight(cluster: str) -> int:
    if _is_emoji(cluster):
        return 2
    return sum(1 if _light(c) else 2 for c in cluster)


def _x_segments(text: str, runs: bool = False) -> Iterator[Segment]:
    position = 0
    weigh_run = _x_units if runs else None
    for match in URL_PATTERN.finditer(text):
        yield from _plain_or_graphemes(text, position, match.start(), _x_weight, weigh_run)
        yield match.start(), match.end(), _URL_WEIGHT, False
        position = match.end()
    yield from _plain_or_graphemes(text, position, len(text), _x_weight, weigh_run)


def _threads_weight(cluster: str) -> int:
    return len(cluster.encode("utf-8")) if _is_emoji(cluster) else len(cluster)


def _one(_: str) -> int:
    return 1


#: Segmenters for the countings that can be done in one pass, with the cut
#: point found on the way: a segment per grapheme cluster outside ASCII.
#: (X counts the NFC form: used only on NFC text.)
SEGMENTERS: dict[str, Callable[[str], Iterator[Segment]]] = {
    "x": _x_segments,
    "graphemes": lambda text: _plain_or_graphemes(text, 0, len(text), _one),
    "threads": lambda text: _plain_or_graphemes(text, 0, len(text), _threads_weight),
}
#: The same with the clusters between two ASCII stretches as one segment each
#: (quicker; count_and_cut splits one only when the limit falls in it).
RUN_SEGMENTERS: dict[str, Callable[[str], Iterator[Segment]]] = {
    "x": lambda text: _x_segments(text, runs=True),
    "graphemes": lambda text: _plain_or_graphemes(text, 0, len(text), _one, _graphemes),
    "threads": lambda text: _plain_or_graphemes(text, 0, len(text), _threads_weight, _threads),
}
#: The weight of one cluster, for splitting a run.
CLUSTER_WEIGHTS: dict[str, Callable[[str], int]] = {
    "x": _x_weight,
    "graphemes": _one,
    "threads": _threads_weight,
}


def count_and_cut(
    segments: Iterable[Segment], limit: int, text: str = "", weigh: Callable[[str], int] = _one
) -> tuple[int, int | None]:
    """The total weight of ``segments``, and the offset where it first passes
    ``limit`` (None if it never does).

    A segment whose ``per_character`` is None is a run of grapheme clusters of
    ``text``: when the limit falls in it, it is read cluster by cluster, each
    weighed by ``weigh``, and the cut is before the cluster that passes it.
    """
    total = 0
    cut: int | None = None
    for start, end, weight, per_character in segments:
        if cut is None and total + weight > limit:
            if per_character is None:
                if end > len(text):
                    raise ValueError("a run of clusters needs the text it was cut from")
                within = total
                for first, last in grapheme_spans(text, start, end):
                    within += weigh(text[first:last])
                    if within > limit:
                        cut = first
                        break
            else:
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
            if limit.count == "x" and (
                _x_upper_bound(body) <= limit.max or x_weighted_length(body) <= limit.max
            ):
                continue  # within the limit: the place to cut is not needed
            segmenter = RUN_SEGMENTERS.get(limit.count)
            if segmenter is not None and (
                limit.count != "x" or unicodedata.is_normalized("NFC", body)
            ):
                weigh = CLUSTER_WEIGHTS[limit.count]
                total, cut = count_and_cut(segmenter(body), limit.max, body, weigh)
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
