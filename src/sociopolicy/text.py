"""Text helpers shared by the rule kinds: positions, inflections and case."""

from __future__ import annotations

import bisect
import itertools
import re
import string
from collections.abc import Iterable, Iterator
from typing import Literal

import regex

__all__ = [
    "APOSTROPHES",
    "GRAPHEME",
    "Form",
    "LineIndex",
    "Spans",
    "ends_sentence",
    "grapheme_spans",
    "graphemes",
    "inflect",
    "inflections",
    "looks_like_name",
    "match_case",
    "parse_marked",
    "prose_only",
    "sentence_ends",
    "sentences",
    "starts_sentence",
    "straighten",
    "text_shape",
    "trimmed",
]

APOSTROPHES = "'\u2019\u02bc"
_TO_STRAIGHT = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))
_CURLY = tuple(APOSTROPHES.replace("'", ""))
Form = Literal["base", "s", "ed", "ing"]
_VOWELS = frozenset("aeiou")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Common irregular verbs likely to appear as plain-language replacements:
# base -> (-s form, past, -ing form).
_IRREGULAR: dict[str, tuple[str, str, str]] = {
    "be": ("is", "was", "being"),
    "begin": ("begins", "began", "beginning"),
    "buy": ("buys", "bought", "buying"),
    "do": ("does", "did", "doing"),
    "find": ("finds", "found", "finding"),
    "get": ("gets", "got", "getting"),
    "give": ("gives", "gave", "giving"),
    "go": ("goes", "went", "going"),
    "have": ("has", "had", "having"),
    "keep": ("keeps", "kept", "keeping"),
    "let": ("lets", "let", "letting"),
    "make": ("makes", "made", "making"),
    "pay": ("pays", "paid", "paying"),
    "put": ("puts", "put", "putting"),
    "run": ("runs", "ran", "running"),
    "say": ("says", "said", "saying"),
    "see": ("sees", "saw", "seeing"),
    "send": ("sends", "sent", "sending"),
    "set": ("sets", "set", "setting"),
    "show": ("shows", "showed", "showing"),
    "stop": ("stops", "stopped", "stopping"),
    "take": ("takes", "took", "taking"),
    "tell": ("tells", "told", "telling"),
    "think": ("thinks", "thought", "thinking"),
}


#: One grapheme cluster (a character as people see it).
GRAPHEME = regex.compile(r"\X")
# The grapheme regex looks back over every flag letter before a cluster, so a
# long run of them makes it slow; such texts are split into bounded pieces.
_LONG_FLAG_RUN = re.compile("[\U0001f1e6-\U0001f1ff]{16,}")
_LONGEST_CLUSTER = 64


def grapheme_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """The characters as people see them (grapheme clusters) in ``text[start:end]``.

    Linear in the length of the text, even for long runs of flag letters (each
    cluster is then matched on a slice of at most 64 characters, so a cluster
    longer than that, which no language writes, is cut there).
    """
    end = len(text) if end is None else end
    if _LONG_FLAG_RUN.search(text, start, end) is None:
        for cluster in GRAPHEME.finditer(text, start, end):
            yield cluster.span()
        return
    position = start
    while position < end:
        cluster = GRAPHEME.match(text[position : min(end, position + _LONGEST_CLUSTER)])
        size = cluster.end() if cluster is not None and cluster.end() else 1
        yield position, position + size
        position += size


def graphemes(text: str) -> list[str]:
    """The grapheme clusters of ``text``, in order (see :func:`grapheme_spans`)."""
    if _LONG_FLAG_RUN.search(text) is None:
        return GRAPHEME.findall(text)  # type: ignore[no-any-return]
    return [text[a:b] for a, b in grapheme_spans(text)]


class Spans:
    """Spans (start, end) to ask "does one of you contain this?" quickly.

    Sorted by start, with the furthest end reached so far: a span lies within
    one of them exactly when, among those starting at or before it, the
    furthest end reaches its end. Each question then costs a binary search, so
    checking many hits against many spans stays fast on long texts.
    """

    __slots__ = ("_reach", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))

    def __bool__(self) -> bool:
        return bool(self._starts)

    def contain(self, start: int, end: int) -> bool:
        """True if one of the spans contains ``start``..``end``."""
        index = bisect.bisect_right(self._starts, start)
        return index > 0 and self._reach[index - 1] >= end


class LineIndex:
    """Turns 0-based character offsets into 1-based (line, column) pairs.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (as editors count them).
    Columns count code points, so they agree with Python string offsets.
    """

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self._starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
            return
        starts = [0]
        find = text.find
        position = find("\n")
        while position != -1:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """Return the (line, column) of ``offset``, both 1-based."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def offset(self, line: int) -> int:
        """Return the offset at which 1-based ``line`` starts (the last line's, past the end)."""
        return self._starts[min(max(line, 1), len(self._starts)) - 1]


# Words whose full stop does not end a sentence ("Dr. Smith", "e.g. this").
_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "mx", "prof", "cr", "cllr", "hon", "st", "rd", "ave", "no", "vs"}
    | {"etc", "approx", "e.g", "i.e"}
)


