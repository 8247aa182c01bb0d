"""Findings and problems in content files point at the character written in the file."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sociopolicy.cli import main
from sociopolicy.contentfiles import ContentRead, CsvColumns, read_content
from sociopolicy.sourcemap import value_offsets
from sociopolicy.text import LineIndex
from sociopolicy.yamlsource import load_yaml

# Printable text without characters YAML or CSV would escape.
_CHARS = st.characters(
    min_codepoint=32, max_codepoint=0x2FF, blacklist_categories=("Cc", "Cs", "Zl", "Zp")
)
_WORDS = st.lists(
    st.text(_CHARS.filter(lambda c: not c.isspace()), min_size=1, max_size=12),
    min_size=1,
    max_size=12,
)
_SEPARATORS = st.sampled_from([" ", " ", "  ", "\n"])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    words = draw(_WORDS)
    text = words[0]
    for word in words[1:]:
        text += draw(_SEPARATORS) + word
    return text


@given(_texts(), st.sampled_from([None, "'", '"', "|", ">"]))
def test_every_character_of_a_yaml_text_is_found_where_it_is_written(
    text: str, style: str | None
) -> None:
    written = yaml.safe_dump([{"text": text}], default_style=style, allow_unicode=True, width=30)
    doc = load_yaml("cal.yaml", written, lenient=True)
    if doc.problems or doc.data != [{"text": text}]:
        return  # the dumper chose a form that does not keep this text exactly
    read = read_content_text(written, "cal.yaml")
    assert not read.problems
    item = read.items[0]
    lines = LineIndex(written)
    # Every character is found where it is written, or where its escape starts.
    for i, char in enumerate(text):
        line, column = item.place(i)
        offset = lines.offset(line) + column - 1
        if not char.isspace():
            assert written[offset] == char or written[offset] == "\\", (i, char, line, column)
            if written[offset] != char:
                assert style == '"'


_ANY_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Co"), max_codepoint=0x1F9FF), min_size=1, max_size=40
)


@given(st.lists(_ANY_TEXT, min_size=1, max_size=3), st.booleans())
def test_every_character_of_a_json_text_is_found_where_it_is_written(
    texts: list[str], ascii_only: bool
) -> None:
    written = json.dumps([{"text": t} for t in texts], ensure_ascii=ascii_only, indent=1)
    read = read_content_text(written, "cal.json")
    if read.problems:
        # YAML refuses some characters JSON allows (controls); that is reported, not lost.
        assert all(p.message for p in read.problems)
        return
    lines = LineIndex(written)
    for item, text in zip(read.items, texts, strict=True):
        assert item.draft.text == text
        for i, char in enumerate(text):
            line, column = item.place(i)
            at = written[lines.offset(line) + column - 1]
            if char.isspace() and at == "\\":
                continue
            escaped = json.dumps(char, ensure_ascii=ascii_only)[1:-1]
            assert written.startswith(escaped, lines.offset(line) + column - 1), (i, char)


@given(st.lists(_texts(), min_size=1, max_size=4))
def test_every_character_of_a_csv_message_is_found_where_it_is_written(
    messages: list[str],
) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "message"])
    for message in messages:
        writer.writerow(["2026-08-20", message])
    written = out.getvalue()
    read = read_content_text(written, "export.csv")
    kept = [m for m in messages if m.strip()]
    assert [item.draft.text for item in read.items] == kept
    lines = LineIndex(written)
    for item in read.items:
        for i, char in enumerate(item.draft.text):
            line, column = item.place(i)
            if not char.isspace():
                assert written[lines.offset(line) + column - 1] == char


def read_content_text(text: str, name: str) -> ContentRead:
    """read_content on ``text`` written to a temporary file called ``name``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", newline="")
        return read_content(path, name)


def test_offsets_that_cannot_be_lined_up_stay_inside_the_value() -> None:
    written = '"one\\qtwo"'  # not an escape YAML knows
    place = value_offsets("one\ttwo", written, 100, escapes=True)
    assert [place(i) for i in range(3)] == [101, 102, 103]
    assert all(101 <= place(i) <= 103 for i in range(3, 8))


def test_a_finding_in_a_block_of_text_points_at_its_own_line(tmp_path: Path) -> None:
    calendar = tmp_path / "cal.yaml"
    calendar.write_text(
        "- id: a\n  text: |\n    First line is fine.\n    That is a stupid idea.\n",
        encoding="utf-8",
    )
    read = read_content(calendar, "cal.yaml")
    item = read.items[0]
    start = item.draft.text.index("stupid")
    assert item.place(start) == (4, 15)


def test_one_unreadable_value_spoils_only_its_own_post(tmp_path: Path) -> None:
    calendar = tmp_path / "cal.yaml"
    calendar.write_text(
        "- text: Yes\n- text: Fine post.\n  scheduled: 2026-02-30\n- text: Another fine post.\n",
        encoding="utf-8",
    )
    read = read_content(calendar, "cal.yaml")
    assert [item.draft.text for item in read.items] == ["Another fine post."]
    where = sorted((p.line, p.column) for p in read.problems)
    assert where == [(1, 9), (3, 14)]
    assert "put it in quotes" in read.problems[0].message


