"""Behaviour of each rule kind, through the public API."""

from __future__ import annotations

from pathlib import Path

import pytest

from sociopolicy import RulesetError, check_draft, load_ruleset
from sociopolicy._common import duration_seconds
from sociopolicy.kinds import KINDS, Rule
from sociopolicy.testing import example_cases, run_example
from sociopolicy.text import inflect, match_case, sentences, starts_sentence

from .conftest import WriteRuleset

HEADER = 'name: kinds\nversion: "1"\nrules:\n'


def _rule(write_ruleset: WriteRuleset, body: str) -> Path:
    return write_ruleset("kinds.yaml", HEADER + body)


def test_terms_exceptions_shield_longer_phrases(write_ruleset: WriteRuleset) -> None:
    path = _rule(
        write_ruleset,
        """
  - id: language.gap-pad
    category: language
    kind: terms
    terms: [gap pad]
    exceptions: [thermal gap pad]
    message: "Say 'spacer' instead of '{{ match }}' ({{ term }})."
    source: https://example.org
    examples: {fail: ["a [[gap pad]]"], pass: ["a thermal gap pad"]}
""",
    )
    report = check_draft("The thermal gap pad and the gap pads.", ruleset=path)
    assert [(v.excerpt, v.message) for v in report.violations] == [
        ("gap pads", "Say 'spacer' instead of 'gap pads' (gap pad).")
    ]


def test_substitution_keeps_case_and_inflection(default_ruleset: object) -> None:
    report = check_draft("Utilising it. We COMMENCED. They purchased a car.")
    plain = [v for v in report.violations if v.rule_id == "language.plain-words"]
    assert [(v.excerpt, v.replacements) for v in plain] == [
        ("Utilising", ("Using",)),
        ("COMMENCED", ("STARTED", "BEGAN")),
        ("purchased", ("bought",)),
    ]
    assert plain[1].message == (
        "Write 'STARTED' or 'BEGAN' instead of 'COMMENCED': everyday words are quicker to read."
    )


@pytest.mark.parametrize(
    ("word", "form", "expected"),
    [
        ("use", "ing", "using"),
        ("try", "ed", "tried"),
        ("help", "s", "helps"),
        ("fix", "s", "fixes"),
        ("begin", "ed", "began"),
        ("see", "ing", "seeing"),
        ("die", "ing", "dying"),
    ],
)
def test_inflect(word: str, form: str, expected: str) -> None:
    assert inflect(word, form) == expected  # type: ignore[arg-type]


def test_match_case() -> None:
    assert [match_case("use", m) for m in ("utilise", "Utilise", "UTILISE")] == [
        "use",
        "Use",
        "USE",
    ]


def test_pattern_named_groups_in_message(write_ruleset: WriteRuleset) -> None:
    path = _rule(
        write_ruleset,
        r"""
  - id: privacy.case-number
    category: privacy
    kind: pattern
    pattern: 'case\s+(?P<number>\d{4,})'
    message: "Do not post case {{ groups.number }} in public."
    source: https://example.org
    examples: {fail: ["about [[case 12345]]"], pass: ["in case of fire"]}
""",
    )
    report = check_draft("About CASE 123456, and case 12.", ruleset=path)
    assert [(v.excerpt, v.message) for v in report.violations] == [
        ("CASE 123456", "Do not post case 123456 in public.")
    ]


def test_pattern_ignore_case_false(write_ruleset: WriteRuleset) -> None:
    path = _rule(
        write_ruleset,
        """
  - id: conduct.marking
    category: conduct
    kind: pattern
    ignore_case: false
    pattern: 'SECRET'
    message: m
    source: https://example.org
    examples: {fail: ["[[SECRET]]"], pass: ["secret"]}
""",
    )
    assert [v.excerpt for v in check_draft("secret SECRET Secret", ruleset=path).violations] == [
        "SECRET"
    ]


