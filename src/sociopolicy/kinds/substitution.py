"""``substitution``: a word or phrase with a preferred replacement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictStr,
    ValidationInfo,
    field_validator,
)

from .._common import one_or_many
from ..phrases import Hit, PhraseSet
from ..text import Form, inflect, match_case
from ._phrasing import PhraseMatcher, PhraseRuleBase
from .base import AnalysedText, Finding

__all__ = ["SubstitutionRule"]


Replacements = Annotated[tuple[StrictStr, ...], BeforeValidator(one_or_many), Field(min_length=1)]


class SubstitutionRule(PhraseRuleBase):
    """Reports a word or phrase and suggests what to write instead.

    ``swap`` maps each term to one replacement or a list of them (best first).
    Matching works as for ``terms``. Replacements follow the match's capitals
    (``Utilise`` -> ``Use``) when the term is written in lower case (a term
    written with capitals, such as an acronym, keeps its replacement as
    written) and, when the term matched an inflected form, the
    first word of the replacement is inflected the same way (``utilising`` ->
    ``using``). The message can use ``{{ match }}``, ``{{ term }}``,
    ``{{ replacement }}`` (the first) and ``{{ replacements }}`` (all).
    """

    KIND_SUMMARY = "A word or phrase with a preferred replacement."
    TEMPLATE_NAMES = frozenset({"term", "replacement", "replacements"})

    kind: Literal["substitution"]
    # The shared options (ignore_case, inflect...) come first, so the check of
    # `swap` below can read them.
    swap: dict[StrictStr, Replacements] = Field(
        min_length=1, description="Term -> replacement, or a list of replacements, best first."
    )

    @field_validator("swap")
    @classmethod
    def _replacements_do_not_fire(
        cls, swap: dict[str, tuple[str, ...]], info: ValidationInfo
    ) -> dict[str, tuple[str, ...]]:
        terms = PhraseSet(
            list(swap),
            ignore_case=info.data.get("ignore_case", True),
            inflect=info.data.get("inflect", True),
        )
        for term, replacements in swap.items():
            for replacement in replacements:
                for hit in terms.find(replacement):
                    if hit.start == 0 and hit.end == len(replacement):
                        raise ValueError(
                            f"the replacement '{replacement}' for '{term}' is itself reported "
                            f"(as '{hit.entry.phrase}'); following the advice would fire the "
                            "rule again"
                        )
        return swap

    def matcher(self) -> _SubstitutionMatcher:
        return _SubstitutionMatcher(self)


# Replacements remembered per matcher, at most (the cache is then emptied).
_KNOWN_SIZE = 10_000


class _SubstitutionMatcher(PhraseMatcher):
    __slots__ = ("known", "replacements")

    def __init__(self, rule: SubstitutionRule) -> None:
        super().__init__(rule, list(rule.swap))
        self.replacements = tuple(rule.swap.values())
        #: Replacements already worked out, by (term index, form, matched text).
        self.known: dict[tuple[int, Form, str], tuple[str, ...]] = {}

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        for hit in self.hits(text):
            matched = text.text[hit.start : hit.end]
            key = (hit.entry.index, hit.form, matched)
            replacements = self.known.get(key)
            if replacements is None:
                replacements = self._replacements(hit, matched)
                if len(matched) <= 64:  # long matches (odd spacing) rarely recur
                    if len(self.known) >= _KNOWN_SIZE:
                        self.known.clear()
                    self.known[key] = replacements
            yield Finding(
                hit.start, hit.end, replacements=replacements, values={"term": hit.entry.phrase}
            )

    def _replacements(self, hit: Hit, matched: str) -> tuple[str, ...]:
        # Capitals follow the text only for terms written in lower case: a
        # term written with capitals ("DA") keeps its replacement as written.
        follow_case = hit.entry.phrase == hit.entry.phrase.lower()
        return tuple(
            match_case(_inflect_first_word(r, hit.form), matched)
            if follow_case
            else _inflect_first_word(r, hit.form)
            for r in self.replacements[hit.entry.index]
        )


def _inflect_first_word(replacement: str, form: Form) -> str:
    if form == "base":
        return replacement
    first, space, rest = replacement.partition(" ")
    if not first.isalpha() or not first.islower():
        return replacement
    return inflect(first, form) + space + rest
