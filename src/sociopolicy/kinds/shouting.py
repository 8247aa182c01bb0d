"""``shouting``: words in capitals, which read as shouting."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Literal

import regex
from pydantic import Field, StrictBool, StrictStr

from ..phrases import PhraseSet
from ..text import Spans, prose_only, starts_sentence
from .base import AnalysedText, Finding, RuleBase

__all__ = ["ShoutingRule"]

# A word: letters and digits, joined by hyphens or apostrophes ("COVID-19", "DON'T").
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
# A word with no lower-case letter and at least one capital: capitals, digits,
# inner hyphens or apostrophes. Groups of digits may come before the first
# capital ("12-ABC"); numbers alone are never matched, so a long text of
# figures costs no match objects. Each regex has a faster twin for ASCII text,
# which finds the same words there.
_CAPITAL_WORD = regex.compile(
    r"(?<![\p{L}\p{N}])(?:\p{N}+['\u2019\-])*\p{N}*\p{Lu}[\p{Lu}\p{N}]*"
    r"(?:['\u2019\-][\p{Lu}\p{N}]+)*(?![\p{L}\p{N}])"
)
# The ASCII twin is written to start with a character class, so the regex
# engine skips straight to digits and capitals; the look-behind after it says
# the word starts there, and the branch on that first character takes the
# place of the leading digit groups.
_ASCII_CAPITAL_WORD = re.compile(
    r"[0-9A-Z](?<![A-Za-z0-9].)"
    r"(?:(?<=[0-9])[0-9]*(?:['\-][0-9]+)*['\-]?[A-Z]|(?<=[A-Z]))"
    r"[A-Z0-9]*(?:['\-][A-Z0-9]+)*(?![A-Za-z0-9])"
)
_TWO_CAPITALS = regex.compile(r"\p{Lu}\p{Lu}")
_ASCII_TWO_CAPITALS = re.compile(r"[A-Z][A-Z]")
# Between the words of one run: spaces and light punctuation, no sentence end.
_RUN_GAP = re.compile(r"[\s,;:&/()\"'\u2019\u201c\u201d\-]*")
# A label of up to three words that opens a line (perhaps after an emoji or a
# symbol) and ends with a colon, when the next word is not in capitals too
# ("⚠️ UPDATE: the depot", not "ALERT: KEEP OUT").
_LABEL = regex.compile(
    r"^[ \t]*(?:[^\p{L}\p{N}\s]+[ \t]*)*((?:\p{L}+[ \t]+){0,2}\p{L}+)[ \t]*:(?=\s*\S*\p{Ll})",
    regex.MULTILINE,
)
# A keyword to send by text message follows "text", "txt" or "sms" and comes
# before "to" and a number ("text STOP to 0400 000 000"): the word and what
# follows it, read from each word in capitals (see keywords).
_WORD_RUN = re.compile(r"\w+")
_TO_NUMBER = re.compile(r"\s+to\s+\+?\d[\d ]{2,}", re.IGNORECASE)


class ShoutingRule(RuleBase):
    """Reports words written in capitals, which read as shouting.

    A word counts when it has at least two letters, all of them capitals, and
    is not in ``allow``. Short words in capitals are usually acronyms (NSW,
    SES), so a single word is reported only if it has at least ``min_letters``
    letters, and words with digits (COVID-19) never count alone; but
    ``min_run`` capitalised words in a row are reported whatever their length
    ("DO NOT ENTER"). When at least ``max_ratio`` of a text's words of
    ``min_letters`` letters or more are in capitals, the whole text is reported
    once instead. The suggested replacement is the span in lower case (sentence
    case at the start of a sentence), keeping allowed words as they are. The
    message can use ``{{ match }}`` and ``{{ words }}`` (how many words).

    Two uses of capitals are not shouting: a label of up to three words that
    opens a line and ends with a colon ("UPDATE:", "ROAD CLOSURE:") when the
    next word is not in capitals too, unless ``labels: false``; and a keyword
    to send by text message ("text STOP to 0400 000 000").
    """

    KIND_SUMMARY = "Words in capitals, by length, run and share of the text."
    TEMPLATE_NAMES = frozenset({"words", "replacement", "replacements"})

    kind: Literal["shouting"]
    min_letters: int = Field(
        default=5, ge=2, le=100, description="Letters a single word in capitals needs to count."
    )
    min_run: int = Field(
        default=3, ge=2, description="Capitalised words in a row that count whatever their length."
    )
    max_ratio: float | None = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Share of long words in capitals above which the whole text is reported.",
    )
    min_words: int = Field(
        default=6, ge=1, description="Long words a text needs before max_ratio applies."
    )
    allow: tuple[StrictStr, ...] = Field(
        default=(), description="Words that may be written in capitals (acronyms, names)."
    )
    labels: StrictBool = Field(
        default=True,
        description="Allow a label of up to three words in capitals that opens a line and "
        "ends with a colon ('UPDATE:').",
    )

    def matcher(self) -> _ShoutingMatcher:
        return _ShoutingMatcher(self)


class _ShoutingMatcher:
    __slots__ = (
        "allow",
        "labels",
        "long_word",
        "max_ratio",
        "min_letters",
        "min_run",
        "min_words",
        "phrase_sets",
        "required",
    )

    def __init__(self, rule: ShoutingRule) -> None:
        self.allow = frozenset(word.upper() for word in rule.allow)
        self.min_letters = rule.min_letters
        self.min_run = rule.min_run
        self.max_ratio = rule.max_ratio
        self.min_words = rule.min_words
        self.labels = rule.labels
        self.long_word = regex.compile(rf"\p{{L}}{{{rule.min_letters},}}")
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None

    def find(self, text: AnalysedText) -> Iterable[Finding]:
        plain = text.text.isascii()
        two_capitals = _ASCII_TWO_CAPITALS if plain else _TWO_CAPITALS
        if two_capitals.search(text.text) is None:
            return ()  # no word in capitals at all: the usual case
        return self._find(text, plain)

    def _find(self, text: AnalysedText, plain: bool) -> Iterator[Finding]:
        # Web addresses, handles and hashtags are not prose: their capitals are
        # not shouting (hashtags have their own rules).
        body = text.memo("prose", prose_only)
        capital_words = _ASCII_CAPITAL_WORD if plain else _CAPITAL_WORD
        words = []
        letters: list[int] = []  # of each word
        for m in capital_words.finditer(body):
            word = m.group()
            if word not in self.allow:
                count = _letters(word)
                if count >= 2:
                    words.append((m.start(), m.end(), word))
                    letters.append(count)
        if not words:
            return
        kept = keywords(body, [(start, end) for start, end, _ in words])
        if self.labels and ":" in body:
            # A label opens a line: only the lines with words in capitals are read.
            for line_start in _line_starts(body, [start for start, _, _ in words]):
                label = _LABEL.match(body, line_start)
                if label is not None:
                    kept.append(label.span(1))
        if kept:
            covered = Spans(kept)
            uncovered = [i for i, w in enumerate(words) if not covered.contain(w[0], w[1])]
            words = [words[i] for i in uncovered]
            letters = [letters[i] for i in uncovered]
            if not words:
                return
        long_capital = {
            i
            for i, (_, _, word) in enumerate(words)
            if letters[i] >= self.min_letters and not _has_digit(word)
        }
        if self.max_ratio is not None and long_capital:
            # Long words are counted only as far as the answer needs: in a long
            # text with a few words in capitals, the count soon passes the most
            # that would let them reach the share.
            long_words = 0
            for _ in self.long_word.finditer(body):
                long_words += 1
                if self.max_ratio * long_words > len(long_capital):
                    break  # the share can no longer be reached (the test below, reversed)
            if long_words >= self.min_words and len(long_capital) >= self.max_ratio * long_words:
                yield self._finding(text.text, body, words[0][0], words[-1][1], len(words))
                return
        for start, end, count in self._runs(body, words, long_capital):
            yield self._finding(text.text, body, start, end, count)

    def _runs(
        self, body: str, words: list[tuple[int, int, str]], long_capital: set[int]
    ) -> Iterator[tuple[int, int, int]]:
        """Runs of capitalised words; a run is kept if long enough or holding a long word."""
        i = 0
        while i < len(words):
            j = i
            while j + 1 < len(words) and _RUN_GAP.fullmatch(body, words[j][1], words[j + 1][0]):
                j += 1
            count = j - i + 1
            if count >= self.min_run or any(k in long_capital for k in range(i, j + 1)):
                yield words[i][0], words[j][1], count
            i = j + 1

    def _finding(self, original: str, body: str, start: int, end: int, count: int) -> Finding:
        span = body[start:end]
        if original[start:end] != span:
            # The span holds an address or hashtag: no mechanical fix for it.
            return Finding(start, end, values={"words": count})
        lowered = _WORD.sub(
            lambda m: m.group() if m.group().upper() in self.allow else m.group().lower(), span
        )
        if starts_sentence(body, start):
            lowered = lowered[:1].upper() + lowered[1:]
        replacements = (lowered,) if lowered != span else ()
        return Finding(start, end, replacements=replacements, values={"words": count})


def keywords(body: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The keywords to send by text message among ``words`` (spans of words in
    capitals), as ``\\b(?:text|txt|sms)\\s+(\\w+)\\s+to\\s+\\+?\\d[\\d ]{2,}`` (any
    case) would give them in its group.

    Read around each word rather than by searching the whole text, so a long
    text with "text" somewhere costs no more than the words in capitals.
    """
    folded = body.casefold()  # IGNORECASE reads "\u017fms" as "sms"
    if "text" not in folded and "txt" not in folded and "sms" not in folded:
        return []
    found = []
    run_end = 0  # where the last run of word characters read ends
    for start, _ in words:
        if start < run_end:
            continue  # in the run just read: a run is read once, however many words
        # The keyword is the whole run of word characters the capitals are in
        # ("a_STOP"): back to its start (never before the last run), then over
        # the spaces before it.
        run_start = start
        while run_start > run_end and (body[run_start - 1].isalnum() or body[run_start - 1] == "_"):
            run_start -= 1
        run = _WORD_RUN.match(body, run_start)
        if run is None:  # pragma: no cover - a word in capitals is a run of word characters
            continue
        run_end = run.end()
        before = run_start
        while before > 0 and body[before - 1].isspace():
            before -= 1
        if before == run_start:
            continue
        command = next(
            (
                before - len(c)
                for c in ("text", "txt", "sms")
                if before >= len(c) and body[before - len(c) : before].casefold() == c
            ),
            -1,
        )
        if command < 0 or (
            command > 0 and (body[command - 1].isalnum() or body[command - 1] == "_")
        ):
            continue
        if _TO_NUMBER.match(body, run_end):
            found.append(run.span())
    return found


def _line_starts(body: str, offsets: list[int]) -> list[int]:
    """The start of each line holding one of ``offsets`` (sorted), once each;
    each character is looked at once, however many offsets share a line."""
    starts: list[int] = []
    newline = -1
    searched = 0
    for offset in offsets:
        found = body.rfind("\n", searched, offset)
        if found != -1:
            newline = found
        searched = max(searched, offset)
        if not starts or starts[-1] != newline + 1:
            starts.append(newline + 1)
    return starts


def _has_digit(word: str) -> bool:
    return any(map(str.isdigit, word))


def _letters(word: str) -> int:
    return sum(map(str.isalpha, word))