def test_when_conditions_on_platform_kind_and_context(write_ruleset: WriteRuleset) -> None:
    path = _rule(
        write_ruleset,
        """
  - id: neutrality.announcement
    category: neutrality
    kind: terms
    terms: [announce]
    when: {platform: [x, facebook], kind: reply, caretaker_period: true}
    message: m
    source: https://example.org
    examples: {fail: ["we [[announce]]"], pass: ["we share"]}
  - id: tone.outside-caretaker
    category: tone
    kind: terms
    terms: [announce]
    when: {caretaker_period: false}
    message: m
    source: https://example.org
    examples: {fail: ["we [[announce]]"], pass: ["we share"]}
""",
    )

    def fired(**options: object) -> list[str]:
        return [v.rule_id for v in check_draft("We announce", ruleset=path, **options).violations]  # type: ignore[arg-type]

    caretaker = {"caretaker_period": True}
    assert fired(platform="x", kind="reply", context=caretaker) == ["neutrality.announcement"]
    assert fired(platform="linkedin", kind="reply", context=caretaker) == []
    assert fired(platform="x", kind="post", context=caretaker) == []
    assert fired(platform="x", kind="reply", context={"caretaker_period": "yes"}) == []
    # A missing fact counts as false; a fact of another type does not match.
    assert fired(platform="x", kind="reply") == ["tone.outside-caretaker"]
    assert fired(platform="x", kind="reply", context={"caretaker_period": 1}) == []
    # Facts no rule reads change nothing, and the answers stay right when the
    # same fact alternates between values (plans are cached per fact value).
    plans = load_ruleset(path).compiled._plans
    before = len(plans)
    for number in range(300):
        context = {"request_id": number, "caretaker_period": number % 2 == 0}
        expected = ["neutrality.announcement" if number % 2 == 0 else "tone.outside-caretaker"]
        assert fired(platform="x", kind="reply", context=context) == expected
    assert len(plans) <= before + 2  # one plan per value of caretaker_period at most


def test_comment_rules_run_on_the_comment(write_ruleset: WriteRuleset) -> None:
    path = _rule(
        write_ruleset,
        """
  - id: escalation.media
    category: escalation
    kind: terms
    applies_to: comment
    terms: [journalist, reporter]
    message: "A journalist is asking: refer to the media team."
    action: {kind: escalate, to: media, within: PT4H, reply: "Thanks {{ comment | truncate(12) }}. Our media team will contact you."}
    source: https://example.org
    examples: {fail: ["I'm a [[reporter]] at the Bugle"], pass: ["I report potholes"]}
""",
    )
    report = check_draft(
        "Thanks, we will look into it.",
        ruleset=path,
        kind="reply",
        in_reply_to="Reporter at the Daily Bugle here: how many staff?",
    )
    assert [(v.target, v.excerpt, v.line, v.column) for v in report.violations] == [
        ("comment", "Reporter", 1, 1)
    ]
    assert report.decision == "escalate"
    (action,) = report.actions
    assert (action.kind, action.to, action.within, action.rule_ids) == (
        "escalate",
        "media",
        "PT4H",
        ("escalation.media",),
    )
    assert action.suggested_reply == "Thanks Reporter.... Our media team will contact you."
    # A post without a comment never runs comment rules.
    assert check_draft("The reporter visited", ruleset=path).violations == ()


def test_registry_matches_the_union() -> None:
    union = Rule.__origin__.__args__  # type: ignore[attr-defined]
    assert set(KINDS.values()) == set(union)
    for name, model in KINDS.items():
        assert model.model_fields["kind"].annotation.__args__ == (name,)  # type: ignore[union-attr]
        assert model.__doc__
        assert model.KIND_SUMMARY


def test_every_kind_is_used_in_the_default_ruleset() -> None:
    used = {rule.kind for rule in load_ruleset().rules}
    assert used == set(KINDS)


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("Assist us", 0, True),
        ("Hello. Assist us", 7, True),
        ("Hello.\n\n- Assist us", 10, True),
        ('He said: "Assist', 10, True),
        ("Our Home Assist program", 9, False),
        ("our (Assist) program", 5, False),
    ],
)
def test_starts_sentence(text: str, offset: int, expected: bool) -> None:
    assert starts_sentence(text, offset) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ("Wait?! Really... yes", ["Wait?!", "Really...", "yes"]),
        ('He said "Go." Then left.', ['He said "Go."', "Then left."]),
        ("Version 3.5 of example.gov.au works.", ["Version 3.5 of example.gov.au works."]),
        ("Ask Dr. Lee and Cr. Tran, e.g. today.", ["Ask Dr. Lee and Cr. Tran, e.g. today."]),
        ("(e.g. this) and Mr. Smith.", ["(e.g. this) and Mr. Smith."]),
        ("Call Dr . Now", ["Call Dr .", "Now"]),  # a spaced stop is no abbreviation
        ("Kids drew. Then ate.", ["Kids drew.", "Then ate."]),  # "drew" is not "Dr"
        ("Line one\nLine two.\n\nThree", ["Line one", "Line two.", "Three"]),
        # An abbreviation counts only after a space, a bracket or at the start.
        ("We said \u201cNo.\u201d Then we left.", ["We said \u201cNo.\u201d", "Then we left."]),
        (
            "Ask \u201cDr. Smith\u201d or GP/Dr. Lee [e.g. today].",
            ["Ask \u201cDr. Smith\u201d or GP/Dr. Lee [e.g. today]."],
        ),
        ("He said (see Dr.) Then left.", ["He said (see Dr.)", "Then left."]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentences(text)] == expected


