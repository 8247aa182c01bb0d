"""``readability``: reading grade and sentence length."""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterator
from typing import Literal, NamedTuple

from pydantic import Field, model_validator

from ..phrases import PhraseSet
from ..text import ends_sentence, prose_only, sentences
from .base import AnalysedText, Finding, RuleBase

__all__ = [
    "ProseCounts",
    "ReadabilityRule",
    "flesch_kincaid_grade",
    "prose_counts",
    "sentence_words",
    "syllables",
]

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Punctuation stripped from the edges of a token to leave its word.
_EDGES = "\"'()[]{}.,;:!?\u2018\u2019\u201c\u201d\u2026-\u2013\u2014"


# Line breaks end sentences but vanish when a text is split on spaces, so they
# are first replaced by this token.
_LINE_BREAK_TOKEN = "\x00"


class _TokenFacts(dict[str, int]):
    """What matters about each spaced token: its syllables times two, plus one
    if it ends a sentence. A token that is not a word has no syllables.

    Words recur from text to text, so each token is worked out once; looking a
    whole text up with ``map`` then runs at C speed.
    """

    limit = 100_000

    def __missing__(self, token: str) -> int:
        if len(self) >= self.limit:
            self.clear()
        if token == _LINE_BREAK_TOKEN:
            value = 1
        else:
            word = token.strip(_EDGES)
            count = syllables(word) if word and not word.isdigit() else 0
            value = 2 * count + ends_sentence(token)
        self[token] = value
        return value


_TOKEN_FACTS = _TokenFacts()


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


class ProseCounts(NamedTuple):
    """Word counts of the prose of a text."""

    words: int
    syllables: int
    #: The words of each sentence that has any, in order.
    sentence_words: tuple[int, ...]


def _prose(text: str) -> str:
    """The prose of ``text`` (same length), with no character mistaken for a line break."""
    prose = prose_only(text)
    return prose.replace(_LINE_BREAK_TOKEN, " ") if _LINE_BREAK_TOKEN in prose else prose


def _tokens(text: str) -> list[str]:
    """The spaced tokens of the prose in ``text``, with a token for each line break."""
    prose = _prose(text)
    if "\n" in prose:
        prose = prose.replace("\n", f" {_LINE_BREAK_TOKEN} ")
    return prose.split()


def prose_counts(text: str) -> ProseCounts:
    """Words, syllables and words per sentence of the prose in ``text``.

    Addresses, handles and hashtags are left out. A word is a spaced token
    without its edge punctuation, unless it is only digits: "3.5km" is a word,
    "2026" and "-" are not. Sentences end as :func:`~sociopolicy.text.sentences`
    says. (Worked out token by token in C, without a Python loop per word.)
    """
    facts = list(map(_TOKEN_FACTS.__getitem__, _tokens(text)))
    if not facts:
        return ProseCounts(0, 0, ())
    last_tokens = list(itertools.compress(range(len(facts)), map((1).__and__, facts)))
    words_so_far = list(itertools.accumulate(map((2).__le__, facts)))
    sentence_words = []
    before = 0
    for last in (*last_tokens, len(facts) - 1):
        if words_so_far[last] > before:
            sentence_words.append(words_so_far[last] - before)
            before = words_so_far[last]
    return ProseCounts(before, (sum(facts) - len(last_tokens)) // 2, tuple(sentence_words))


def sentence_words(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, words)`` of each sentence of the prose that has words.

    The same sentences as :func:`prose_counts` counts, with their spans: used
    to report the long ones, so it may be slower.
    """
    prose = _prose(text)
    found = []
    for start, end in sentences(prose):
        words = sum(map((2).__le__, map(_TOKEN_FACTS.__getitem__, prose[start:end].split())))
        if words:
            found.append((start, end, words))
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
        counts = text.memo("prose_counts", prose_counts)
        if self.max_sentence_words is not None and any(
            words > self.max_sentence_words for words in counts.sentence_words
        ):
            for start, end, words in sentence_words(body):
                if words > self.max_sentence_words:
                    yield Finding(
                        start,
                        end,
                        values={"words": words, "target": self.max_sentence_words, "grade": None},
                    )
        if self.max_grade is None or counts.words < self.min_words:
            return
        grade = flesch_kincaid_grade(counts.words, len(counts.sentence_words), counts.syllables)
        if grade > self.max_grade:
            # Over the whole prose: from its first sentence to its last.
            spans = text.memo("sentence_words", sentence_words)
            yield Finding(
                spans[0][0],
                spans[-1][1],
                values={"grade": round(grade, 1), "target": self.max_grade, "words": counts.words},
            )
