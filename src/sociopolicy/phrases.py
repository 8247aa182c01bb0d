"""Find literal words and phrases fast, for every phrase-based rule at once.

A :class:`PhraseSet` is one rule's list of phrases (its terms, or its
exceptions), compiled once. A :class:`PhraseIndex` merges many sets so that a
draft is scanned a single time however many rules and phrases there are: one
regular expression, built as a character trie of every phrase, is searched
over the lower-cased text and returns the longest phrase starting at each word
(the regex engine branches on characters, so its cost barely grows with the
number of phrases); phrases that start at a later word inside a match are
looked for there, so overlapping phrases are all found.

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
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .normalise import Normalised, cleaned, decoded, is_word_char
from .reprogram import Program, compile_program, program_of
from .text import APOSTROPHES, Form, inflections, straighten

__all__ = ["Hit", "PhraseEntry", "PhraseIndex", "PhraseSet", "longest_first", "phrase_key"]

_APOSTROPHE_CLASS = "[" + APOSTROPHES + "]"
_SEPARATOR = r"[\s\-\u2010\u2011]+"
_SPLIT = re.compile(_SEPARATOR)
_INNER_WORD = re.compile(r"(?<!\w)(?<!\w" + _APOSTROPHE_CLASS + r")\w")
#: What ``re`` counts as whitespace (``\s``), listed so that no table is built at
#: import; a test checks it against ``str.isspace`` over every code point.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# Texts are scanned folded: every separator (whitespace, hyphen) becomes a space
# and every apostrophe a straight one. Folding keeps the length, so offsets stay
# right, and it keeps character classes out of the merged regex, which would
# otherwise take several times longer to compile.
# (Two substitutions, done by the regex engine, cost a quarter of str.translate
# with a table on text that is not ASCII.)
_OTHER_SEPARATORS = re.compile("[" + re.escape(WHITESPACE.replace(" ", "")) + "\\-\u2010\u2011]")
_CURLY_APOSTROPHES = re.compile("[" + APOSTROPHES.replace("'", "") + "]")


# For ASCII text, folding is one byte-for-byte translation.
_ASCII_SEPARATORS = bytes(code for code in range(128) if _OTHER_SEPARATORS.match(chr(code)))
_FOLD_ASCII = bytes.maketrans(_ASCII_SEPARATORS, b" " * len(_ASCII_SEPARATORS))


def fold(text: str) -> str:
    """``text`` with separators as spaces and apostrophes straight: same length."""
    if text.isascii():
        return text.encode("ascii").translate(_FOLD_ASCII).decode("ascii")
    return _CURLY_APOSTROPHES.sub("'", _OTHER_SEPARATORS.sub(" ", text))


_START = r"(?<!\w)(?<!\w')"
# A phrase that ends in a letter or digit ends at a word boundary. It must not
# end inside a word with an apostrophe either ("don" in "don't"; a possessive
# "'s" is fine): that is checked in Python (see _inside_word), as a lookahead per
# phrase would make the merged regex take three times longer to compile.
_END = r"\b"
_RESOLVED_CACHE_SIZE = 10_000
_LONGEST_CACHED_MATCH = 64


def _spelling(text: str) -> str:
    """Separators as one space, apostrophes straight, Unicode NFKC form; capitals kept."""
    spelled = straighten(_SPLIT.sub(" ", text.strip()))
    return spelled if spelled.isascii() else unicodedata.normalize("NFKC", spelled)


def phrase_key(text: str) -> str:
    """The lookup key of a phrase or match: lower case, one space, straight apostrophes."""
    return _spelling(text).lower()


def _escape(char: str) -> str:
    """A key's character in the merged regex, which runs on folded text."""
    return " +" if char == " " else re.escape(char)


def _inside_word(folded: str, end: int) -> bool:
    """Whether a phrase ending at ``end`` (after a word character) ends inside a word:
    an apostrophe follows, then a word character that is not a possessive ``s``."""
    if folded[end : end + 1] != "'":
        return False
    after = folded[end + 1 : end + 2]
    if not after or not is_word_char(after):
        return False
    return not (after in "sS" and not is_word_char(folded[end + 2 : end + 3] or " "))


@dataclass(frozen=True, slots=True)
class PhraseEntry:
    """One phrase of a set, as listed (``index`` into the rule's list)."""

    index: int
    phrase: str
    ignore_case: bool
    spellings: frozenset[str]  # accepted spellings with capitals, when case matters

    def __reduce__(self) -> tuple[type[PhraseEntry], tuple[int, str, bool, frozenset[str]]]:
        # Rebuilt by its constructor: much quicker to unpickle, by the thousand
        # (see rulesetcache), than a dataclass's default.
        return PhraseEntry, (self.index, self.phrase, self.ignore_case, self.spellings)


class Hit(NamedTuple):
    """A phrase found in a text: ``text[start:end]`` is the match."""

    start: int
    end: int
    entry: PhraseEntry
    form: Form