def _not_after_abbreviation(abbreviations: Iterable[str]) -> str:
    """Lookbehinds that fail just after "Dr." or "e.g." written after a space, an
    opening bracket or quote, a slash or at the start (one pair per length, as
    ``re`` requires)."""
    by_length: dict[int, list[str]] = {}
    for word in sorted(abbreviations):
        by_length.setdefault(len(word), []).append(re.escape(word) + r"\.")
    lookbehinds = []
    for _, words in sorted(by_length.items()):
        either = "(?i:" + "|".join(words) + ")"
        lookbehinds.append(rf"(?<![\s(\[{{\"'\u201c\u2018/]{either})(?<!^{either})")
    return "".join(lookbehinds)


# A sentence ends at a run of ., !, ? or … (and any closing quotes or brackets)
# followed by a space or the end, or at a line break: "3.5" and "gov.au" go on,
# and so does the full stop of an abbreviation. (The regex starts with one
# character class, which the engine scans for fast.)
_SENTENCE_END = re.compile(
    r"[.!?\u2026\n](?:(?<=\n)|[.!?\u2026]*"
    # A closing quote or bracket after the stop ends the sentence even after an
    # abbreviation ('We said "No." Then'); without one, the abbreviation rules.
    + r"(?:[\"'\u2019\u201d)\]]+|"
    + _not_after_abbreviation(_ABBREVIATIONS)
    + r")(?=\s|\Z))"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the sentences in ``text``, blanks trimmed.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by a space or the
    end of the text, or at a line break (posts often use line breaks instead
    of full stops); a full stop after a common abbreviation ("Dr.", "e.g.")
    does not end one. Empty pieces are left out.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for end in (*sentence_ends(text), len(text)):
        if not text[start:end].isspace() and start < end:
            spans.append(trimmed(text, start, end))
        start = end
    return spans


def ends_sentence(token: str) -> bool:
    """True if a token without spaces ends a sentence ("done.", "Really?!", not "Dr.")."""
    return _SENTENCE_END.search(token) is not None


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end, in order (see :func:`sentences`)."""
    return [match.end() for match in _SENTENCE_END.finditer(text)]


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past spaces at either edge."""
    piece = text[start:end]
    kept = piece.strip()
    if not kept:
        return start, start
    start += len(piece) - len(piece.lstrip())
    return start, start + len(kept)


# Not prose: web addresses, email addresses, @handles and #hashtags.
# Searched in lower-cased text: a literal start lets the engine skip ahead.
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+")
_WEB_ADDRESS_ANY_CASE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# The sign first (the engine jumps from one to the next), then a look back
# past it: not after a word character or another '@'.
_HANDLE_OR_TAG = re.compile(r"[@#](?<![\w@].)\w+")
_EMAIL_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
_EMAIL_LOCAL = frozenset(".+-_")


def prose_only(text: str) -> str:
    """The text with addresses, handles and hashtags blanked out (same length).

    Offsets into the result are offsets into ``text``, so rules that judge the
    wording (capitals, reading grade) can ignore what is not prose. Each kind of
    address is found on its own, in time linear in the text: an email address is
    found from its ``@``, not tried at every word.
    """
    lowered = text.lower()
    if "@" not in text and "#" not in text and "://" not in text and "www." not in lowered:
        return text
    if len(lowered) == len(text):
        spans = [m.span() for m in _WEB_ADDRESS.finditer(lowered)]
    else:  # lower-casing changed the length ("İ"): search the text as it is
        spans = [m.span() for m in _WEB_ADDRESS_ANY_CASE.finditer(text)]
    spans += [m.span() for m in _HANDLE_OR_TAG.finditer(text)]
    at = text.find("@")
    while at != -1:
        domain = _EMAIL_DOMAIN.match(text, at)
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _EMAIL_LOCAL):
            start -= 1
        if domain is not None and start < at:
            spans.append((start, domain.end()))
        at = text.find("@", at + 1)
    if not spans:
        return text
    pieces: list[str] = []
    at = 0
    for start, end in sorted(spans):
        if end <= at:
            continue  # inside a span already blanked
        start = max(start, at)
        pieces += (text[at:start], " " * (end - start))
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


_SHAPE = bytes.maketrans(
    (string.ascii_uppercase + string.ascii_lowercase + string.digits).encode()
    + bytes(range(0x80, 0x100)),
    b"A" * 26 + b"a" * 26 + b"0" * 10 + b"\x80" * 0x80,
)


