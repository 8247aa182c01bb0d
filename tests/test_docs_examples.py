"""The documentation's examples run, print what the pages say, and use real options.

For each page in ``PYTHON_PAGES``, every ```python block is run, in the order
of the page, in one namespace per page, in a fresh temporary working folder.
When a ```text block follows a python block with only blank lines between,
it is what the block must print, and the printed text is compared with it.
A block whose first line is ``# not run`` is skipped.

For each page in ``COMMAND_PAGES``, every ``sociopolicy ...`` command in its
```sh blocks is parsed with the command line's own argument parser, so a
misspelt command or option fails here. Pipes, ``&&`` and ``;`` split a line
into commands; redirections (``> file``) and comments are dropped first.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from sociopolicy.cli import _parser

DOCS = Path(__file__).resolve().parents[1] / "docs"
PYTHON_PAGES = ("api.md", "getting-started.md", "escalation.md")
COMMAND_PAGES = ("getting-started.md", "escalation.md")
NOT_RUN = "# not run"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[^`\s]*)[^`]*$")
_SEPARATORS = frozenset({"|", "||", "&&", ";", "&"})
_REDIRECTIONS = frozenset({">", ">>", "<", ">&", "<&", "&>", ">|", "<<", "<<<"})


@dataclass(frozen=True)
class Block:
    """A fenced code block of a page."""

    lang: str
    code: str
    #: 1-based line of the first line of code, for messages and tracebacks.
    line: int
    #: The line of the closing fence, to tell which block comes right after.
    end: int


def blocks(text: str) -> list[Block]:
    """Every fenced block of a Markdown text, in order, with its indentation removed."""
    found: list[Block] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        opening = _FENCE.match(lines[number])
        if opening is None:
            number += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        body: list[str] = []
        close = number + 1
        while close < len(lines):
            stripped = lines[close].strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                break
            line = lines[close]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            close += 1
        code = "\n".join(body) + ("\n" if body else "")
        found.append(Block(opening["lang"].lower(), code, number + 2, close + 1))
        number = close + 1
    return found


@dataclass(frozen=True)
class Example:
    """A python block and, if the page gives it, the output it must print."""

    block: Block
    expected: str | None


def examples(text: str) -> list[Example]:
    """The python blocks of a page to run, each with its expected output, if any."""
    lines = text.splitlines()
    found = blocks(text)
    result = []
    for block, after in zip(found, [*found[1:], None], strict=True):
        if block.lang != "python" or block.code.startswith(NOT_RUN):
            continue
        expected = None
        if after is not None and after.lang == "text":
            between = lines[block.end : after.line - 2]
            if all(not line.strip() for line in between):
                expected = after.code
        result.append(Example(block, expected))
    return result


def _normalised(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.strip("\n").splitlines())


def run_page(text: str, name: str) -> int:
    """Run a page's python blocks in order in one namespace; returns how many ran.

    Raises AssertionError when a block prints something other than its output
    block says, and lets any exception from a block through.
    """
    namespace: dict[str, object] = {"__name__": "__docs__"}
    ran = 0
    for example in examples(text):
        printed = io.StringIO()
        code = compile(example.block.code, f"{name}:{example.block.line}", "exec")
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)
        ran += 1
        if example.expected is not None:
            where = f"{name}, the python block at line {example.block.line}"
            assert _normalised(printed.getvalue()) == _normalised(example.expected), (
                f"{where} prints something other than the text block after it"
            )
    return ran


def commands(code: str) -> list[list[str]]:
    """The words after ``sociopolicy`` of each command in a shell block."""
    found = []
    for line in code.replace("\\\n", " ").splitlines():
        if "sociopolicy" not in line:
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        segment: list[str] = []
        segments = [segment]
        for token in lexer:
            if token in _SEPARATORS:
                segment = []
                segments.append(segment)
            else:
                segment.append(token)
        for words in segments:
            if words and words[0] == "sociopolicy":
                found.append(_without_redirections(words[1:]))
    return found


def _without_redirections(words: list[str]) -> list[str]:
    kept: list[str] = []
    skip_target = False
    for word in words:
        if skip_target:
            skip_target = False
            continue
        if word in _REDIRECTIONS:
            if kept and kept[-1].isdigit():  # the 2 of 2> is not an argument
                kept.pop()
            skip_target = True
            continue
        kept.append(word)
    return kept


def parse_problem(words: list[str]) -> str | None:
    """None if the command line parses; otherwise the parser's complaint."""
    complaint = io.StringIO()
    try:
        with contextlib.redirect_stderr(complaint), contextlib.redirect_stdout(io.StringIO()):
            _parser().parse_args(words)
    except SystemExit as exc:  # argparse exits on an error, and after --help or --version
        if exc.code not in (0, None):
            return complaint.getvalue().strip() or f"exit code {exc.code}"
    return None


