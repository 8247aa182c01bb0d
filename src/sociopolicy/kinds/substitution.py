"""``substitution``: a word or phrase with a preferred replacement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    StrictBool,
    StrictStr,
    ValidationInfo,
    field_validator,
)

from ..phrases import PhraseSet
from ..text import inflect, match_case
from ._phrasing import compile_phrases, unshielded_hits
from .base import AnalysedText, Finding, RuleBase

__all__ = ["SubstitutionRule"]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Replacements = Annotated[tuple[StrictStr, ...], BeforeValidator(_as_list), Field(min_length=1)]


class SubstitutionRule(RuleBase):
    """Reports a word or phrase and suggests what to write instead.

    ``swap`` maps each term to one replacement or a list of them (best first).
    Matching works as for ``terms``. Replacements follow the match's capitals
    (``Utilise`` -> ``Use``) and, when the term matched an inflected form, the
    first word of the replacement is inflected the same way (``utilising`` ->
    ``using``). The message can use ``{{ match }}``, ``{{ term }}``,
    ``{{ replacement }}`` (the first) and ``{{ replacements }}`` (all).
    """

    KIND_SUMMARY = "A word or phrase with a preferred replacement."

    kind: Literal["substitution"]
    # ignore_case and inflect come first: the check of `swap` reads them.
    ignore_case: StrictBool = Field(default=True, description="Match regardless of capitals.")
    inflect: StrictBool = Field(
        default=True, description="Also match -s, -ed and -ing forms of each term's last word."
    )
    swap: dict[StrictStr, Replacements] = Field(
        min_length=1, description="Term -> replacement, or a list of replacements, best first."
    )
    exceptions: tuple[StrictStr, ...] = Field(
        default=(), description="Longer phrases inside which a term is not reported."
    )

    _terms: PhraseSet = PrivateAttr()
    _exceptions: PhraseSet | None = PrivateAttr(default=None)
    _replacements: tuple[tuple[str, ...], ...] = PrivateAttr()

    @field_validator("swap")
    @classmethod
    def _replacements_do_not_fire(
        cls, swap: dict[str, tuple[str, ...]], info: ValidationInfo
    ) -> dict[str, tuple[str, ...]]:
        ignore_case = info.data.get("ignore_case", True)
        inflect = info.data.get("inflect", True)
        terms = PhraseSet(list(swap), ignore_case=ignore_case, inflect=inflect)
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

    def model_post_init(self, context: Any, /) -> None:
        self._terms = PhraseSet(list(self.swap), ignore_case=self.ignore_case, inflect=self.inflect)
        self._replacements = tuple(self.swap.values())
        self._exceptions = compile_phrases(
            self.exceptions, ignore_case=self.ignore_case, inflect=self.inflect
        )

    def phrase_sets(self) -> tuple[PhraseSet, ...]:
        extra = (self._exceptions,) if self._exceptions else ()
        return (self._terms, *extra)

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        for hit in unshielded_hits(text, self._terms, self._exceptions):
            matched = text.text[hit.start : hit.end]
            replacements = tuple(
                match_case(_inflect_first_word(r, hit.form), matched)
                for r in self._replacements[hit.entry.index]
            )
            yield Finding(
                hit.start, hit.end, replacements=replacements, values={"term": hit.entry.phrase}
            )


def _inflect_first_word(replacement: str, form: Any) -> str:
    if form == "base":
        return replacement
    first, space, rest = replacement.partition(" ")
    if not first.isalpha() or not first.islower():
        return replacement
    return inflect(first, form) + space + rest
