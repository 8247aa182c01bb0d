"""``privacy``: personal information, each detector checked so look-alikes do not fire."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, get_args

from pydantic import Field, StrictStr, field_validator

from ..phrases import PhraseSet
from ..text import text_shape
from .base import AnalysedText, Finding, RuleBase

__all__ = [
    "ANY_DATE",
    "DETECTORS",
    "STREET_ABBREVIATIONS",
    "PrivacyRule",
    "date_key",
    "luhn_valid",
    "medicare_valid",
    "tfn_valid",
]

Detector = Literal[
    "email", "mobile", "credit_card", "tfn", "medicare", "date_of_birth", "street_address"
]
DETECTORS: tuple[str, ...] = get_args(Detector)

# An email address is found from its "@": the domain by this regex, the local
# part (letters, digits and "_.+-") by reading back from the "@". Searching for
# the whole address would try the regex at every character of the text.
_AT_DOMAIN = re.compile(r"@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b")
_LOCAL_PART = frozenset("_.+-")
# Mobile numbers: Australia 04xx xxx xxx, UK 07xxx xxxxxx, New Zealand 02x xxx xxxx,
# each also with the country code (+61 4.., +44 7..., +64 2..).
_MOBILE = re.compile(
    r"(?<![\d+])(?:"
    r"(?:\+?61[ -]?|0)4\d{2}[ -]?\d{3}[ -]?\d{3}"
    r"|(?:\+?44[ -]?|0)7\d{3}[ -]?\d{6}"
    # New Zealand: written with its prefix apart ("021 123 4567"), since run
    # together it cannot be told from a Sydney or Melbourne landline.
    r"|(?:\+?64[ -]?2[0-9]|02[0-9][ -])[ -]?\d{3,4}[ -]?\d{3,4}"
    r")(?!\d)"
)
# Runs of digits with single spaces or hyphens between groups (edges checked in code,
# which keeps the expression fast).
_DIGIT_RUN = r"\d(?:[ -]?\d){7,18}"
# A mobile number begins with one of these.
_MOBILE_STARTS = frozenset("+0123456789")
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s+(?:19|20)\d{2}"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2})"
)
_BIRTH = re.compile(
    r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday)\s*(?:(?:is|was|:|-)\s*)?("
    + _DATE
    + r")",
    re.IGNORECASE,
)

_ANY_DIGIT = r"\d"
# A street address: a number (with a unit), one to three capitalised words and a
# street type, as written in Australia, New Zealand and the UK.
_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Crescent|Cres|Parade|Pde"
    "|Terrace|Tce|Close|Cl|Way|Highway|Hwy|Boulevard|Blvd|Circuit|Cct|Grove|Gr|Square|Sq"
)
# The number comes first in the regex, so the engine can skip to digits fast;
# a unit ("Unit 3, ") before it is added afterwards.
_ADDRESS = (
    r"\d(?<!\w\d)\d{0,4}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
    r"_SPACE+(?:[A-Z][a-z'\u2019-]+_SPACE+){1,3}(?:" + _STREET_TYPES + r")\b"
)
_UNIT_WINDOW = 80  # characters looked back for a unit, far more than "Apartment 1234B, " needs
_UNIT_BEFORE = re.compile(r"\b(?:Unit|Apartment|Apt|Flat)\s*\d+[A-Za-z]?,?\s+\Z")


def _two_ways(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The pattern compiled for ASCII text (faster) and for any text.

    ``_SPACE`` in the pattern stands for a space as ``\\s`` finds it in any
    text (in ASCII mode ``\\s`` leaves out the separators \\x1c to \\x1f).
    """
    return (
        re.compile(pattern.replace("_SPACE", r"[\s\x1c-\x1f]"), re.ASCII),
        re.compile(pattern.replace("_SPACE", r"\s")),
    )


