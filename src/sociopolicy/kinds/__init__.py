"""The closed set of rule kinds. Each kind is one module with one model class.

To add a kind: write ``kinds/<name>.py`` with a ``RuleBase`` subclass whose
``kind`` is ``Literal["<name>"]`` and whose ``matcher()`` returns a compiled
:class:`Matcher`, add it to
:data:`KINDS` and to :data:`Rule`, and give it examples in a bundled ruleset.
``tests/test_kinds_registry.py`` checks that the two lists agree.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, TypeAdapter

from .base import (
    ActionSpec,
    AnalysedText,
    CheckIncomplete,
    Example,
    Examples,
    Feature,
    Finding,
    Matcher,
    RuleBase,
    When,
    text_features,
    var_reference,
)
from .echo import EchoRule
from .emoji import EmojiRule
from .hashtags import HashtagsRule
from .length import LengthRule
from .lexicon import LexiconRule
from .links import LinksRule
from .media import MediaRule
from .pattern import PatternRule
from .privacy import PrivacyRule
from .punctuation import PunctuationRule
from .readability import ReadabilityRule
from .requires import RequiresRule
from .shouting import ShoutingRule
from .signals import SignalsRule
from .substitution import SubstitutionRule
from .terms import TermsRule

__all__ = [
    "KINDS",
    "RULE_ADAPTER",
    "ActionSpec",
    "AnalysedText",
    "AnyRule",
    "CheckIncomplete",
    "EchoRule",
    "EmojiRule",
    "Example",
    "Examples",
    "Feature",
    "Finding",
    "HashtagsRule",
    "LengthRule",
    "LexiconRule",
    "LinksRule",
    "Matcher",
    "MediaRule",
    "PatternRule",
    "PrivacyRule",
    "PunctuationRule",
    "ReadabilityRule",
    "RequiresRule",
    "Rule",
    "RuleBase",
    "ShoutingRule",
    "SignalsRule",
    "SubstitutionRule",
    "TermsRule",
    "When",
    "text_features",
    "var_reference",
]

#: Every kind's model class, keyed by the name used in ``kind:``.
KINDS: dict[str, type[RuleBase]] = {
    "terms": TermsRule,
    "substitution": SubstitutionRule,
    "pattern": PatternRule,
    "shouting": ShoutingRule,
    "punctuation": PunctuationRule,
    "links": LinksRule,
    "lexicon": LexiconRule,
    "readability": ReadabilityRule,
    "emoji": EmojiRule,
    "hashtags": HashtagsRule,
    "privacy": PrivacyRule,
    "media": MediaRule,
    "requires": RequiresRule,
    "length": LengthRule,
    "echo": EchoRule,
    "signals": SignalsRule,
}

AnyRule = (
    TermsRule
    | SubstitutionRule
    | PatternRule
    | ShoutingRule
    | PunctuationRule
    | LinksRule
    | LexiconRule
    | ReadabilityRule
    | EmojiRule
    | HashtagsRule
    | PrivacyRule
    | MediaRule
    | RequiresRule
    | LengthRule
    | EchoRule
    | SignalsRule
)
Rule = Annotated[AnyRule, Field(discriminator="kind")]

#: Validates one rule mapping into the right kind's model. Its validator is
#: built when a rule is first validated: a run that restores its ruleset from
#: the cache never needs it (about 20 ms of start-up).
RULE_ADAPTER: TypeAdapter[AnyRule] = TypeAdapter(Rule, config=ConfigDict(defer_build=True))
