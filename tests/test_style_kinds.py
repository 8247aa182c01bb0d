"""The shouting, punctuation, links, lexicon and readability kinds."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sociopolicy import Report, RulesetError, check_draft, load_ruleset
from sociopolicy.kinds import length
from sociopolicy.kinds.emoji import emoji_spans
from sociopolicy.kinds.hashtags import split_words
from sociopolicy.kinds.length import x_weighted_length
from sociopolicy.kinds.readability import flesch_kincaid_grade, syllables
from sociopolicy.text import grapheme_spans, graphemes

from .conftest import WriteRuleset


def _ruleset(write_ruleset: WriteRuleset, rule: str) -> Path:
    body = textwrap.dedent(rule).strip()
    if "message:" not in body:
        body += "\nmessage: m"
    return write_ruleset(
        "r.yaml",
        'name: r\nversion: "1"\nrules:\n  - id: tone.x\n    category: tone\n'
        "    source: https://example.org\n"
        '    examples: {fail: ["[[x]]"], pass: ["y"]}\n' + textwrap.indent(body, "    ") + "\n",
    )


def _found(report: Report) -> list[tuple[str, tuple[str, ...]]]:
    return [(v.excerpt, v.replacements) for v in report.violations]


def test_shouting_words_runs_and_allowlist(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, "kind: shouting\nmin_letters: 5\nmin_run: 3\nallow: [NSW, SES]")
    text = "NSW SES crews are OUT. Please do NOT go. DO NOT ENTER the area. Call 000."
    # "OUT" and "NOT" alone are too short to count; three words in a row do.
    assert _found(check_draft(text, ruleset=path)) == [("DO NOT ENTER", ("Do not enter",))]


def test_shouting_ratio_reports_the_whole_text_once(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, "kind: shouting\nmax_ratio: 0.5\nmin_words: 4\nallow: [NSW]")
    text = "ATTENTION RESIDENTS: STREET CLOSED TOMORROW near the NSW office"
    (violation,) = check_draft(text, ruleset=path).violations
    assert violation.excerpt == "ATTENTION RESIDENTS: STREET CLOSED TOMORROW"
    assert violation.replacements == ("Attention residents: street closed tomorrow",)


@pytest.mark.parametrize(("capitals", "ratio"), [(17, 0.68), (9, 0.34), (11, 0.55), (5, 0.5)])
def test_shouting_ratio_is_judged_exactly_at_its_edge(
    write_ruleset: WriteRuleset, capitals: int, ratio: float
) -> None:
    # Just under the share (one lower-case long word more than the share
    # allows): words in capitals are reported, not the whole text. The count
    # of long words may stop early; it must give this same answer.
    lower = 1  # the fewest lower-case long words that keep the share under the ratio
    while not capitals < ratio * (capitals + lower):
        lower += 1
    path = _ruleset(write_ruleset, f"kind: shouting\nmax_ratio: {ratio}\nmin_words: 4")

    def text_of(upper: int, others: int) -> str:
        # Each word in capitals on its own between lower-case words.
        words = []
        for number in range(max(upper, others)):
            words += ["HELLO"] if number < upper else []
            words += ["there"] if number < others else []
        return " ".join(words) + "."

    text = text_of(capitals, lower)
    found = check_draft(text, ruleset=path).violations
    runs = [part.strip() for part in text.rstrip(".").split("there") if part.strip()]
    assert [v.excerpt for v in found] == runs  # each run of capitals on its own
    # One more word in capitals reaches the share: the whole text is reported once.
    if capitals + 1 >= ratio * (capitals + lower):
        (whole,) = check_draft(text_of(capitals + 1, lower - 1), ruleset=path).violations
        assert "there" in whole.excerpt


def test_shouting_ignores_acronyms_digits_and_short_words(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, "kind: shouting")
    text = "The ATO, the NDIS and COVID-19 clinics are open. OK?"
    assert check_draft(text, ruleset=path).violations == ()


def test_punctuation_checks_switch_on_one_by_one(write_ruleset: WriteRuleset) -> None:
    text = "Open now!!! Really?! Thanks :-) see 10:30) ----- end"
    only_repeated = _ruleset(write_ruleset, "kind: punctuation\nrepeated: true")
    assert _found(check_draft(text, ruleset=only_repeated)) == [("!!!", ("!",)), ("?!", ("?",))]
    only_symbols = _ruleset(write_ruleset, "kind: punctuation\nemoticons: true\nsymbol_run: 4")
    assert _found(check_draft(text, ruleset=only_symbols)) == [(":-)", ()), ("-----", ())]


def test_punctuation_needs_at_least_one_check(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, "kind: punctuation")
    assert check_draft("Hi!!!", ruleset=path).violations == ()


def test_links_checks(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(
        write_ruleset,
        """
        kind: links
        generic_text: [click here]
        shorteners: [bit.ly]
        require_https: true
        allowed_domains: [example.gov.au]
        """,
    )
    text = (
        "Click here: https://www.example.gov.au/a or http://example.gov.au/b, "
        "https://bit.ly/xyz and https://evil.example.com/c. Details here: www.example.gov.au"
    )
    found = [(v.excerpt, v.replacements) for v in check_draft(text, ruleset=path).violations]
    assert found == [
        ("Click here", ()),
        ("http://example.gov.au/b", ("https://example.gov.au/b",)),
        ("https://bit.ly/xyz", ()),
        ("https://evil.example.com/c", ()),
        ("here", ()),
    ]


def test_links_reject_a_path_as_a_domain(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(write_ruleset, "kind: links\nshorteners: [https://bit.ly/]")
    with pytest.raises(RulesetError, match=r"is not a domain name such as 'bit\.ly'"):
        load_ruleset(path)


def test_lexicon_scores_per_sentence_with_weights(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(
        write_ruleset,
        """
        kind: lexicon
        threshold: 2
        lexicon: {obviously: 1.5, clearly: 1, "thank you": -1}
        message: "{{ score }} {{ phrases | join('+') }}"
        """,
    )
    text = "Obviously, clearly wrong. Obviously right. Obviously clearly fine, thank you."
    report = check_draft(text, ruleset=path)
    assert [(v.excerpt, v.message) for v in report.violations] == [
        ("Obviously, clearly wrong.", "2.5 obviously+clearly")
    ]


def test_lexicon_draft_scope(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(
        write_ruleset, "kind: lexicon\nthreshold: 2\nscope: draft\nlexicon: {frankly: 1}"
    )
    (violation,) = check_draft("Frankly no. Frankly  ", ruleset=path).violations
    assert violation.excerpt == "Frankly no. Frankly"


@pytest.mark.parametrize(
    ("word", "count"),
    [("cat", 1), ("table", 2), ("service", 2), ("closed", 1), ("library", 3), ("beautiful", 3)],
)
def test_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


def test_flesch_kincaid_formula() -> None:
    assert flesch_kincaid_grade(100, 5, 150) == pytest.approx(0.39 * 20 + 11.8 * 1.5 - 15.59)


def test_readability_grade_and_sentence_length(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(
        write_ruleset,
        """
        kind: readability
        max_grade: 8
        min_words: 10
        max_sentence_words: 12
        message: "{{ grade }}/{{ target }}/{{ words }}"
        """,
    )
    hard = (
        "Comprehensive infrastructure modernisation necessitates intergovernmental "
        "collaboration regarding environmental sustainability considerations. "
        "See https://www.example.gov.au/very/long/address/with/many/parts #hashtag"
    )
    (grade,) = check_draft(hard, ruleset=path).violations
    value, target, words = grade.message.split("/")
    assert float(value) > 20  # eleven very long words in one sentence
    assert (target, words) == ("8.0", "11")  # the address and hashtag are not words
    assert grade.excerpt.startswith("Comprehensive")
    assert grade.excerpt.endswith("See")

    long_sentence = (
        "We will open the new library on the corner of King and Queen streets next month. Bye."
    )
    (length,) = check_draft(long_sentence, ruleset=path).violations
    assert length.message == "/12/16"  # sixteen words; the grade itself is fine
    assert length.excerpt.endswith("next month.")

    short = "The pool is open. Bring a hat."
    assert check_draft(short, ruleset=path).violations == ()


def test_readability_needs_a_setting(write_ruleset: WriteRuleset) -> None:
    with pytest.raises(RulesetError, match="set max_grade, max_sentence_words, or both"):
        load_ruleset(_ruleset(write_ruleset, "kind: readability"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Family day 👨\u200d👩\u200d👧 and flags 🇦🇺🇳🇿", ["👨\u200d👩\u200d👧", "🇦🇺", "🇳🇿"]),
        ("Thumbs 👍🏽 up, love ❤️, press 1️⃣", ["👍🏽", "❤️", "1️⃣"]),
        ("© 2026 Council™ ↔ plain text", []),
        ("No emoji here.", []),
    ],
)
def test_emoji_are_counted_as_people_see_them(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in emoji_spans(text)] == expected


EMOJI = ["🎉", "👨\u200d👩\u200d👧", "🇦🇺", "👍🏽", "❤️", "🚧"]


@given(st.lists(st.sampled_from(EMOJI), max_size=8), st.text(alphabet="abc .\n", max_size=30))
def test_each_inserted_emoji_is_found_once(emojis: list[str], filler: str) -> None:
    text = filler.join([*emojis, ""])
    assert [text[a:b] for a, b in emoji_spans(text)] == emojis


def test_emoji_rule_checks(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(
        write_ruleset,
        """
        kind: emoji
        max_count: 3
        max_run: 2
        bullets: true
        message: "{{ what }} {{ count }}"
        """,
    )
    text = "🎉 Fun\n📚 Books\nParty 🎈🎈🎈"
    assert [(v.excerpt, v.message) for v in check_draft(text, ruleset=path).violations] == [
        ("🎉", "emoji as bullets 1"),
        ("📚", "emoji as bullets 1"),
        ("🎈🎈🎈", "emoji in a row 3"),
        ("🎈🎈", "too many emoji 5"),  # the fourth and fifth emoji
    ]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("nationalvolunteerweek", ["national", "volunteer", "week"]),
        ("covid19", ["covid", "19"]),
        ("springfield", None),
        ("ANZACDAY", ["anzac", "day"]),
    ],
)
def test_split_words(tag: str, expected: list[str] | None) -> None:
    words = frozenset({"national", "volunteer", "week", "covid", "anzac", "day", "nation", "al"})
    assert split_words(tag, words) == expected


def test_hashtag_checks(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(
        write_ruleset,
        """
        kind: hashtags
        max_count: 3
        max_count_by_platform: {threads: 1}
        camel_case: true
        word_list: [flood, recovery, grants, week]
        mid_sentence: true
        message: "{{ what }}"
        """,
    )
    text = "Our #floodrecovery grants are open. #Grants #FloodRecoveryWeek #weekly #recoverygrants"
    found = [
        (v.excerpt, v.message, v.replacements) for v in check_draft(text, ruleset=path).violations
    ]
    assert found == [
        ("#floodrecovery", "hashtag not in CamelCase", ("#FloodRecovery",)),
        ("#floodrecovery", "hashtag mid-sentence", ()),
        ("#weekly #recoverygrants", "too many hashtags", ()),  # the 4th and 5th
        ("#recoverygrants", "hashtag not in CamelCase", ("#RecoveryGrants",)),
    ]
    on_threads = check_draft("Closed #Roads #Traffic", ruleset=path, platform="threads")
    assert [(v.excerpt, v.message) for v in on_threads.violations] == [
        ("#Traffic", "too many hashtags")
    ]


def test_camel_case_needs_a_word_list(write_ruleset: WriteRuleset) -> None:
    with pytest.raises(RulesetError, match="camel_case needs a word_list"):
        load_ruleset(_ruleset(write_ruleset, "kind: hashtags\ncamel_case: true"))


def test_media_checks(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(
        write_ruleset,
        """
        kind: media
        require_alt_text: true
        max_alt_length: 20
        alt_text_openings: [image of]
        require_captions: true
        message: "{{ item }}: {{ what }}"
        """,
    )
    media: list[dict[str, object]] = [
        {"type": "image"},
        {"type": "image", "alt_text": ""},
        {"type": "gif", "alt_text": "Image of a dog"},
        {"type": "image", "alt_text": "A very long description of the whole scene"},
        {"type": "video", "captions": False},
        {"type": "video", "captions": True},
    ]
    report = check_draft("Look!", ruleset=path, media=media)
    assert [(v.message, v.start, v.end, v.excerpt) for v in report.violations] == [
        ("image 1: no alt text", 0, 0, ""),
        ("gif 3: alt text that starts by naming the image", 0, 0, ""),
        ("image 4: alt text of 42 characters", 0, 0, ""),
        ("video 5: no captions", 0, 0, ""),
    ]
    assert check_draft("Look!", ruleset=path).violations == ()


def test_requires_counts_things_not_phrases(write_ruleset: WriteRuleset) -> None:
    path = _ruleset(
        write_ruleset,
        """
        kind: requires
        trigger: [closure]
        require: [[call us, 1300 555 123], [our website, www.example.gov.au]]
        min_count: 2
        message: "{{ found }}/{{ needed }}"
        """,
    )
    both = "The road closure starts Monday: call us on 1300 555 123 or see our website."
    one = "The road closure starts Monday: call us on 1300 555 123."
    assert check_draft(both, ruleset=path).violations == ()
    (violation,) = check_draft(one, ruleset=path).violations
    assert (violation.excerpt, violation.message) == ("closure", "1/2")
    assert check_draft("Call us on 1300 555 123.", ruleset=path).violations == ()


def test_x_counts_as_documented() -> None:
    # Examples worked through in the project's guidance notes (GUIDELINES.md, 8 and 9).
    road = (
        "Road closure: Smith St, 9am\u20135pm today for water main repairs. Detour via King St. "
        "Details: https://www.example.nsw.gov.au/roads/closures/smith-street-water-main-repairs-2025 🚧"
    )
    assert x_weighted_length(road) == 117
    assert x_weighted_length("道路封闭 Road closed today 🚧👷\u200d♀️") == 31


# Latin, Greek, Chinese and punctuation (some weigh 1 on X, some 2), no emoji or links.
LIGHT_AND_HEAVY = (
    "abc XYZ.,!?\u03b1\u03b2\u03b3\u9053\u8def\u5c01\u95ed\u00c4\u00d6\u2014\u2018\u2019"
)


@given(
    st.text(alphabet=LIGHT_AND_HEAVY, max_size=60),
    st.text(alphabet=LIGHT_AND_HEAVY, max_size=60),
)
def test_x_length_adds_up(first: str, second: str) -> None:
    assert x_weighted_length(first + second) == x_weighted_length(first) + x_weighted_length(second)


def test_length_limits_by_platform() -> None:
    post = "é" * 299 + "👨\u200d👩\u200d👧" + "!"  # 301 graphemes, 609 characters
    over = check_draft(post, platform="bluesky").for_rule("platform.length")
    assert [(v.start, v.excerpt) for v in over] == [(len(post) - 1, "!")]
    assert "(graphemes count)" in over[0].message
    assert check_draft(post[:-1], platform="bluesky").for_rule("platform.length") == ()
    assert check_draft(post).for_rule("platform.length") == ()  # no platform, no limit
    mention = "@jo@example.social " + "a" * 485  # the domain does not count on Mastodon
    assert check_draft(mention, platform="mastodon").for_rule("platform.length") == ()
    emoji = "🎉" * 126  # 126 characters but 504 bytes: Threads counts an emoji's bytes
    assert check_draft(emoji, platform="threads").for_rule("platform.length")


@given(st.text(alphabet="ab c\r\n.!é🎉道", max_size=40))
def test_fast_ascii_counts_agree_with_the_full_count(text: str) -> None:
    from sociopolicy.kinds import length

    ascii_text = text.encode("ascii", "ignore").decode()
    assert length._graphemes(ascii_text) == len(graphemes(ascii_text))
    assert length.x_weighted_length(ascii_text) == len(ascii_text)


@given(st.text(alphabet="ab c.!,", min_size=1, max_size=80), st.integers(1, 60))
def test_linear_cut_point_agrees_with_searching(text: str, limit: int) -> None:
    from sociopolicy.kinds import length

    counter = length.COUNTERS["x"]
    if counter(text) > limit:
        assert length._cut_point(text, counter, limit, linear=True) == length._cut_point(
            text, counter, limit, linear=False
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two mobiles written one after the other
        (
            "Call 0412 345 678 0400 111 222 anytime",
            [
                ("privacy.personal-information", "0412 345 678"),
                ("privacy.personal-information", "0400 111 222"),
            ],
        ),
        # landlines run together are not New Zealand mobiles
        ("Bookings: 0298765432 or 0398765432", []),
        # "000" inside a number is not the emergency number
        (
            "Suicide prevention walk: 1 000 people joined. Call Lifeline 13 11 14.",
            [("inclusive.suicide-help", "Suicide")],
        ),
        # capitals in handles, addresses and hashtags are not shouting
        ("Follow @NSWSES and see https://www.example.gov.au/FORMS/PERMIT", []),
        ("Stay cool #BUSHFIRESAFETY", [("accessibility.hashtag-case", "#BUSHFIRESAFETY")]),
        ("We \u2764 our volunteers", [("accessibility.emoji-for-words", "\u2764")]),
        ("Join us \u2047\u2047", [("tone.repeated-punctuation", "\u2047\u2047")]),
        # a reference grouped 4-4-2 is not a Medicare number
        ("Ref 2123 4567 01 is your invoice.", []),
        ("You need to read the terms. Thanks.", []),
    ],
)
def test_found_by_review(text: str, expected: list[tuple[str, str]]) -> None:
    report = check_draft(text, platform="x")
    assert [(v.rule_id, v.excerpt) for v in report.violations] == expected


@given(
    st.text(alphabet="ab c\r\n.!é🎉道\u0301👨\u200d👩", max_size=40)
    | st.builds(
        lambda a, b: f"{a} https://example.org/x {b}", st.text(max_size=10), st.text(max_size=10)
    ),
    st.integers(1, 60),
    st.sampled_from(["x", "graphemes", "threads"]),
)
def test_one_pass_count_and_cut_agree_with_counting_and_searching(
    text: str, limit: int, counting: str
) -> None:
    import unicodedata

    from sociopolicy.kinds import length

    text = unicodedata.normalize("NFC", text)  # X's one-pass count is used on NFC text
    counter = length.COUNTERS[counting]
    segments = list(length.SEGMENTERS[counting](text))
    total, cut = length.count_and_cut(segments, limit)
    assert total == counter(text)
    if total <= limit:
        assert cut is None
        return
    # The cut is the last place the text still fits: up to it the count is
    # within the limit, and one more character (or the whole link or emoji
    # that starts there) goes past it.
    assert cut is not None
    _, end, _, per_character = next(s for s in segments if s[0] <= cut < s[1])
    assert counter(text[:cut]) <= limit < counter(text[: cut + 1 if per_character else end])


def test_readability_counts_words_split_by_any_space() -> None:
    sentence = "\u00a0".join(f"word{number}" for number in range(30)) + "."
    # 30 words with no-break spaces between: over the limit of 25.
    found = check_draft(sentence).for_rule("readability.sentence-length")
    assert [v.excerpt for v in found] == [sentence]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We ❤️ our volunteers", ["❤️"]),
        ("Let\u2019s 🏊 at the pool today", ["🏊"]),  # curly apostrophe as in the list
        ("Let\u02bcs 🏊 at the pool today", ["🏊"]),
        ("Try pottery 🏺 and bush walks 🥾 at the centre", []),  # after nouns: decoration
    ],
)
def test_emoji_in_place_of_a_word(text: str, expected: list[str]) -> None:
    found = check_draft(text).for_rule("accessibility.emoji-for-words")
    assert [v.excerpt for v in found] == expected


@pytest.mark.parametrize(
    ("text", "shouted"),
    [
        ("UPDATE: the depot reopens at 9am.", []),
        ("\u26a0\ufe0f UPDATE: the depot reopens at 9am.", []),  # emoji with its selector
        ("- \u26a0\ufe0f ROAD CLOSURE: the bridge is shut.", []),
        ("ALERT: KEEP OUT OF THE WATER", ["ALERT: KEEP OUT OF THE WATER"]),
        ("Text STOP to 0400 000 000 to leave the list.", []),
        ("Please SEND DONATIONS TO 12 King St", ["SEND DONATIONS TO"]),
    ],
)
def test_labels_and_text_keywords_in_capitals(text: str, shouted: list[str]) -> None:
    found = check_draft(text).for_rule("tone.shouting")
    assert [v.excerpt for v in found] == shouted


@given(
    st.lists(
        st.sampled_from(
            ["\U0001f1e6", "\U0001f1fa", "\ufe0f", "\u0301", "a", " ", "👨\u200d👩", "\r\n"]
        ),
        max_size=60,
    ).map("".join)
)
def test_grapheme_spans_match_the_grapheme_regex_even_on_long_flag_runs(text: str) -> None:
    import regex

    text = "\U0001f1e6" * 20 + text  # a long run of flag letters: the bounded path
    expected = [m.span() for m in regex.finditer(r"\X", text)]
    assert list(grapheme_spans(text)) == expected
    assert graphemes(text) == [text[a:b] for a, b in expected]


def test_a_run_of_clusters_cannot_be_cut_without_its_text() -> None:
    runs = list(length.RUN_SEGMENTERS["x"]("ab 😀😀 cd"))
    assert any(per_character is None for *_, per_character in runs)
    with pytest.raises(ValueError, match="needs the text"):
        length.count_and_cut(runs, 3)
    assert length.count_and_cut(runs, 3, "ab 😀😀 cd", length.CLUSTER_WEIGHTS["x"]) == (10, 3)
