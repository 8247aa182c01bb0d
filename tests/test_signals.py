"""The signals kind: kinds of evidence that together show a need."""

from __future__ import annotations

import re
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
    # The phrases given to the message are the positive ones, each once.
    assert _found(path, "Well, hammer and wreck the ranger, lol, the ranger") == [
        (
            "hammer and wreck the ranger, lol, the ranger",
            "4.0 tool+act+person+joke hammer+wreck+ranger",
        )
    ]


def test_requires_names_signals_that_must_be_found(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, SIGNALS, requires="[act]")
    assert _found(path, "hammer the mayor") == []  # 3, but no act
    assert [e for e, _ in _found(path, "smash, mayor")] == ["smash, mayor"]
    # A list inside requires needs one of its names.
    path = _ruleset(write_ruleset, SIGNALS, requires="[[act, tool]]")
    assert [e for e, _ in _found(path, "hammer, mayor")] == ["hammer, mayor"]
    assert [e for e, _ in _found(path, "smash, mayor")] == ["smash, mayor"]


def test_one_kind_of_evidence_is_never_enough_by_default(write_ruleset: WriteRuleset) -> None:
    heavy = SIGNALS.replace("act: {weight: 2", "act: {weight: 5")
    path = _ruleset(write_ruleset, heavy)
    assert _found(path, "smash it, wreck it") == []
    single = _ruleset(write_ruleset, heavy, min_signals="1")
    assert [e for e, _ in _found(single, "smash it, wreck it")] == ["smash it, wreck"]


def test_an_exception_cancels_only_the_phrase_inside_it(write_ruleset: WriteRuleset) -> None:
    rule = SIGNALS.replace(
        "person: {weight: 1, phrases: [ranger, mayor]}",
        (
            "person: {weight: 1, phrases: [ranger, mayor]}\n  intent: {weight: 1, phrases: [I would]}"
        ),
    )
    path = _ruleset(write_ruleset, rule, exceptions="[would smash for]")
    # The intent phrase starts before the exception and still counts; "smash" does not.
    assert _found(path, "I would smash for a coffee, ranger") == []
    assert [e for e, _ in _found(path, "I would smash the ranger")] == ["I would smash the ranger"]
    # Evidence against elsewhere in the text does not cancel a phrase it does not contain.
    assert [e for e, _ in _found(path, "I would smash the ranger. I would smash for a pie")] == [
        "I would smash the ranger"
    ]


def test_sentence_scope_scores_each_sentence(write_ruleset: WriteRuleset) -> None:
    sentence = _ruleset(write_ruleset, SIGNALS)
    assert _found(sentence, "Smash it. The mayor.") == []
    draft = _ruleset(write_ruleset, SIGNALS, scope="draft")
    assert [e for e, _ in _found(draft, "Smash it. The mayor.")] == ["Smash it. The mayor"]


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"requires": "[act, weapon]"}, r"field 'requires': 'requires' names no signal: weapon"),
        ({"requires": "[[act, weapon]]"}, r"field 'requires': 'requires' names no signal: weapon"),
        ({"requires": "[[]]"}, r"field 'requires': each item of 'requires' is a signal name, or"),
        ({"requires": "[[[act]]]"}, r"field 'requires': each item of 'requires' is a signal name"),
        ({"requires": "[joke]"}, r"'joke', whose weight is not positive"),
        ({"threshold": "6"}, r"field 'threshold': the threshold 6 is more than all the positive"),
        ({"threshold": ".nan"}, r"field 'threshold'"),
        ({"min_signals": "4"}, r"field 'min_signals': 'min_signals' is 4, but only 3 signals"),
    ],
)
def test_inconsistent_signals_are_load_errors_at_the_field(
    write_ruleset: WriteRuleset, extra: dict[str, str], error: str
) -> None:
    rule = SIGNALS.replace("threshold: 3\n", "") if "threshold" in extra else SIGNALS
    path = _ruleset(write_ruleset, rule, **extra)
    with pytest.raises(RulesetError, match=error):
        load_ruleset(path)


@pytest.mark.parametrize(
    ("weight", "error"),
    [
        (".nan", "field 'signals.act.weight'"),
        ("true", "field 'signals.act.weight'"),
        ('"2"', "field 'signals.act.weight'"),
    ],
)
def test_a_weight_is_a_finite_number(write_ruleset: WriteRuleset, weight: str, error: str) -> None:
    path = _ruleset(write_ruleset, SIGNALS.replace("act: {weight: 2", f"act: {{weight: {weight}"))
    with pytest.raises(RulesetError, match=re.escape(error)):
        load_ruleset(path)


def test_an_empty_phrase_is_a_load_error(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, SIGNALS.replace("phrases: [hammer]", 'phrases: [hammer, " "]'))
    with pytest.raises(RulesetError, match=re.escape("field 'signals.tool.phrases[1]'")):
        load_ruleset(path)


def test_decimal_weights_reach_a_decimal_threshold(write_ruleset: WriteRuleset) -> None:
    rule = (
        SIGNALS.replace("threshold: 3", "threshold: 0.9")
        .replace("act: {weight: 2", "act: {weight: 0.3")
        .replace("person: {weight: 1", "person: {weight: 0.6")
        .replace("tool: {weight: 2", "tool: {weight: 0.1")
    )
    path = _ruleset(write_ruleset, rule)
    assert [e for e, _ in _found(path, "smash the mayor")] == ["smash the mayor"]


@pytest.mark.parametrize("spelling", ["Smash", "smashes", "smashing", "SMASHED"])
def test_a_phrase_in_two_signals_is_a_load_error(
    write_ruleset: WriteRuleset, spelling: str
) -> None:
    path = _ruleset(
        write_ruleset, SIGNALS.replace("phrases: [hammer]", f'phrases: [hammer, "{spelling}"]')
    )
    with pytest.raises(
        RulesetError,
        match=r"field 'signals': '[^']+' is a phrase \(or a form of one\) "
        r"of two signals, 'act' and 'tool'",
    ):
        load_ruleset(path)


def test_a_forks_bad_override_is_reported_in_the_fork(write_ruleset: WriteRuleset) -> None:
    base = _ruleset(write_ruleset, SIGNALS)
    fork = write_ruleset(
        "fork.yaml",
        f"""\
        name: fork
        version: "1"
        extends: {base.name}
        overrides:
          escalation.x:
            signals:
              act: {{weight: 2, phrases: [smash]}}
              tool: {{weight: 2, phrases: [smash]}}
        """,
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(fork)
    assert str(caught.value).startswith(f"{fork}:")
    assert "field 'signals'" in str(caught.value)


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
        positive = sum(1 for name in present if WEIGHTS[name] > 0)
        if present & {"act", "tool"} and score >= 3 and positive >= 2:
            first = next(i for i, w in enumerate(words) if WEIGHTS.get(SIGNAL_OF.get(w, ""), 0) > 0)
            last = max(i for i, w in enumerate(words) if WEIGHTS.get(SIGNAL_OF.get(w, ""), 0) > 0)
            expected.append((" ".join(words[first : last + 1]), round(score, 2)))
    found = triage(text, ruleset=SIGNALS_RULESET).violations
    assert [(v.excerpt, float(v.message.split(":")[0].removeprefix("Score "))) for v in found] == (
        expected
    )