def test_a_field_problem_points_at_the_field(tmp_path: Path) -> None:
    calendar = tmp_path / "cal.yaml"
    calendar.write_text(
        "- text: A post.\n  media:\n    - alt: 5\n  colour: red\n", encoding="utf-8"
    )
    read = read_content(calendar, "cal.yaml")
    assert [(p.line, p.column) for p in read.problems] == [(4, 3)]
    assert "unknown field 'colour'" in read.problems[0].message
    calendar.write_text("- text: A post.\n  media:\n    - type: picture\n", encoding="utf-8")
    read = read_content(calendar, "cal.yaml")
    assert [(p.line, p.column) for p in read.problems] == [(3, 13)]
    assert "media[0].type" in read.problems[0].message


def test_front_matter_that_is_never_closed_is_an_error(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\nplatform: x\nThat is a stupid idea.\n", encoding="utf-8")
    read = read_content(post, "post.md")
    assert read.items == []
    assert [(p.line, p.column) for p in read.problems] == [(1, 1)]
    assert "not closed" in read.problems[0].message


def test_every_unreadable_front_matter_value_is_reported(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\nplatform: x\nid: no\ncontext:\n  flag: off\n---\nHello\n", "utf-8")
    read = read_content(post, "post.md")
    assert read.items == []
    assert [(p.line, p.column) for p in read.problems] == [(3, 5), (5, 9)]


def test_a_finding_in_the_comment_points_into_the_comment(tmp_path: Path) -> None:
    calendar = tmp_path / "cal.yaml"
    calendar.write_text(
        "- kind: reply\n"
        "  in_reply_to: >\n"
        "    Third week running.\n"
        "    Call me on 0412 558 903.\n"
        "  text: Sorry, we will look into it.\n",
        encoding="utf-8",
    )
    item = read_content(calendar, "cal.yaml").items[0]
    comment = item.draft.in_reply_to
    assert comment is not None
    assert item.place_comment is not None
    assert item.place_comment(comment.index("0412")) == (4, 16)


LINK_RULES = """\
name: links
version: "1"
extends: public-sector
rules:
  - id: local.shortener
    category: accessibility
    kind: links
    shorteners: [bit.ly]
    severity: warning
    message: "Give the full address, not a shortened one."
    rationale: People cannot see where a shortened link goes.
    source: [note]
    examples:
      fail: ["See [[https://bit.ly/x1]]", "Go to [[bit.ly/abc]] now"]
      pass: ["See https://www.example.gov.au/x", "Go to example.org"]
sources:
  note: {title: A note, note: Written for this test.}
"""


def test_csv_columns_can_be_named_and_a_link_cell_is_checked_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "links.yaml").write_text(LINK_RULES, encoding="utf-8")
    (tmp_path / ".sociopolicy.yaml").write_text(
        "ruleset: links.yaml\ncsv: {message: Post Copy, date: Publish At, link: Link URL}\n",
        encoding="utf-8",
    )
    (tmp_path / "export.csv").write_text(
        "Publish At;Post Copy;Link URL\n"
        "2026-08-20;Bin day moves to Thursday.; https://bit.ly/abc\n"
        '2026-08-21;"Read it at https://bit.ly/abc";https://bit.ly/abc\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check", "export.csv", "--fail-on", "warning"]) == 1
    out = capsys.readouterr().out
    # The link cell's own column (after its leading space), and once only when the
    # message already has the link.
    assert "export.csv:2:40: warning local.shortener" in out
    assert "export.csv:3:24: warning local.shortener" in out
    assert out.count(": warning local.shortener") == 2
    assert main(["check", "export.csv", "--csv-date-column", "When"]) == 2
    assert "no date column named 'When'" in capsys.readouterr().out


def test_csv_reports_a_missing_named_column(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("a,b\n1,2\n", encoding="utf-8")
    read = read_content(export, "export.csv", csv=CsvColumns(message="Copy"))
    assert [p.message for p in read.problems] == ["no message column named 'Copy'"]


def test_csv_platform_and_id_columns_are_read_and_placed(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "Date,Network,Message,ID\n"
        "2026-08-20,Twitter,Bin day moves to Thursday.,p1\n"
        "2026-08-21,MySpace,Hello,p2\n",
        encoding="utf-8",
    )
    read = read_content(export, "export.csv")
    (item,) = read.items
    assert (item.draft.platform, item.id) == ("x", "p1")
    (problem,) = read.problems
    assert (problem.line, problem.column) == (3, 12)  # the platform's own cell
    assert "'myspace' is not allowed" in problem.message


def test_a_short_csv_row_is_reported_not_a_crash(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("message,date\nhello\n\nThat is stupid,2026-08-20\n", encoding="utf-8")
    read = read_content(export, "export.csv")
    assert [item.draft.text for item in read.items] == ["hello", "That is stupid"]
    assert read.problems == []


def test_a_post_with_empty_text_is_a_problem(tmp_path: Path) -> None:
    calendar = tmp_path / "cal.yaml"
    calendar.write_text('- text: ""\n- text: Fine.\n', encoding="utf-8")
    read = read_content(calendar, "cal.yaml")
    assert [item.draft.text for item in read.items] == ["Fine."]
    assert [(p.line, p.column, p.message) for p in read.problems] == [(1, 9, "post 1 has no text")]
