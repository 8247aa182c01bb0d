"""``punctuation``: repeated marks, text emoticons and symbol art."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr

from ..phrases import PhraseSet
from ..reprogram import Program, compile_program, program_of
from .base import AnalysedText, Finding, RuleBase

__all__ = ["DEFAULT_EMOTICONS", "PunctuationRule", "trie_pattern"]

#: Text emoticons screen readers read out character by character.
DEFAULT_EMOTICONS: tuple[str, ...] = (
    ":-)", ":)", ":-(", ":(", ";-)", ";)", ":-D", ":D", ":-P", ":P", ":p", ":-p",
    ":-O", ":O", ":o", ":-/", ":/", ":'(", ":-|", ":|", "xD", "XD", "<3", "</3",
    "^_^", "^^", "o_O", "O_o", "-_-", "T_T", "=)", "=(", "8-)", "B-)",
    "¯\\_(ツ)_/¯", "(╯°□°)╯︵ ┻━┻", "\u0295\u2022\u1d25\u2022\u0294", "(•_•)", "( ͡° ͜ʖ ͡°)",
)  # fmt: skip

# Runs of two or more "!" or "?" (including "?!"), and "‽", "⁇", "⁈" or "⁉"
# even alone. (Written to start with one character class, which the regex
# engine scans for fast.)
_REPEATED = re.compile(
    r"[!?\u203d\u2047-\u2049](?:[!?\u203d\u2047-\u2049]+|(?<=[\u203d\u2047-\u2049]))"
)
# Symbols repeated to draw a line or box: "-----", "*****", "~~~~", "=====>".
_SYMBOLS = "-=*~_#+.<>|/\\^"


def trie_pattern(
    options: Iterable[str], *, after_first: str = "", endings: Mapping[str, str] | None = None
) -> str:
    """A regex matching any of ``options``, longest first, as a character trie.

    The engine then compares each character once instead of trying every
    option in turn. ``after_first`` is inserted after the first character, and
    ``endings`` maps an option to a regex that must match after it.
    """
    ends = endings or {}
    tree: dict[str, Any] = {}
    for option in options:
        node = tree
        for char in option:
            node = node.setdefault(char, {})
        node[""] = ends.get(option, "")  # an option ends here

    def branches(node: dict[str, Any], first: bool) -> str:
        parts = [
            re.escape(char) + (after_first if first else "") + branches(child, False)
            for char, child in sorted(node.items())
            if char
        ]
        if "" in node:
            parts.append(node[""])  # last, so that longer options are tried first
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return branches(tree, True)


class PunctuationRule(RuleBase):
    """Reports punctuation that reads badly aloud or looks like shouting.

    Each check is off unless the rule switches it on, so one rule can be a
    warning and another a suggestion:

    * ``repeated: true`` reports runs of ``!`` and ``?`` ("!!!", "?!?", "‽"),
      suggesting a single mark;
    * ``emoticons: true`` reports text emoticons such as ``:-)`` and
      ``¯\\_(ツ)_/¯`` (the list is ``emoticon_list``), which screen readers
      read out symbol by symbol;
    * ``symbol_run`` reports the same symbol repeated that many times or more
      ("-----", "*****"), as used for lines and arrows.

    The message can use ``{{ match }}`` and ``{{ what }}`` (``repeated marks``,
    ``emoticon`` or ``symbol run``).
    """

    KIND_SUMMARY = "Repeated !/?, text emoticons and symbol art."
    TEMPLATE_NAMES = frozenset({"what", "replacement", "replacements"})

    kind: Literal["punctuation"]
    repeated: StrictBool = Field(default=False, description="Report runs of ! and ?.")
    emoticons: StrictBool = Field(default=False, description="Report text emoticons.")
    emoticon_list: tuple[Annotated[StrictStr, Field(min_length=1, max_length=20)], ...] = Field(
        default=DEFAULT_EMOTICONS, min_length=1, description="The emoticons to report."
    )
    symbol_run: int | None = Field(
        default=None,
        ge=2,
        le=100,
        description="Report a symbol repeated this many times or more.",
    )

    def matcher(self) -> _PunctuationMatcher:
        return _PunctuationMatcher(self)


def _pattern(source: str | None, program: Program | None) -> re.Pattern[str] | None:
    """The merged regex, from its program when there is one (see reprogram)."""
    return compile_program(program, source) if source is not None else None


class _PunctuationMatcher:
    __slots__ = ("phrase_sets", "program", "repeated", "required", "run", "source", "symbols")

    def __init__(self, rule: PunctuationRule) -> None:
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None
        self.repeated = rule.repeated
        self.run = rule.symbol_run
        # Emoticons and symbol runs are found by one regex, a character trie:
        # one pass over the text, which the regex engine can skip through to
        # the characters that start one of them.
        endings: dict[str, str] = {}
        if rule.emoticons:
            # Only as a whole token: "10:30)" or "a:b" are not emoticons.
            endings = {
                emoticon: rf"(?<![^\s(\[].{{{len(emoticon)}}})(?=$|[\s.,!?)\]])"
                for emoticon in rule.emoticon_list
            }
        if rule.symbol_run is not None:
            for symbol in _SYMBOLS:
                line = symbol * rule.symbol_run
                more = re.escape(symbol) + "*"
                endings[line] = f"(?:{endings[line]}|{more})" if line in endings else more
        self.source = trie_pattern(endings, endings=endings) if endings else None
        # Kept as a program too, so a restored ruleset does not compile it again.
        self.program = program_of(self.source) if self.source is not None else None
        self.symbols = _pattern(self.source, self.program)

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if name != "symbols"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.symbols = _pattern(self.source, self.program)

    def _what(self, found: str) -> str:
        """What a match of the merged regex is: a symbol run or an emoticon."""
        run = (
            self.run is not None
            and len(found) >= self.run
            and found[0] in _SYMBOLS
            and found.count(found[0]) == len(found)
        )
        return "symbol run" if run else "emoticon"

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        body = text.text
        if self.repeated and (
            "!" in body
            or "?" in body
            or (not body.isascii() and any(mark in body for mark in "\u203d\u2047\u2048\u2049"))
        ):
            for m in _REPEATED.finditer(body):
                mark = "?" if "?" in m.group() or "\u203d" in m.group() else "!"
                yield Finding(
                    m.start(), m.end(), replacements=(mark,), values={"what": "repeated marks"}
                )
        if self.symbols is not None:
            for m in self.symbols.finditer(body):
                yield Finding(m.start(), m.end(), values={"what": self._what(m.group())})
