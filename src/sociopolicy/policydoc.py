"""Render a ruleset as a policy document for staff, in Markdown or HTML.

The text comes from Jinja2 templates shipped in ``sociopolicy/doc_templates``:
``policy.md.j2`` and ``policy.html.j2``. A folder given as ``templates`` may
hold files of the same names, which are used instead (a council's own look).
The bundled templates stay reachable as ``bundled/policy.html.j2`` and
``bundled/policy.md.j2``, so an override can ``{% extends %}`` one and replace
only a block, such as ``style``.

Templates run in Jinja2's sandbox and see one name, ``doc`` (a
:class:`PolicyDoc`); an undefined name is an error. In HTML every value is
escaped; in Markdown every value is escaped for Markdown, unless it is marked
``|safe``. The Markdown filters ``code``, ``example``, ``link`` and ``slug``
write inline code, an example with its marked spans in bold, a link and a
GitHub heading anchor; the HTML filter ``lines`` keeps line breaks; and
``duration`` writes an ISO 8601 duration in words in both.

A rule's suggested reply (and a rationale written as a template) is shown
with the ruleset's ``vars`` filled in and ``…`` for what only a check knows,
such as the comment or the words found.

The output depends only on the ruleset and the templates: no dates, and
everything in a fixed order, so it can be committed and checked for freshness.
"""

from __future__ import annotations

import re
import traceback
import unicodedata
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .errors import UsageError, one_line
from .policymodel import ExampleDoc, build_doc, duration_words
from .ruleset import Ruleset

__all__ = ["TEMPLATE_NAMES", "DocFormat", "gh_slug", "md_escape", "render_policy"]

DocFormat = Literal["md", "html"]
#: The template file for each format, in the package and in an override folder.
TEMPLATE_NAMES: dict[DocFormat, str] = {"md": "policy.md.j2", "html": "policy.html.j2"}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])|&(?=#?\w+;)")
# What opens a heading, a list item, a quote or a rule when it starts a line.
_MD_LINE_START = re.compile(
    r"(?m)^([ \t]*)(#{1,6}(?=[ \t]|$)|[-+](?=[ \t]|$)|\d{1,9}(?=[.)](?:[ \t]|$))|[=-]+(?=[ \t]*$))"
)


def render_policy(ruleset: Ruleset, fmt: DocFormat, templates: Path | None = None) -> str:
    """The ruleset as a policy document in Markdown (``md``) or HTML.

    Raises:
        UsageError: unknown format, ``templates`` is not a folder, or a template
            there cannot be read or rendered; the message names the file.
    """
    if fmt not in TEMPLATE_NAMES:
        raise UsageError(f"unknown document format '{fmt}'; use md or html")
    folder = _template_folder(templates)
    name = TEMPLATE_NAMES[fmt]
    if folder is not None and not (folder / name).is_file():
        others = sorted(p.name for p in folder.iterdir() if p.suffix in (".j2", ".jinja"))
        found = f" (it has: {', '.join(others)})" if others else ""
        raise UsageError(
            f"the templates folder {folder} has no {name}{found}; name the file {name}, "
            "or leave out --templates to use the bundled one"
        )
    env = _environment(fmt, folder)
    doc = build_doc(ruleset)
    try:
        template = env.get_template(name)
    except Exception as exc:
        problem = _user_template_problem(exc, folder, name, reading=True)
        if problem is None:
            raise
        raise problem from None
    try:
        text = template.render(doc=doc)
    except Exception as exc:
        problem = _user_template_problem(exc, folder, name)
        if problem is None:
            raise
        raise problem from None
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def md_escape(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, links, HTML or headings)."""
    text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + _md_line_start(m.group(2)), text)


def _md_line_start(token: str) -> str:
    return token + "\\" if token[0].isdigit() else "\\" + token


def _md_finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return md_escape(str(value))


def _md_code(value: Any) -> Markup:
    text = " ".join(str(value).split())
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{ticks}{pad}{text}{pad}{ticks}")


def _punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _md_strong(text: str, before: str, after: str) -> str:
    """``**text**``, or ``<strong>`` where Markdown would not read the stars as bold."""
    first, last = text[0], text[-1]
    opens = not first.isspace() and (
        not _punctuation(first) or not before or before.isspace() or _punctuation(before)
    )
    closes = not last.isspace() and (
        not _punctuation(last) or not after or after.isspace() or _punctuation(after)
    )
    escaped = md_escape(text)
    return f"**{escaped}**" if opens and closes else f"<strong>{escaped}</strong>"


def _md_example(example: ExampleDoc, indent: int = 2) -> Markup:
    pieces = []
    for index, segment in enumerate(example.segments):
        if not segment.marked:
            pieces.append(md_escape(segment.text))
            continue
        before = example.segments[index - 1].text[-1:] if index else ""
        following = example.segments[index + 1 :]
        after = following[0].text[:1] if following else ""
        pieces.append(_md_strong(segment.text, before, after))
    text = "".join(pieces)
    return Markup(("\\\n" + " " * indent).join(text.split("\n")))


def _md_link(text: Any, url: str) -> Markup:
    safe = re.sub(r"[\s()<>]", lambda m: f"%{ord(m.group(0)):02X}", url)
    return Markup(f"[{md_escape(str(text))}]({safe})")


def gh_slug(text: str) -> str:
    """The anchor GitHub gives a Markdown heading with this text."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


# HTML ----------------------------------------------------------------------


def _html_lines(value: Any) -> Markup:
    return Markup("<br>\n").join(escape(line) for line in str(value).split("\n"))


# Templates ------------------------------------------------------------------


def _template_folder(templates: Path | None) -> Path | None:
    if templates is None:
        return None
    folder = Path(templates)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"the templates folder {folder} {what}")
    return folder


