"""Invariants of check_draft, for any text (hypothesis)."""

from __future__ import annotations

import itertools
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sociopolicy import Action, Report, Violation, bundled_rulesets, check_draft, load_ruleset
from sociopolicy.engine import CompiledRuleset
from sociopolicy.kinds import AnalysedText, emoji, length, privacy, shouting
from sociopolicy.kinds.emoji import emoji_spans
from sociopolicy.kinds.hashtags import hashtag_spans
from sociopolicy.kinds.links import URL_PATTERN
from sociopolicy.kinds.punctuation import PunctuationRule, trie_pattern
from sociopolicy.kinds.readability import has_long_sentence, prose_counts, sentence_words
from sociopolicy.templates import compile_template
from sociopolicy.text import Spans, grapheme_spans, graphemes, sentences

# Text built from words the rules know, so that violations are common, mixed
# with arbitrary Unicode so that odd input is covered too.
WORDS = [
    "utilise",
    "Utilised",
    "COMMENCE",
    "prior to",
    "stupid",
    "idiot",
    "Vote",
    "Greens",
    "Labor",
    "the",
    "hereby",
    "shit",
    "bloody",
    "finger prick",
    "embargoed until",
    "CONFIDENTIAL",
    "Re-elect",
    "gap",
    "in order to",
    "we",
    "don't",
    "\u2019",
    # disguises: a zero-width space, a Cyrillic letter, a full-width letter,
    # leetspeak, a combining accent, a bidirectional override
    "sh\u200bit",
    "\u0455hit",
    "\uff46",
    "sh1t",
    "e\u0301",
    "\u202e",
    "\n",
    " ",
    "-",
    "[",
    "(",
    ":",
    "!",
]
texts = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=3)), max_size=30).map(" ".join),
)
RULESETS = list(bundled_rulesets())
# Rules that judge a span on its own; shouting, lexicon and readability rules
# weigh the whole text (a share of capitals, a score, a grade), so text added
# before may rightly change what they report.
LOCAL_RULES = {
    rule.id
    for rule in load_ruleset().rules
    if rule.kind in ("terms", "substitution", "pattern", "punctuation", "links")
    # Reports only the first use of an abbreviation: text before it matters.
    and rule.id != "readability.acronym"
}


@given(texts, st.sampled_from(RULESETS))
def test_never_raises_and_spans_are_exact(text: str, name: str) -> None:
    report = check_draft(text, ruleset=name)
    for v in report.violations:
        assert 0 <= v.start < v.end <= len(text)
        assert text[v.start : v.end] == v.excerpt
        before = re.split(r"\r\n|\r|\n", text[: v.start])
        assert (v.line, v.column) == (len(before), len(before[-1]) + 1)


@given(texts)
def test_sorted_deterministic_and_round_trips(text: str) -> None:
    first = check_draft(text, kind="reply", in_reply_to=text)
    assert first == check_draft(text, kind="reply", in_reply_to=text)
    keys = [(v.target, v.start, v.rule_id) for v in first.violations]
    assert keys == sorted(keys)
    assert Report.model_validate_json(first.model_dump_json()) == first
    assert first.ok == (first.decision == "ok")


@given(texts)
def test_reports_built_without_validation_equal_validated_ones(text: str) -> None:
    # The engine builds violations and reports without validating them again.
    report = check_draft(text, kind="reply", in_reply_to=text)
    again = Report.model_validate(report.model_dump())
    assert again == report
    assert hash(again) == hash(report)
    assert report.model_fields_set == set(Report.model_fields)
    for action in report.actions:
        assert action.model_fields_set == set(Action.model_fields)
    for violation in report.violations:
        assert violation.model_fields_set == set(Violation.model_fields)
        assert isinstance(violation.replacements, tuple)
        assert Violation.model_validate(violation.model_dump()) == violation


@given(texts)
def test_decision_comes_from_warnings_and_errors_only(text: str) -> None:
    report = check_draft(text)
    serious = {v.rule_id for v in report.violations if v.severity != "suggestion"}
    assert {rid for a in report.actions for rid in a.rule_ids} == serious
    assert (report.decision == "ok") == (not serious)


