"""``requires``: something a text must contain when a condition holds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StrictBool, StrictStr

from .._common import one_or_many
from ..phrases import PhraseSet, longest_first
from ..text import Spans
from .base import AnalysedText, Finding, RuleBase
from .links import URL_PATTERN
from .privacy import written_details

__all__ = ["RequiresRule"]


class RequiresRule(RuleBase):
    """Reports a text that lacks something it must have.

    When one of the ``trigger`` phrases appears (or always, without
    ``trigger``; ``when`` can add context conditions), at least ``min_count``
    different entries of ``require`` must appear too. An entry may be a list
    of phrases for the same thing (``[Lifeline, 13 11 14]``): any of them counts
    once. With ``contact_details: true`` a phone number, email address or web
    address in the text also counts once. A post that mentions suicide must
    give two crisis services; a reply that takes a conversation offline must
    give a contact channel. Phrases match as for ``terms``. The
    finding spans the first trigger (or the whole text). The message can use
    ``{{ found }}`` (how many were found) and ``{{ needed }}``.
    """

    KIND_SUMMARY = "Something a text must contain when a trigger phrase appears."
    TEMPLATE_NAMES = frozenset({"found", "needed"})

    kind: Literal["requires"]
    trigger: tuple[StrictStr, ...] = Field(
        default=(), description="Phrases that make the requirement apply (none: always)."
    )
    require: tuple[Annotated[tuple[StrictStr, ...], BeforeValidator(one_or_many)], ...] = Field(
        min_length=1,
        description="Things of which at least min_count must appear; each is a phrase, or a "
        "list of phrases that name the same thing (a service's name and its number).",
    )
    min_count: int = Field(default=1, ge=1, description="How many different ones are needed.")
    contact_details: StrictBool = Field(
        default=False,
        description="A phone number, email address or web address in the text counts as "
        "one more of the required things (a way to get in touch).",
    )

    def matcher(self) -> _RequiresMatcher:
        return _RequiresMatcher(self)


class _RequiresMatcher:
    __slots__ = (
        "contact",
        "item_of",
        "min_count",
        "phrase_sets",
        "required",
        "requirement",
        "trigger",
    )

    def __init__(self, rule: RequiresRule) -> None:
        self.trigger = PhraseSet(rule.trigger, inflect=True) if rule.trigger else None
        phrases = [phrase for item in rule.require for phrase in item]
        self.item_of = [number for number, item in enumerate(rule.require) for _ in item]
        self.requirement = PhraseSet(phrases, inflect=False)
        self.min_count = rule.min_count
        self.phrase_sets: tuple[PhraseSet, ...] = tuple(
            s for s in (self.trigger, self.requirement) if s is not None
        )
        self.required: PhraseSet | None = self.trigger
        self.contact = rule.contact_details

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        body = text.text
        present = longest_first(text.hits(self.requirement))
        if self.trigger is not None:
            # A trigger inside a required phrase ("Suicide Call Back Service") is no trigger.
            covered = Spans((p.start, p.end) for p in present)
            triggers = [
                t
                for t in longest_first(text.hits(self.trigger))
                if not covered.contain(t.start, t.end)
            ]
            if not triggers:
                return
            start, end = triggers[0].start, triggers[0].end
        else:
            stripped = body.strip()
            if not stripped:
                return
            start = len(body) - len(body.lstrip())
            end = start + len(stripped)
        found = len({self.item_of[hit.entry.index] for hit in present})
        if self.contact and found < self.min_count and _has_contact_details(body):
            found += 1
        if found < self.min_count:
            yield Finding(start, end, values={"found": found, "needed": self.min_count})


def _has_contact_details(text: str) -> bool:
    """True if the text gives a phone number, an email address or a web address."""
    if URL_PATTERN.search(text) or _BARE_ADDRESS.search(text):
        return True
    return any(True for _ in written_details(text, _CONTACT_KINDS))


_CONTACT_KINDS = frozenset({"email", "number"})
# A web address without "www." or a scheme: example.gov.au/bins.
_BARE_ADDRESS = re.compile(
    r"(?<![\w@.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov|com|org|net|edu)(?:\.[a-z]{2})?(?:/\S*)?\b"
)