#: Builds a Hit from a tuple without the Python-level ``__new__`` of a NamedTuple.
_new_hit = tuple.__new__


#: The longest phrase a list may hold, in characters and in words: phrases are
#: a few words, and longer ones would make the merged expression costly.
MAX_PHRASE_CHARS = 200
MAX_PHRASE_WORDS = 20


def _within_limits(phrase: str) -> None:
    """Refuse a phrase longer than :data:`MAX_PHRASE_CHARS` or :data:`MAX_PHRASE_WORDS`."""
    words = len(phrase.split())
    if len(phrase) > MAX_PHRASE_CHARS or words > MAX_PHRASE_WORDS:
        shown = phrase if len(phrase) <= 40 else phrase[:39] + "\u2026"
        raise ValueError(
            f"the phrase '{shown}' has {len(phrase):,} characters in {words:,} words; the most "
            f"is {MAX_PHRASE_CHARS} characters in {MAX_PHRASE_WORDS} words"
        )


class PhraseSet:
    """A rule's list of literal phrases, compiled once."""

    def __init__(
        self,
        phrases: Sequence[str],
        *,
        ignore_case: bool = True,
        inflect: bool = True,
        leetspeak: bool = False,
    ) -> None:
        self.phrases = tuple(phrases)
        #: Also match words written in leetspeak ("sh1t"; see normalise.decoded).
        self.leetspeak = leetspeak
        #: lookup key -> (entry, inflection form) for every accepted spelling
        self.keys: dict[str, list[tuple[PhraseEntry, Form]]] = {}
        for index, phrase in enumerate(self.phrases):
            _within_limits(phrase)
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


