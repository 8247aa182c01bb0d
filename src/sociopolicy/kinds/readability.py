"""``readability``: reading grade and sentence length."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from ..phrases import PhraseSet
from ..text import prose_only, sentence_ends, trimmed
from .base import AnalysedText, Finding, RuleBase

__all__ = ["ReadabilityRule", "Sentence", "flesch_kincaid_grade", "prose_sentences", "syllables"]

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Punctuation stripped from the edges of a token to leave its word.
_EDGES = "\"'()[]{}.,;:!?\u2018\u2019\u201c\u201d\u2026-\u2013\u2014"


class _TokenSyllables(dict[str, int]):
    """Syllables of each spaced token, 0 for a token that is not a word.

    Words recur from text to text, so each token is worked out once; looking a
    whole sentence up with ``map`` then runs at C speed.
    """

    limit = 100_000

    def __missing__(self, token: str) -> int:
        if len(self) >= self.limit:
            self.clear()
        word = token.strip(_EDGES)
        count = syllables(word) if word and not word.isdigit() else 0
        self[token] = count
        return count


_TOKEN_SYLLABLES = _TokenSyllables()


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


#: A sentence of prose: (start, end, words, syllables). The span may have
#: spaces at its edges; see :func:`~sociopolicy.text.trimmed`.
Sentence = tuple[int, int, int, int]


def prose_sentences(text: str) -> list[Sentence]:
    """The sentences of the prose in ``text`` that have words (shared by rules).

    A word is a spaced token without its edge punctuation, unless it is only
    digits: "3.5km" is a word, "2026" and "-" are not.
    """
    prose = prose_only(text)
    lookup = _TOKEN_SYLLABLES.__getitem__
    found: list[Sentence] = []
    start = 0
    for end in (*sentence_ends(prose), len(prose)):
        counts = list(map(lookup, prose[start:end].split()))
        words = len(counts) - counts.count(0)
        if words:
            found.append((start, end, words, sum(counts)))
        start = end
    return found


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
    __slots__ = (
        "fewest_words",
        "max_grade",
        "max_sentence_words",
        "min_words",
        "phrase_sets",
        "required",
    )

    def __init__(self, rule: ReadabilityRule) -> None:
        self.max_grade = rule.max_grade
        self.min_words = rule.min_words
        self.max_sentence_words = rule.max_sentence_words
        # The fewest words a text needs for either check to report anything.
        self.fewest_words = min(
            rule.min_words if rule.max_grade is not None else sys.maxsize,
            rule.max_sentence_words + 1 if rule.max_sentence_words is not None else sys.maxsize,
        )
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        # A cheap gate first: a text with few words has no long sentence and
        # no grade (it has at most one word more than it has spaces).
        body = text.text
        if body.count(" ") + body.count("\n") + body.count("\t") + 1 < self.fewest_words:
            return
        pieces = text.memo("prose_sentences", prose_sentences)
        prose = text.memo("prose", prose_only)  # spans are trimmed of what is not prose
        if self.max_sentence_words is not None:
            for start, end, words, _ in pieces:
                if words > self.max_sentence_words:
                    yield Finding(
                        *trimmed(prose, start, end),
                        values={"words": words, "target": self.max_sentence_words, "grade": None},
                    )
        if self.max_grade is None:
            return
        words = sum(piece[2] for piece in pieces)
        if words < self.min_words:
            return
        grade = flesch_kincaid_grade(words, len(pieces), sum(piece[3] for piece in pieces))
        if grade > self.max_grade:
            yield Finding(
                trimmed(prose, pieces[0][0], pieces[0][1])[0],
                trimmed(prose, pieces[-1][0], pieces[-1][1])[1],
                values={"grade": round(grade, 1), "target": self.max_grade, "words": words},
            )
