"""See through disguised words, with every position kept in the original text.

People dodge word lists: "f\u200buck" (a zero-width space), "\uff46\uff55\uff43\uff4b" (full-width
letters), "\u0455hit" (a Cyrillic letter in a Latin word), "sh1t" (a digit for a
letter). Matching runs on a normalised copy of the text as well as on the
text itself, and what it finds is mapped back, so a violation's ``start`` and
``end`` still point into the text as written (the excerpt shows the disguise).

:func:`cleaned` gives the copy for every phrase list and pattern:

* invisible characters are dropped: zero-width spaces and joiners, the word
  joiner, soft hyphens, byte-order marks and bidirectional controls;
* each character, with the combining marks after it, is put in Unicode NFKC
  form (full-width and mathematical letters, ligatures and circled letters
  become plain ones), and letters whose case folding differs from their lower
  case are folded (``ß`` to ``ss``);
* in a word that also has ASCII letters, letters of other scripts that look
  like Latin ones are read as those (Cyrillic ``\u0430``, Greek ``\u03bf``...). Words
  wholly in another script are left alone, so Russian text stays Russian.

:func:`decoded` then reads common leetspeak (``4`` a, ``3`` e, ``1``/``!``
i, ``0`` o, ``5``/``$`` s, ``7`` t) in words with at least three letters in
which such a character comes before a letter: "sh1t" and "b!tch", but not
"10am", "3pm", "Covid19" or a link such as "bit.ly/3xYz9Ab". Only lists
that ask for it (abuse and profanity lists, with ``leetspeak: true``) are
matched against it.

Both return None when they would change nothing, which is cheap to tell for
the usual text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

__all__ = ["Normalised", "cleaned", "decoded", "is_word_char"]

#: Characters that show nothing, dropped before matching.
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066"
    "\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufe00\ufe01\ufe02\ufe03"
    "\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f\ufeff\uffa0"
)
#: Letters of other scripts that look like Latin letters, and the letter each is
#: read as (in words that also have ASCII letters). Source: the Unicode
#: confusables data (https://www.unicode.org/Public/security/latest/confusables.txt),
#: the common Cyrillic and Greek ones.
LOOK_ALIKES = dict(
    zip(
        # Cyrillic, then Greek
        "\u0430\u0432\u0435\u0451\u0456\u0457\u0458\u043a\u043c\u043d\u043e\u0440"
        "\u0441\u0442\u0443\u0445\u0455\u0501\u051b\u051d\u0261\u04bb\u04cf\u0410"
        "\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0405"
        "\u0406\u0408\u051a\u051c\u03b1\u03bf\u03c1\u03bd\u03c4\u03b9\u03ba\u03c5"
        "\u03c7\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1"
        "\u03a4\u03a5\u03a7",
        "abeeiijkmhopctyxsdqwghlABEKMHOPCTYXSIJQWaopvtikuxABEZHIKMNOPTYX",
        strict=True,
    )
)
#: Leetspeak: digits and symbols written for letters.
#: ("@" is not among them: it starts handles and sits in email addresses.)
LEET = {"4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "5": "s", "$": "s", "7": "t"}

_INVISIBLE = re.compile("[" + INVISIBLE + "]")
_INVISIBLE_RUN = re.compile("[" + INVISIBLE + "]+")
# Each starts with the rare character, so the engine skips to it; then a look
# back (over the character just matched) or ahead for the letter beside it.
_INVISIBLE_IN_WORD = re.compile("[" + INVISIBLE + r"](?:(?<=\w.)|(?=\w))")
_NOT_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")
_VISIBLE_RUN = re.compile("[^" + INVISIBLE + "]+")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
_TO_LATIN = str.maketrans(LOOK_ALIKES)
_LOOK_ALIKE = re.compile("[" + "".join(LOOK_ALIKES) + "]")
_WORD_REST = re.compile(r"\w*")
_LOOK_ALIKE_IN_WORD = re.compile("[" + "".join(LOOK_ALIKES) + "](?:(?<=[A-Za-z].)|(?=[A-Za-z]))")
_ASCII_LETTER = re.compile("[A-Za-z]")
_FROM_LEET = str.maketrans(LEET)
_LEET_CLASS = re.escape("".join(LEET))
# A leet character just before a letter: the only texts worth decoding.
_LEET_BEFORE_LETTER = re.compile(f"[{_LEET_CLASS}][A-Za-z]")
_LEET_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + "".join(LEET))
_SPACE = re.compile(r"\s")
_ADDRESS_MARK = re.compile(r"/|@|www\.")


class _Piece(NamedTuple):
    """A run of the copy and where it came from in the original."""

    at: int  # start in the copy
    source: int  # start in the original
    length: int  # characters in the copy
    source_length: int  # characters in the original
    same: bool  # character for character (else every character maps to the whole source)


class Normalised:
    """A copy of a text made for matching, and the way back to the original."""

    __slots__ = ("_length", "_pieces", "_starts", "text")

    def __init__(self, text: str, pieces: Sequence[_Piece], length: int) -> None:
        self.text = text
        self._pieces = [piece for piece in pieces if piece.length]
        self._starts = [piece.at for piece in self._pieces]
        self._length = length  # of the original

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` came from."""
        if start >= len(self.text):
            return self._length, self._length
        first = self._pieces[bisect.bisect_right(self._starts, start) - 1]
        begin = first.source + (start - first.at) if first.same else first.source
        if end <= start:
            return begin, begin
        last_char = end - 1
        last = self._pieces[bisect.bisect_right(self._starts, last_char) - 1]
        if last.same:
            return begin, last.source + (last_char - last.at) + 1
        return begin, last.source + last.source_length


