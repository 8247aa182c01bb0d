"""``pattern``: a regular expression, for what word lists cannot express."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal, NamedTuple

import regex
from pydantic import BeforeValidator, Field, StrictBool, StrictStr, WithJsonSchema, field_validator

from ..normalise import Normalised, cleaned
from ..patterncache import is_known, pattern_groups
from ..phrases import PhraseSet
from ..redos import pattern_size
from ..text import Spans, straighten, text_shape
from ._phrasing import compile_phrases
from .base import AnalysedText, CheckIncomplete, Finding, RuleBase

__all__ = [
    "MATCH_TIMEOUT_SECONDS",
    "MAX_EXPANDED_SIZE",
    "MAX_PATTERN_CHARS",
    "MAX_REPEAT_NESTING",
    "PatternRule",
]

logger = logging.getLogger(__name__)

#: The longest pattern a rule may have, the most pieces it may expand to when
#: compiled, and how deeply its repeated groups may nest (see redos.pattern_size).
MAX_PATTERN_CHARS = 20_000
MAX_EXPANDED_SIZE = 100_000
MAX_REPEAT_NESTING = 10
#: A pattern is stopped after this long on a text, plus MATCH_SECONDS_PER_MB per
#: megabyte of text; the rule is then reported as not completed.
MATCH_TIMEOUT_SECONDS = 0.25
MATCH_SECONDS_PER_MB = 2.0


def _word_lists(value: Any) -> Any:
    """A list of words is one list of words; a list of lists stays as it is."""
    if isinstance(value, list | tuple) and value:
        words = [isinstance(item, str) for item in value]
        if all(words):
            return (tuple(value),)
        if any(words):
            raise ValueError("write a list of words, or a list of lists of words, not a mix")
    return value


_WORD_LISTS_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "array", "items": {"type": "string"}},
        {"type": "array", "items": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    ]
}


def _flags(ignore_case: bool) -> int:
    return int(regex.VERSION0 | regex.UNICODE | (regex.IGNORECASE if ignore_case else 0))


class PatternRule(RuleBase):
    """Reports each match of a regular expression.

    The expression uses the syntax of the ``regex`` package (a superset of
    Python's ``re``), case-insensitive unless ``ignore_case: false``. Named groups
    are available to the message as ``{{ groups.name }}`` (``None`` when the group
    did not take part), and the whole match as ``{{ match }}``. Empty matches are
    ignored. Matches that lie inside an ``exceptions`` phrase are not reported.
    Curly apostrophes in the text match a straight ``'`` in the pattern.

    ``prefilter`` lists words of which at least one appears in every match
    (whole words, any capitals). The expression is then tried only on texts
    containing one of them, which makes the rule almost free on other texts.
    It may instead be a list of such lists: every match then has a word from
    each list. The rule's fail examples show when a list is too short.
    """

    KIND_SUMMARY = "A regular expression, for what word lists cannot express."
    TEMPLATE_NAMES = frozenset({"groups"})

    @property
    def group_names(self) -> tuple[str, ...]:
        """The named groups of the pattern."""
        return pattern_groups(self.pattern, _flags(self.ignore_case))

    kind: Literal["pattern"]
    pattern: StrictStr = Field(min_length=1, description="The regular expression.")
    exceptions: tuple[StrictStr, ...] = Field(
        default=(), description="Phrases inside which a match is not reported."
    )
    ignore_case: StrictBool = Field(default=True, description="Match regardless of capitals.")
    prefilter: Annotated[
        tuple[Annotated[tuple[StrictStr, ...], Field(min_length=1)], ...],
        BeforeValidator(_word_lists),
        WithJsonSchema(_WORD_LISTS_SCHEMA),
    ] = Field(
        default=(),
        description="Words, one of which every match contains; texts without any are skipped. "
        "Or a list of such lists: every match contains a word from each.",
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        # Checked before compiling: a pattern from anyone's fork must not make
        # loading slow or large. (A pattern the cache knows passed them before.)
        if is_known(value, _flags(True)):
            return value
        if len(value) > MAX_PATTERN_CHARS:
            raise ValueError(
                f"the pattern is {len(value):,} characters long; the most is "
                f"{MAX_PATTERN_CHARS:,} (split it into several rules)"
            )
        size = pattern_size(value)
        if size.pieces > MAX_EXPANDED_SIZE:
            raise ValueError(
                f"the pattern expands to {size.pieces:,} pieces when compiled (the most is "
                f"{MAX_EXPANDED_SIZE:,}); use smaller counts, or + and * instead"
            )
        if size.nesting > MAX_REPEAT_NESTING:
            raise ValueError(
                f"the pattern nests repeated groups {size.nesting} deep (the most is "
                f"{MAX_REPEAT_NESTING}); compiling it would take memory without end"
            )
        try:
            pattern_groups(value, _flags(True))
        except regex.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        except (RecursionError, OverflowError, MemoryError):
            raise ValueError("the pattern is nested too deeply or too large to compile") from None
        return value

    def matcher(self) -> _PatternMatcher:
        return _PatternMatcher(self)


#: Longer patterns are not analysed for a gate: reading them costs more than
#: the gate saves, and they are mostly long alternations that have none.
_LONGEST_GATED_PATTERN = 1500


class _Gate(NamedTuple):
    """A pattern's gate (see regexgate), with the shape bytes it needs, if any."""

    search: Callable[[str], re.Match[str] | None]
    needle: bytes | None
    #: The needle holds for any text, not only for ASCII ones.
    any_text: bool

    def admits(self, source: str, shape: bytes | None) -> bool:
        """True if ``source`` (whose text_shape is ``shape``, when known) has the gate."""
        if (
            self.needle is not None
            and shape is not None
            and (self.any_text or source.isascii())
            and self.needle not in shape
        ):
            return False  # told in C, without searching
        return self.search(source) is not None


def _compiled_gate(pattern: str, flags: int) -> _Gate | None:
    """The compiled gate of a pattern without a prefilter (see regexgate), or None."""
    if len(pattern) > _LONGEST_GATED_PATTERN:
        return None
    # Imported here: a ruleset restored from the cache has its gates already.
    from ..regexgate import gate_for, shape_needle

    source = gate_for(pattern, bool(flags & regex.IGNORECASE))
    if source is None:
        return None
    needle = shape_needle(source)
    return _Gate(
        re.compile(source).search,
        needle.needle if needle is not None else None,
        needle.any_text if needle is not None else True,
    )


def _straight_copy(copy: str) -> Callable[[str], str]:
    """For AnalysedText.memo: ``copy`` straightened, whatever text it is given."""
    return lambda _text: straighten(copy)


class _PatternMatcher:
    __slots__ = (
        "_gate",
        "_regex",
        "exceptions",
        "flags",
        "pattern",
        "phrase_sets",
        "prefilter",
        "required",
        "rule_id",
    )

    def __init__(self, rule: PatternRule) -> None:
        self.rule_id = rule.id
        # Compiled when a text first gets past the prefilter (see patterncache).
        self.pattern = rule.pattern
        self.flags = _flags(rule.ignore_case)
        self._regex: regex.Pattern[str] | None = None
        # Worked out by prepare() or at the first text (see regexgate); False until then.
        self._gate: _Gate | bool | None = False if not rule.prefilter else None
        self.exceptions = compile_phrases(
            rule.exceptions, ignore_case=rule.ignore_case, inflect=False
        )
        self.prefilter = tuple(
            PhraseSet(group, ignore_case=True, inflect=False) for group in rule.prefilter
        )
        self.required = self.prefilter[0] if self.prefilter else None
        exceptions = (self.exceptions,) if self.exceptions is not None else ()
        self.phrase_sets: tuple[PhraseSet, ...] = (*exceptions, *self.prefilter)

    def prepare(self) -> None:
        """Work out the gate now rather than at the first text (see CompiledRuleset.prepare)."""
        if self._gate is False:
            self._gate = _compiled_gate(self.pattern, self.flags)

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        if self.prefilter and not all(text.hits(group) for group in self.prefilter):
            return
        # Disguised text ("f\u200buck", look-alike letters) is matched as what it
        # spells, and what is found is mapped back to the text as written.
        normal: Normalised | None = text.memo("cleaned", cleaned)
        gate = self._gate
        if gate is False:
            gate = self._gate = _compiled_gate(self.pattern, self.flags)
        # The text as written, then (for a text with disguised words) its
        # normalised copy, whose matches are mapped back; a span found in both
        # is reported once.
        found: dict[tuple[int, int], dict[str, str | None]] = {}
        for way_back in (None, normal) if normal is not None else (None,):
            source = text.text if way_back is None else way_back.text
            if gate is not None and not gate.admits(  # type: ignore[union-attr]
                source,
                # The shape is of the text as written; made only for a gate that uses it.
                text.memo("shape", text_shape)
                if way_back is None and gate.needle is not None  # type: ignore[union-attr]
                else None,
            ):
                continue  # lacks what every match needs
            # Curly apostrophes are matched as straight ones (phones type one in
            # "I\u2019m"); the straightened text has the same length.
            subject = (
                text.memo("straight", straighten)
                if way_back is None
                else text.memo("straight cleaned", _straight_copy(source))
            )
            for match in self._matches(subject, len(text.text)):
                start, end = match.span()
                if start == end:
                    continue
                if way_back is not None:
                    start, end = way_back.span(start, end)
                if (start, end) in found:
                    continue
                groups: dict[str, str | None] = {}  # from the text as written
                for name in match.groupdict():
                    group_start, group_end = match.span(name)
                    if group_start < 0:
                        groups[name] = None
                        continue
                    if way_back is not None:
                        group_start, group_end = way_back.span(group_start, group_end)
                    groups[name] = text.text[group_start:group_end]
                found[start, end] = groups
        if not found:
            return
        shields = text.hits(self.exceptions) if self.exceptions else ()
        covered = Spans((s.start, s.end) for s in shields)
        for (start, end), groups in sorted(found.items()):
            if covered and covered.contain(start, end):
                continue
            yield Finding(start, end, values={"groups": groups})

    def _matches(self, subject: str, length: int) -> list[regex.Match[str]]:
        """Every match in ``subject``, within the time limit for a text of ``length``."""
        if self._regex is None:  # compiled when a text first gets past the gate
            try:
                self._regex = regex.compile(self.pattern, self.flags)
            except regex.error as exc:  # only if the pattern cache was tampered with
                raise CheckIncomplete(f"the pattern does not compile: {exc}") from None
        limit = MATCH_TIMEOUT_SECONDS + MATCH_SECONDS_PER_MB * max(length, len(subject)) / 1e6
        try:
            # Most texts have no match: one search answers that more cheaply
            # than starting an iterator.
            first = self._regex.search(subject, timeout=limit)
            if first is None:
                return []
            return list(self._regex.finditer(subject, first.start(), timeout=limit))
        except TimeoutError:
            logger.warning(
                "rule %s: pattern timed out on a text of %d characters", self.rule_id, length
            )
            raise CheckIncomplete(f"the pattern ran longer than {limit:.2f} s") from None
