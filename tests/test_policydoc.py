"""The policy document: content, accessible HTML, safe Markdown, templates and freshness."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from sociopolicy import Ruleset, UsageError, bundled_rulesets, load_ruleset
from sociopolicy.policydoc import TEMPLATE_NAMES, DocFormat, render_policy
from sociopolicy.policymodel import duration_words

REPO = Path(__file__).resolve().parents[1]
POLICIES = REPO / "docs" / "policies"
REGENERATE = "python scripts/render_policies.py"
FORMATS: tuple[DocFormat, ...] = ("md", "html")
BUNDLED = sorted(bundled_rulesets())
CATEGORY_TITLES = {
    "tone": "Tone",
    "language": "Language",
    "inclusive": "Inclusive language",
    "privacy": "Privacy",
    "neutrality": "Political neutrality",
    "conduct": "Conduct",
    "accessibility": "Accessibility",
    "platform": "Platform limits",
    "readability": "Readability",
    "escalation": "Comments and escalation",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

SMALL_RULESET = """\
name: test-council
version: "1.0.0"
title: Test <Council> rules
description: "Rules *for* testing."
locale: en-GB
vars:
  organisation: Testville Council
  contact: our <b>contact</b> form
  urgent: PT4H
sources:
  guide:
    title: House [style] guide
    publisher: Testville
    url: https://example.org/guide_(2024)
rules:
  - id: tone.casual
    category: tone
    kind: terms
    terms: [guys, wow]
    message: "Avoid '{{ match }}'."
    rationale: "<script>alert(1)</script> *Be* formal at {{ vars.organisation }}."
    source: guide
    examples:
      fail: ["Hi [[guys]] and all", "Great news[[!!!]]"]
      pass: ["Hello everyone"]
  - id: escalation.rude
    category: escalation
    kind: terms
    applies_to: comment
    severity: error
    terms: [idiot]
    message: "Rude."
    rationale: "Rude comments {{ are not a template, so they show as written."
    action:
      kind: escalate
      to: front_desk
      within: "{{ vars.urgent }}"
      reply: "{% if commenter %}Hi {{ commenter }}, please{% else %}Please{% endif %} use {{ vars.contact }} about {{ match }}."
    also: [hide_comment]
    source: https://example.org/rules
    examples:
      fail: ["You [[idiot]]"]
      pass: ["Thanks"]
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Ruleset:
    path = tmp_path_factory.mktemp("ruleset") / "test-council.yaml"
    path.write_text(SMALL_RULESET, encoding="utf-8")
    return load_ruleset(path)