# What a matched text stands for (see PhraseIndex._resolve).
_Resolved = tuple[tuple[tuple[int, PhraseEntry, Form, int], ...], bool]


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
            branches.append(_END if is_word_char(previous) else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"


class PhraseIndex:
    """Several phrase sets scanned together in one pass over the text."""

    def __init__(self, sets: Sequence[PhraseSet]) -> None:
        self.sets = tuple(sets)
        self._lookup: dict[str, list[tuple[int, PhraseEntry, Form]]] = {}
        self._leet_sets = tuple(n for n, s in enumerate(self.sets) if s.leetspeak)
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
        # Phrases that start with a letter or digit are found by one regex, a
        # character trie of every phrase: the engine branches on characters, so
        # its cost barely grows with the number of phrases, and it reports the
        # longest phrase starting at each word.
        word_initial, other_initial = _Trie(), _Trie()
        for key in self._lookup:
            (word_initial if is_word_char(key[0]) else other_initial).add(key)
        self._trie = word_initial.pattern() if word_initial.children else None
        # Keys are lower case, so a lower-cased text is matched without
        # IGNORECASE. The search looks only after a character that is not an
        # ASCII letter, digit or underscore (which the engine skips to with a
        # table lookup; _START then rules out other word characters) and
        # matches each phrase in a lookahead, so the longest phrase at every
        # word start is found, overlaps included. The text is searched with a
        # space in front, for a phrase at its very start.
        self._resolved: dict[str, _Resolved] = {}
        self._starts: re.Pattern[str] | None = None  # compiled by _word_starts
        #: Its program, kept so that a pickled index (the ruleset cache) carries it
        #: and is not compiled again (see reprogram.py).
        self._starts_program: Program | None = None
        self._any_case: re.Pattern[str] | None = None
        # Rare phrases that start with a symbol ("#tag") are searched for directly.
        self._symbolic: re.Pattern[str] | None = None
        if other_initial.children:
            self._symbolic = re.compile(
                r"(?<!\w)(?=(" + other_initial.pattern() + "))", re.IGNORECASE
            )

    def __getstate__(self) -> dict[str, Any]:
        """For the ruleset cache: the big expressions are made again when first
        used (from their programs, when kept), so a process pays only for the
        kinds of text it checks."""
        state = dict(self.__dict__)
        state.update(_starts=None, _any_case=None, _resolved={})
        return state

    def _word_starts(self) -> re.Pattern[str]:
        """The search for phrases starting with a letter or digit (see __init__)."""
        assert self._trie is not None
        if self._starts is None:
            source = "[^0-9a-z_]" + _START + "(?=(" + self._trie + "))"
            if self._starts_program is None:
                self._starts_program = program_of(source)
            self._starts = compile_program(self._starts_program, source)
        return self._starts

    def prepare(self) -> None:
        """Compile the scan now rather than at the first text (its program is then
        pickled with the index)."""
        if self._trie is not None:
            self._word_starts()

    def scan(self, text: str) -> list[list[Hit]]:
        """Hits for each set, in the order the sets were given.

        Disguised words are found too (see :mod:`sociopolicy.normalise`): the
        text is also scanned with invisible characters dropped, look-alike
        letters read as Latin ones and, for sets that ask for it, leetspeak
        read as letters; those hits point into ``text`` as written.
        """
        return self.scan_with(text, cleaned(text))

    def scan_with(self, text: str, normal: Normalised | None) -> list[list[Hit]]:
        """:meth:`scan`, given ``cleaned(text)`` already worked out."""
        found = self._scan_as_written(text)
        if normal is not None:
            self._add_disguised(found, normal, range(len(self.sets)))
        if self._leet_sets:
            leet = decoded(normal, text)
            if leet is not None:
                self._add_disguised(found, leet, self._leet_sets)
        return found

    def _add_disguised(
        self, found: list[list[Hit]], normal: Normalised, numbers: Iterable[int]
    ) -> None:
        """Add the hits in a normalised copy of the text that the text itself did not give."""
        more = self._scan_as_written(normal.text)
        for number in numbers:
            if not more[number]:
                continue
            hits = found[number]
            seen = {(h.start, h.end, h.entry.index, h.form) for h in hits}
            for hit in more[number]:
                start, end = normal.span(hit.start, hit.end)
                if (start, end, hit.entry.index, hit.form) not in seen:
                    hits.append(Hit(start, end, hit.entry, hit.form))
            hits.sort(key=lambda h: h.start)

    def _scan_as_written(self, text: str) -> list[list[Hit]]:
        found: list[list[Hit]] = [[] for _ in self.sets]
        folded = fold(text)
        if self._trie is not None:
            lowered = folded.lower()
            if len(lowered) == len(text):
                record = self._record
                for match in (self._starts or self._word_starts()).finditer(" " + lowered):
                    start, end = match.span(1)
                    record(found, text[start - 1 : end - 1], start - 1, folded)
            else:  # lower-casing changed the length ("İ"): match the text as it is
                self._scan_any_case(text, folded, found)
        if self._symbolic is not None:
            for match in self._symbolic.finditer(folded):
                start, end = match.span(1)
                self._record(found, text[start:end], start, folded)
        return found

    def _scan_any_case(self, text: str, folded: str, found: list[list[Hit]]) -> None:
        """The scan for a text whose lower-cased form has another length.

        The trie regex runs with IGNORECASE (compiled the first time it is
        needed) on the text as it is. After each match the search goes on
        past it, so phrases that start at a later word inside it ("pad thai"
        in "gap pad thai") are looked for there.
        """
        if self._any_case is None:
            assert self._trie is not None
            self._any_case = re.compile(_START + self._trie, re.IGNORECASE)
        search = self._any_case
        for match in search.finditer(folded):
            start, end = match.span()
            if not self._record(found, text[start:end], start, folded):
                continue
            for inner in _INNER_WORD.finditer(text, start + 1, end):
                overlap = search.match(folded, inner.start())
                if overlap is not None:
                    at = overlap.start()
                    self._record(found, text[at : overlap.end()], at, folded)

    def _record(self, found: list[list[Hit]], matched: str, start: int, folded: str) -> bool:
        """Add the hits a match stands for; True if it has more than one word.

        When the match ends inside a word ("don" in "don't"), only the shorter
        phrases made of its leading words count.
        """
        resolved = self._resolved.get(matched)
        if resolved is None:
            resolved = self._resolve(matched)
            if len(matched) <= _LONGEST_CACHED_MATCH:  # long ones (odd spacing) rarely recur
                if len(self._resolved) >= _RESOLVED_CACHE_SIZE:
                    self._resolved.clear()
                self._resolved[matched] = resolved
        entries, several_words = resolved
        whole = len(matched)
        # Most matches are not followed by an apostrophe: the full test is rare.
        cut = (
            folded[start + whole : start + whole + 1] == "'"
            and is_word_char(matched[-1])
            and _inside_word(folded, start + whole)
        )
        for number, entry, form, length in entries:
            if not (cut and length == whole):
                found[number].append(_new_hit(Hit, (start, start + length, entry, form)))
        return several_words

    def _resolve(self, matched: str) -> _Resolved:
        """What a match stands for: (set number, entry, form, length) for each
        phrase, and whether the match has more than one word.

        The regex reports the longest phrase; the shorter phrases made of its
        leading words are added here. This depends only on the matched text,
        so it is worked out once per spelling and remembered.
        """
        key = phrase_key(matched)
        resolved = self._entries(key, matched)
        for words, shorter in self._shorter.get(key, ()):
            pieces = _SPLIT.split(matched)
            separators = _SPLIT.findall(matched)
            part = "".join(p + s for p, s in zip(pieces[: words - 1], separators, strict=False))
            part += pieces[words - 1]
            resolved += self._entries(shorter, part)
        return tuple(resolved), _INNER_WORD.search(matched, 1) is not None

    def _entries(self, key: str, matched: str) -> list[tuple[int, PhraseEntry, Form, int]]:
        spelling: str | None = None
        entries = []
        for number, entry, form in self._lookup.get(key, ()):
            if not entry.ignore_case:
                if spelling is None:
                    spelling = _spelling(matched)
                if spelling not in entry.spellings:
                    continue
            entries.append((number, entry, form, len(matched)))
        return entries
