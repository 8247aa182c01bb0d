"""``readability``: reading grade and sentence length."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from ..phrases import PhraseSet
from ..text import prose_only, sentences
from .base import AnalysedText, Finding, RuleBase

__all__ = ["ReadabilityRule", "flesch_kincaid_grade", "prose_sentences", "syllables"]

# Not prose: web addresses, @handles, #hashtags and email addresses.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


_SYLLABLES: dict[str, int] = {}
_SYLLABLE_CACHE_SIZE = 100_000


def syllable_total(words: list[str]) -> int:
    """The syllables in ``words``, remembering each word's count."""
    cache = _SYLLABLES
    total = 0
    for word in words:
        count = cache.get(word)
        if count is None:
            if len(cache) >= _SYLLABLE_CACHE_SIZE:
                cache.clear()
            count = cache[word] = syllables(word)
        total += count
    return total


def syllables(word: str) -> int:
    """Estimate the syllables in an English word (vowel groups, with common fixes)."""
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3:
        return 1
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # a silent final e: "make", "service"
    if word.endswith(("ed", "es")) and not word.endswith(("ted", "ded", "ses", "zes", "ces")):
        count -= 1 if count > 1 else 0  # "closed", "lives"
    return max(count, 1)


def prose_sentences(text: str) -> list[tuple[int, int, list[str]]]:
    """Sentences of the prose in ``text``, each with its words (shared by rules)."""
    prose = prose_only(text)
    pieces = [(a, b, _words(prose[a:b])) for a, b in sentences(prose)]
    return [(a, b, words) for a, b, words in pieces if words]


_EDGES = "\"'()[]{}.,;:!?\u2018\u2019\u201c\u201d\u2026-\u2013\u2014"


def _words(sentence: str) -> list[str]:
    """The words of a sentence: spaced tokens without edge punctuation, letters in each."""
    words = []
    for token in sentence.split():
        word = token.strip(_EDGES)
        if word and not word.isdigit():
            words.append(word)
    return words


def flesch_kincaid_grade(words: int, sentence_count: int, syllable_count: int) -> float:
    """The Flesch-Kincaid grade level for the given counts."""
    return 0.39 * words / sentence_count + 11.8 * syllable_count / words - 15.59


class ReadabilityRule(RuleBase):
    """Reports text that is harder to read than the ruleset's target.

    Web addresses, @handles, #hashtags and email addresses are left out before
    counting. Two checks, each used when its setting is given:

    * ``max_grade``: the Flesch-Kincaid grade level of the whole text; texts
      with fewer than ``min_words`` words are not judged, since a grade means
      little for a short post. Reported once, over the whole text.
    * ``max_sentence_words``: each sentence with more words is reported.

    Grade formulas only estimate difficulty (the Style Manual says to use them
    as a guide), so this kind suits a warning or a suggestion rather than an
    error. The message can use ``{{ grade }}``, ``{{ target }}`` and
    ``{{ words }}``.
    """

    KIND_SUMMARY = "Reading grade level of the text, and sentence length."
    TEMPLATE_NAMES = frozenset({"grade", "target", "words"})

    kind: Literal["readability"]
    max_grade: float | None = Field(
        default=None, gt=0, description="Highest Flesch-Kincaid grade accepted (e.g. 7)."
    )
    min_words: int = Field(default=20, ge=1, description="Fewest words for a grade to count.")
    max_sentence_words: int | None = Field(
        default=None, ge=1, description="Most words accepted in one sentence."
    )

    @model_validator(mode="after")
    def _something_to_check(self) -> ReadabilityRule:
        if self.max_grade is None and self.max_sentence_words is None:
            raise ValueError("set max_grade, max_sentence_words, or both")
        return self

    def matcher(self) -> _ReadabilityMatcher:
        return _ReadabilityMatcher(self)


class _ReadabilityMatcher:
    __slots__ = ("max_grade", "max_sentence_words", "min_words", "phrase_sets", "required")

    def __init__(self, rule: ReadabilityRule) -> None:
        self.max_grade = rule.max_grade
        self.min_words = rule.min_words
        self.max_sentence_words = rule.max_sentence_words
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        # Cheap gates first: a text with few words has no long sentence and no grade.
        rough_words = len(text.text.split())
        limit = min(
            self.min_words if self.max_grade is not None else rough_words + 1,
            self.max_sentence_words + 1 if self.max_sentence_words is not None else rough_words + 1,
        )
        if rough_words < limit:
            return
        pieces = text.memo("prose_sentences", prose_sentences)
        if self.max_sentence_words is not None:
            for start, end, words in pieces:
                if len(words) > self.max_sentence_words:
                    yield Finding(
                        start,
                        end,
                        values={
                            "words": len(words),
                            "target": self.max_sentence_words,
                            "grade": None,
                        },
                    )
        if self.max_grade is None:
            return
        all_words = [w for _, _, words in pieces for w in words]
        if len(all_words) < self.min_words:
            return
        grade = flesch_kincaid_grade(len(all_words), len(pieces), syllable_total(all_words))
        if grade > self.max_grade:
            yield Finding(
                pieces[0][0],
                pieces[-1][1],
                values={
                    "grade": round(grade, 1),
                    "target": self.max_grade,
                    "words": len(all_words),
                },
            )