def _may_hide_words(text: str) -> bool:
    """Whether the text has a character that could disguise a word (cheap to tell).

    An invisible character next to a letter or digit (not the joiners and
    selectors inside emoji), a look-alike letter next to a Latin one, or a
    character whose compatibility form or case folding spells letters or
    digits (full-width and mathematical letters, ligatures, "\u00df"), or a
    combining mark. Common typography (no-break spaces, ellipses, curly
    quotes) is not, so most texts in any script need no copy.
    """
    if _INVISIBLE_IN_WORD.search(text) or _LOOK_ALIKE_IN_WORD.search(text):
        return True
    if (
        len(text) <= _CHECKED_WHOLE
        and unicodedata.is_normalized("NFKC", text)
        and text.casefold() == text.lower()
    ):
        return False  # the usual case, told in C (not for long texts: see _MOST_MARKS)
    return any(map(_spells_otherwise, set(_NOT_ASCII_CHAR.findall(text))))


#: Texts up to this long are asked as a whole whether they are in NFKC form.
_CHECKED_WHOLE = 10_000


@lru_cache(maxsize=4096)
def _spells_otherwise(char: str) -> bool:
    """Whether folding ``char`` gives other letters or digits (or it is a mark)."""
    if unicodedata.combining(char):
        return True
    folded = _fold(char)
    return folded != char and any(c.isalnum() for c in folded)


def _fold(cluster: str) -> str:
    normal = unicodedata.normalize("NFKC", cluster)
    folded = normal.casefold()
    return folded if folded != normal.lower() else normal


def cleaned(text: str) -> Normalised | None:
    """The text with invisible characters dropped, NFKC forms and look-alike
    letters read as Latin ones (see the module); None if that changes nothing."""
    if text.isascii() or not _may_hide_words(text):
        return None
    pieces: list[_Piece] = []
    out: list[str] = []
    at = 0  # position in the copy
    done = 0  # characters of the original copied so far
    for run in _NOT_ASCII.finditer(text):
        start, end = run.span()
        if unicodedata.combining(text[start]) and start > done:
            start -= 1  # the letter its marks belong to ("e" of "e\u0301") joins them
        if start > done:
            out.append(text[done:start])
            pieces.append(_Piece(at, done, start - done, start - done, True))
            at += start - done
        at = _fold_run(text, start, end, at, out, pieces)
        done = end
    if done < len(text):
        out.append(text[done:])
        pieces.append(_Piece(at, done, len(text) - done, len(text) - done, True))
    copy = "".join(out)
    if _LOOK_ALIKE.search(copy):  # same length: the pieces still hold
        copy = _latin_in_mixed_words(copy)
    if copy == text:
        return None
    return Normalised(copy, pieces, len(text))


#: Visible stretches are tested in chunks of this many characters: a chunk that
#: folding leaves as it is is copied whole, so every character is looked at a
#: bounded number of times whatever the text.
_CHUNK = 64
#: The most combining marks kept with one letter (Unicode's "stream-safe" limit
#: is 30): longer runs are folded in pieces, as Python's NFKC takes time that
#: grows with the square of a run's length.
_MOST_MARKS = 30


