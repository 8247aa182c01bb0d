"""``echo``: a reply that repeats personal details given in the comment it answers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal, get_args

from pydantic import Field, StrictStr

from ..phrases import PhraseSet
from .base import AnalysedText, Finding, RuleBase
from .privacy import ANY_DATE, STREET_ABBREVIATIONS, DetailKind, date_key, written_details

__all__ = ["EchoRule"]

_NAMES: dict[str, str] = {
    "email": "an email address",
    "number": "a phone or reference number",
    "street_address": "a street address",
    "date_of_birth": "a date of birth",
}
# Numbers are compared on their last eight digits, so that "+61 2 9876 5432"
# and "(02) 9876 5432" are the same number.
_KEY_DIGITS = 8


def _key(kind: str, written: str) -> str:
    """What two writings of the same detail have in common."""
    if kind == "number":
        return "".join(c for c in written if c.isdigit())[-_KEY_DIGITS:]
    if kind == "date_of_birth":
        return date_key(written) or " ".join(written.lower().split())
    words = written.lower().replace(",", " ").split()
    if kind == "street_address" and words:  # "Cl" and "Close" are the same street
        words[-1] = STREET_ABBREVIATIONS.get(words[-1].rstrip("."), words[-1])
    return " ".join(words)


#: Starts of free-call and local-rate numbers, which belong to services, not people.
DEFAULT_SERVICE_PREFIXES = ("1300", "1800", "0300", "0800", "0808", "0508")
# Service lines have at most this many digits; longer runs may be any number.
_SERVICE_DIGITS = 11


class EchoRule(RuleBase):
    """Reports a reply that repeats personal details the comment gave.

    Someone who posts their phone number or address in a comment should be
    moved to a private channel; a public reply must not post the details
    again. The rule runs on replies checked with ``in_reply_to``. ``detect``
    chooses what is compared:

    * ``email``: email addresses (any case);
    * ``number``: runs of eight or more digits, phone numbers as well as card,
      tax and customer numbers, compared on their last eight digits (however
      they are grouped or prefixed), except ``allowed_numbers``, the
      ruleset's ``vars.phone_numbers`` (the organisation's own) and service
      lines (``service_prefixes``);
    * ``street_address``: street addresses ("12 King St");
    * ``date_of_birth``: dates given after "DOB", "born" or "date of birth".

    The message can use ``{{ what }}`` (for example "a street address").
    """

    KIND_SUMMARY = "Personal details from the comment that the reply repeats."
    TEMPLATE_NAMES = frozenset({"what"})

    kind: Literal["echo"]
    detect: tuple[DetailKind, ...] = Field(
        default=get_args(DetailKind), min_length=1, description="What to compare."
    )
    allowed_numbers: tuple[StrictStr, ...] = Field(
        default=(), description="Numbers a reply may repeat (the organisation's own)."
    )
    service_prefixes: tuple[StrictStr, ...] = Field(
        default=DEFAULT_SERVICE_PREFIXES,
        description="Numbers of up to 11 digits that start with one of these are service "
        "lines, not personal numbers (Australia 1300/1800, UK 0300/0800/0808, NZ 0508/0800).",
    )

    def matcher(self) -> _EchoMatcher:
        return _EchoMatcher(self)


class _EchoMatcher:
    #: The ruleset vars ``bind`` reads (for the check that every var is used).
    READS_VARS = frozenset({"phone_numbers"})
    __slots__ = ("allowed", "detect", "phrase_sets", "required", "service_prefixes")

    def __init__(self, rule: EchoRule) -> None:
        self.detect = frozenset(rule.detect)
        self.service_prefixes = tuple(rule.service_prefixes)
        self.allowed = frozenset(_key("number", n) for n in rule.allowed_numbers)
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None

    def bind(self, variables: Mapping[str, Any]) -> None:
        """Also allow the organisation's own numbers, ``vars.phone_numbers``."""
        numbers = variables.get("phone_numbers")
        listed = [numbers] if isinstance(numbers, str | int) else numbers or []
        if isinstance(listed, list | tuple):
            keys = {_key("number", str(n)) for n in listed if isinstance(n, str | int)}
            self.allowed = self.allowed | keys

    def _is_service(self, written: str) -> bool:
        digits = "".join(c for c in written if c.isdigit())
        return len(digits) <= _SERVICE_DIGITS and digits.startswith(self.service_prefixes)

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        if not text.comment:
            return
        given: set[tuple[str, str]] = {
            (kind, _key(kind, text.comment[start:end]))
            for kind, start, end in written_details(text.comment, self.detect)
            if not (kind == "number" and self._is_service(text.comment[start:end]))
        }
        given -= {("number", key) for key in self.allowed}
        if not given:
            return
        reply = text.text
        found: dict[tuple[int, int], str] = {}
        for what, start, end in written_details(reply, self.detect):
            if (what, _key(what, reply[start:end])) in given:
                if what == "number" and reply[start - 1 : start] == "+":
                    start -= 1  # the country code's plus belongs to the number
                found[start, end] = what
        # A date of birth repeated without the words "born" or "DOB", in any
        # format, and an address copied without capital letters, still count.
        if "date_of_birth" in self.detect:
            for m in ANY_DATE.finditer(reply):
                if ("date_of_birth", date_key(m.group())) in given:
                    found.setdefault(m.span(), "date_of_birth")
        for kind, key in given:
            if kind == "street_address":
                words = r"\s+".join(re.escape(word) for word in key.split())
                for m in re.finditer(rf"(?<!\w){words}(?!\w)", reply, re.IGNORECASE):
                    found.setdefault(m.span(), kind)
        for (start, end), found_kind in sorted(found.items()):
            yield Finding(start, end, values={"what": _NAMES[found_kind]})
