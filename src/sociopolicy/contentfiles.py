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
- ``.csv``: a scheduling-tool export, one post per row; the message, date and
  link columns are found by name unless given (:class:`CsvColumns`); a link
  not already in the message is checked as the post's last line, and a
  finding points at the character in its cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, StrictBool, StrictStr, ValidationError

from ._common import StrictModel, one_or_many, trusted
from .diagnostics import describe_error, field_path, prune_errors
from .errors import RulesetError, UsageError
from .limits import DRAFT_VARIABLE, max_draft_chars, read_at_most
from .markdown import prose
from .models import Draft
from .periods import context_day
from .planning import Purpose
from .sourcemap import value_offsets
from .text import LineIndex
from .yamlsource import ScalarSpan, YamlDocument, load_yaml

logger = logging.getLogger(__name__)

__all__ = [
    "SUFFIXES",
    "ContentDecodeError",
    "ContentItem",
    "ContentRead",
    "CsvColumns",
    "FileProblem",
    "decode_content",
    "read_content",
]

#: File types ``check`` reads, by suffix.
SUFFIXES = (".txt", ".md", ".markdown", ".yaml", ".yml", ".json", ".csv")
#: CSV columns that hold the message, in order of preference.
MESSAGE_COLUMNS = ("message", "text", "post", "content", "caption", "body")
DATE_COLUMNS = ("date", "scheduled", "publish date", "publish_date", "scheduled at")
LINK_COLUMNS = ("link", "url", "links")
#: Fields a post may have besides its text.
#: Fields a calendar post may have for planning (see sociopolicy.calendar).
PLAN_FIELDS = frozenset({"evergreen", "purpose", "tags"})
POST_FIELDS = frozenset(
    {"platform", "kind", "in_reply_to", "media", "context", "scheduled", "id", "ignore"}
    | PLAN_FIELDS
)


class PlanFields(StrictModel):
    """A post's planning fields."""

    evergreen: StrictBool = False
    purpose: Purpose | None = None
    tags: Annotated[tuple[StrictStr, ...], BeforeValidator(one_or_many)] = ()


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
    #: Where each name in ``ignore`` is written.
    ignore_at: tuple[tuple[int, int], ...] = ()
    #: Offset in the comment a reply answers -> (line, column), when it is in the file.
    place_comment: Callable[[int], tuple[int, int]] | None = None
    #: The file the comment is in, when not this one (``--in-reply-to FILE``).
    comment_path: str | None = None
    #: When the post is scheduled, as written (a date, a date-time or text).
    scheduled: Any = None
    #: Its calendar fields (evergreen, purpose, tags).
    plan: PlanFields | None = None


@dataclass(frozen=True)
class FileProblem:
    """A file, or one post in it, that could not be read."""

    path: str
    line: int
    column: int
    message: str


@dataclass
class ContentRead:
    """What one content file gave: its drafts, its problems, or why it was skipped."""

    items: list[ContentItem] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    #: Why a file found in a folder was left alone (a YAML file that is not a calendar).
    skipped: str | None = None


#: The most bytes a character takes in UTF-8 (and UTF-16 or UTF-32).
_BYTES_PER_CHARACTER = 4


