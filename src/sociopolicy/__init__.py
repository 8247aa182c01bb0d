"""sociopolicy: check public-sector social media content against policy rulesets.

>>> from sociopolicy import check_draft
>>> report = check_draft("We will utilise the new portal.")
>>> [(v.rule_id, v.excerpt, v.replacements) for v in report.violations]
[('language.plain-words', 'utilise', ('use',))]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .api import check_draft, check_many, triage
    from .bundled import DEFAULT_RULESET, bundled_rulesets
    from .calendar import CalendarPost, CalendarReport, check_calendar
    from .errors import (
        Issue,
        RulesetError,
        RulesetResolutionError,
        RulesetSyntaxError,
        RulesetValidationError,
        SociopolicyError,
        SourceLocation,
        UsageError,
    )
    from .loader import clear_cache, load_ruleset
    from .models import Action, Draft, Media, Report, Violation
    from .ruleset import Ruleset, Source

#: Where each public name lives. They are imported when one is first used, so
#: ``import sociopolicy`` is quick and tools that only need the version, or the
#: command's help, do not pay for Pydantic, Jinja2 and the rule kinds.
_HOMES = {
    "check_draft": "api",
    "check_many": "api",
    "triage": "api",
    "DEFAULT_RULESET": "bundled",
    "bundled_rulesets": "bundled",
    "CalendarPost": "calendar",
    "CalendarReport": "calendar",
    "check_calendar": "calendar",
    "Issue": "errors",
    "RulesetError": "errors",
    "RulesetResolutionError": "errors",
    "RulesetSyntaxError": "errors",
    "RulesetValidationError": "errors",
    "SociopolicyError": "errors",
    "SourceLocation": "errors",
    "UsageError": "errors",
    "clear_cache": "loader",
    "load_ruleset": "loader",
    "Action": "models",
    "Draft": "models",
    "Media": "models",
    "Report": "models",
    "Violation": "models",
    "Ruleset": "ruleset",
    "Source": "ruleset",
}

__all__ = [
    "DEFAULT_RULESET",
    "Action",
    "CalendarPost",
    "CalendarReport",
    "Draft",
    "Issue",
    "Media",
    "Report",
    "Ruleset",
    "RulesetError",
    "RulesetResolutionError",
    "RulesetSyntaxError",
    "RulesetValidationError",
    "SociopolicyError",
    "Source",
    "SourceLocation",
    "UsageError",
    "Violation",
    "__version__",
    "bundled_rulesets",
    "check_calendar",
    "check_draft",
    "check_many",
    "clear_cache",
    "load_ruleset",
    "triage",
]


def _load_all() -> None:
    """Import every public name, shown as ``sociopolicy.X`` (where users import it)."""
    for name, home in _HOMES.items():
        value = getattr(importlib.import_module(f".{home}", __name__), name)
        if isinstance(value, type) or callable(value):
            value.__module__ = __name__
        globals()[name] = value


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        _load_all()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