# For each: [0] on ASCII text, where it gives the same matches faster; [1] otherwise.
_DIGIT_RUNS = _two_ways(_DIGIT_RUN)
_DIGITS = _two_ways(_ANY_DIGIT)
_ADDRESSES = _two_ways(_ADDRESS)
# Every address ends in a street type, which the engine finds faster (it starts
# only at the capitals) than the address, which it tries at every digit.
_STREET_TYPE_ENDS = _two_ways(r"(?:" + _STREET_TYPES + r")\b")
#: The fewest digits a run of _DIGIT_RUN holds.
_FEWEST_RUN_DIGITS = 8


_TFN_WEIGHTS = (1, 4, 3, 7, 5, 8, 6, 9, 10)
_MEDICARE_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9)


def luhn_valid(digits: str) -> bool:
    """The Luhn check used by payment card numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def tfn_valid(digits: str) -> bool:
    """An Australian tax file number: 9 digits whose weighted sum is a multiple of 11."""
    return len(digits) == 9 and (
        sum(int(d) * w for d, w in zip(digits, _TFN_WEIGHTS, strict=True)) % 11 == 0
    )


def medicare_valid(digits: str) -> bool:
    """An Australian Medicare card number: 10 digits (11 with the person's number).

    The first digit is 2 to 6, and the ninth is the weighted sum of the first
    eight modulo 10.
    """
    if len(digits) not in (10, 11) or digits[0] not in "23456":
        return False
    check = sum(int(d) * w for d, w in zip(digits[:8], _MEDICARE_WEIGHTS, strict=True)) % 10
    return check == int(digits[8])


def _card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and digits[0] in "3456" and luhn_valid(digits)


# How each number is written: unbroken, or in its usual groups (so that a
# reference such as "2123 4567 01" is not taken for a Medicare number).
_TFN_FORMAT = re.compile(r"\d{3}[ -]?\d{3}[ -]?\d{3}")
_MEDICARE_FORMAT = re.compile(r"\d{4}[ -]?\d{5}[ -]?\d(?:[ -]?\d)?")
_FORMATS: dict[str, Callable[[str], bool]] = {
    "credit_card": lambda written: True,
    "tfn": lambda written: _TFN_FORMAT.fullmatch(written) is not None,
    "medicare": lambda written: _MEDICARE_FORMAT.fullmatch(written) is not None,
}
_NUMBER_CHECKS: dict[str, Callable[[str], bool]] = {
    "credit_card": _card,
    "tfn": tfn_valid,
    "medicare": medicare_valid,
}
_NAMES = {
    "email": "an email address",
    "mobile": "a mobile number",
    "credit_card": "a payment card number",
    "tfn": "a tax file number",
    "medicare": "a Medicare number",
    "date_of_birth": "a date of birth",
    "street_address": "a street address",
}


class PrivacyRule(RuleBase):
    """Reports personal information: each detector checks its find is real.

    ``detect`` chooses the detectors:

    * ``email``: an email address, unless its domain (or a parent domain) is in
      ``allowed_email_domains`` or the ruleset's ``vars.email_domains`` (the
      organisation's own addresses), or it is a role address such as
      ``info@``, ``bookings@`` or ``enquiries@`` (an organisation's, not a
      person's);
    * ``mobile``: an Australian, UK or New Zealand mobile number, in local or
      international form, unless listed in ``allowed_numbers`` or
      ``vars.phone_numbers``; service numbers
      (13, 1300, 1800, 000) are never mobiles;
    * ``credit_card``: 13 to 19 digits starting 3 to 6 that pass the Luhn check;
    * ``tfn``: 9 digits that pass the tax file number check;
    * ``medicare``: 10 or 11 digits that pass the Medicare check;
    * ``date_of_birth``: a date after "DOB", "date of birth", "born" or
      "birthday";
    * ``street_address``: a number, one to three capitalised words and a
      street type ("12 King St", "Unit 4, 27 Smith Street"). A council's own
      buildings have addresses too, so this suits comments and replies more
      than posts.

    Digits may be grouped with single spaces or hyphens. A number that fails
    its check (a wrong last digit) is not reported. The message can use
    ``{{ what }}`` (for example "a Medicare number").
    """

    KIND_SUMMARY = "Email addresses, mobile, card, TFN and Medicare numbers, dates of birth."
    TEMPLATE_NAMES = frozenset({"what"})

    kind: Literal["privacy"]
    detect: tuple[Detector, ...] = Field(min_length=1, description="The detectors to run.")
    allowed_email_domains: tuple[StrictStr, ...] = Field(
        default=(), description="Domains whose addresses may appear (the organisation's)."
    )
    allowed_numbers: tuple[StrictStr, ...] = Field(
        default=(), description="Phone numbers that may appear (digits compared only)."
    )

    @field_validator("allowed_email_domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(d.lower().lstrip("@.") for d in value)

    def matcher(self) -> _PrivacyMatcher:
        return _PrivacyMatcher(self)


class _PrivacyMatcher:
    #: The ruleset vars ``bind`` reads (for the check that every var is used).
    READS_VARS = frozenset({"phone_numbers", "email_domains"})
    __slots__ = (
        "allowed_domains",
        "allowed_numbers",
        "detect",
        "mobiles",
        "numbers",
        "phrase_sets",
        "required",
    )

    def __init__(self, rule: PrivacyRule) -> None:
        self.detect = frozenset(rule.detect)
        self.numbers = tuple(name for name in _NUMBER_CHECKS if name in self.detect)
        self.mobiles = "mobile" in self.detect
        self.allowed_domains = frozenset(rule.allowed_email_domains)
        self.allowed_numbers = frozenset(re.sub(r"\D", "", n) for n in rule.allowed_numbers)
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None

    def bind(self, variables: Mapping[str, Any]) -> None:
        """Also allow the organisation's own details listed in the ruleset's ``vars``.

        ``vars.email_domains`` and ``vars.phone_numbers`` (a value or a list).
        """
        domains = _strings(variables.get("email_domains"))
        numbers = _strings(variables.get("phone_numbers"))
        self.allowed_domains = self.allowed_domains | {d.lower().lstrip("@.") for d in domains}
        self.allowed_numbers = self.allowed_numbers | {re.sub(r"\D", "", n) for n in numbers}

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        body = text.text
        if "email" in self.detect and "@" in body:
            for start, end, domain in emails(body):
                if _is_role_address(body[start:end]):
                    continue
                parts = domain.lower().split(".")
                if not any(".".join(parts[i:]) in self.allowed_domains for i in range(len(parts))):
                    yield _found(start, end, "email")
        flavour = 0 if body.isascii() else 1
        shape = text.memo("shape", text_shape)
        if flavour == 0:  # an ASCII text's digits are the zeros of its shape
            start = shape.find(b"0")
            if start == -1:
                return
        else:
            first_digit = _DIGITS[flavour].search(body)
            if first_digit is None:
                return
            start = first_digit.start()
        # Numbers and addresses start with a digit: the text before the first is
        # skipped. A run of digits needs several; any non-ASCII character (two
        # or more shape bytes of 0x80) is counted as if it might be one.
        if (self.numbers or self.mobiles) and (
            shape.count(b"0") + shape.count(b"\x80") >= _FEWEST_RUN_DIGITS
        ):
            runs = _DIGIT_RUNS[flavour].finditer(body, start)
            yield from self._numbers(body, self.numbers, self.mobiles, runs)
        if "street_address" in self.detect and _STREET_TYPE_ENDS[flavour].search(body, start):
            for m in _ADDRESSES[flavour].finditer(body, start):
                start = m.start()
                # A unit just before (a bounded look back: no slower on long texts).
                unit = _UNIT_BEFORE.search(body, max(0, start - _UNIT_WINDOW), start)
                yield _found(unit.start() if unit else start, m.end(), "street_address")
        if "date_of_birth" in self.detect:
            lowered = text.memo("lower", str.lower)
            for start, end in birth_dates(body, lowered):
                yield _found(start, end, "date_of_birth")

    def _numbers(
        self,
        body: str,
        numbers: Sequence[str],
        mobiles: bool,
        digit_runs: Iterator[re.Match[str]],
    ) -> Iterator[Finding]:
        """Every long run of digits, checked as card/TFN/Medicare numbers, then as mobiles.

        Numbers that pass a check digit come first: they are the surer finds,
        and a nine-digit number can be both a valid TFN and a New Zealand mobile.
        """
        size = len(body)
        reported: set[tuple[int, int]] = set()
        for run in digit_runs:
            start, end = run.span()
            whole = not (
                (start > 0 and (body[start - 1].isalnum() or body[start - 1] in "-_"))
                or (end < size and (body[end].isalnum() or body[end] in "-_"))
            )  # not part of a code such as "ABN12345678", nor cut from a longer run
            if whole:
                digits = _digits(run.group())
                checked = next(
                    (n for n in numbers if _NUMBER_CHECKS[n](digits) and _FORMATS[n](run.group())),
                    None,
                )
                if checked is not None:
                    reported.add((start, end))
                    yield _found(start, end, checked)
                    continue
            if mobiles:
                # Mobiles are looked for around every run: two numbers written
                # one after the other form a single run of digits.
                for m in _mobiles_starting_in(body, max(0, start - 4), end):
                    if m.span() in reported or _digits(m.group()) in self.allowed_numbers:
                        continue
                    if start < m.start() < end and not m.group().startswith(("0", "+")):
                        continue  # "64 20..." inside a longer number is no country code
                    reported.add(m.span())
                    yield _found(m.start(), m.end(), "mobile")


def emails(body: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, domain)`` of each email address, left to right, none overlapping.

    The same addresses as searching for ``[\\w.+-]+@domain`` from each
    character that does not follow one of those characters, in linear time.
    """
    reached = 0
    for m in _AT_DOMAIN.finditer(body):
        at = start = m.start()
        while start > 0 and (body[start - 1].isalnum() or body[start - 1] in _LOCAL_PART):
            start -= 1
        # No local part, or one that began inside the last address found (an
        # address cannot start within another).
        if start == at or start < reached:
            continue
        reached = m.end()
        yield start, reached, m.group(1)


# Every date of birth begins with one of these (after lower-casing).
_BIRTH_STARTS = ("do", "d.o", "date", "born", "birth")


def birth_dates(body: str, lowered: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each date given as a date of birth ("DOB 3/4/1990").

    ``lowered`` is ``body.lower()``. Texts without the words a date of birth
    follows are skipped; in others the regex is tried only where one of its
    opening words appears, not at every character of the text.
    """
    if not body.isascii():
        # Case-blind matching reads "\u0130" and "\u0131" as "i" (and no other
        # character as one of these words' letters); "\u0130" lower-cases to an
        # "i" and a combining dot, which moves offsets.
        lowered = lowered.replace("\u0131", "i")
        if len(lowered) != len(body):
            if (
                "birth" in lowered.replace("\u0307", "")
                or "born" in lowered
                or "dob" in (lowered.replace(".", ""))
            ):
                for m in _BIRTH.finditer(body):
                    yield m.span(1)
            return
    if not ("born" in lowered or "birth" in lowered or "dob" in lowered.replace(".", "")):
        return
    starts = set()
    for word in _BIRTH_STARTS:
        at = lowered.find(word)
        while at != -1:
            starts.add(at)
            at = lowered.find(word, at + 1)
    reached = 0
    for at in sorted(starts):
        if at < reached:
            continue
        found = _BIRTH.match(body, at)
        if found is not None:
            reached = found.end()
            yield found.span(1)


def _mobiles_starting_in(body: str, first: int, last: int) -> Iterator[re.Match[str]]:
    """Mobile numbers that start between ``first`` and ``last`` (non-overlapping,
    leftmost first, as a search would find them), each read to its end.

    Each match is tried only where it could start, so a long text with many
    digit runs is not searched again and again to its end.
    """
    position = first
    while position <= last:
        if body[position : position + 1] not in _MOBILE_STARTS:
            position += 1
            continue
        match = _MOBILE.match(body, position)
        if match is None:
            position += 1
            continue
        yield match
        position = max(match.end(), position + 1)


# Local parts of addresses that belong to a role in an organisation, not a person.
_ROLE_ADDRESSES = frozenset(
    (
        "admin",
        "bookings",
        "booking",
        "contact",
        "enquiries",
        "enquiry",
        "events",
        "hello",
        "help",
        "info",
        "mail",
        "media",
        "membership",
        "members",
        "office",
        "reception",
        "sales",
        "secretary",
        "support",
        "team",
        "webmaster",
    )
)


def _is_role_address(address: str) -> bool:
    return address.split("@", 1)[0].lower() in _ROLE_ADDRESSES


def _strings(value: Any) -> list[str]:
    if isinstance(value, str | int):
        return [str(value)]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if isinstance(item, str | int)]
    return []


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _found(start: int, end: int, detector: str) -> Finding:
    return Finding(start, end, values={"what": _NAMES[detector]})


#: Street types written short, with their full names ("St" is "Street").
STREET_ABBREVIATIONS = {
    "st": "street", "rd": "road", "ave": "avenue", "ln": "lane", "dr": "drive", "ct": "court",
    "pl": "place", "cres": "crescent", "pde": "parade", "tce": "terrace", "cl": "close",
    "hwy": "highway", "blvd": "boulevard", "cct": "circuit", "gr": "grove", "sq": "square",
}  # fmt: skip
#: Any date as :data:`_DATE` writes it, wherever it appears.
ANY_DATE = re.compile(_DATE, re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def date_key(written: str) -> str | None:
    """A date as ``day-month-yy`` (two-digit year), however it was written; None if unclear."""
    numbers = re.findall(r"\d+", written)
    month_name = re.search(r"[A-Za-z]{3}", written)
    if month_name and month_name.group().lower() in _MONTHS and len(numbers) >= 2:
        month = _MONTHS.index(month_name.group().lower()) + 1
        day, year = numbers[0], numbers[-1]
    elif len(numbers) == 3:
        day, month, year = numbers[0], int(numbers[1]), numbers[2]
    else:
        return None
    return f"{int(day)}-{int(month)}-{year[-2:]}"


#: What :func:`written_details` finds, by kind: email, number, street_address, date_of_birth.
DetailKind = Literal["email", "number", "street_address", "date_of_birth"]


def written_details(text: str, kinds: frozenset[str]) -> Iterator[tuple[DetailKind, int, int]]:
    """``(kind, start, end)`` of every detail of those kinds written in ``text``.

    Unlike the privacy rule, nothing is checked or allowed: any email address,
    any run of eight or more digits (phone, card and reference numbers alike),
    any street address and any date given as a date of birth. Used to tell
    whether a reply repeats what a comment gave.
    """
    flavour = 0 if text.isascii() else 1
    if "email" in kinds and "@" in text:
        for start, end, _ in emails(text):
            yield "email", start, end
    if "number" in kinds:
        for m in _DIGIT_RUNS[flavour].finditer(text):
            yield "number", m.start(), m.end()
    if "street_address" in kinds:
        for m in _ADDRESSES[flavour].finditer(text):
            yield "street_address", m.start(), m.end()
    if "date_of_birth" in kinds:
        for m in _BIRTH.finditer(text):  # given any date after such words: no gate
            yield "date_of_birth", m.start(1), m.end(1)