def _fold_run(
    text: str, start: int, end: int, at: int, out: list[str], pieces: list[_Piece]
) -> int:
    """Fold ``text[start:end]`` into ``out`` and ``pieces``; returns the new copy length.

    Runs of invisible characters are dropped whole, and chunks that folding
    leaves as they are (most emoji and other scripts) are copied whole, so a
    megabyte of either costs little; other chunks go a character (with its
    marks) at a time. Time grows in step with the length of the text.
    """
    position = start
    while position < end:
        hidden = _INVISIBLE_RUN.match(text, position, end)
        if hidden is not None:
            pieces.append(_Piece(at, position, 0, hidden.end() - position, False))
            position = hidden.end()
            continue
        visible = _VISIBLE_RUN.match(text, position, min(end, position + _CHUNK))
        stop = visible.end() if visible is not None else position + 1
        marks = 0
        while stop < end and unicodedata.combining(text[stop]) and marks < _MOST_MARKS:
            stop += 1  # marks stay with the letter they belong to
            marks += 1
        chunk = text[position:stop]
        if _unchanged(chunk):
            out.append(chunk)
            pieces.append(_Piece(at, position, len(chunk), len(chunk), True))
            at += len(chunk)
            position = stop
            continue
        while position < stop:
            # A character with the combining marks after it is one cluster.
            finish = position + 1
            while (
                finish < stop
                and unicodedata.combining(text[finish])
                and finish - position <= _MOST_MARKS
            ):
                finish += 1
            cluster = text[position:finish]
            if _INVISIBLE.fullmatch(cluster[0]):
                replacement = _INVISIBLE.sub("", cluster)
            else:
                replacement = _fold(cluster)
            out.append(replacement)
            pieces.append(
                _Piece(at, position, len(replacement), finish - position, replacement == cluster)
            )
            at += len(replacement)
            position = finish
    return at


def _unchanged(stretch: str) -> bool:
    return unicodedata.is_normalized("NFKC", stretch) and stretch.casefold() == stretch.lower()


def _latin_in_mixed_words(text: str) -> str:
    """Look-alike letters read as Latin in the words that also have ASCII letters.

    Found from each look-alike letter, out to its word's edges, each word
    looked at once: time grows in step with the text (a pattern such as
    ``\\w*[...]\\w*`` would backtrack over every long word).
    """
    pieces: list[str] = []
    done = 0
    for hit in _LOOK_ALIKE.finditer(text):
        if hit.start() < done:
            continue  # in the word just handled
        start = hit.start()
        while start > done and is_word_char(text[start - 1]):
            start -= 1
        end = _WORD_REST.match(text, hit.end()).end()  # type: ignore[union-attr]
        word = text[start:end]
        pieces += (
            text[done:start],
            word.translate(_TO_LATIN) if _ASCII_LETTER.search(word) else word,
        )
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def is_word_char(char: str) -> bool:
    """A letter, digit or underscore: what ``\\w`` matches."""
    return char.isalnum() or char == "_"


def _in_address(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in a run without spaces that holds a
    '/', an '@' or 'www.' (a link, a path or a handle). Looks only as far as
    that run reaches."""
    before = start
    while before > 0 and not text[before - 1].isspace():
        before -= 1
    after = _SPACE.search(text, end)
    return _ADDRESS_MARK.search(text, before, after.start() if after else len(text)) is not None


def decoded(normal: Normalised | None, text: str) -> Normalised | None:
    """Leetspeak read as letters in ``normal`` (or ``text`` when it is None);
    None if no word is written so (see the module)."""
    base = normal.text if normal is not None else text
    words: list[tuple[int, int]] = []
    looked_to = 0  # every word before this has been looked at (each once)
    for hit in _LEET_BEFORE_LETTER.finditer(base):
        start, end = hit.start(), hit.end()
        if start < looked_to:
            continue
        while start > 0 and base[start - 1] in _LEET_WORD_CHARS:
            start -= 1
        while end < len(base) and base[end] in _LEET_WORD_CHARS:
            end += 1
        looked_to = end
        word = base[start:end]
        if len(word) - sum(map(str.isdigit, word)) - word.count("!") - word.count("$") < 3:
            continue  # "10am", "3pm": too few letters to be a disguised word
        if not _in_address(base, start, end):  # links, paths and handles: "bit.ly/3xYz"
            words.append((start, end))
    if not words:
        return None
    pieces_of_copy: list[str] = []
    done = 0
    for start, end in words:
        pieces_of_copy += (base[done:start], base[start:end].translate(_FROM_LEET))
        done = end
    pieces_of_copy.append(base[done:])
    copy = "".join(pieces_of_copy)
    pieces = normal._pieces if normal is not None else [_Piece(0, 0, len(text), len(text), True)]
    return Normalised(copy, pieces, len(text))  # same length as its base: the same way back