@given(texts)
def test_bulk_scan_agrees_with_each_rule_alone(text: str) -> None:
    ruleset = load_ruleset()
    compiled = ruleset.compiled
    assert isinstance(compiled, CompiledRuleset)
    together = check_draft(text, ruleset=ruleset).violations
    alone = []
    for rule in ruleset.rules:
        fired = compiled.run(
            text, target_kind="post", target="draft", platform=None, context={}, only=rule.id
        )
        alone += [f.violation for f in fired]
    assert sorted(together, key=lambda v: (v.start, v.rule_id, v.end)) == sorted(
        alone, key=lambda v: (v.start, v.rule_id, v.end)
    )


@given(texts, st.text(max_size=20))
def test_a_prefix_shifts_spans(text: str, prefix: str) -> None:
    prefix = prefix + "\n"  # a line break keeps words apart
    plain = [v for v in check_draft(text).violations if v.rule_id in LOCAL_RULES]
    shifted = check_draft(prefix + text).violations
    moved = {(v.rule_id, v.start + len(prefix), v.end + len(prefix)) for v in plain}
    assert moved <= {(v.rule_id, v.start, v.end) for v in shifted}


@given(texts)
def test_following_a_replacement_silences_the_rule_there(text: str) -> None:
    for v in check_draft(text).violations:
        if not v.replacements:
            continue
        replacement = v.replacements[0]
        fixed = text[: v.start] + replacement + text[v.end :]
        again = [
            w
            for w in check_draft(fixed).violations
            if w.rule_id == v.rule_id and v.start <= w.start < v.start + len(replacement)
        ]
        assert again == [], (v.excerpt, replacement)


DEFAULT_IDS = [rule.id for rule in load_ruleset().rules]

# The bundled ruleset has no https rule (issue 5 decides), so a fixture has one.
HTTPS_RULESET = Path(__file__).parent / "fixtures" / "https.yaml"


@settings(max_examples=15)
@given(texts, st.sets(st.sampled_from(DEFAULT_IDS), min_size=1))
def test_disabling_rules_in_a_fork_only_removes_their_violations(
    text: str, disabled: set[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        fork = Path(folder) / "fork.yaml"
        fork.write_text(
            f"name: fork\nversion: '1'\nextends: public-sector\ndisable: {sorted(disabled)}\n",
            encoding="utf-8",
        )
        forked = check_draft(text, ruleset=fork).violations
    base = check_draft(text).violations
    assert list(forked) == [v for v in base if v.rule_id not in disabled]


lower_words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9), min_size=1, max_size=12
)


@given(lower_words)
def test_lower_case_text_never_shouts(words: list[str]) -> None:
    text = " ".join(words) + "."
    assert check_draft(text).for_rule("tone.shouting") == ()


@given(lower_words, st.integers(0, 11), st.text(alphabet="abcdefghij", min_size=5, max_size=9))
def test_one_long_word_in_capitals_is_reported_with_its_lower_case(
    words: list[str], position: int, word: str
) -> None:
    words.insert(min(position, len(words)), word.upper())
    text = "we " + " ".join(words) + "."
    found = check_draft(text).for_rule("tone.shouting")
    assert [(v.excerpt, v.replacements) for v in found] == [(word.upper(), (word,))]


@given(st.sampled_from(["nationalvolunteerweek", "floodrecovery", "heatwave", "haveyoursay"]))
def test_following_a_hashtag_fix_silences_the_rule(tag: str) -> None:
    text = f"Thanks all! #{tag}"
    (violation,) = check_draft(text).for_rule("accessibility.hashtag-case")
    fixed = text[: violation.start] + violation.replacements[0] + text[violation.end :]
    assert check_draft(fixed).for_rule("accessibility.hashtag-case") == ()


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz/", min_size=1, max_size=20))
def test_an_http_link_fix_is_the_https_link(path: str) -> None:
    url = f"http://www.example.gov.au/{path}x"
    report = check_draft(f"See {url} today", ruleset=HTTPS_RULESET)
    (violation,) = report.violations
    assert violation.excerpt == url
    assert violation.replacements == ("https://" + url[len("http://") :],)
    fixed = check_draft(f"See {violation.replacements[0]} today", ruleset=HTTPS_RULESET)
    assert fixed.violations == ()


