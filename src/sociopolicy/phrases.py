"""Find literal words and phrases fast, for every phrase-based rule at once.

A :class:`PhraseSet` is one rule's list of phrases (its terms, or its
exceptions), compiled once. A :class:`PhraseIndex` merges many sets so that a
draft is scanned a single time however many rules there are:

1. one regular expression, built as a character trie of every phrase's first
   word, finds candidate positions (the regex engine branches on characters, so
   the cost barely grows with the number of phrases);
2. each candidate is confirmed against the phrases that start with that word.

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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .text import APOSTROPHES, Form, inflections

__all__ = ["Hit", "PhraseEntry", "PhraseIndex", "PhraseSet", "longest_first"]

_APOSTROPHE_CLASS = "[" + APOSTROPHES + "]"
_START = r"(?<!\w)(?<!\w" + _APOSTROPHE_CLASS + ")"
_END = r"(?!\w)(?!" + _APOSTROPHE_CLASS + r"(?!s(?!\w))\w)"
_SEPARATOR = r"[\s\-\u2010\u2011]+"
_SPLIT = re.compile(_SEPARATOR)
_TO_STRAIGHT = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))


def normalise_word(word: str) -> str:
    """The lookup key of a word: lower case, straight apostrophes."""
    return word.lower().translate(_TO_STRAIGHT)


def _escape(word: str) -> str:
    return "".join(_APOSTROPHE_CLASS if c == "'" else re.escape(c) for c in word)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True, slots=True)
class PhraseEntry:
    """One phrase of a set, as listed (``index`` into the rule's list)."""

    index: int
    phrase: str
    ignore_case: bool
    forms: dict[str, Form]  # normalised last word -> form
    rest: re.Pattern[str] | None  # the words after the first, for multi-word phrases
    exact_first: frozenset[str]  # the first word's accepted spellings, when case matters


@dataclass(frozen=True, slots=True)
class Hit:
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
        self.by_first_word: dict[str, list[PhraseEntry]] = {}
        for index, phrase in enumerate(self.phrases):
            self._add(index, phrase, ignore_case=ignore_case, inflect=inflect)
        self._own_index: PhraseIndex | None = None

    def _add(self, index: int, phrase: str, *, ignore_case: bool, inflect: bool) -> None:
        words = [w for w in _SPLIT.split(phrase.strip()) if w]
        if not words:
            return
        last = words[-1]
        variants: dict[Form, str] = inflections(last) if inflect else {"base": last}
        forms = {normalise_word(v): form for form, v in variants.items()}
        rest: re.Pattern[str] | None = None
        if len(words) > 1:
            body = "".join(_SEPARATOR + _escape(w) for w in words[1:-1])
            last_words = sorted(variants.values(), key=len, reverse=True)
            body += _SEPARATOR + "(?:" + "|".join(_escape(v) for v in last_words) + ")"
            if _is_word_char(last[-1]):
                body += _END
            rest = re.compile(body, re.IGNORECASE if ignore_case else 0)
            keys = [normalise_word(words[0])]
            exact = frozenset({words[0].translate(_TO_STRAIGHT)})
        else:
            keys = list(forms)
            exact = frozenset(v.translate(_TO_STRAIGHT) for v in variants.values())
        entry = PhraseEntry(index, phrase, ignore_case, forms, rest, exact)
        for key in keys:
            self.by_first_word.setdefault(key, []).append(entry)

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
        self._lookup: dict[str, list[tuple[int, PhraseEntry]]] = {}
        trie = _Trie()
        for number, phrase_set in enumerate(self.sets):
            for key, entries in phrase_set.by_first_word.items():
                if key not in self._lookup:
                    trie.add(key)
                self._lookup.setdefault(key, []).extend((number, e) for e in entries)
        self._regex: re.Pattern[str] | None = None
        if self._lookup:
            start = _START if any(_is_word_char(k[0]) for k in self._lookup) else ""
            self._regex = re.compile(start + trie.pattern(), re.IGNORECASE)

    def scan(self, text: str) -> list[list[Hit]]:
        """Hits for each set, in the order the sets were given."""
        found: list[list[Hit]] = [[] for _ in self.sets]
        if self._regex is None:
            return found
        lookup = self._lookup
        for match in self._regex.finditer(text):
            word = match.group()
            key = normalise_word(word)
            for number, entry in lookup.get(key, ()):
                if not entry.ignore_case and word.translate(_TO_STRAIGHT) not in entry.exact_first:
                    continue
                end = match.end()
                if entry.rest is not None:
                    rest = entry.rest.match(text, end)
                    if rest is None:
                        continue
                    end = rest.end()
                    last_key = normalise_word(_SPLIT.split(rest.group())[-1])
                    form = entry.forms.get(last_key, "base")
                else:
                    form = entry.forms.get(key, "base")
                found[number].append(Hit(match.start(), end, entry, form))
        return found