# The pages ---------------------------------------------------------------


@pytest.mark.parametrize("page", PYTHON_PAGES)
def test_python_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = DOCS / page
    assert path.is_file(), f"docs/{page} is missing"
    monkeypatch.chdir(tmp_path)
    run_page(path.read_text(encoding="utf-8"), f"docs/{page}")


@pytest.mark.parametrize("page", COMMAND_PAGES)
def test_shell_commands_parse(page: str) -> None:
    path = DOCS / page
    assert path.is_file(), f"docs/{page} is missing"
    found = [
        (block.line, words)
        for block in blocks(path.read_text(encoding="utf-8"))
        if block.lang in ("sh", "shell", "bash", "console")
        for words in commands(block.code)
    ]
    assert found, f"docs/{page} shows no sociopolicy commands in ```sh blocks"
    problems = [
        f"docs/{page}, block at line {line}: sociopolicy {shlex.join(words)}: {problem}"
        for line, words in found
        if (problem := parse_problem(words)) is not None
    ]
    assert not problems, "\n".join(problems)


# The checks themselves can fail ------------------------------------------

_PAGE = """\
Some prose.

```python
greeting = "hello"
print(greeting)
```

```text
hello
```

```python
# not run
raise RuntimeError("skipped")
```

Prose between means the text block below is not this block's output.

```python
print(greeting.upper())
```

More prose.

```text
not the output
```
"""


def test_examples_share_a_namespace_and_skip_not_run() -> None:
    assert run_page(_PAGE, "page.md") == 2


def test_wrong_output_fails() -> None:
    with pytest.raises(AssertionError, match=r"page\.md, the python block at line 4"):
        run_page(_PAGE.replace("```text\nhello", "```text\nhullo"), "page.md")


def test_a_failing_block_fails() -> None:
    with pytest.raises(NameError):
        run_page("```python\nprint(undefined_name)\n```\n", "page.md")


def test_indented_blocks_are_found() -> None:
    page = "1. A step:\n\n   ```python\n   print('x')\n   ```\n\n   ```text\n   x\n   ```\n"
    assert [(b.lang, b.code) for b in blocks(page)] == [("python", "print('x')\n"), ("text", "x\n")]
    assert run_page(page, "page.md") == 1


def test_commands_are_split_and_redirections_dropped() -> None:
    code = (
        "sociopolicy schema > ruleset.schema.json\n"
        'echo "Vote | now" | sociopolicy check --ruleset my.yaml -   # a comment\n'
        "cd fork && sociopolicy validate fork.yaml 2> errors.txt\n"
        "python3 -m venv .venv\n"
        "sociopolicy docs fork.yaml \\\n  --format html -o policy.html\n"
    )
    assert commands(code) == [
        ["schema"],
        ["check", "--ruleset", "my.yaml", "-"],
        ["validate", "fork.yaml"],
        ["docs", "fork.yaml", "--format", "html", "-o", "policy.html"],
    ]


@pytest.mark.parametrize(
    "line",
    [
        "sociopolicy check --no-such-flag drafts",
        "sociopolicy chek drafts",
        "sociopolicy docs policy.yaml --format pdf",
        "sociopolicy check",
    ],
)
def test_a_bad_command_is_caught(line: str) -> None:
    [words] = commands(line)
    problem = parse_problem(words)
    assert problem is not None
    assert problem.startswith("sociopolicy")


def test_good_commands_parse() -> None:
    for line in ("sociopolicy --version", "sociopolicy check --help", "sociopolicy rules"):
        [words] = commands(line)
        assert parse_problem(words) is None
