"""The data that goes into a check and the report that comes out.

All models are Pydantic v2, frozen, reject unknown fields and round-trip through
JSON: ``Report.model_validate_json(report.model_dump_json()) == report``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from ._common import StrictModel
from .vocabulary import (
    ACTION_KINDS,
    CATEGORIES,
    DECISIONS,
    PLATFORMS,
    SEVERITIES,
    ActionKind,
    Category,
    Decision,
    DraftKind,
    Platform,
    Severity,
    Target,
)

__all__ = [
    "ACTION_KINDS",
    "CATEGORIES",
    "DECISIONS",
    "PLATFORMS",
    "SEVERITIES",
    "Action",
    "ActionKind",
    "Category",
    "ContextValue",
    "Decision",
    "Draft",
    "DraftKind",
    "Media",
    "Platform",
    "Report",
    "Severity",
    "Target",
    "Violation",
]

ContextValue = StrictBool | int | float | StrictStr | None


class Media(StrictModel):
    """An image, GIF, video or audio clip attached to a draft."""

    type: Literal["image", "gif", "video", "audio"] = Field(description="What the attachment is.")
    alt_text: str | None = Field(
        default=None, description="Text alternative; an empty string marks a decorative image."
    )
    captions: bool | None = Field(
        default=None, description="Whether a video or audio clip has captions or a transcript."
    )


class Draft(StrictModel):
    """A post or reply to check, with everything a rule may look at."""

    text: str = Field(description="The text of the post or reply.")
    kind: DraftKind = Field(default="post", description="`post` or `reply`.")
    platform: Platform | None = Field(
        default=None, description="Where it will be published; None skips platform limits."
    )
    in_reply_to: str | None = Field(
        default=None, description="The incoming comment this reply answers."
    )
    media: tuple[Media, ...] = Field(default=(), description="Attached images and videos.")
    context: dict[str, ContextValue] = Field(
        default_factory=dict,
        description="Facts for rules' `when:` conditions, e.g. {'caretaker_period': True}.",
    )


class Action(StrictModel):
    """Something a person should do because rules fired."""

    kind: ActionKind
    reason: str = Field(description="Why, in one sentence (the message of the first rule).")
    rule_ids: tuple[str, ...] = Field(description="The rules that asked for this action.")
    to: str | None = Field(default=None, description="The team to involve, e.g. `media`.")
    within: str | None = Field(
        default=None, description="How soon, as an ISO 8601 duration such as `PT1H`."
    )
    suggested_reply: str | None = Field(
        default=None, description="A reply rendered from the rule's template."
    )


class Violation(StrictModel):
    """One rule that fired, with the exact span it fired on."""

    rule_id: str
    category: Category
    severity: Severity
    message: str
    target: Target = Field(description="`draft`, or `comment` for the comment being answered.")
    start: int = Field(ge=0, description="0-based offset of the first character, in code points.")
    end: int = Field(ge=0, description="0-based offset after the last character.")
    line: int = Field(ge=1, description="1-based line of `start`.")
    column: int = Field(ge=1, description="1-based column of `start`, in code points.")
    excerpt: str = Field(description="`text[start:end]` of the target.")
    replacements: tuple[str, ...] = Field(
        default=(), description="Suggested replacements for the excerpt, best first."
    )
    source: str = Field(description="The citation the rule is based on.")
    action: ActionKind = Field(description="What the rule asks for.")


class Report(StrictModel):
    """The result of checking one draft, reply or comment."""

    violations: tuple[Violation, ...] = ()
    actions: tuple[Action, ...] = ()
    decision: Decision = "ok"
    ok: bool = True
    ruleset: str = Field(description="`name@version` of the ruleset used.")

    @model_validator(mode="before")
    @classmethod
    def _fill_ok(cls, data: Any) -> Any:
        if isinstance(data, dict):
            expected = data.get("decision", "ok") == "ok"
            if "ok" not in data:
                return {**data, "ok": expected}
            if data["ok"] is not expected:
                raise ValueError("'ok' must be true exactly when 'decision' is 'ok'")
        return data

    @property
    def errors(self) -> tuple[Violation, ...]:
        """The violations with severity ``error``."""
        return tuple(v for v in self.violations if v.severity == "error")

    def for_rule(self, rule_id: str) -> tuple[Violation, ...]:
        """The violations reported by one rule."""
        return tuple(v for v in self.violations if v.rule_id == rule_id)