@given(st.text(alphabet=" .!?\n\u2026\"')(aDrxe.g3", max_size=80))
def test_sentences_are_ordered_trimmed_and_lose_nothing(text: str) -> None:
    spans = sentences(text)
    assert all(a < b for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
    assert all(text[a:b] == text[a:b].strip() for a, b in spans)
    # Every character that is not a space lies in some sentence.
    kept = "".join(text[a:b] for a, b in spans)
    assert "".join(kept.split()) == "".join(text.split())


@given(st.text(alphabet=" .!?\n\r\t\u00a0\u2028\x1c\u2026\"')(aDrxe.g3#@\x00", max_size=80))
def test_fast_prose_counts_agree_with_sentence_spans(text: str) -> None:
    # prose_counts decides whether a sentence is too long; sentence_words
    # finds it: both must see the same sentences.
    counts = prose_counts(text)
    spans = sentence_words(text)
    assert counts.sentences == len(spans)
    assert counts.words == sum(words for _, _, words in spans)
    for limit in range(1, 6):
        assert has_long_sentence(counts.codes, limit) == any(words > limit for _, _, words in spans)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_emoji_rules_skipped_on_ascii_text_could_not_fire(ascii_text: str) -> None:
    # The engine skips emoji rules on ASCII text: none could find anything there.
    assert emoji_spans(ascii_text) == []


@given(
    st.lists(st.text(alphabet=":-()xD_^'", min_size=1, max_size=4), min_size=1, max_size=8),
    st.text(alphabet=":-()xD_^' a", max_size=40),
)
def test_trie_regex_matches_like_the_longest_alternative(options: list[str], text: str) -> None:
    by_length = sorted(set(options), key=len, reverse=True)
    plain = re.compile("|".join(re.escape(o) for o in by_length))
    assert re.findall(trie_pattern(options), text) == plain.findall(text)
    # What goes after the first character applies to every option.
    first_then = "|".join(re.escape(o[0]) + "(?<!a.)" + re.escape(o[1:]) for o in by_length)
    found = re.findall(trie_pattern(options, after_first="(?<!a.)"), text)
    assert found == re.findall(first_then, text)
    # An ending applies to its own option only.
    endings = dict.fromkeys(by_length[::2], "(?= )")
    with_endings = "|".join(re.escape(o) + endings.get(o, "") for o in by_length)
    found = re.findall(trie_pattern(options, endings=endings), text)
    assert found == re.findall(with_endings, text)


@given(st.text(alphabet=":-()xD_^.=' a\n", max_size=60))
def test_emoticons_and_symbol_runs_found_in_one_pass(text: str) -> None:
    rule = load_ruleset().rule("accessibility.emoticon")
    assert isinstance(rule, PunctuationRule)
    assert rule.symbol_run is not None
    findings = list(rule.matcher().find(AnalysedText(text)))
    listed = "|".join(re.escape(e) for e in sorted(rule.emoticon_list, key=len, reverse=True))
    whole_token = re.compile(rf"(?<![^\s(\[])(?:{listed})(?=$|[\s.,!?)\]])")
    emoticons = {m.span() for m in whole_token.finditer(text)}
    repeated = re.compile(rf"([-=*~_#+.<>|/\\^])\1{{{rule.symbol_run - 1},}}")
    runs = {m.span() for m in repeated.finditer(text)}
    for f in findings:
        assert (f.start, f.end) in (runs if f.values["what"] == "symbol run" else emoticons)
    # Every emoticon and run is reported unless it overlaps one that was.
    reported = [(f.start, f.end) for f in findings]
    for start, end in emoticons | runs:
        assert (start, end) in reported or any(a < end and start < b for a, b in reported)
    assert bool(findings) == bool(emoticons | runs)


# Filler that holds no generic link text, lexicon phrase or sentence end.
filler_words = st.lists(
    st.sampled_from(["the", "library", "opens", "at", "nine", "bins", "on", "Monday", "here"]),
    max_size=8,
)
LINK_TEXTS = ["click here", "read more", "more info", "this link", "tap here"]


@given(filler_words, filler_words, st.sampled_from(LINK_TEXTS))
def test_generic_link_text_is_found_wherever_it_is(
    before: list[str], after: list[str], phrase: str
) -> None:
    head = " ".join(before) + " " if before else ""
    text = head + phrase + (" " + " ".join(after) if after else "")
    found = check_draft(text).for_rule("accessibility.link-text")
    assert [(v.start, v.excerpt) for v in found] == [(len(head), phrase)]
    # Without the phrase, only a bare "here" (itself generic) may be reported.
    rest = check_draft(" ".join(before + after)).for_rule("accessibility.link-text")
    assert {v.excerpt for v in rest} <= {"here"}


LEXICON_RULESET = Path(__file__).parent / "fixtures" / "lexicon.yaml"
LEXICON = {"obviously": 1.5, "clearly": 1.0, "as we said": 2.0, "sorry": -1.0}


@given(
    st.lists(
        st.lists(st.sampled_from([*LEXICON, "bins", "on", "Monday", "the", "park"]), max_size=6),
        min_size=1,
        max_size=4,
    )
)
def test_lexicon_reports_exactly_the_sentences_that_reach_the_threshold(
    sentences_words: list[list[str]],
) -> None:
    text = " ".join(" ".join(words) + "." for words in sentences_words)
    expected = []
    for words in sentences_words:
        score = sum(LEXICON.get(word, 0.0) for word in words)
        if any(word in LEXICON for word in words) and score >= 2.0:
            expected.append(round(score, 2))
    found = check_draft(text, ruleset=LEXICON_RULESET).violations
    assert [float(v.message.removeprefix("Score ").rstrip(".")) for v in found] == expected


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_paths_find_what_the_general_regexes_find(text: str) -> None:
    # Shouting and privacy use faster regexes on ASCII text; they must agree.
    assert [m.span() for m in shouting._ASCII_CAPITAL_WORD.finditer(text)] == [
        m.span() for m in shouting._CAPITAL_WORD.finditer(text)
    ]
    assert (shouting._ASCII_TWO_CAPITALS.search(text) is None) == (
        shouting._TWO_CAPITALS.search(text) is None
    )
    for ascii_version, general in (privacy._DIGIT_RUNS, privacy._ADDRESSES, privacy._DIGITS):
        assert [m.span() for m in ascii_version.finditer(text)] == [
            m.span() for m in general.finditer(text)
        ]


# What the capital-word regexes found before they were made to skip numbers:
# every word of capitals and digits, of which the rule kept those with letters.
_ALL_CAPITAL_WORDS = regex.compile(
    r"(?<![\p{L}\p{N}])[\p{Lu}\p{N}]+(?:['\u2019\-][\p{Lu}\p{N}]+)*(?![\p{L}\p{N}])"
)


@given(st.text(alphabet="AZaz09-'\u2019 .\nÉé٣"))
def test_capital_words_are_the_words_of_capitals_that_have_a_capital(text: str) -> None:
    expected = [
        m.span() for m in _ALL_CAPITAL_WORDS.finditer(text) if any(c.isupper() for c in m.group())
    ]
    assert [m.span() for m in shouting._CAPITAL_WORD.finditer(text)] == expected
    if text.isascii():
        assert [m.span() for m in shouting._ASCII_CAPITAL_WORD.finditer(text)] == expected


# Keywords to send by text message, as one regex over the whole text finds them.
_TEXT_KEYWORD = re.compile(r"\b(?:text|txt|sms)\s+(\w+)\s+to\s+\+?\d[\d ]{2,}", re.IGNORECASE)


@given(
    st.lists(
        st.sampled_from(
            [
                "text",
                "TEXT",
                "Txt",
                "sms",
                "\u017fms",  # a long s, which folds to s
                "a_",
                "STOP",
                "GO",
                "JOIN_NOW",
                "to",
                "TO",
                "0400",
                "+61 400",
                "12",
                " ",
                "  ",
                "\n",
                "x",
                "_",
                "-",
                "mytext",
                "İ",
            ]
        )
    )
)
def test_text_keywords_are_read_as_the_whole_regex_finds_them(words: list[str]) -> None:
    text = "".join(words)
    capitals = [m.span() for m in shouting._CAPITAL_WORD.finditer(text)]
    expected = Spans(m.span(1) for m in _TEXT_KEYWORD.finditer(text))
    found = Spans(shouting.keywords(text, capitals))
    for start, end in capitals:
        assert found.contain(start, end) == expected.contain(start, end), (start, end)


@given(st.text(alphabet="#&a1_é \n."))
def test_hashtags_are_found_as_a_look_behind_first_finds_them(text: str) -> None:
    reference = re.compile(r"(?<![\w#&])#(\w*[^\W\d_]\w*)")
    assert hashtag_spans(text) == [m.span() for m in reference.finditer(text)]


def _x_length_cluster_by_cluster(text: str) -> int:
    """X's weighted length read one grapheme cluster at a time (the reference)."""
    text = unicodedata.normalize("NFC", text)

    def units(piece: str) -> int:
        total = 0
        for cluster in graphemes(piece):
            if length._is_emoji(cluster):
                total += 2
            else:
                total += sum(1 if length._light(c) else 2 for c in cluster)
        return total

    total, position = 0, 0
    for match in URL_PATTERN.finditer(text):
        total += units(text[position : match.start()]) + 23
        position = match.end()
    return total + units(text[position:])


_X_PIECES = [
    "a", "B", " ", "\r", "\n", "\r\n", "é", "e\u0301", "道", "\u0958", "\u0600", "\u0915",
    "😀", "👍🏽", "👩\u200d💻", "\u200d", "🇦", "🇺", "🇦🇺", "1\ufe0f\u20e3", "#\u20e3",
    "\u20e3", "©", "©\ufe0f", "\u2764", "\ufe0f", "\u0301", "https://x.org/a", "www.gov.au",
    "http://localhost", ".", ":", "\U0001f3f4\U000e0067\U000e0062\U000e007f",
]  # fmt: skip


@given(st.lists(st.sampled_from(_X_PIECES), max_size=60))
def test_x_length_is_counted_as_cluster_by_cluster(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected = _x_length_cluster_by_cluster(text)
    assert length.x_weighted_length(text) == expected
    assert length._x_upper_bound(text) >= expected


def _segments_cluster_by_cluster(text: str, counting: str) -> list[tuple[int, int, int, bool]]:
    """The reference segments: an ASCII piece whole, any other grapheme by grapheme."""
    weigh = {
        "x": length._x_weight,
        "graphemes": lambda _: 1,
        "threads": length._threads_weight,
    }[counting]

    def piece(start: int, end: int) -> list[tuple[int, int, int, bool]]:
        part = text[start:end]
        if not part:
            return []
        if part.isascii() and "\r\n" not in part:
            return [(start, end, end - start, True)]
        return [(a, b, weigh(text[a:b]), False) for a, b in grapheme_spans(text, start, end)]

    if counting != "x":
        return piece(0, len(text))
    found, position = [], 0
    for match in URL_PATTERN.finditer(text):
        found += piece(position, match.start())
        found.append((match.start(), match.end(), 23, False))
        position = match.end()
    return found + piece(position, len(text))


@given(
    st.lists(st.sampled_from(_X_PIECES), max_size=60),
    st.integers(min_value=1, max_value=120),
    st.sampled_from(["x", "graphemes", "threads"]),
)
@example(["\r\n", "é"], 1, "graphemes")  # CR LF is one cluster, next to a run of others
@example(["é", "1\ufe0f\u20e3"], 1, "x")  # a keycap begins with an ASCII digit
def test_segments_cut_where_cluster_by_cluster_segments_cut(
    pieces: list[str], limit: int, counting: str
) -> None:
    text = unicodedata.normalize("NFC", "".join(pieces))
    expected = length.count_and_cut(_segments_cluster_by_cluster(text, counting), limit)
    assert length.count_and_cut(length.SEGMENTERS[counting](text), limit) == expected
    runs = length.RUN_SEGMENTERS[counting](text)
    weigh = length.CLUSTER_WEIGHTS[counting]
    assert length.count_and_cut(runs, limit, text, weigh) == expected


# Where an emoji begins, as one regex with a branch for keycaps finds it.
_EMOJI_START = regex.compile(
    r"[\p{Extended_Pictographic}\p{Regional_Indicator}]|[0-9#*]\uFE0F?\u20E3"
)


@given(
    st.lists(
        st.sampled_from(
            [
                "1",
                "#",
                "*",
                "a",
                " ",
                "\ufe0f",
                "\u20e3",
                "😀",
                "🇦",
                "🇺",
                "©",
                "\u200d",
                "👍🏽",
                "x\u20e3",
            ]
        ),
        max_size=40,
    )
)
def test_emoji_start_where_the_keycap_branch_says(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected: list[tuple[int, int]] = []
    reach = 0
    for match in _EMOJI_START.finditer(text if not text.isascii() else ""):
        begin = match.start()
        if begin < reach:
            continue
        end = begin + len(graphemes(text[begin : begin + 64])[0])
        if (
            end - begin == 1
            and ord(text[begin]) < 0x2600
            and not emoji._PRESENTATION.match(text, begin)
        ):
            continue
        expected.append((begin, end))
        reach = end
    assert emoji_spans(text) == expected


# An email address as one regex finds it (slower: tried at every character).
_WHOLE_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b"
)


@given(st.text(alphabet="ab1_.+-@ é\n"))
def test_emails_are_found_as_the_whole_regex_finds_them(text: str) -> None:
    expected = [(m.start(), m.end(), m.group(1)) for m in _WHOLE_EMAIL.finditer(text)]
    assert list(privacy.emails(text)) == expected


@given(
    st.lists(
        st.sampled_from(
            [
                "DOB",
                "d.o.b.",
                "d.ob",
                "do.b",
                "date of birth",
                "born on",
                "Born",
                "birthday",
                "is",
                ":",
                " ",
                "  ",
                "\n",
                "3/4/1990",
                "12 March 1985",
                "March 3, 2001",
                "do",
                "undo",
                "b",
                "reborn",
                "14.02.99",
                "İ",
                "b\u0131rthday",  # a dotless i, which IGNORECASE reads as i
                "B\u0130RTHDAY",  # a dotted capital I, which lower-cases to two characters
                "\u00a0",
            ]
        )
    )
)
def test_birth_dates_are_found_as_the_whole_regex_finds_them(words: list[str]) -> None:
    text = "".join(words)
    expected = [m.span(1) for m in privacy._BIRTH.finditer(text)]
    assert list(privacy.birth_dates(text, text.lower())) == expected


template_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
)


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="ab {}.", max_size=4).map(lambda t: ("text", t)),
            st.sampled_from(["match", "count", "missing"]).map(lambda n: ("name", n)),
            st.sampled_from(["organisation", "items", "absent"]).map(lambda k: ("var", k)),
        ),
        max_size=6,
    ),
    template_values,
    template_values,
    template_values,
    template_values,
)
def test_simple_templates_render_as_jinja_renders_them(
    parts: list[tuple[str, str]], match: object, count: object, organisation: object, items: object
) -> None:
    source = "".join(
        text.replace("{", "(").replace("}", ")")
        if kind == "text"
        else "{{ " + text + " }}"
        if kind == "name"
        else "{{ vars." + text + " }}"
        for kind, text in parts
    )
    allowed = frozenset({"match", "count", "missing", "vars"})
    template = compile_template(
        source, allowed=allowed, variables=["organisation", "items", "absent"]
    )
    values = {
        "match": match,
        "count": count,
        "vars": {"organisation": organisation, "items": items},
    }
    jinja = template.compiled()  # the same template, always rendered by Jinja2
    try:
        expected = jinja.render(values).strip()
    except Exception as exc:  # a missing name: the fast path must fail the same way
        with pytest.raises(type(exc)):
            template.render(values)
        return
    assert template.render(values) == expected


