"""The signals kind: kinds of evidence that together show a need."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sociopolicy import RulesetError, load_ruleset, triage

from .conftest import WriteRuleset

SIGNALS = """
kind: signals
applies_to: [comment]
threshold: 3
signals:
  act: {weight: 2, phrases: [smash, wreck]}
  tool: {weight: 2, phrases: [hammer]}
  person: {weight: 1, phrases: [ranger, mayor]}
  joke: {weight: -3, phrases: [lol]}
message: "{{ score }} {{ signals | join('+') }} {{ phrases | join('+') }}"
"""


def _ruleset(write_ruleset: WriteRuleset, rule: str, **extra: str) -> Path:
    body = textwrap.dedent(rule).strip()
    for key, value in extra.items():
        body += f"\n{key}: {value}"
    return write_ruleset(
        "r.yaml",
        'name: r\nversion: "1"\nrules:\n  - id: escalation.x\n    category: escalation\n'
        "    source: https://example.org\n"
        '    examples: {fail: ["[[x]]"], pass: ["y"]}\n' + textwrap.indent(body, "    ") + "\n",
    )


def _found(path: Path, text: str) -> list[tuple[str, str]]:
    return [(v.excerpt, v.message) for v in triage(text, ruleset=path).violations]


def test_each_signal_counts_once_however_many_phrases(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, SIGNALS)
    # Two "act" phrases add 2, not 4: below the threshold without another signal.
    assert _found(path, "Smash it, wreck it.") == []
    assert _found(path, "Smash it, wreck it, mayor.") == [
        ("Smash it, wreck it, mayor", "3.0 act+person smash+wreck+mayor")
    ]


def test_a_negative_signal_counts_against(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, SIGNALS)
    assert _found(path, "smash the mayor") == [("smash the mayor", "3.0 act+person smash+mayor")]
    assert _found(path, "smash the mayor lol") == []


def test_the_span_runs_between_the_outer_positive_phrases(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, SIGNALS.replace("weight: -3", "weight: -1"))
    # The joke lowers the score but is not part of the span.
    assert _found(path, "Well, hammer and wreck the ranger, lol, fine") == [
        ("hammer and wreck the ranger", "4.0 tool+act+person+joke hammer+wreck+ranger+lol")
    ]


def test_requires_names_signals_that_must_be_found(write_ruleset: WriteRuleset) -> None:
    heavy_person = SIGNALS.replace("person: {weight: 1", "person: {weight: 3")
    path = _ruleset(write_ruleset, heavy_person, requires="[act]")
    assert _found(path, "the mayor") == []
    assert [e for e, _ in _found(path, "smash, mayor")] == ["smash, mayor"]
    # A list inside requires needs one of its names.
    path = _ruleset(write_ruleset, heavy_person, requires="[[act, tool]]")
    assert [e for e, _ in _found(path, "hammer, mayor")] == ["hammer, mayor"]
    assert _found(path, "the mayor") == []


def test_sentence_scope_scores_each_sentence(write_ruleset: WriteRuleset) -> None:
    sentence = _ruleset(write_ruleset, SIGNALS)
    assert _found(sentence, "Smash it. The mayor.") == []
    draft = _ruleset(write_ruleset, SIGNALS, scope="draft")
    assert [e for e, _ in _found(draft, "Smash it. The mayor.")] == ["Smash it. The mayor"]


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"requires": "[act, weapon]"}, r"'requires' names no signal: weapon"),
        ({"requires": "[[act, weapon]]"}, r"'requires' names no signal: weapon"),
        ({"threshold": "6"}, r"the threshold is more than all the positive signals add up to"),
    ],
)
def test_inconsistent_signals_are_load_errors(
    write_ruleset: WriteRuleset, extra: dict[str, str], error: str
) -> None:
    rule = SIGNALS.replace("threshold: 3\n", "") if "threshold" in extra else SIGNALS
    path = _ruleset(write_ruleset, rule, **extra)
    with pytest.raises(RulesetError, match=error):
        load_ruleset(path)


def test_a_phrase_in_two_signals_is_a_load_error(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, SIGNALS.replace("phrases: [hammer]", "phrases: [hammer, Smash]"))
    with pytest.raises(RulesetError, match=r"the phrase 'Smash' is in two signals: act, tool"):
        load_ruleset(path)


SIGNALS_RULESET = Path(__file__).parent / "fixtures" / "signals.yaml"
SIGNAL_OF = {
    "smash": "act",
    "wreck": "act",
    "hammer": "tool",
    "ranger": "person",
    "mayor": "person",
}
SIGNAL_OF |= {"lol": "joke"}
WEIGHTS = {"act": 2.0, "tool": 2.0, "person": 3.0, "joke": -3.0}


@given(
    st.lists(
        st.lists(st.sampled_from([*SIGNAL_OF, "the", "bins", "on", "Monday", "park"]), max_size=7),
        min_size=1,
        max_size=4,
    )
)
def test_signals_report_exactly_the_sentences_that_qualify(
    sentences_words: list[list[str]],
) -> None:
    text = " ".join(" ".join(words) + "." for words in sentences_words)
    expected = []
    for words in sentences_words:
        present = {SIGNAL_OF[word] for word in words if word in SIGNAL_OF}
        score = sum(WEIGHTS[name] for name in present)
        if present & {"act", "tool"} and score >= 3:
            first = next(i for i, w in enumerate(words) if WEIGHTS.get(SIGNAL_OF.get(w, ""), 0) > 0)
            last = max(i for i, w in enumerate(words) if WEIGHTS.get(SIGNAL_OF.get(w, ""), 0) > 0)
            expected.append((" ".join(words[first : last + 1]), round(score, 2)))
    found = triage(text, ruleset=SIGNALS_RULESET).violations
    assert [(v.excerpt, float(v.message.split(":")[0].removeprefix("Score "))) for v in found] == (
        expected
    )
