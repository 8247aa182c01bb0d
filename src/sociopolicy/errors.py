"""The exceptions sociopolicy raises.

There is one root, :class:`SociopolicyError`; catch it to catch everything the
library raises on purpose::

    SociopolicyError
    ├── RulesetError            a ruleset cannot be read, validated or resolved
    │   ├── RulesetSyntaxError      the file is not valid YAML, or uses unsafe YAML
    │   ├── RulesetValidationError  a field has a wrong value, or a field is unknown
    │   └── RulesetResolutionError  `extends`, `disable` or `overrides` cannot be resolved
    └── UsageError              an argument to the public API is wrong

Findings in a draft are never exceptions: they are :class:`~sociopolicy.Violation`
values in a :class:`~sociopolicy.Report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

__all__ = [
    "Issue",
    "RulesetError",
    "RulesetResolutionError",
    "RulesetSyntaxError",
    "RulesetValidationError",
    "SociopolicyError",
    "SourceLocation",
    "UsageError",
    "one_line",
]


@dataclass(frozen=True)
class SourceLocation:
    """A place in a ruleset file: 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Issue:
    """One problem found in a ruleset, with where it is and what it concerns."""

    location: SourceLocation
    message: str
    rule_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        return self.line()

    def line(self, severity: str | None = None) -> str:
        """``file:line:column: [severity: ]rule 'id', field 'name': message``."""
        subject = []
        if self.rule_id:
            subject.append(f"rule '{self.rule_id}'")
        if self.field:
            subject.append(f"field '{self.field}'")
        about = (", ".join(subject) + ": ") if subject else ""
        level = f"{severity}: " if severity else ""
        return f"{self.location}: {level}{about}{self.message}"


_E = TypeVar("_E", bound="RulesetError")


def one_line(text: str) -> str:
    """Escape line breaks and other control characters so a message stays on one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


class SociopolicyError(Exception):
    """Root of every error that sociopolicy raises on purpose."""


class UsageError(SociopolicyError):
    """An argument to the public API is wrong (unknown platform, conflicting options)."""


class RulesetError(SociopolicyError):
    """A ruleset cannot be used. ``issues`` lists every problem found, first one first.

    ``str(error)`` is one line: the first problem, located as ``file:line:column``,
    with the rule id and field it concerns, and how many more problems there are.
    """

    def __init__(self, issues: list[Issue] | Issue) -> None:
        self.issues: tuple[Issue, ...] = (issues,) if isinstance(issues, Issue) else tuple(issues)
        if not self.issues:
            raise ValueError("a RulesetError needs at least one issue")
        first = self.issues[0]
        self.location: SourceLocation = first.location
        self.rule_id: str | None = first.rule_id
        self.field: str | None = first.field
        text = one_line(str(first))
        if len(self.issues) > 1:
            more = len(self.issues) - 1
            text += f" (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(text)

    @classmethod
    def at(
        cls: type[_E],
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        rule_id: str | None = None,
        field: str | None = None,
    ) -> _E:
        """Build an error with a single issue."""
        location = SourceLocation(str(path), line, column)
        return cls(Issue(location, message, rule_id=rule_id, field=field))


class RulesetSyntaxError(RulesetError):
    """The file is not valid YAML, or it uses YAML features that are not allowed."""


class RulesetValidationError(RulesetError):
    """A ruleset field has a wrong value, a required field is missing, or a key is unknown."""


class RulesetResolutionError(RulesetError):
    """``extends``, ``disable`` or ``overrides`` cannot be resolved (missing, cycle, unknown id)."""
