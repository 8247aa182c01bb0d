"""``hashtags``: how many, their capitals, and where they sit."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from ..models import Platform
from ..phrases import PhraseSet
from .base import AnalysedText, Feature, Finding, RuleBase

__all__ = ["HashtagsRule", "hashtag_spans", "split_words"]

# The "#" comes first, so the regex engine skips from one "#" to the next; the
# look-behind after it says what may not come before it.
_HASHTAG = re.compile(r"#(?<![\w#&].)(\w*[^\W\d_]\w*)")
_LONGEST_WORD = 30


def hashtag_spans(text: str) -> list[tuple[int, int]]:
    """Where the hashtags are: ``#`` and the word after it (with a letter in it)."""
    if "#" not in text:
        return []
    return [m.span() for m in _HASHTAG.finditer(text)]


def split_words(tag: str, words: frozenset[str]) -> list[str] | None:
    """Split a run-together lower-case tag into known words, fewest words first.

    ``nationalvolunteerweek`` -> ``["national", "volunteer", "week"]``; None if
    the tag cannot be split into words from ``words`` (numbers may stand alone).
    """
    lowered = tag.lower()
    size = len(lowered)
    best: list[list[str] | None] = [None] * (size + 1)
    best[0] = []
    for end in range(1, size + 1):
        for start in range(max(0, end - _LONGEST_WORD), end):
            before = best[start]
            piece = lowered[start:end]
            if before is None or not (piece in words or piece.isdigit()):
                continue
            candidate = [*before, piece]
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    return best[size]


class HashtagsRule(RuleBase):
    """Reports hashtags that are too many, hard to read aloud, or in the way.

    Each check is used when its setting is given (at least one is needed):

    * ``max_count`` (or ``max_count_by_platform``, which wins for the platforms
      it names): the hashtags after that many are reported, as one span;
    * ``camel_case: true``: a hashtag of several words run together in lower
      case (or all capitals), which screen readers read as one long word. The
      tag is split with ``word_list``; only tags that split into two or more
      known words are reported, with the CamelCase form as the replacement
      (``#nationalvolunteerweek`` -> ``#NationalVolunteerWeek``);
    * ``mid_sentence: true``: a hashtag followed by more words of the same
      sentence; hashtags read best at the end.

    The message can use ``{{ what }}`` and ``{{ count }}``.
    """

    KIND_SUMMARY = "Hashtag count per platform, CamelCase for multi-word tags, position."
    TEMPLATE_NAMES = frozenset({"what", "count", "replacement", "replacements"})

    kind: Literal["hashtags"]
    max_count: int | None = Field(default=None, ge=0, description="Most hashtags in one text.")
    max_count_by_platform: dict[Platform, int] = Field(
        default_factory=dict, description="Platform -> most hashtags there."
    )
    camel_case: StrictBool = Field(
        default=False, description="Report multi-word hashtags not written in CamelCase."
    )
    word_list: tuple[StrictStr, ...] = Field(
        default=(), description="Words used to split run-together hashtags."
    )
    mid_sentence: StrictBool = Field(
        default=False, description="Report hashtags with more of the sentence after them."
    )

    @model_validator(mode="after")
    def _consistent(self) -> HashtagsRule:
        if self.max_count is None and not (
            self.max_count_by_platform or self.camel_case or self.mid_sentence
        ):
            raise ValueError("set max_count, max_count_by_platform, camel_case or mid_sentence")
        if self.camel_case and not self.word_list:
            raise ValueError("camel_case needs a word_list to split hashtags into words")
        return self

    def matcher(self) -> _HashtagsMatcher:
        return _HashtagsMatcher(self)


class _HashtagsMatcher:
    __slots__ = (
        "by_platform",
        "camel_case",
        "max_count",
        "mid_sentence",
        "needs",
        "phrase_sets",
        "required",
        "words",
    )

    def __init__(self, rule: HashtagsRule) -> None:
        self.max_count = rule.max_count
        self.by_platform: dict[str, int] = dict(rule.max_count_by_platform.items())
        self.camel_case = rule.camel_case
        self.words = frozenset(w.lower() for w in rule.word_list)
        self.mid_sentence = rule.mid_sentence
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None
        self.needs: frozenset[Feature] = frozenset({"hash"})

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        spans = text.memo("hashtags", hashtag_spans)
        if not spans:
            return
        body = text.text
        limit = self.max_count
        if text.platform is not None:
            limit = self.by_platform.get(text.platform, limit)
        if limit is not None and len(spans) > limit:
            extra = spans[limit:]
            values = {"what": "too many hashtags", "count": len(spans)}
            yield Finding(extra[0][0], extra[-1][1], values=values)
        if self.camel_case:
            yield from self._camel_case(body, spans)
        if self.mid_sentence:
            for start, end in spans:
                if _more_sentence_after(body, end):
                    yield Finding(start, end, values={"what": "hashtag mid-sentence", "count": 1})

    def _camel_case(self, body: str, spans: Sequence[tuple[int, int]]) -> Iterator[Finding]:
        for start, end in spans:
            tag = body[start + 1 : end]
            if not (tag.islower() or tag.isupper()):
                continue  # already has capitals inside: CamelCase or a name
            words = split_words(tag, self.words)
            if words is None or len(words) < 2:
                continue
            camel = "#" + "".join(w[:1].upper() + w[1:] for w in words)
            values = {"what": "hashtag not in CamelCase", "count": len(words)}
            yield Finding(start, end, replacements=(camel,), values=values)


def _more_sentence_after(body: str, end: int) -> bool:
    """True if words of the same sentence follow (not just more hashtags or a link)."""
    rest = body[end : end + 80].lstrip(" \t")
    if not rest or rest[0] in ".!?\u2026\n\r":
        return False
    for token in rest.lstrip(",;:\u2013\u2014- ").split():
        if token.startswith(("#", "@", "http", "www.")):
            continue
        return token[:1].isalpha() and token[:1].islower()
    return False