span_lists = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 10)).map(lambda s: (s[0], s[0] + s[1])),
    max_size=8,
)


@given(span_lists, st.integers(0, 30), st.integers(0, 10))
def test_spans_contain_exactly_when_one_span_contains(
    spans: list[tuple[int, int]], start: int, length: int
) -> None:
    end = start + length
    expected = any(a <= start and end <= b for a, b in spans)
    assert Spans(spans).contain(start, end) is expected


@given(st.text(alphabet=" \t\n\r\u00a0ab🎉", max_size=20), st.integers(0, 20))
def test_an_emoji_starts_a_line_when_only_spaces_come_before_it(text: str, offset: int) -> None:
    offset = min(offset, len(text))
    line_start = text.rfind("\n", 0, offset) + 1
    assert emoji._starts_line(text, offset) is (not text[line_start:offset].strip())


mobile_texts = st.lists(
    st.sampled_from(["0412 345 678", "+61 412 345 678", "021 123 4567", "0412345678", "12345"])
    | st.text(alphabet="0123456789 +-a", max_size=3),
    max_size=6,
).map("".join)


@given(mobile_texts, st.integers(0, 60), st.integers(0, 60))
def test_mobiles_are_tried_only_where_they_could_start(text: str, first: int, last: int) -> None:
    # Same matches as searching on from `first` and stopping past `last`.
    searched = []
    for match in privacy._MOBILE.finditer(text, first):
        if match.start() > last:
            break
        searched.append(match.span())
    tried = [m.span() for m in privacy._mobiles_starting_in(text, first, min(last, len(text)))]
    assert tried == searched


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(
            ["a", "b.c", "@", "#", "x_y", "www.", "http://", "https://e.g/x", " ", "-", "+",
             ".", "é", "@@", "com", "\n", "1", "HTTPS://", "Www.", "\u0130"]
        ),
        max_size=20,
    ).map("".join)
)  # fmt: skip
def test_prose_only_blanks_what_the_reference_expressions_blank(text: str) -> None:
    # Each kind of address found on its own by a plain expression (the email one
    # tried at every position); prose_only finds emails from their '@' instead.
    from sociopolicy.text import prose_only

    expressions = [
        re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE),
        re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        re.compile(r"(?<![\w@])[@#][\w]+"),
    ]
    chars = list(text)
    for expression in expressions:
        for match in expression.finditer(text):
            chars[match.start() : match.end()] = " " * (match.end() - match.start())
    assert prose_only(text) == "".join(chars)


