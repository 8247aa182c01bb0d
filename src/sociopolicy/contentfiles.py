"""Content files for ``sociopolicy check``: drafts in text, Markdown, calendars and CSV.

Each file gives zero or more :class:`ContentItem` (a draft and where it sits
in the file) and, when it cannot be read, a :class:`FileProblem` with the
file and line; the other files are still checked.

- ``.txt``: the whole file is one draft.
- ``.md``: optional YAML front matter between ``---`` lines (``platform``,
  ``kind``, ``in_reply_to``, ``media``, ``context``, ``scheduled``, ``id``),
  then the draft. Code blocks, inline code, link targets and HTML comments are
  blanked out (same length, so offsets still point into the file).
- ``.yaml``/``.yml``/``.json``: a list of posts with the same fields plus
  ``text``; a finding points at the line of the post's text.
- ``.csv``: a scheduling-tool export, one post per row; the message column
  is found by name (``message``, ``text``, ``post``, ``content``, ``caption``)
  unless given, and a finding points at the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .diagnostics import describe_error, field_path, prune_errors
from .errors import RulesetError, UsageError
from .models import Draft
from .periods import context_day
from .text import LineIndex
from .yamlsource import load_yaml

__all__ = ["SUFFIXES", "ContentItem", "FileProblem", "read_content"]

#: File types ``check`` reads, by suffix.
SUFFIXES = (".txt", ".md", ".markdown", ".yaml", ".yml", ".json", ".csv")
#: CSV columns that hold the message, in order of preference.
MESSAGE_COLUMNS = ("message", "text", "post", "content", "caption", "body")
DATE_COLUMNS = ("date", "scheduled", "publish date", "publish_date", "scheduled at")
#: Fields a post may have besides its text.
POST_FIELDS = frozenset(
    {"platform", "kind", "in_reply_to", "media", "context", "scheduled", "id", "ignore"}
)


@dataclass(frozen=True)
class ContentItem:
    """One draft from a content file, and how to place its findings in the file."""

    path: str
    draft: Draft
    #: The draft's offset 0 as a (line, column) in the file.
    line: int
    column: int
    #: Offset in the draft -> (line, column) in the file.
    place: Callable[[int], tuple[int, int]]
    id: str | None = None
    ignore: tuple[str, ...] = ()
    #: For Markdown: the body as written (suppression comments are read from it).
    source: str | None = None
    #: The draft is the whole file (text, Markdown, standard input), not one post of many.
    whole_file: bool = False
    #: Where the comment a reply answers is written (its front matter line), if in the file.
    comment_at: tuple[int, int] | None = None


@dataclass(frozen=True)
class FileProblem:
    """A file, or one post in it, that could not be read."""

    path: str
    line: int
    column: int
    message: str


@dataclass
class _Read:
    items: list[ContentItem] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    #: Why a file found in a folder was left alone (a YAML file that is not a calendar).
    skipped: str | None = None


def read_content(
    path: Path, display: str, *, csv_column: str | None = None, found: bool = False
) -> _Read:
    """Every draft in one content file (and any problem reading it).

    With ``found`` (the file was found in a folder, not named), a YAML or JSON
    file that is not a list of posts, such as a ruleset, is skipped and the
    reason recorded, rather than reported as a broken calendar.
    """
    result = _Read()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        result.problems.append(FileProblem(display, 1, 1, f"cannot read the file: {exc.strerror}"))
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        result.problems.append(
            FileProblem(display, line, 1, f"not UTF-8 text (bad byte at offset {exc.start})")
        )
        return result
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        _read_markdown(text, display, result)
    elif suffix in (".yaml", ".yml", ".json"):
        _read_calendar(path, text, display, result, found)
    elif suffix == ".csv":
        _read_csv(text, display, result, csv_column)
    else:
        _add(result, display, text, {}, 0, LineIndex(text), 1)
    return result


def _add(
    result: _Read,
    display: str,
    text: str,
    fields: Mapping[str, Any],
    offset: int,
    lines: LineIndex,
    line: int,
    *,
    fixed: tuple[int, int] | None = None,
    source: str | None = None,
    comment_at: tuple[int, int] | None = None,
) -> None:
    """Validate one post's fields into a Draft and add it, or report why not."""
    column = fixed[1] if fixed is not None else 1
    unknown = sorted(set(fields) - POST_FIELDS - {"text"})
    if unknown:
        result.problems.append(
            FileProblem(display, line, column, f"unknown field '{unknown[0]}' in a post")
        )
        return
    data = {k: v for k, v in fields.items() if k not in ("scheduled", "id", "ignore", "text")}
    context = dict(data.pop("context", None) or {})
    scheduled = fields.get("scheduled")
    if scheduled is not None:
        context.setdefault(
            "date", scheduled.isoformat() if isinstance(scheduled, dt.date) else str(scheduled)
        )
    if "date" in context:
        try:
            context_day(context)
        except UsageError as exc:
            message = str(exc).removeprefix("invalid context fact 'date': ")
            result.problems.append(FileProblem(display, line, column, f"bad date: {message}"))
            return
    try:
        draft = Draft.model_validate({"text": text, **data, "context": context})
    except ValidationError as exc:
        error = prune_errors(exc.errors())[0]
        where = field_path(error["loc"])
        result.problems.append(
            FileProblem(display, line, column, f"field '{where}': {describe_error(error)}")
        )
        return
    ignore = fields.get("ignore") or ()
    if isinstance(ignore, str):
        ignore = (ignore,)

    def place(position: int) -> tuple[int, int]:
        return fixed if fixed is not None else lines.position(offset + position)

    start = place(0)
    result.items.append(
        ContentItem(
            display,
            draft,
            start[0],
            start[1],
            place,
            str(fields["id"]) if fields.get("id") is not None else None,
            tuple(str(rule) for rule in ignore),
            source,
            whole_file=fixed is None,
            comment_at=comment_at or (fixed if fields.get("in_reply_to") is not None else None),
        )
    )