def test_skip_proper_names(write_ruleset: WriteRuleset) -> None:
    path = _rule(
        write_ruleset,
        """
  - id: language.plain
    category: language
    kind: substitution
    skip_proper_names: true
    swap: {assist: help, endeavour: try}
    message: m
    source: https://example.org
    examples: {fail: ["We [[assist]]"], pass: ["Home Assist"]}
""",
    )
    text = (
        "Assist is here. Our Home Assist team will ASSIST and endeavour to help in Endeavour Hills."
    )
    assert [v.excerpt for v in check_draft(text, ruleset=path).violations] == [
        "Assist",
        "ASSIST",
        "endeavour",
    ]


def test_pattern_prefilter_skips_texts_without_its_words(write_ruleset: WriteRuleset) -> None:
    path = _rule(
        write_ruleset,
        r"""
  - id: tone.hurry
    category: tone
    kind: pattern
    pattern: 'hurry\s+up'
    prefilter: [hurry]
    message: m
    source: https://example.org
    examples: {fail: ["[[hurry up]]"], pass: ["hurried"]}
  - id: tone.wrong-prefilter
    category: tone
    kind: pattern
    pattern: 'slow\s+down'
    prefilter: [brake]
    message: m
    source: https://example.org
    examples: {fail: ["[[slow down]]"], pass: ["slower"]}
""",
    )
    report = check_draft("Hurry up, then slow down.", ruleset=path)
    # The second rule's prefilter names no word of its match, so it never runs;
    # its own fail example exposes that.
    assert [v.excerpt for v in report.violations] == ["Hurry up"]
    problems = {c.name: run_example(c) for c in example_cases(load_ruleset(path))}
    assert problems["kinds::tone.wrong-prefilter::fail-1"] == "did not fire but should have"


def _prefiltered(write_ruleset: WriteRuleset, pattern: str, prefilter: str) -> Path:
    """A ruleset with one pattern rule, privacy.asks, failing on 'post your address'."""
    return _rule(
        write_ruleset,
        f"""
  - id: privacy.asks
    category: privacy
    kind: pattern
    pattern: '{pattern}'
    prefilter: {prefilter}
    message: m
    source: https://example.org
    examples: {{fail: ["[[post your address]]"], pass: ["post it"]}}
""",
    )


def test_pattern_prefilter_groups_each_need_a_word(write_ruleset: WriteRuleset) -> None:
    path = _prefiltered(
        write_ruleset,
        r"\b(?:post|share)\s+your\s+(?:address|phone)",
        "[[address, phone], [post, share], [your]]",
    )
    report = check_draft("Please post your address.", ruleset=path)
    assert [v.excerpt for v in report.violations] == ["post your address"]
    # Each list is scanned with the other phrase lists, in the same pass.
    assert len(load_ruleset(path).compiled.rules[0].matcher.phrase_sets) == 3


def test_pattern_prefilter_group_missing_a_word_skips_the_match(
    write_ruleset: WriteRuleset,
) -> None:
    path = _prefiltered(write_ruleset, r"\bpost\s+your\s+address", "[[address], [brake]]")
    # Every list must have a word in the text: "brake" is absent, so the rule
    # does not run and its own fail example shows the mistake.
    assert check_draft("Post your address.", ruleset=path).ok
    problems = {c.name: run_example(c) for c in example_cases(load_ruleset(path))}
    assert problems["kinds::privacy.asks::fail-1"] == "did not fire but should have"


def test_pattern_prefilter_rejects_an_empty_group(write_ruleset: WriteRuleset) -> None:
    path = _prefiltered(write_ruleset, "x", "[[address], []]")
    with pytest.raises(RulesetError, match=r"field .prefilter\[1\].: needs at least 1 item"):
        load_ruleset(path)


def test_terms_written_with_capitals_keep_replacements_as_written(
    write_ruleset: WriteRuleset,
) -> None:
    path = _rule(
        write_ruleset,
        """
  - id: language.jargon
    category: language
    kind: substitution
    swap: {DA: development application, utilise: use}
    message: m
    source: https://example.org
    examples: {fail: ["your [[DA]]"], pass: ["your application"]}
""",
    )
    report = check_draft("Lodge your DA. UTILISE it.", ruleset=path)
    assert [v.replacements for v in report.violations] == [("development application",), ("USE",)]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("PT1H", 3600), ("P2D", 172_800), ("P1DT12H", 129_600), ("PT90M", 5400), ("P1W", 604_800)],
)
def test_durations(text: str, seconds: int) -> None:
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["P", "PT", "1 hour", "PT1.5H", "P1H"])
def test_not_durations(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        duration_seconds(text)