class ContentDecodeError(ValueError):
    """Bytes that are not text in the file's encoding, with where the first bad one is."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


#: Byte-order marks and the encodings they announce (UTF-32 before UTF-16,
#: whose mark begins UTF-32's little-endian one).
_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_content(raw: bytes, encoding: str | None = None) -> str:
    """The text of a content file: UTF-8 unless a byte-order mark or ``encoding``
    says otherwise (a mark wins, as editors write one only when they mean it).

    Raises:
        ContentDecodeError: a byte that is not text in that encoding, or a NUL
            character (a binary file, or UTF-16 without a mark); the message
            gives the byte offset, and the error the line and column.
    """
    codec = encoding or "utf-8"
    start = 0
    for mark, marked in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            codec, start = marked, len(mark)
            break
    try:
        text = raw[start:].decode(codec)
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        before = raw[start:offset].decode(codec, "replace")
        line, column = LineIndex(before).position(len(before))
        raise ContentDecodeError(
            f"not {_codec_name(codec)} text (bad byte at offset {offset}); "
            "give the file's encoding with --encoding",
            line,
            column,
        ) from None
    nul = text.find("\x00")
    if nul != -1:
        before = text[:nul]
        line, column = LineIndex(text).position(nul)
        # Some codecs ("utf-16") put a byte-order mark before what they encode.
        own_mark = len("".encode(codec))
        offset = start + len(before.encode(codec, "surrogatepass")) - own_mark
        raise ContentDecodeError(
            f"a NUL byte at offset {offset}: this looks like a binary file, or UTF-16 text "
            "without a byte-order mark (give --encoding utf-16)",
            line,
            column,
        )
    return text


def _codec_name(codec: str) -> str:
    return "UTF-8" if codec == "utf-8" else codec


def read_content(
    path: Path,
    display: str,
    *,
    csv: CsvColumns | None = None,
    found: bool = False,
    data: bytes | None = None,
    encoding: str | None = None,
) -> ContentRead:
    """Every draft in one content file (and any problem reading it).

    A YAML or JSON file that is a mapping without ``posts`` (a ruleset, a
    tool's settings) is skipped and the reason recorded, rather than reported as
    a broken calendar; with ``found`` (the file was found in a folder, not
    named), so is a list in which no item has a ``text``. With ``data``, those
    bytes are read as the file's content (standard input named as a file).
    ``encoding`` is used for files without a byte-order mark (default UTF-8).
    """
    result = ContentRead()
    # A file may hold many drafts: it is read up to the bytes the longest draft
    # could take (each draft is then held to the draft limit).
    limit = _BYTES_PER_CHARACTER * max_draft_chars()
    try:
        raw = read_at_most(path, limit) if data is None else data
    except OSError as exc:
        result.problems.append(FileProblem(display, 1, 1, f"cannot read the file: {exc.strerror}"))
        return result
    if len(raw) > limit:
        result.problems.append(
            FileProblem(
                display,
                1,
                1,
                f"the file is larger than {limit:,} bytes, the most read (four bytes for "
                f"each character of --max-draft-chars or {DRAFT_VARIABLE}); not checked",
            )
        )
        return result
    try:
        text = decode_content(raw, encoding)
    except ContentDecodeError as exc:
        result.problems.append(FileProblem(display, exc.line, exc.column, str(exc)))
        return result
    try:
        _read_text(path, text, display, result, csv, found)
    except Exception as exc:  # a bug must not lose the other files
        logger.exception("reading %s failed", display)
        result.items.clear()
        result.problems.append(
            FileProblem(display, 1, 1, f"internal error while reading the file: {exc!r}")
        )
    return result


def _read_text(
    path: Path,
    text: str,
    display: str,
    result: ContentRead,
    csv: CsvColumns | None,
    found: bool,
) -> None:
    """Read the decoded ``text`` of ``path`` by its type."""
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        _read_markdown(text, display, result)
    elif suffix in (".yaml", ".yml", ".json"):
        _read_calendar(path, text, display, result, found)
    elif suffix == ".csv":
        _read_csv(text, display, result, csv or CsvColumns())
    else:
        _add(
            result,
            display,
            text,
            {},
            place=LineIndex(text).position,
            field_at=_start,
            whole_file=True,
        )


def _start(*_: object) -> tuple[int, int]:
    return (1, 1)


Place = Callable[[int], tuple[int, int]]
#: A field of a post (``("platform",)``, ``("media", 0, "alt")``) -> where its value is
#: written (with ``True``: where its key is, for a field that should not be there).
FieldAt = Callable[[tuple[str | int, ...], bool], tuple[int, int]]


#: The planning fields of a post that gives none (models are frozen, so one serves all).
_NO_PLAN = PlanFields.model_construct()


def _plain_draft(text: str) -> Draft:
    """``Draft.model_validate({"text": text, "context": {}})`` without validating:
    the text is a str and every other field its default (tested against it)."""
    return trusted(Draft, {"text": text, **_DRAFT_DEFAULTS, "context": {}}, _GIVEN)


_DRAFT_DEFAULTS = {"kind": "post", "platform": None, "in_reply_to": None, "media": ()}
_GIVEN = frozenset({"text", "context"})


def _add(
    result: ContentRead,
    display: str,
    text: str,
    fields: Mapping[str, Any],
    *,
    place: Place,
    field_at: FieldAt,
    whole_file: bool = False,
    source: str | None = None,
    place_comment: Place | None = None,
) -> None:
    """Validate one post's fields into a Draft and add it, or report why not.

    ``place`` turns an offset in the text into (line, column) in the file;
    ``field_at`` places a field, so a problem points at the field at fault.
    """

    def problem(where: tuple[str | int, ...], message: str, key: bool = False) -> None:
        line, column = field_at(where, key)
        result.problems.append(FileProblem(display, line, column, message))

    if not fields:
        # Plain text, or Markdown without front matter: nothing to validate.
        start = place(0)
        result.items.append(
            ContentItem(
                display,
                _plain_draft(text),
                start[0],
                start[1],
                place,
                source=source,
                whole_file=whole_file,
                plan=_NO_PLAN,
            )
        )
        return
    unknown = sorted(set(fields) - POST_FIELDS - {"text"})
    if unknown:
        problem((unknown[0],), f"unknown field '{unknown[0]}' in a post", key=True)
        return
    data = {
        k: v
        for k, v in fields.items()
        if k not in ("scheduled", "id", "ignore", "text", *PLAN_FIELDS)
    }
    try:
        plan = PlanFields.model_validate({k: v for k, v in fields.items() if k in PLAN_FIELDS})
    except ValidationError as exc:
        error = prune_errors(exc.errors())[0]
        problem(tuple(error["loc"]), f"field '{field_path(error['loc'])}': {describe_error(error)}")
        return
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
            at: tuple[str, ...] = ("scheduled",) if scheduled is not None else ("context", "date")
            problem(at, f"bad date: {message}")
            return
    try:
        draft = Draft.model_validate({"text": text, **data, "context": context})
    except ValidationError as exc:
        error = prune_errors(exc.errors())[0]
        problem(tuple(error["loc"]), f"field '{field_path(error['loc'])}': {describe_error(error)}")
        return
    ignore = fields.get("ignore") or ()
    listed = isinstance(ignore, list | tuple)
    if not listed:
        ignore = (ignore,)
    if not all(isinstance(name, str) for name in ignore):
        problem(("ignore",), "field 'ignore': list rule ids, such as [tone.shouting]")
        return
    ignore_at = tuple(
        field_at(("ignore", n) if listed else ("ignore",), False) for n in range(len(ignore))
    )
    start = place(0)
    result.items.append(
        ContentItem(
            display,
            draft,
            start[0],
            start[1],
            place,
            str(fields["id"]) if fields.get("id") is not None else None,
            tuple(ignore),
            source,
            whole_file=whole_file,
            place_comment=place_comment if fields.get("in_reply_to") is not None else None,
            ignore_at=ignore_at,
            scheduled=scheduled,
            plan=plan,
        )
    )


# ----------------------------------------------------------------- Markdown

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_OPENING = re.compile(r"---[ \t]*\r?\n")


def _read_markdown(text: str, display: str, result: ContentRead) -> None:
    fields: dict[str, Any] = {}
    offset = 0
    place_comment: Place | None = None
    lines = LineIndex(text)
    doc = None
    front = _FRONT.match(text)
    if front is None and _OPENING.match(text):
        result.problems.append(
            FileProblem(display, 1, 1, "the front matter is not closed: add a '---' line after it")
        )
        return
    if front:
        offset = front.end()
        try:
            doc = load_yaml(display, front.group(1) or "", lenient=True)
        except RulesetError as exc:
            where = exc.issues[0].location
            line = (where.line or 1) + 1  # the front matter starts on line 2
            result.problems.append(
                FileProblem(display, line, where.column or 1, exc.issues[0].message)
            )
            return
        if doc.problems:
            for bad in doc.problems:
                result.problems.append(FileProblem(display, bad.line + 1, bad.column, bad.message))
            return
        if doc.data is not None and not isinstance(doc.data, dict):
            result.problems.append(FileProblem(display, 2, 1, "front matter must be a mapping"))
            return
        fields = dict(doc.data or {})
        if isinstance(fields.get("in_reply_to"), str):
            place_comment = _value_place(
                text, lines, doc.spans.get(("in_reply_to",)), fields["in_reply_to"], front.start(1)
            )

    def field_at(where: tuple[str | int, ...], key: bool) -> tuple[int, int]:
        if doc is None:
            return (1, 1)
        line, column = doc.locate(where, key=key)
        return (line + 1, column)  # the front matter starts on line 2

    body = text[offset:]
    _add(
        result,
        display,
        prose(body),
        fields,
        place=lambda position: lines.position(offset + position),
        field_at=field_at,
        whole_file=True,
        source=body,
        place_comment=place_comment,
    )


# ---------------------------------------------------------------- calendars


#: Characters JSON allows in text that a YAML reader would refuse or read as line
#: breaks; replaced by spaces (same length) when a JSON file is read for positions.
_NOT_FOR_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _read_calendar(path: Path, text: str, display: str, result: ContentRead, found: bool) -> None:
    data: Any = None
    is_json = path.suffix.lower() == ".json"
    if is_json:
        # JSON's own parser gives the values and the clearest syntax errors; the
        # YAML reader (JSON is YAML) then gives each value's line and column.
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            result.problems.append(FileProblem(display, exc.lineno, exc.colno, exc.msg))
            return
        except RecursionError:
            result.problems.append(FileProblem(display, 1, 1, "the JSON is nested too deeply"))
            return
        except ValueError:  # a number of thousands of digits, past Python's limit
            result.problems.append(
                FileProblem(display, 1, 1, "the JSON holds a number too long to read")
            )
            return
    try:
        doc = load_yaml(display, _NOT_FOR_YAML.sub(" ", text) if is_json else text, lenient=True)
    except RulesetError as exc:
        located = exc.issues[0].location
        result.problems.append(
            FileProblem(display, located.line or 1, located.column or 1, exc.issues[0].message)
        )
        return
    if is_json:
        doc.data = data
    prefix: tuple[str | int, ...] = ()
    posts = doc.data
    if isinstance(posts, dict) and "posts" in posts:
        prefix, posts = ("posts",), posts["posts"]
    # A mapping without 'posts' (a ruleset, a manifest, a tool's settings) is not a
    # calendar: it is skipped with a note, named or found. A list found in a folder
    # in which no item has a 'text' (a list of tasks) is not one either.
    if not isinstance(posts, list) or (
        found and posts and not any(isinstance(p, dict) and "text" in p for p in posts)
    ):
        result.skipped = "not a content calendar (a list of posts with text, or posts: [...])"
        return
    # A value that cannot be read as written is an error for its post alone.
    spoilt: set[int] = set()
    for bad in doc.problems:
        result.problems.append(FileProblem(display, bad.line, bad.column, bad.message))
        inside = bad.where[len(prefix)] if len(bad.where) > len(prefix) else None
        if bad.where[: len(prefix)] == prefix and isinstance(inside, int):
            spoilt.add(inside)
    lines = LineIndex(text)
    for number, post in enumerate(posts):
        if number in spoilt:
            continue
        here = (*prefix, number)
        name = f"post {number + 1}"
        line, column = doc.locate(here)
        if not isinstance(post, dict):
            result.problems.append(FileProblem(display, line, column, f"{name} is not a mapping"))
            continue
        post_text = post.get("text")
        if not isinstance(post_text, str) or not post_text.strip():
            where = doc.locate((*here, "text"))
            message = (
                f"{name} has no text"
                if post_text is None or isinstance(post_text, str)
                else f"{name}: 'text' must be text"
            )
            result.problems.append(FileProblem(display, *where, message))
            continue
        _add(
            result,
            display,
            post_text,
            post,
            place=_value_place(text, lines, doc.spans.get((*here, "text")), post_text),
            field_at=_fields_of(doc, here),
            place_comment=_value_place(
                text, lines, doc.spans.get((*here, "in_reply_to")), post.get("in_reply_to")
            ),
        )


def _value_place(
    text: str, lines: LineIndex, span: ScalarSpan | None, value: object, base: int = 0
) -> Place:
    """Offset in a YAML text value -> (line, column) where that character is written.

    ``base`` is the offset in ``text`` at which the YAML document starts (front matter).
    """
    if span is None or not isinstance(value, str):
        return _start
    start, end = base + span.start, base + span.end
    if span.style in ("|", ">"):  # the value begins on the line after the header
        start = text.find("\n", start, end) + 1 or end
    elif span.style in ('"', "'"):  # after the opening quote
        start += 1
    offsets = value_offsets(value, text[start:end], start, escapes=span.style == '"')
    return _placer(lines, offsets)


def _placer(lines: LineIndex, offset: Callable[[int], int]) -> Place:
    """Offset in a value -> (line, column) in the file, through ``offset``."""
    return lambda position: lines.position(offset(position))


def _fixed(at: tuple[int, int]) -> FieldAt:
    """Every field at one place (a CSV row's cell)."""
    return lambda *_: at


def _fields_of(doc: YamlDocument, post: tuple[str | int, ...]) -> FieldAt:
    """Where each field of the post at ``post`` is written."""
    return lambda where, key: doc.locate((*post, *where), key=key)


# ---------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class CsvColumns:
    """The CSV columns to read, by header name (any capitals); None: found by name."""

    message: str | None = None
    date: str | None = None
    link: str | None = None


def _column(header: list[str], given: str | None, names: Sequence[str]) -> int | None:
    wanted = [given.strip().lower()] if given else list(names)
    return next((header.index(name) for name in wanted if name in header), None)


def _read_csv(text: str, display: str, result: ContentRead, columns: CsvColumns) -> None:
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
    index = _column(header, columns.message, MESSAGE_COLUMNS)
    date_index = _column(header, columns.date, DATE_COLUMNS)
    link_index = _column(header, columns.link, LINK_COLUMNS)
    for kind, given, found in (
        ("date", columns.date, date_index),
        ("link", columns.link, link_index),
    ):
        if given and found is None:
            result.problems.append(FileProblem(display, 1, 1, f"no {kind} column named '{given}'"))
            return
    if index is None:
        message = (
            f"no message column named '{columns.message}'"
            if columns.message
            else f"no message column (looked for: {', '.join(MESSAGE_COLUMNS)}); "
            "name it with --csv-column"
        )
        result.problems.append(FileProblem(display, 1, 1, message))
        return
    # Other columns a scheduling tool may export, read when present.
    extra_columns = {
        name: found
        for name, names in (
            ("platform", ("platform", "network", "channel")),
            ("id", ("id",)),
            ("purpose", ("purpose",)),
            ("evergreen", ("evergreen",)),
            ("tags", ("tags", "labels")),
        )
        if (found := _column(header, None, names)) is not None
    }
    lines = LineIndex(text)
    starts = _row_starts(text, delimiter)
    for number, row in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in row):
            continue
        row_start = starts[number] if number < len(starts) else len(text)
        row_end = starts[number + 1] if number + 1 < len(starts) else len(text)
        cells = _cell_spans(text, row_start, row_end, delimiter)
        line = lines.position(row_start)[0]
        if index >= len(row) or index >= len(cells):
            result.problems.append(FileProblem(display, line, 1, "the row has no message cell"))
            continue
        fields: dict[str, Any] = {}
        at: dict[str, int] = {}  # field -> the cell it comes from
        if date_index is not None and date_index < len(row) and row[date_index].strip():
            fields["scheduled"] = _csv_date(row[date_index].strip())
            at["scheduled"] = date_index
        for name, column in extra_columns.items():
            if column < len(row) and row[column].strip():
                value = row[column].strip()
                fields[name] = _csv_value(name, value)
                at[name] = column
        message = row[index]
        place = _cell_place(text, lines, cells[index], message)
        link = row[link_index].strip() if link_index is not None and link_index < len(row) else ""
        if link and link_index is not None and link_index < len(cells) and link not in message:
            # The post as published: the message, then its link on a line of its own.
            link_place = _cell_place(text, lines, cells[link_index], row[link_index])
            lead = len(row[link_index]) - len(row[link_index].lstrip())
            place = _joined(place, len(message) + 1, link_place, lead)
            message = f"{message}\n{link}"
        _add(
            result,
            display,
            message,
            fields,
            place=place,
            field_at=_cells_of(lines, cells, at, index),
        )


def _csv_value(name: str, value: str) -> Any:
    """A CSV cell as the field it fills: a platform's name, a yes/no, a list of tags."""
    if name == "platform":
        return _PLATFORM_NAMES.get(value.lower(), value.lower())
    if name == "purpose":
        return value.lower()
    if name == "evergreen":
        answer = {"true": True, "yes": True, "y": True, "1": True, "false": False, "no": False}
        return answer.get(value.lower(), value)  # anything else is reported as not a yes/no
    if name == "tags":
        return [tag.strip() for tag in re.split(r"[,;|]", value) if tag.strip()]
    return value


#: Names scheduling tools give platforms, where they differ from ours.
_PLATFORM_NAMES = {"twitter": "x", "x (twitter)": "x", "twitter/x": "x", "fb": "facebook"}


def _cells_of(
    lines: LineIndex, cells: list[tuple[int, int]], at: Mapping[str, int], message: int
) -> FieldAt:
    """Where each field of a CSV row is written: its cell (the message's if none)."""

    def field_at(where: tuple[str | int, ...], _: bool) -> tuple[int, int]:
        column = at.get(str(where[0]), message) if where else message
        return lines.position(cells[column][0] if column < len(cells) else cells[0][0])

    return field_at


def _cell_place(text: str, lines: LineIndex, cell: tuple[int, int], value: str) -> Place:
    """Offset in a CSV cell's value -> (line, column) where it is written."""
    start = cell[0] + (text[cell[0] : cell[0] + 1] == '"')  # after an opening quote
    return _placer(lines, value_offsets(value, text[start : cell[1]], start))


def _joined(first: Place, second_at: int, second: Place, skip: int) -> Place:
    """Offsets before ``second_at`` placed by ``first``; the rest by ``second``
    (shifted by ``skip`` characters the second value starts with but the text does not)."""
    return lambda position: (
        first(position) if position < second_at else second(position - second_at + skip)
    )


def _csv_date(value: str) -> str:
    """A CSV date or date-time as written (a date-time keeps its time and offset)."""
    return value.strip()


def _row_starts(text: str, delimiter: str) -> Sequence[int]:
    """The offset at which each CSV row starts (quoted cells may span lines)."""
    lines = LineIndex(text)
    starts = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for _ in reader:
        starts.append(lines.offset(line))
        line = reader.line_num + 1
    return starts


def _cell_spans(text: str, start: int, end: int, delimiter: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of each cell of the CSV row written at ``text[start:end]``."""
    spans = []
    position = start
    while True:
        cell = position
        if position < end and text[position] == '"':
            position += 1
            while position < end:
                quote = text.find('"', position, end)
                if quote == -1:
                    position = end
                elif text.startswith('""', quote):
                    position = quote + 2
                    continue
                else:
                    position = quote + 1
                break
        stops = [i for i in (text.find(delimiter, position, end),) if i != -1]
        stop = stops[0] if stops else end
        spans.append((cell, stop))
        if not stops:
            return spans
        position = stop + 1