# ----------------------------------------------------------------- Markdown

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)[^`\r\n][^`\r\n]{0,2000}?\1")
_LINK_TARGET = re.compile(r"(?<=\])\([^()\[\]\s]{0,2000}(?:\s+\"[^\"\r\n]{0,500}\")?\)")
_NOT_BREAK = re.compile(r"[^\r\n]")


def _blanked(text: str) -> str:
    """The same text with everything but line breaks turned to spaces."""
    return _NOT_BREAK.sub(" ", text)


def code_blocks(body: str) -> list[tuple[int, int]]:
    """The (start, end) of each fenced code block (an unclosed one runs to the end)."""
    blocks = []
    opening: tuple[str, int, int] | None = None  # fence character, length, start
    position = 0
    for line in body.splitlines(keepends=True):
        fence = _FENCE_LINE.match(line)
        if opening is None:
            if fence and not (fence.group(1)[0] == "`" and "`" in line[fence.end() :]):
                opening = (fence.group(1)[0], len(fence.group(1)), position)
        elif (
            fence
            and fence.group(1)[0] == opening[0]
            and len(fence.group(1)) >= opening[1]
            and not line[fence.end() :].strip()
        ):
            blocks.append((opening[2], position + len(line)))
            opening = None
        position += len(line)
    if opening is not None:
        blocks.append((opening[2], len(body)))
    return blocks


