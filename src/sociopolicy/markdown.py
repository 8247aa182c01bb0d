"""The prose of a Markdown body: what a reader sees, at the offsets it is written.

Code (fenced, indented and inline), HTML comments and tags (autolinks
included), link targets, reference labels and reference definitions are
blanked out: every character but line breaks becomes a space, so offsets in
the result are offsets in the file. Link text stays: people read it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["code_spans", "prose"]

_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})")
# A code span: a run of backticks, then text, then a run of the same length.
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)[^\r\n]{1,2000}?(?<!`)\1(?!`)")
_LINK_TARGET = re.compile(r"(?<=\])\([^()\[\]\s]{0,2000}(?:\s+\"[^\"\r\n]{0,500}\")?\)")
_REFERENCE_LABEL = re.compile(r"(?<=\])\[[^\[\]\r\n]{1,200}\]")
_REFERENCE_DEFINITION = re.compile(r"(?m)^ {0,3}\[[^\[\]\r\n]{1,200}\]:[ \t]*\S[^\r\n]*$")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9+.:-]{0,30}(?:[\s/][^<>\r\n]{0,1000})?>")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_NOT_BREAK = re.compile(r"[^\r\n]")


def _blanked(text: str) -> str:
    """The same text with everything but line breaks turned to spaces."""
    return _NOT_BREAK.sub(" ", text)


def _fenced(body: str) -> list[tuple[int, int]]:
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


def _indented(body: str, fenced: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (start, end) of each indented code block: lines indented four spaces (or a
    tab) after a blank line, unless they continue a list item."""
    blocks = []
    position = 0
    start: int | None = None
    blank_before = True
    in_list = False
    for line in body.splitlines(keepends=True):
        text = line.rstrip("\r\n")
        inside_fence = any(a <= position < b for a, b in fenced)
        indented = text.startswith(("    ", "\t")) and text.strip() != ""
        if start is not None and text.strip() and not indented:
            blocks.append((start, position))
            start = None
        if start is None and indented and blank_before and not in_list and not inside_fence:
            start = position
        if text.strip():
            if not indented:
                in_list = bool(_LIST_ITEM.match(text))
            blank_before = False
        else:
            blank_before = True
        position += len(line)
    if start is not None:
        blocks.append((start, len(body)))
    return blocks


def code_spans(body: str) -> list[tuple[int, int]]:
    """The (start, end) of all code in a Markdown body: fenced and indented blocks
    and inline code spans (outside blocks)."""
    # Each kind of code needs a character or run the body may lack, which is
    # quicker to look for than to read the body line by line.
    blocks = _fenced(body) if "```" in body or "~~~" in body else []
    if "    " in body or "\t" in body:
        blocks += _indented(body, blocks)
    inline = (
        [
            match.span()
            for match in _INLINE_CODE.finditer(body)
            if not any(a <= match.start() < b for a, b in blocks)
        ]
        if "`" in body
        else []
    )
    return sorted(blocks + inline)


def _html_comments(body: str, skip: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
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
    """Markdown with everything but prose blanked out, at the same offsets."""
    code = code_spans(body)
    hidden = [*code, *_html_comments(body, code)]
    text = body
    if hidden:
        chars = list(body)
        for start, end in hidden:
            chars[start:end] = _blanked(body[start:end])
        text = "".join(chars)
    for needed, pattern in _MARKUP:
        if needed in text:
            text = pattern.sub(lambda m: _blanked(m.group(0)), text)
    return text


#: Markup blanked out of prose, each with what every match of it holds.
_MARKUP = (
    ("]:", _REFERENCE_DEFINITION),
    ("<", _HTML_TAG),
    ("](", _LINK_TARGET),
    ("][", _REFERENCE_LABEL),
)
