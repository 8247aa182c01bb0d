"""sociopolicy: check public-sector social media content against policy rulesets.

>>> from sociopolicy import check_draft
>>> report = check_draft("We will utilise the new portal.")
>>> [(v.rule_id, v.excerpt, v.replacements) for v in report.violations]
[('language.plain-words', 'utilise', ('use',))]
"""

from __future__ import annotations

from ._version import __version__
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

# Show public classes and functions as ``sociopolicy.X``, where users import them.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or callable(_obj):
        _obj.__module__ = "sociopolicy"
del _name, _obj
