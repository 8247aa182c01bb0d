"""The fixed words of reports and rulesets (see DESIGN.md), with no heavy imports.

The command line builds its options from these before it knows whether it
will load a ruleset, so they live apart from the Pydantic models.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "ACTION_KINDS",
    "CATEGORIES",
    "DECISIONS",
    "FORMATS",
    "PLATFORMS",
    "SEVERITIES",
    "ActionKind",
    "Category",
    "Decision",
    "DraftKind",
    "Platform",
    "Severity",
    "Target",
]

Severity = Literal["error", "warning", "suggestion"]
Category = Literal[
    "tone",
    "language",
    "inclusive",
    "privacy",
    "neutrality",
    "conduct",
    "accessibility",
    "platform",
    "readability",
    "escalation",
]
ActionKind = Literal[
    "revise", "review", "take_offline", "escalate", "hide_comment", "do_not_engage", "respond"
]
Decision = Literal["ok", "review", "revise", "take_offline", "escalate"]
Platform = Literal[
    "x", "bluesky", "mastodon", "threads", "facebook", "instagram", "linkedin", "youtube"
]
DraftKind = Literal["post", "reply"]
Target = Literal["draft", "comment"]

SEVERITIES: tuple[Severity, ...] = get_args(Severity)
CATEGORIES: tuple[Category, ...] = get_args(Category)
ACTION_KINDS: tuple[ActionKind, ...] = get_args(ActionKind)
DECISIONS: tuple[Decision, ...] = get_args(Decision)
PLATFORMS: tuple[Platform, ...] = get_args(Platform)
#: The output formats of ``sociopolicy check``.
FORMATS = ("text", "json", "github", "sarif", "junit")