def _bundled(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    if "/" in name or "\\" in name:
        return None
    resource = resources.files("sociopolicy").joinpath("doc_templates").joinpath(name)
    if not resource.is_file():
        return None
    # The name is not a path, so errors in it are never put down to a user's folder.
    return resource.read_text(encoding="utf-8"), f"<sociopolicy>/{name}", lambda: True


def _environment(fmt: str, folder: Path | None) -> SandboxedEnvironment:
    bundled = jinja2.FunctionLoader(_bundled)
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"bundled": bundled})]
    if folder is not None:
        loaders.append(jinja2.FileSystemLoader(folder, encoding="utf-8"))
    loaders.append(bundled)
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_md_finalize if fmt == "md" else (lambda value: "" if value is None else value),
    )
    if fmt == "md":
        env.filters.update(code=_md_code, example=_md_example, link=_md_link, slug=gh_slug)
    else:
        env.filters.update(lines=_html_lines)
    env.filters["duration"] = duration_words
    return env


def _user_template_problem(
    exc: BaseException, folder: Path | None, name: str, *, reading: bool = False
) -> UsageError | None:
    """A one-line error naming the user's template file and line, if the fault is there."""
    if folder is None:
        return None
    root = folder.resolve()

    def in_folder(filename: str | None) -> bool:
        path = Path(filename) if filename else None
        return path is not None and path.is_file() and path.resolve().is_relative_to(root)

    filename, line = None, None
    if isinstance(exc, jinja2.TemplateSyntaxError) and in_folder(exc.filename):
        filename, line = exc.filename, exc.lineno
    else:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if in_folder(frame.f_code.co_filename):
                filename, line = frame.f_code.co_filename, lineno
    if filename is None and reading and (folder / name).is_file():
        filename = str(folder / name)  # it could not be read
    if filename is None:
        return None
    message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template '{exc.name}' not found"
    elif isinstance(exc, RecursionError):
        message = f"the template includes or extends itself; extend 'bundled/{name}' instead"
    where = f"{filename}:{line}" if line else filename
    return UsageError(one_line(f"{where}: cannot use this template: {message}"))
