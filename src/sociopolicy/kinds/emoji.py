"""``emoji``: how many emoji, in a row, as bullets or in place of words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import regex
from pydantic import Field, StrictBool, StrictStr, model_validator

from ..phrases import PhraseSet
from ..text import GRAPHEME, straighten
from .base import AnalysedText, Feature, Finding, RuleBase

__all__ = ["DEFAULT_WORDS_BEFORE", "EmojiRule", "emoji_spans"]

# Characters that can begin an emoji: pictographs, flag letters and keycaps.
# (A keycap, "1\uFE0F\u20E3", is found by its last character and begins one or two
# characters before it: a class alone lets the regex engine skip ahead faster.)
_START = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]")
_KEYCAP_BASE = frozenset("0123456789#*")
_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")
_WORD_BEFORE = regex.compile(r"(?<![\p{L}'\u2019\u02bc])(\p{L}[\p{L}'\u2019\u02bc]*) $")
#: Words after which an emoji stands in for a word ("We ❤️ our", "your 📚 today",
#: "Free ☕"): articles, pronouns, prepositions, auxiliaries and common adjectives
#: that come before a noun. After other words (mostly nouns) an emoji decorates
#: them ("circus skills 🤹 and bush walks 🥾").
DEFAULT_WORDS_BEFORE: tuple[str, ...] = (
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "our", "their",
    "his", "her", "its", "i", "we", "you", "they", "he", "she", "it", "us", "them", "me",
    "to", "for", "of", "in", "on", "at", "by", "with", "from", "into", "and", "or", "but",
    "is", "are", "was", "were", "be", "will", "would", "can", "could", "should", "must",
    "do", "does", "did", "have", "has", "had", "let's", "please", "some", "any", "no",
    "free", "new", "hot", "cold", "fresh", "more", "big", "little", "great", "best",
    "local", "healthy", "tasty", "yummy",
)  # fmt: skip
_WORD_AFTER = regex.compile(r" \p{Ll}")


def _plain(word: str) -> str:
    """A word in lower case with straight apostrophes ("Let\u2019s" -> "let's")."""
    return straighten(word.lower())


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """Where the emoji are, one span per emoji as people see it.

    A family, a flag or a thumbs-up with a skin tone is one emoji (a grapheme
    cluster). Symbols before U+2600 that are text by default, such as © or ™,
    are not emoji unless followed by the emoji variation selector; ☀, ⚠ and ❤
    are, since platforms show them as emoji.
    """
    if text.isascii():
        return []
    spans: list[tuple[int, int]] = []
    reach = 0
    for start in _START.finditer(text):
        begin = start.start()
        if text[begin] == "\u20e3":  # a keycap: its digit, # or * comes first
            if text[begin - 1 : begin] == "\ufe0f":
                begin -= 1
            if begin == 0 or text[begin - 1] not in _KEYCAP_BASE:
                continue  # a combining keycap on something else
            begin -= 1
        if begin < reach:
            continue  # inside the previous cluster (a ZWJ sequence)
        # Matched on a slice: the grapheme regex would look back over every
        # flag letter before this one (slow on a long run of them).
        cluster = GRAPHEME.match(text[begin : begin + 64])
        if cluster is None:  # pragma: no cover - \X always matches one character
            continue
        end = begin + cluster.end()
        if end - begin == 1 and ord(text[begin]) < 0x2600 and not _PRESENTATION.match(text, begin):
            continue  # © ® ™ ↔ as plain text; ☀ ⚠ ❤ and later symbols show as emoji
        spans.append((begin, end))
        reach = end
    return spans


class EmojiRule(RuleBase):
    """Reports emoji that crowd a post or stand in for words.

    Each check is used when its setting is given:

    * ``max_count``: the emoji after the first ``max_count`` are reported, as
      one span;
    * ``max_run``: more than this many emoji in a row (spaces allowed between);
    * ``bullets: true``: emoji at the start of two or more lines, used as bullet
      points (screen readers read each one's name);
    * ``in_sentence: true``: an emoji standing in for a word ("We ❤️ our
      volunteers", "Pick up your 📚 today"): between two words, the first of
      them one of ``words_before`` (articles, pronouns, prepositions,
      auxiliaries, adjectives such as "free"). An emoji after any other word
      decorates it ("bush walks 🥾 and more").

    A family, flag or skin-toned emoji counts as one. The message can use
    ``{{ what }}`` and ``{{ count }}`` (the emoji involved).
    """

    KIND_SUMMARY = "Emoji count, runs, bullets and emoji in place of words."
    TEMPLATE_NAMES = frozenset({"what", "count"})

    kind: Literal["emoji"]
    max_count: int | None = Field(default=None, ge=0, description="Most emoji in one text.")
    max_run: int | None = Field(default=None, ge=1, le=1000, description="Most emoji in a row.")
    bullets: StrictBool = Field(default=False, description="Report emoji used as bullets.")
    in_sentence: StrictBool = Field(
        default=False, description="Report an emoji between two words, in place of a word."
    )
    words_before: tuple[StrictStr, ...] = Field(
        default=DEFAULT_WORDS_BEFORE,
        min_length=1,
        description="Words after which an emoji stands in for a word (for in_sentence).",
    )

    @model_validator(mode="after")
    def _something_to_check(self) -> EmojiRule:
        if (
            self.max_count is None
            and self.max_run is None
            and not (self.bullets or self.in_sentence)
        ):
            raise ValueError("set max_count, max_run, bullets or in_sentence")
        return self

    def matcher(self) -> _EmojiMatcher:
        return _EmojiMatcher(self)


class _EmojiMatcher:
    __slots__ = (
        "bullets",
        "in_sentence",
        "max_count",
        "max_run",
        "needs",
        "phrase_sets",
        "required",
        "words_before",
    )

    def __init__(self, rule: EmojiRule) -> None:
        self.max_count = rule.max_count
        self.max_run = rule.max_run
        self.bullets = rule.bullets
        self.in_sentence = rule.in_sentence
        self.words_before = frozenset(_plain(word) for word in rule.words_before)
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None
        self.needs: frozenset[Feature] = frozenset({"non_ascii"})

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        spans = text.memo("emoji", emoji_spans)
        if not spans:
            return
        body = text.text
        if self.max_count is not None and len(spans) > self.max_count:
            extra = spans[self.max_count :]
            values = {"what": "too many emoji", "count": len(spans)}
            yield Finding(extra[0][0], extra[-1][1], values=values)
        if self.max_run is not None:
            for first, last in _runs(body, spans):
                count = last - first + 1
                if count > self.max_run:
                    values = {"what": "emoji in a row", "count": count}
                    yield Finding(spans[first][0], spans[last][1], values=values)
        if self.bullets:
            starts = [s for s in spans if _starts_line(body, s[0])]
            if len(starts) >= 2:
                for start, end in starts:
                    yield Finding(start, end, values={"what": "emoji as bullets", "count": 1})
        if self.in_sentence:
            for start, end in spans:
                before = _WORD_BEFORE.search(body, max(0, start - 40), start)
                if (
                    before is not None
                    and _plain(before.group(1)) in self.words_before
                    and _WORD_AFTER.match(body, end)
                ):
                    yield Finding(
                        start, end, values={"what": "emoji in place of a word", "count": 1}
                    )


def _runs(body: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Index ranges of emoji that follow each other with only spaces between."""
    first = 0
    for i in range(1, len(spans) + 1):
        if i == len(spans) or body[spans[i - 1][1] : spans[i][0]].strip(" \t"):
            yield first, i - 1
            first = i


def _starts_line(body: str, offset: int) -> bool:
    """True if only spaces stand between ``offset`` and the start of its line.

    (It looks back over those spaces only, so a long line costs nothing.)
    """
    position = offset - 1
    while position >= 0 and body[position] != "\n" and body[position].isspace():
        position -= 1
    return position < 0 or body[position] == "\n"