class PageChecker(HTMLParser):
    """Collects what the accessibility and self-containment tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.tables: list[dict[str, Any]] = []
        self.style = ""
        self._in_style = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.starts.append((tag, values))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"caption": False, "scopes": [], "rows": []})
        elif tag == "caption":
            self.tables[-1]["caption"] = True
        elif tag == "th":
            self.tables[-1]["scopes"].append(values.get("scope"))
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        if tag in ("th", "td"):
            self._cell = []
        self._in_style = tag == "style"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        if tag not in VOID:
            self.problems.append(f"<{tag}/> is not a void element")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
            return
        if not self.stack or self.stack[-1] != tag:
            open_tag = self.stack[-1] if self.stack else "nothing"
            self.problems.append(f"</{tag}> at line {self.getpos()[0]} closes <{open_tag}>")
            return
        self.stack.pop()
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        if self._cell is not None:
            self._cell.append(data)

    def close(self) -> None:
        super().close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")


def check_page(html: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(html)
    checker.close()
    return checker


def gh_anchors(markdown: str) -> set[str]:
    """The anchors GitHub makes for the headings of a Markdown text."""
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"(?m)^#{1,6} (.+)$", markdown)
    }


def markdown_row(markdown: str, rule_id: str) -> list[str]:
    (line,) = [row for row in markdown.splitlines() if row.startswith(f"| [{rule_id}]")]
    return [cell.strip() for cell in line.strip("|").split("|")]


# Every bundled ruleset, both formats ------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_markdown_has_every_rule_and_category(name: str) -> None:
    ruleset = load_ruleset(name)
    text = render_policy(ruleset, "md")
    assert text.startswith(f"# {ruleset.title}\n")
    assert f"({ruleset.ref})" in text.replace("`", "")
    for rule in ruleset.rules:
        assert f"\n### {rule.id}\n" in text, rule.id
        assert f"\n## {CATEGORY_TITLES[rule.category]}\n" in text, rule.category


@pytest.mark.parametrize("name", BUNDLED)
def test_html_has_every_rule_and_category(name: str) -> None:
    ruleset = load_ruleset(name)
    html = render_policy(ruleset, "html")
    for rule in ruleset.rules:
        assert f'<h3 id="rule-{rule.id}">{rule.id}</h3>' in html, rule.id
        category = CATEGORY_TITLES[rule.category]
        assert f'<h2 id="category-{rule.category}">{category}</h2>' in html, rule.category


@pytest.mark.parametrize("name", BUNDLED)
def test_html_is_balanced_accessible_and_self_contained(name: str) -> None:
    ruleset = load_ruleset(name)
    page = check_page(render_policy(ruleset, "html"))
    assert page.problems == []
    tags = [tag for tag, _ in page.starts]
    html_attrs = page.starts[0][1] if tags[0] == "html" else {}
    assert html_attrs.get("lang") == ruleset.locale
    # No scripts, nothing loaded from elsewhere.
    assert not {"script", "link", "img", "iframe", "object", "embed", "video", "audio"} & set(tags)
    assert not any("src" in attrs or "srcset" in attrs for _, attrs in page.starts)
    assert "url(" not in page.style
    assert "@import" not in page.style
    # One h1, then headings that never skip a level.
    assert page.headings[0] == 1
    assert page.headings.count(1) == 1
    assert [(a, b) for a, b in pairwise(page.headings) if b > a + 1] == []
    # Every table has a caption, and every header cell a scope.
    handled = any(
        "comment" in rule.applies_to or any(a.to or a.within for a in rule.actions)
        for rule in ruleset.rules
    )
    assert len(page.tables) == handled
    for table in page.tables:
        assert table["caption"]
        assert table["scopes"]
        assert all(s in ("col", "row") for s in table["scopes"])
    # A skip link first, to the main content; every internal link has a target.
    links = [attrs.get("href") for tag, attrs in page.starts if tag == "a"]
    assert links[0] == "#main"
    ids = [attrs["id"] for _, attrs in page.starts if attrs.get("id")]
    assert len(ids) == len(set(ids))
    missing = {h for h in links if h and h.startswith("#") and h[1:] not in ids}
    assert missing == set()


@pytest.mark.parametrize("name", BUNDLED)
def test_markdown_headings_and_links(name: str) -> None:
    text = render_policy(load_ruleset(name), "md")
    levels = [len(m) for m in re.findall(r"(?m)^(#{1,6}) ", text)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert [(a, b) for a, b in pairwise(levels) if b > a + 1] == []
    targets = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert targets
    assert targets <= gh_anchors(text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_escalation_table_names_the_team_and_time(fmt: DocFormat) -> None:
    text = render_policy(load_ruleset("public-sector"), fmt)
    if fmt == "html":
        (table,) = check_page(text).tables
        rows = {row[0]: row for row in table["rows"][1:]}
        assert table["rows"][0] == ["Rule", "Reads", "Action", "Team", "Response time"]
    else:
        rows = {
            rule_id: [rule_id, *markdown_row(text, rule_id)[1:]]
            for rule_id in ("escalation.self-harm", "escalation.threat", "escalation.spam")
        }
    assert rows["escalation.self-harm"][1:] == [
        "incoming comments",
        "Escalate",
        "crisis support",
        "within 1 hour",
    ]
    assert rows["escalation.threat"][2:] == [
        "Escalate; hide the comment; do not engage",
        "security",
        "within 1 hour",
    ]
    assert rows["escalation.spam"][3:] == ["none", "not set"]


def test_escalation_table_puts_urgent_comment_rules_first() -> None:
    text = render_policy(load_ruleset("public-sector"), "md")
    order = re.findall(r"(?m)^\| \[([a-z.-]+)\]", text)
    assert order[:2] == ["escalation.self-harm", "escalation.self-harm-signs"]
    assert order.index("escalation.complaint") > order.index("escalation.threat-signs")
    assert order[-2:] == ["conduct.embargo-marker", "conduct.security-classification"]
    assert "tone.insult" not in order


def test_self_harm_rule_shows_its_reply_with_the_organisations_vars() -> None:
    ruleset = load_ruleset("public-sector-au")
    text = render_policy(ruleset, "md")
    section = text.split("\n### escalation.self-harm\n")[1].split("\n### ")[0]
    assert "Within 1 hour, escalate it to the crisis support team." in section
    assert "Even if other rules say to, do not hide the comment." in section
    assert f"please {ruleset.vars['emergency_help']}." in section
    assert "{{" not in section
    assert "{%" not in section
    assert "**Comments it flags:**" in section


@pytest.mark.parametrize("name", BUNDLED)
def test_markdown_is_stable(name: str) -> None:
    ruleset = load_ruleset(name)
    assert render_policy(ruleset, "md") == render_policy(ruleset, "md")


def test_output_does_not_depend_on_the_process() -> None:
    script = (
        "import sys; from sociopolicy import load_ruleset;"
        "from sociopolicy.policydoc import render_policy;"
        "sys.stdout.buffer.write(render_policy(load_ruleset('public-sector-au'), 'html').encode())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, check=True, cwd=REPO
    )
    assert result.stdout.decode() == render_policy(load_ruleset("public-sector-au"), "html")


# Escaping, highlighting and filled-in values ------------------------------------


def test_html_escapes_ruleset_text_and_marks_spans(small: Ruleset) -> None:
    html = render_policy(small, "html")
    page = check_page(html)
    assert page.problems == []
    assert "script" not in {tag for tag, _ in page.starts}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<title>Test &lt;Council&gt; rules</title>" in html
    assert "Hi <mark>guys</mark> and all" in html
    assert "Great news<mark>!!!</mark>" in html
    assert 'lang="en-GB"' in html
    assert "formal at Testville Council." in html


def test_markdown_escapes_ruleset_text_and_bolds_spans(small: Ruleset) -> None:
    text = render_policy(small, "md")
    assert text.startswith("# Test \\<Council\\> rules\n\nRules \\*for\\* testing.\n")
    assert "\\<script\\>alert(1)\\</script\\> \\*Be\\* formal at Testville Council." in text
    assert "- Hi **guys** and all\n" in text
    # Stars right after a letter and before punctuation would not make bold text.
    assert "- Great news<strong>!!!</strong>\n" in text
    assert "[House \\[style\\] guide](https://example.org/guide_%282024%29), Testville" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_comment_rule_shows_action_team_time_and_reply(small: Ruleset, fmt: DocFormat) -> None:
    text = render_policy(small, fmt)
    assert "Within 4 hours, escalate it to the front desk team. Hide the comment." in text
    assert "Rude comments {{ are not a template, so they show as written." in text
    contact = (
        "our &lt;b&gt;contact&lt;/b&gt; form" if fmt == "html" else r"our \<b\>contact\</b\> form"
    )
    assert f"Please use {contact} about …." in text
    if fmt == "md":
        row = markdown_row(text, "escalation.rude")
        assert row[1:] == [
            "incoming comments",
            "Escalate; hide the comment",
            "front desk",
            "within 4 hours",
        ]
        assert "[https://example.org/rules](https://example.org/rules)" in text


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        ("PT4H", "within 4 hours"),
        ("PT1H", "within 1 hour"),
        ("PT30M", "within 30 minutes"),
        ("P1D", "within 1 day"),
        ("P2W", "within 2 weeks"),
        ("P1DT12H", "within 1 day and 12 hours"),
        ("P1Y2M3D", "within 1 year, 2 months and 3 days"),
        ("PT0S", "immediately"),
    ],
)
def test_duration_words(duration: str, words: str) -> None:
    assert duration_words(duration) == words


def test_unknown_format_is_a_usage_error(small: Ruleset) -> None:
    with pytest.raises(UsageError, match="unknown document format 'pdf'"):
        render_policy(small, "pdf")  # type: ignore[arg-type]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_stated_contrast_ratios_are_true_and_pass_aa() -> None:
    source = (
        resources.files("sociopolicy").joinpath("doc_templates/policy.html.j2").read_text("utf-8")
    )
    style = source.split("{% block style %}")[1].split("{% endblock %}")[0]
    stated = re.findall(r"(text|non-text) (#[0-9a-f]{6}) on (#[0-9a-f]{6}): ([\d.]+):1", style)
    assert len(stated) >= 10
    for kind, fore, back, ratio in stated:
        light, dark = sorted((_luminance(fore), _luminance(back)), reverse=True)
        actual = (light + 0.05) / (dark + 0.05)
        assert abs(actual - float(ratio)) < 0.01, (fore, back, actual)
        assert actual >= (4.5 if kind == "text" else 3.0), (fore, back)
    used = set(re.findall(r"#[0-9a-f]{6}\b", style.split("*/", 1)[1]))
    assert used <= {c for _, fore, back, _ in stated for c in (fore, back)}


# Templates from a folder ---------------------------------------------------------


def test_override_template_replaces_the_bundled_one(small: Ruleset, tmp_path: Path) -> None:
    (tmp_path / "policy.md.j2").write_text(
        "# Our rules: {{ doc.title }}\n{% for c in doc.categories %}- {{ c.title }}\n{% endfor %}",
        encoding="utf-8",
    )
    assert render_policy(small, "md", tmp_path) == (
        "# Our rules: Test \\<Council\\> rules\n- Tone\n- Comments and escalation\n"
    )
    # A folder without the format's template is a mistake (a misnamed file), not a
    # silent fall-back to the bundled look.
    with pytest.raises(UsageError, match=r"has no policy.html.j2 \(it has: policy.md.j2\)"):
        render_policy(small, "html", tmp_path)


def test_override_can_extend_the_bundled_template(small: Ruleset, tmp_path: Path) -> None:
    (tmp_path / "policy.html.j2").write_text(
        '{% extends "bundled/policy.html.j2" %}{% block style %}body { color: #000000; }{% endblock %}',
        encoding="utf-8",
    )
    html = render_policy(small, "html", tmp_path)
    assert "<style>\nbody { color: #000000; }</style>" in html
    assert "#0b57a4" not in html
    assert '<h3 id="rule-escalation.rude">escalation.rude</h3>' in html


@pytest.mark.parametrize(
    ("source", "line", "says"),
    [
        ("Title\n{{ doc.title }}\n{% if %}\n", 3, "Expected an expression"),
        ("Title\n{{ doc.no_such_name }}\n", 2, "no_such_name"),
        ("{{ doc.__class__ }}\n", 1, "unsafe"),
        ('\n{% include "missing.j2" %}\n', 2, "template 'missing.j2' not found"),
        ('{% extends "policy.md.j2" %}\n', 1, "extend 'bundled/policy.md.j2' instead"),
        ("{{ doc.rule_count / 0 }}\n", 1, "division by zero"),
    ],
)
def test_broken_override_is_a_one_line_usage_error(
    small: Ruleset, tmp_path: Path, source: str, line: int, says: str
) -> None:
    path = tmp_path / "policy.md.j2"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        render_policy(small, "md", tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: ")
    assert says in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_relative_templates_folder(
    small: Ruleset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "policy.md.j2").write_text("{{ doc.ref }}\n{{ doc.nope }}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    where = re.escape(str(Path("mine") / "policy.md.j2"))
    with pytest.raises(UsageError, match=rf"^{where}:2: .*nope"):
        render_policy(small, "md", Path("mine"))


def test_override_that_is_not_utf8_is_a_usage_error(small: Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "policy.html.j2"
    path.write_bytes(b"<p>\xff\xfe</p>\n")
    with pytest.raises(UsageError, match=re.escape(f"{path}: cannot use this template")):
        render_policy(small, "html", tmp_path)


@pytest.mark.parametrize("make", ["missing", "file"])
def test_templates_must_be_a_folder(small: Ruleset, tmp_path: Path, make: str) -> None:
    target = tmp_path / "templates"
    if make == "file":
        target.write_text("", encoding="utf-8")
    what = "does not exist" if make == "missing" else "is not a folder"
    with pytest.raises(UsageError, match=f"the templates folder .*templates {what}"):
        render_policy(small, "md", target)


# The committed documents --------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", BUNDLED)
def test_committed_policy_documents_are_fresh(name: str, fmt: DocFormat) -> None:
    path = POLICIES / f"{name}.{fmt}"
    hint = f"regenerate the policy documents with: {REGENERATE}"
    assert path.is_file(), f"{path.relative_to(REPO)} is missing; {hint}"
    fresh = render_policy(load_ruleset(name), fmt)
    assert path.read_text(encoding="utf-8") == fresh, (
        f"{path.relative_to(REPO)} is out of date; {hint}"
    )


def test_no_policy_documents_for_rulesets_that_are_gone() -> None:
    expected = {f"{name}.{fmt}" for name in BUNDLED for fmt in TEMPLATE_NAMES}
    present = {p.name for fmt in TEMPLATE_NAMES for p in POLICIES.glob(f"*.{fmt}")}
    assert present - expected == set(), f"remove them with: {REGENERATE}"


def test_regenerate_script_reports_fresh_documents() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "render_policies.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
