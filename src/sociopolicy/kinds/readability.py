"""``readability``: reading grade and sentence length."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Literal, NamedTuple, TypeVar

from pydantic import Field, model_validator

from ..phrases import PhraseSet
from ..text import ends_sentence, prose_only, sentences
from .base import AnalysedText, Finding, RuleBase

__all__ = [
    "ProseCounts",
    "ReadabilityRule",
    "flesch_kincaid_grade",
    "has_long_sentence",
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


# Each spaced token is coded as one character: a word or not (w/n), and in
# capitals if it ends a sentence (W/N). Counting words and sentences is then
# done on the string of codes, in C.
_WORD, _WORD_ENDING, _OTHER, _OTHER_ENDING = "w", "W", "n", "N"
_SENTENCE_WITH_WORDS = re.compile("W|w[nw]*[WN]?")


def _word(token: str) -> str:
    """The word in a token ("" if none): edge punctuation stripped, digits alone not a word."""
    word = token.strip(_EDGES)
    return "" if word.isdigit() else word


def _code(token: str) -> str:
    """The code of one token (see above)."""
    if token == _LINE_BREAK_TOKEN:
        return _OTHER_ENDING
    if _word(token):
        return _WORD_ENDING if ends_sentence(token) else _WORD
    return _OTHER_ENDING if ends_sentence(token) else _OTHER


def _syllables_of(token: str) -> int:
    """The syllables of a token's word (0 if it has none)."""
    word = "" if token == _LINE_BREAK_TOKEN else _word(token)
    return syllables(word) if word else 0


# Tokens longer than this are worked out each time rather than remembered, so
# the caches stay small whatever text comes in.
_LONGEST_CACHED = 64
_T = TypeVar("_T")


class _TokenCache(dict[str, _T]):
    """A fact about each token, worked out once: tokens recur from text to text."""

    limit = 100_000

    def __init__(self, compute: Callable[[str], _T]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, token: str) -> _T:
        value = self.compute(token)
        if len(token) <= _LONGEST_CACHED:
            if len(self) >= self.limit:
                self.clear()
            self[token] = value
        return value


_TOKEN_CODES: _TokenCache[str] = _TokenCache(_code)
_TOKEN_SYLLABLES: _TokenCache[int] = _TokenCache(_syllables_of)


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
    #: Sentences that have words.
    sentences: int
    #: One character per spaced token: w/n for a word or not, W/N if it ends a sentence.
    codes: str


def has_long_sentence(codes: str, limit: int) -> bool:
    """True if :attr:`ProseCounts.codes` has a sentence of more than ``limit`` words."""
    words_and_ends = codes.replace(_OTHER, "")  # a sentence: w...w then W or N
    return _WORD * (limit + 1) in words_and_ends or _WORD * limit + _WORD_ENDING in words_and_ends


def _prose(text: str, prose: str | None = None) -> str:
    """The prose of ``text`` (same length), with no character mistaken for a line
    break; ``prose`` is ``prose_only(text)`` when it is already known."""
    if prose is None:
        prose = prose_only(text)
    return prose.replace(_LINE_BREAK_TOKEN, " ") if _LINE_BREAK_TOKEN in prose else prose


def _tokens(text: str, prose: str | None = None) -> list[str]:
    """The spaced tokens of the prose in ``text``, with a token for each line break."""
    prose = _prose(text, prose)
    if "\n" in prose:
        prose = prose.replace("\n", f" {_LINE_BREAK_TOKEN} ")
    return prose.split()


def prose_counts(text: str, prose: str | None = None) -> ProseCounts:
    """Words, syllables and sentences of the prose in ``text``.

    Addresses, handles and hashtags are left out. A word is a spaced token
    without its edge punctuation, unless it is only digits: "3.5km" is a word,
    "2026" and "-" are not. Sentences end as :func:`~sociopolicy.text.sentences`
    says.
    """
    tokens = _tokens(text, prose)
    codes = "".join(map(_TOKEN_CODES.__getitem__, tokens))
    return ProseCounts(
        words=len(codes) - codes.count(_OTHER) - codes.count(_OTHER_ENDING),
        syllables=sum(map(_TOKEN_SYLLABLES.__getitem__, tokens)),
        sentences=len(_SENTENCE_WITH_WORDS.findall(codes)),
        codes=codes,
    )


def sentence_words(text: str, prose: str | None = None) -> list[tuple[int, int, int]]:
    """``(start, end, words)`` of each sentence of the prose that has words.

    The same sentences as :func:`prose_counts` counts, with their spans: used
    to report the long ones, so it may be slower.
    """
    prose = _prose(text, prose)
    found = []
    for start, end in sentences(prose):
        codes = "".join(map(_TOKEN_CODES.__getitem__, prose[start:end].split()))
        words = codes.count(_WORD) + codes.count(_WORD_ENDING)
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
        default=None, ge=1, le=1000, description="Most words accepted in one sentence."
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

    def find(self, text: AnalysedText) -> Iterable[Finding]:
        # A cheap gate first: a text with few words has no long sentence and
        # no grade. Counting spaces, line breaks and tabs is quick; only when
        # that says "too few" are the words counted properly (other spaces,
        # such as no-break spaces, also separate words).
        body = text.text
        few = body.count(" ") + body.count("\n") + body.count("\t") + 1 < self.fewest_words
        if few and len(body.split()) < self.fewest_words:
            return ()
        return self._find(text)

    def _find(self, text: AnalysedText) -> Iterator[Finding]:
        # The prose (addresses left out) is shared with other rules' checks.
        prose = text.memo("prose", prose_only)
        counts = text.memo("prose_counts", lambda body: prose_counts(body, prose))
        limit = self.max_sentence_words
        if limit is not None and has_long_sentence(counts.codes, limit):
            for start, end, words in text.memo(
                "sentence_words", lambda body: sentence_words(body, prose)
            ):
                if words > limit:
                    values = {"words": words, "target": limit, "grade": None}
                    yield Finding(start, end, values=values)
        if self.max_grade is None or counts.words < self.min_words:
            return
        grade = flesch_kincaid_grade(counts.words, counts.sentences, counts.syllables)
        if grade > self.max_grade:
            # From the first sentence with words to the last (worked out only
            # now: few texts are reported).
            spans = text.memo("sentence_words", lambda body: sentence_words(body, prose))
            yield Finding(
                spans[0][0],
                spans[-1][1],
                values={"grade": round(grade, 1), "target": self.max_grade, "words": counts.words},
            )
