"""The privacy detectors: real numbers are found, look-alikes are not."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sociopolicy import check_draft
from sociopolicy.kinds import privacy
from sociopolicy.kinds.privacy import luhn_valid, medicare_valid, tfn_valid
from sociopolicy.text import text_shape

from .conftest import WriteRuleset

RULE = "privacy.personal-information"
filler = st.text(alphabet="abcdefgh XYZ.,!?\n", max_size=40)


def _found(text: str) -> list[tuple[str, str]]:
    return [(v.excerpt, v.message) for v in check_draft(text).violations if v.rule_id == RULE]


@st.composite
def tfns(draw: st.DrawFn) -> str:
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    total = sum(d * w for d, w in zip(first, (1, 4, 3, 7, 5, 8, 6, 9), strict=True))
    check = total % 11  # 10 * check = -check (mod 11), so check = total mod 11
    assume(check < 10)
    number = "".join(map(str, [*first, check]))
    return f"{number[:3]} {number[3:6]} {number[6:]}"


@st.composite
def cards(draw: st.DrawFn) -> str:
    body = [4, *draw(st.lists(st.integers(0, 9), min_size=14, max_size=14))]
    for check in range(10):
        if luhn_valid("".join(map(str, [*body, check]))):
            number = "".join(map(str, [*body, check]))
            return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    raise AssertionError("a Luhn check digit always exists")  # pragma: no cover


def _break(number: str) -> str:
    """The same number with its check digit changed (the last digit of the checked part)."""
    chars = list(number)
    position = max(i for i, c in enumerate(chars) if c.isdigit())
    chars[position] = str((int(chars[position]) + 1) % 10)
    return "".join(chars)


@given(tfns(), filler, filler)
def test_a_valid_tfn_is_found_anywhere(number: str, before: str, after: str) -> None:
    assert tfn_valid(number.replace(" ", ""))
    text = f"{before} {number} {after}"
    assert _found(text) == [(number, _message("a tax file number"))]
    # With a wrong check digit it is no tax file number (it may still look like
    # a phone number, which is reported as one).
    broken = _found(f"{before} {_break(number)} {after}")
    assert all("tax file number" not in message for _, message in broken)


@given(cards(), filler, filler)
def test_a_valid_card_is_found_anywhere(number: str, before: str, after: str) -> None:
    text = f"{before} {number} {after}"
    assert _found(text) == [(number, _message("a payment card number"))]
    assert _found(f"{before} {_break(number)} {after}") == []


@given(st.integers(2, 6), st.lists(st.integers(0, 9), min_size=7, max_size=7), filler)
def test_a_valid_medicare_number_is_found(first: int, rest: list[int], after: str) -> None:
    body = [first, *rest]
    check = sum(d * w for d, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9), strict=True)) % 10
    number = "".join(map(str, body)) + str(check)
    grouped = f"{number[:4]} {number[4:]} 1"
    assert medicare_valid(grouped.replace(" ", ""))
    assert _found(f"Card {grouped} {after}") == [(grouped, _message("a Medicare number"))]
    wrong = number[:8] + str((check + 1) % 10)
    assert _found(f"Card {wrong[:4]} {wrong[4:]} 1 {after}") == []


def _message(what: str) -> str:
    return (
        f"This looks like {what}; never post someone's personal details, "
        "and check it is not yours to share."
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call Jo on 0412 345 678 or +61 412 345 678.", ["0412 345 678", "+61 412 345 678"]),
        ("UK mobile 07700 900123, NZ 021 123 4567.", ["07700 900123", "021 123 4567"]),
        ("Call 13 11 14, 1300 555 123, 1800 555 123 or 000.", []),
        ("Email help@springfield.nsw.gov.au or jo@example.com", ["jo@example.com"]),
        ("DOB: 03/04/1985. Festival 12/03/2026.", ["03/04/1985"]),
    ],
)
def test_contact_details_and_dates(text: str, found: list[str]) -> None:
    assert [excerpt for excerpt, _ in _found(text)] == found


def test_street_addresses(write_ruleset: WriteRuleset) -> None:
    path = write_ruleset(
        "addresses.yaml",
        """
        name: addresses
        version: "1"
        rules:
          - id: privacy.address
            category: privacy
            kind: privacy
            detect: [street_address]
            message: "{{ what }}"
            source: https://example.org
            examples: {fail: ["[[12 King St]]"], pass: ["King St"]}
        """,
    )
    text = "I live at Unit 4, 27 Smith Street and work at 9 Old Mill Rd. Open 9am King St."
    found = [(v.excerpt, v.message) for v in check_draft(text, ruleset=path).violations]
    assert found == [
        ("Unit 4, 27 Smith Street", "a street address"),
        ("9 Old Mill Rd", "a street address"),
    ]


def test_organisation_details_in_vars_are_allowed(write_ruleset: WriteRuleset) -> None:
    fork = write_ruleset(
        "council.yaml",
        """
        name: council
        version: "1"
        extends: public-sector
        vars:
          email_domains: [springfield.example]
          phone_numbers: "0400 111 222"
        """,
    )
    text = "Email sam.lee@springfield.example or jo@example.com, call 0400 111 222 or 0412 345 678."
    found = [v.excerpt for v in check_draft(text, ruleset=fork).for_rule(RULE)]
    assert found == ["jo@example.com", "0412 345 678"]
    default = [v.excerpt for v in check_draft(text).for_rule(RULE)]
    assert default == [
        "sam.lee@springfield.example",
        "jo@example.com",
        "0400 111 222",
        "0412 345 678",
    ]


def test_role_addresses_are_not_personal() -> None:
    text = "Write to info@eaglesfc.com.au or bookings@hall.example, not jo.bloggs@hall.example."
    found = [v.excerpt for v in check_draft(text).for_rule(RULE)]
    assert found == ["jo.bloggs@hall.example"]


@given(
    st.lists(
        st.sampled_from(
            [
                "0",
                "4",
                "9",
                " ",
                "-",
                "/",
                "\n",
                "a",
                "B",
                "St",
                "Street",
                "Rd",
                "King ",
                "\u0664",
                "\u00e9",
                "\U0001f389",
            ]
        ),
        max_size=25,
    ).map("".join)
)
def test_the_privacy_shortcuts_skip_only_texts_without_a_find(text: str) -> None:
    """The privacy check skips the searches for runs of digits and for addresses
    on what a text's shape and its street types say; each skip must be sound."""
    flavour = 0 if text.isascii() else 1
    shape = text_shape(text)
    if privacy._DIGIT_RUNS[flavour].search(text):
        assert shape.count(b"0") + shape.count(b"\x80") >= privacy._FEWEST_RUN_DIGITS
    if privacy._ADDRESSES[flavour].search(text):
        assert privacy._STREET_TYPE_ENDS[flavour].search(text)
    if flavour == 0:
        first = privacy._DIGITS[0].search(text)
        assert shape.find(b"0") == (first.start() if first else -1)
