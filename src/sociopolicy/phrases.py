"""Find literal words and phrases fast, for every phrase-based rule at once.

A :class:`PhraseSet` is one rule's list of phrases (its terms, or its
exceptions), compiled once. A :class:`PhraseIndex` merges many sets so that a
draft is scanned a single time however many rules and phrases there are: the
text's words are listed once, and at each word that begins some phrase one
regular expression, built as a character trie of every phrase, returns the
longest phrase starting there (the regex engine branches on characters, so its
cost barely grows with the number of phrases).

Matching rules, documented for ruleset authors in ``docs/ruleset-format.md``:

* whole words only; an apostrophe inside a word keeps it whole (``don`` does not
  match ``don't``), but a possessive ``'s`` is allowed (``chairman's``);
* case-insensitive unless the rule sets ``ignore_case: false``;
* words in a phrase match across any run of spaces, line breaks or hyphens;
* straight and curly apostrophes are the same;
* with ``inflect: true`` the last word also matches its regular forms
  (``utilise`` -> ``utilises``, ``utilised``, ``utilising``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .text import APOSTROPHES, Form, inflections

__all__ = ["Hit", "PhraseEntry", "PhraseIndex", "PhraseSet", "longest_first", "phrase_key"]

_APOSTROPHE_CLASS = "[" + APOSTROPHES + "]"
_START = r"(?<!\w)(?<!\w" + _APOSTROPHE_CLASS + ")"
_END = r"(?!\w)(?!" + _APOSTROPHE_CLASS + r"(?!s(?!\w))\w)"
_SEPARATOR = r"[\s\-\u2010\u2011]+"
_SPLIT = re.compile(_SEPARATOR)
_TO_STRAIGHT = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))
_WORD = re.compile(r"\w+")


def _spelling(text: str) -> str:
    """Separators as one space, apostrophes straight; capitals kept."""
    return _SPLIT.sub(" ", text.strip()).translate(_TO_STRAIGHT)


def phrase_key(text: str) -> str:
    """The lookup key of a phrase or match: lower case, one space, straight apostrophes."""
    return _spelling(text).lower()


def _escape(char: str) -> str:
    if char == "'":
        return _APOSTROPHE_CLASS
    if char == " ":
        return _SEPARATOR
    return re.escape(char)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True, slots=True)
class PhraseEntry:
    """One phrase of a set, as listed (``index`` into the rule's list)."""

    index: int
    phrase: str
    ignore_case: bool
    spellings: frozenset[str]  # accepted spellings with capitals, when case matters


class Hit(NamedTuple):
    """A phrase found in a text: ``text[start:end]`` is the match."""

    start: int
    end: int
    entry: PhraseEntry
    form: Form


class PhraseSet:
    """A rule's list of literal phrases, compiled once."""

    def __init__(
        self, phrases: Sequence[str], *, ignore_case: bool = True, inflect: bool = True
    ) -> None:
        self.phrases = tuple(phrases)
        #: lookup key -> (entry, inflection form) for every accepted spelling
        self.keys: dict[str, list[tuple[PhraseEntry, Form]]] = {}
        for index, phrase in enumerate(self.phrases):
            words = phrase_key(phrase).split(" ") if phrase.strip() else []
            if not words:
                continue
            written = _spelling(phrase).split(" ")
            last = written[-1]
            variants: dict[Form, str] = inflections(last) if inflect else {"base": last}
            spellings = {" ".join([*written[:-1], v]): form for form, v in variants.items()}
            entry = PhraseEntry(index, phrase, ignore_case, frozenset(spellings))
            for spelling, form in spellings.items():
                self.keys.setdefault(spelling.lower(), []).append((entry, form))
        self._own_index: PhraseIndex | None = None

    def find(self, text: str) -> list[Hit]:
        """Every occurrence of every phrase in ``text``, overlaps included."""
        if self._own_index is None:
            self._own_index = PhraseIndex([self])
        return self._own_index.scan(text)[0]


def longest_first(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the leftmost-longest hits that do not overlap, in text order."""
    chosen: list[Hit] = []
    reach = -1
    for hit in sorted(hits, key=lambda h: (h.start, -h.end, h.entry.index)):
        if hit.start >= reach:
            chosen.append(hit)
            reach = hit.end
    return chosen


class _Trie:
    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.terminal = False

    def add(self, word: str) -> None:
        node = self
        for char in word:
            node = node.children.setdefault(char, _Trie())
        node.terminal = True

    def pattern(self, previous: str = "") -> str:
        # Longer continuations are tried before ending here, so the regex
        # engine reports the longest phrase that starts at a position.
        branches = [
            _escape(char) + child.pattern(char) for char, child in sorted(self.children.items())
        ]
        if self.terminal:
            branches.append(_END if _is_word_char(previous) else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"


class PhraseIndex:
    """Several phrase sets scanned together in one pass over the text."""

    def __init__(self, sets: Sequence[PhraseSet]) -> None:
        self.sets = tuple(sets)
        self._lookup: dict[str, list[tuple[int, PhraseEntry, Form]]] = {}
        for number, phrase_set in enumerate(self.sets):
            for key, entries in phrase_set.keys.items():
                self._lookup.setdefault(key, []).extend((number, e, f) for e, f in entries)
        # For each key, the shorter keys that are its leading words ("gap" in
        # "gap pad"): the regex reports only the longest phrase at a position.
        self._shorter: dict[str, list[tuple[int, str]]] = {}
        for key in self._lookup:
            words = key.split(" ")
            prefixes = [(n, " ".join(words[:n])) for n in range(1, len(words))]
            found = [(n, p) for n, p in prefixes if p in self._lookup]
            if found:
                self._shorter[key] = found
        # Phrases that start with a letter or digit are found from the text's
        # words: a word that begins some phrase is checked with one anchored
        # trie regex, which returns the longest phrase starting there.
        # A one-word phrase is a candidate at its word; a longer one only where
        # its first two words follow each other.
        word_initial, other_initial = _Trie(), _Trie()
        singles: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        for key in self._lookup:
            if not _is_word_char(key[0]):
                other_initial.add(key)
                continue
            word_initial.add(key)
            words = _WORD.findall(key)
            if len(words) == 1:
                singles.add(words[0])
            else:
                pairs.add((words[0], words[1]))
        self._singles = frozenset(singles)
        self._pairs = frozenset(pairs)
        self._pair_starts = frozenset(first for first, _ in pairs)
        self._anchored: re.Pattern[str] | None = None
        if word_initial.children:
            self._anchored = re.compile(word_initial.pattern(), re.IGNORECASE)
        # Rare phrases that start with a symbol ("#tag") are searched for directly.
        self._symbolic: re.Pattern[str] | None = None
        if other_initial.children:
            self._symbolic = re.compile(
                r"(?<!\w)(?=(" + other_initial.pattern() + "))", re.IGNORECASE
            )

    def scan(self, text: str) -> list[list[Hit]]:
        """Hits for each set, in the order the sets were given."""
        found: list[list[Hit]] = [[] for _ in self.sets]
        anchored = self._anchored
        if anchored is not None:
            for start in self._candidates(text):
                if start > 1 and text[start - 1] in APOSTROPHES and text[start - 2].isalnum():
                    continue  # the "t" of "don't" does not start a word
                match = anchored.match(text, start)
                if match is not None:
                    self._record(found, match.group(), start)
        if self._symbolic is not None:
            for match in self._symbolic.finditer(text):
                self._record(found, match.group(1), match.start())
        return found

    def _candidates(self, text: str) -> list[int]:
        """Offsets of words where some phrase may start, in text order."""
        lowered = text.lower()
        if len(lowered) != len(text):
            return self._candidates_by_word(text)
        # In C: the text's words, and which phrase openings occur among them.
        words = _WORD.findall(lowered)
        present = set(self._singles.intersection(words))
        present.update(first for first, _ in self._pairs.intersection(itertools.pairwise(words)))
        if not present:
            return []
        # Then find just those words, as whole words, with str.find.
        starts: list[int] = []
        for word in present:
            size = len(word)
            position = lowered.find(word)
            while position != -1:
                end = position + size
                if (position == 0 or not _is_word_char(lowered[position - 1])) and (
                    end == len(lowered) or not _is_word_char(lowered[end])
                ):
                    starts.append(position)
                position = lowered.find(word, position + 1)
        starts.sort()  # hits in text order, whatever order the set gave the words
        return starts

    def _candidates_by_word(self, text: str) -> list[int]:
        """The same, word by word, for texts whose lower-case form changes length."""
        singles, pairs, pair_starts = self._singles, self._pairs, self._pair_starts
        starts: list[int] = []
        previous: str | None = None
        previous_start = -1
        for found in _WORD.finditer(text):
            word = found.group().lower()
            if (
                previous is not None
                and (previous, word) in pairs
                and (not starts or starts[-1] != previous_start)
            ):
                starts.append(previous_start)
            start = found.start()
            if word in singles:
                starts.append(start)
            if word in pair_starts:
                previous, previous_start = word, start
            else:
                previous = None
        return starts

    def _record(self, found: list[list[Hit]], matched: str, start: int) -> None:
        key = phrase_key(matched)
        self._add(found, key, matched, start, start + len(matched))
        for words, shorter in self._shorter.get(key, ()):
            pieces = _SPLIT.split(matched)
            separators = _SPLIT.findall(matched)
            part = "".join(p + s for p, s in zip(pieces[: words - 1], separators, strict=False))
            part += pieces[words - 1]
            self._add(found, shorter, part, start, start + len(part))

    def _add(self, found: list[list[Hit]], key: str, matched: str, start: int, end: int) -> None:
        spelling: str | None = None
        for number, entry, form in self._lookup.get(key, ()):
            if not entry.ignore_case:
                if spelling is None:
                    spelling = _spelling(matched)
                if spelling not in entry.spellings:
                    continue
            found[number].append(Hit(start, end, entry, form))