def text_shape(text: str) -> bytes:
    """The text's UTF-8 bytes with every ASCII capital as ``A``, small letter as
    ``a`` and digit as ``0``, other ASCII as it is and every other byte as 0x80.

    Made in C, once per text, it answers at once questions that a regex pass
    would take microseconds over: has the text two capitals in a row
    (``b"AA" in shape``)? An ASCII character is one byte, so a run of ASCII
    characters is the same run of shape bytes.
    """
    return text.encode("utf-8", "surrogatepass").translate(_SHAPE)


def straighten(text: str) -> str:
    """``text`` with curly and modifier apostrophes made straight ("let\u2019s" -> "let's")."""
    for curly in _CURLY:
        if curly in text:
            return text.translate(_TO_STRAIGHT)
    return text  # the usual case, and much quicker to tell than to translate


def inflect(word: str, form: Form) -> str:
    """Inflect a lower-case English word with the regular rules.

    ``utilise`` gives ``utilises``, ``utilised``, ``utilising``; ``apply`` gives
    ``applies``, ``applied``, ``applying``. A short table covers common irregular
    verbs (``begin`` -> ``began``, ``beginning``); other irregular forms and doubled
    consonants (``committed``) are not produced: list those in the ruleset.
    """
    if form == "base" or not word:
        return word
    irregular = _IRREGULAR.get(word)
    if irregular is not None:
        return irregular[("s", "ed", "ing").index(form)]
    consonant_y = len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS
    if form == "s":
        if word.endswith(("s", "x", "z", "ch", "sh")):
            return word + "es"
        return word[:-1] + "ies" if consonant_y else word + "s"
    if form == "ed":
        if word.endswith("e"):
            return word + "d"
        return word[:-1] + "ied" if consonant_y else word + "ed"
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and len(word) > 2:
        return word[:-1] + "ing"
    return word + "ing"


def inflections(word: str) -> dict[Form, str]:
    """The regular forms of ``word`` keyed by form, or just the word if it has none.

    Only words of three or more letters are inflected; ``COVID-19``, ``NSW`` or
    ``us`` are not. The original capitals are kept (``Party`` -> ``Parties``).
    """
    if len(word) < 3 or not word.isalpha():
        return {"base": word}
    if word.isupper():
        return {"base": word}
    lower = word.lower()
    forms: dict[Form, str] = {"base": word}
    for form in ("s", "ed", "ing"):
        variant = inflect(lower, form)
        shared = next(
            (i for i, (a, b) in enumerate(zip(lower, variant, strict=False)) if a != b),
            min(len(lower), len(variant)),
        )
        variant = word[:shared] + variant[shared:]
        if variant not in forms.values():
            forms[form] = variant
    return forms


_SENTENCE_ENDS = frozenset(".!?…:;\n")
# Quotes, brackets, dashes and bullets that may open a sentence or list item.
_OPENERS = frozenset("\"'\u201c\u2018([{\u00ab-\u2013\u2014*\u2022")


def starts_sentence(text: str, offset: int) -> bool:
    """True if ``offset`` begins a sentence, line or list item.

    Looks back past spaces and opening quotes or brackets: the start of the
    text, a line break, or sentence-ending punctuation counts as a start.
    """
    position = offset - 1
    while position >= 0 and (text[position] in " \t\r" or text[position] in _OPENERS):
        position -= 1
    return position < 0 or text[position] in _SENTENCE_ENDS


def looks_like_name(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` is capitalised mid-sentence, as names are.

    ``Home Assist`` or ``Endeavour Hills`` in the middle of a sentence; not a
    word at the start of a sentence, and not a word in capitals throughout.
    """
    word = text[start:end]
    return word[:1].isupper() and not word.isupper() and not starts_sentence(text, start)


def match_case(replacement: str, original: str) -> str:
    """Give ``replacement`` the capitalisation pattern of ``original``.

    ``UTILISE`` -> ``USE``; ``Utilise`` -> ``Use``; anything else is left as written.
    """
    letters = [c for c in original if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def parse_marked(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Remove ``[[...]]`` markers from an example and return the marked spans.

    Raises:
        ValueError: a marker is unbalanced, nested or empty.
    """
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    length = 0
    open_at: int | None = None
    while position < len(text):
        if text.startswith("[[", position):
            if open_at is not None:
                raise ValueError("'[[' inside another '[[...]]' marker")
            open_at = length
            position += 2
        elif text.startswith("]]", position) and open_at is not None:
            if open_at == length:
                raise ValueError("empty '[[]]' marker")
            spans.append((open_at, length))
            open_at = None
            position += 2
        else:
            plain.append(text[position])
            length += 1
            position += 1
    if open_at is not None:
        raise ValueError("'[[' without a closing ']]'")
    return "".join(plain), tuple(spans)
