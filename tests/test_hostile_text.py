"""Hostile text: anything the public writes gives a report, disguised words are
still found, and every span points into the text as written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sociopolicy import check_draft, load_ruleset, triage
from sociopolicy.cli import main
from sociopolicy.normalise import INVISIBLE, LOOK_ALIKES, cleaned, decoded

RULESET = load_ruleset("public-sector-au")
LATIN_OF = {latin: other for other, latin in LOOK_ALIKES.items() if latin.islower()}
FULL_WIDTH = {chr(code): chr(code + 0xFEE0) for code in range(ord("a"), ord("z") + 1)}


def _profanity(text: str) -> list[str]:
    report = check_draft(text, ruleset=RULESET)
    return [v.excerpt for v in report.violations if v.rule_id == "language.profanity"]


@given(
    st.sampled_from(["shit", "bastard", "wanker", "bullshit"]),
    st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=3),
    st.integers(min_value=1),
)
def test_invisible_characters_inside_a_word_do_not_hide_it(
    word: str, hidden: list[str], where: int
) -> None:
    cut = 1 + where % (len(word) - 1)
    disguised = word[:cut] + "".join(hidden) + word[cut:]
    assert _profanity(f"What a {disguised} day.") == [disguised]


@given(st.sampled_from(["shit", "bastard", "wanker"]), st.data())
def test_look_alike_and_full_width_letters_do_not_hide_a_word(
    word: str, data: st.DataObject
) -> None:
    # Some letters (never all: a word wholly in another script is that script's)
    # are swapped for full-width forms or letters of other scripts that look the same.
    count = data.draw(st.integers(1, len(word) - 1), label="letters swapped")
    swapped = data.draw(st.permutations(range(len(word))), label="order")[:count]
    letters = list(word)
    for i in swapped:
        choices = [FULL_WIDTH[word[i]]] + ([LATIN_OF[word[i]]] if word[i] in LATIN_OF else [])
        letters[i] = data.draw(st.sampled_from(choices), label=f"letter {i}")
    disguised = "".join(letters)
    assert _profanity(f"Such {disguised} service.") == [disguised]


def test_whole_words_in_another_script_are_left_alone() -> None:
    # Russian for "hello, world" uses letters that look Latin; it is not read as Latin.
    assert cleaned("\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("What a sh1tty week.", ["sh1tty"]),
        ("Such a b!tch of a day.", ["b!tch"]),
        ("Open 10am to 3pm, 7 days, at 1 Main St. Call 1300 555 123.", []),
        ("COVID19 and 4WD and H1N1 and mp3.", []),
    ],
)
def test_leetspeak_in_abuse_lists_only_where_a_symbol_stands_for_a_letter(
    text: str, found: list[str]
) -> None:
    assert _profanity(text) == found


def test_leetspeak_is_only_for_lists_that_ask_for_it() -> None:
    # "ut1lise" is not matched by the plain-words list, which does not read leetspeak.
    ids = {v.rule_id for v in check_draft("We will ut1lise it.", ruleset=RULESET).violations}
    assert "language.plain-words" not in ids
    assert "language.plain-words" in {
        v.rule_id for v in check_draft("We will ut\u200bilise it.", ruleset=RULESET).violations
    }


def test_patterns_see_through_disguises_too() -> None:
    comment = "I will k\u200bill you"
    report = triage(comment, ruleset=RULESET)
    threats = [v for v in report.violations if v.rule_id == "escalation.threat"]
    assert threats
    assert all(comment[v.start : v.end] == v.excerpt for v in threats)
    assert any("\u200b" in v.excerpt for v in threats)


disguise_text = st.text(
    alphabet=st.sampled_from(
        list("abshitkl ABS1!05$\n'")
        + list(INVISIBLE[:12])
        + list(LOOK_ALIKES)[:20]
        + ["\uff46", "\u0301", "\u00df", "\U0001d41f", "\u2019", "\ufb01"]
    ),
    max_size=40,
)


@given(disguise_text)
def test_the_way_back_keeps_order_and_bounds(text: str) -> None:
    for normal in filter(None, (cleaned(text), decoded(cleaned(text), text))):
        previous = (0, 0)
        for start in range(len(normal.text) + 1):
            for end in range(start, min(len(normal.text), start + 4) + 1):
                first, last = normal.span(start, end)
                assert 0 <= first <= last <= len(text)
                if end > start:
                    assert first < last  # a character came from somewhere
            first, _ = normal.span(start, start)
            assert first >= previous[0]
            previous = (first, 0)


@given(disguise_text, st.sampled_from(["public-sector-au", "caretaker"]))
def test_disguised_text_gives_exact_spans(text: str, name: str) -> None:
    for report in (check_draft(text, ruleset=name), triage(text, ruleset=name)):
        for v in report.violations:
            assert 0 <= v.start <= v.end <= len(text)
            assert text[v.start : v.end] == v.excerpt


HOSTILE = {
    "empty": "",
    "a megabyte": ("We will utilise the new portal. " * 40_000)[:1_000_000],
    "a million emoji": "\U0001f600" * 1_000_000,
    "a million zero-width spaces": "f\u200buck " + "\u200b" * 1_000_000,
    "mixed scripts": "\u041f\u0440\u0438\u0432\u0435\u0442 Hello \u4e16\u754c \u0645\u0631\u062d\u0628\u0627 "
    * 2_000,
    "right-to-left overrides": "Hello \u202eevil\u202c world " * 1_000,
    "NUL characters": "hello\x00world\x00" * 1_000,
    "lone surrogates": "bad \ud800 text \udfff end",
    "a flood of combining marks": "e" + "\u0301" * 100_000,
    # Every character changes when folded: quadratic folding would take minutes.
    "a long run of sharp s": "\u00df" * 200_000,
    "full-width words joined by ideographic spaces": "\uff46\uff55\uff43\uff4b\u3000" * 50_000,
    # Inputs that made earlier versions of the normalisation quadratic.
    "leetspeak all through a link": "/" + "1a" * 100_000,
    "a look-alike letter, then a very long word": "\u0430b " + "x" * 500_000,
    "alternating combining marks": "e" + "\u0301\u0323" * 100_000,
    # Made the reading of text-message keywords quadratic: one run of word
    # characters full of words in capitals, after "sms".
    "capitals all through one long word": "sms " + "AB_" * 200_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_gives_a_report_in_bounded_time(text: str) -> None:
    for check in (check_draft, triage):
        start = time.perf_counter()
        report = check(text, ruleset=RULESET)
        assert time.perf_counter() - start < 30
        for v in report.violations:
            assert text[v.start : v.end] == v.excerpt
        # Every report can be written out, even one quoting a lone surrogate.
        assert report.model_dump_json()


def test_the_terminal_never_gets_control_characters_from_drafts_or_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ruleset = tmp_path / "echo.yaml"
    ruleset.write_text(
        'name: echo\nversion: "1"\nrules:\n  - id: local.echo\n    category: tone\n'
        "    kind: pattern\n    pattern: 'stupid.{0,12}'\n    message: \"Found '{{ match }}'.\"\n"
        "    source: https://example.org\n"
        '    examples: {fail: ["[[stupid]]"], pass: ["fine"]}\n',
        encoding="utf-8",
    )
    draft = tmp_path / "evil\x1b[2Jname.txt"
    draft.write_bytes(b"stupid\x1b[31m\xe2\x80\xaered\n")
    for output in ("text", "github"):
        main(["check", "--ruleset", str(ruleset), "--format", output, str(draft)])
        out = capsys.readouterr().out
        assert "\x1b" not in out
        assert "\u202e" not in out
        assert "\\x1b" in out  # shown escaped, not dropped