_MARKDOWN_PIECES = [
    "word", " ", "    ", "\t", "\n", "\r\n", "```", "~~~", "`", "``", "<!--", "-->", "<b>",
    "</i>", "<", ">", "[a]", "(x)", "[b]: http://e.example", "]:", "](", "][", "- ", "1. ",
    "\u2028", "\x0c", "é",
]  # fmt: skip


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_MARKDOWN_PIECES), max_size=25).map("".join))
def test_markdown_prose_blanks_what_every_pass_run_in_full_blanks(body: str) -> None:
    # prose() skips a pass when the body lacks what every match of it needs;
    # the reference runs every pass on every body.
    from sociopolicy import markdown as md

    blocks = md._fenced(body)
    blocks += md._indented(body, blocks)
    inline = [
        m.span()
        for m in md._INLINE_CODE.finditer(body)
        if not any(a <= m.start() < b for a, b in blocks)
    ]
    code = sorted(blocks + inline)
    assert md.code_spans(body) == code
    chars = list(body)
    for start, end in [*code, *md._html_comments(body, code)]:
        chars[start:end] = md._blanked(body[start:end])
    text = "".join(chars)
    for pattern in (md._REFERENCE_DEFINITION, md._HTML_TAG, md._LINK_TARGET, md._REFERENCE_LABEL):
        text = pattern.sub(lambda m: md._blanked(m.group(0)), text)
    assert md.prose(body) == text


@given(st.text(max_size=40))
def test_a_plain_file_draft_is_the_validated_draft(text: str) -> None:
    # Text files and Markdown without front matter skip validation.
    from sociopolicy import Draft
    from sociopolicy.contentfiles import _plain_draft

    built = _plain_draft(text)
    validated = Draft.model_validate({"text": text, "context": {}})
    assert built == validated
    assert repr(built) == repr(validated)
    assert built.model_fields_set == validated.model_fields_set
    assert built.model_dump() == validated.model_dump()
    built.context["x"] = True  # each draft has its own context
    assert _plain_draft(text).context == {}