def html_comments(body: str, skip: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (start, end) of each HTML comment outside code (an open one runs to the end)."""
    found = []
    start = body.find("<!--")
    while start != -1:
        end = body.find("-->", start + 4)
        stop = len(body) if end == -1 else end + 3
        if not any(a <= start < b for a, b in skip):
            found.append((start, stop))
        start = body.find("<!--", stop)
    return found


def prose(body: str) -> str:
    """Markdown with code, link targets and comments blanked out, at the same offsets."""
    chars = list(body)
    code = code_blocks(body)
    for start, end in [*code, *html_comments(body, code)]:
        chars[start:end] = _blanked(body[start:end])
    body = "".join(chars)
    for pattern in (_INLINE_CODE, _LINK_TARGET):
        body = pattern.sub(lambda m: _blanked(m.group(0)), body)
    return body


def _read_markdown(text: str, display: str, result: _Read) -> None:
    fields: dict[str, Any] = {}
    offset = 0
    comment_at: tuple[int, int] | None = None
    front = _FRONT.match(text)
    if front:
        offset = front.end()
        try:
            doc = load_yaml(display, front.group(1) or "")
        except RulesetError as exc:
            where = exc.issues[0].location
            line = (where.line or 1) + 1  # the front matter starts on line 2
            result.problems.append(
                FileProblem(display, line, where.column or 1, exc.issues[0].message)
            )
            return
        if doc.data is not None and not isinstance(doc.data, dict):
            result.problems.append(FileProblem(display, 2, 1, "front matter must be a mapping"))
            return
        fields = dict(doc.data or {})
        if "in_reply_to" in fields:
            line, column = doc.locate(("in_reply_to",))
            comment_at = (line + 1, column)  # the front matter starts on line 2
    body = text[offset:]
    _add(
        result,
        display,
        prose(body),
        fields,
        offset,
        LineIndex(text),
        1,
        source=body,
        comment_at=comment_at,
    )


# ---------------------------------------------------------------- calendars


def _read_calendar(path: Path, text: str, display: str, result: _Read, found: bool) -> None:
    if path.suffix.lower() == ".json":
        # JSON's own parser gives the clearest syntax errors; the YAML reader
        # (JSON is YAML) then gives each value's line.
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            result.problems.append(FileProblem(display, exc.lineno, exc.colno, exc.msg))
            return
    try:
        doc = load_yaml(display, text)
    except RulesetError as exc:
        located = exc.issues[0].location
        result.problems.append(
            FileProblem(display, located.line or 1, located.column or 1, exc.issues[0].message)
        )
        return
    prefix: tuple[str | int, ...] = ()
    posts = doc.data
    if isinstance(posts, dict) and "posts" in posts:
        prefix, posts = ("posts",), posts["posts"]
    if not isinstance(posts, list):
        if found:
            result.skipped = "not a content calendar (a list of posts, or posts: [...])"
        else:
            result.problems.append(FileProblem(display, 1, 1, "expected a list of posts"))
        return
    for number, post in enumerate(posts):
        where = doc.locate((*prefix, number, "text"))
        if not isinstance(post, dict) or "text" not in post:
            where = doc.locate((*prefix, number))
        _add_post(result, display, post, where, f"post {number + 1}")


def _add_post(result: _Read, display: str, post: Any, where: tuple[int, int], name: str) -> None:
    line, column = where
    if not isinstance(post, dict):
        result.problems.append(FileProblem(display, line, column, f"{name} is not a mapping"))
        return
    text = post.get("text")
    if not isinstance(text, str):
        result.problems.append(FileProblem(display, line, column, f"{name} has no text"))
        return
    _add(result, display, text, post, 0, LineIndex(""), line, fixed=(line, column))


# ---------------------------------------------------------------------- CSV


def _read_csv(text: str, display: str, result: _Read, column: str | None) -> None:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        result.problems.append(FileProblem(display, reader.line_num, 1, f"bad CSV: {exc}"))
        return
    if not rows:
        return
    header = [name.strip().lower() for name in rows[0]]
    wanted = [column.lower()] if column else list(MESSAGE_COLUMNS)
    index = next((header.index(name) for name in wanted if name in header), None)
    if index is None:
        names = ", ".join(wanted)
        result.problems.append(
            FileProblem(
                display, 1, 1, f"no message column (looked for: {names}); name it with --csv-column"
            )
        )
        return
    date_index = next((header.index(name) for name in DATE_COLUMNS if name in header), None)
    lines = _row_lines(text, delimiter)
    for number, row in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in row):
            continue
        line = lines[number] if number < len(lines) else number + 1
        if index >= len(row):
            result.problems.append(FileProblem(display, line, 1, "the row has no message cell"))
            continue
        fields: dict[str, Any] = {}
        if date_index is not None and date_index < len(row) and row[date_index].strip():
            fields["scheduled"] = _csv_date(row[date_index].strip())
        _add(result, display, row[index], fields, 0, LineIndex(""), line, fixed=(line, index + 1))


def _csv_date(value: str) -> str:
    """A CSV date as YYYY-MM-DD where it is written that way (or as a date-time)."""
    return value[:10] if re.match(r"\d{4}-\d{2}-\d{2}", value) else value


def _row_lines(text: str, delimiter: str) -> Sequence[int]:
    """The 1-based line on which each CSV row starts (quoted cells may span lines)."""
    starts = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for _ in reader:
        starts.append(line)
        line = reader.line_num + 1
    return starts
