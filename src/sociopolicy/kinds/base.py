"""What every rule has, whatever its kind, and the protocol kinds implement."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, Protocol, TypeVar, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
    model_validator,
)

from .._common import StrictModel, is_duration, one_or_many
from ..diagnostics import close_matches
from ..models import ActionKind, Category, ContextValue, Media, Platform, Severity
from ..phrases import Hit, PhraseSet
from ..text import parse_marked

__all__ = [
    "ActionSpec",
    "AnalysedText",
    "AppliesTo",
    "CheckIncomplete",
    "Example",
    "Examples",
    "Feature",
    "Finding",
    "Matcher",
    "RuleBase",
    "When",
    "text_features",
    "var_reference",
]

AppliesTo = Literal["post", "reply", "comment"]
RULE_ID_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$"
RuleId = Annotated[
    StrictStr,
    Field(
        pattern=RULE_ID_PATTERN,
        description="Stable id: dotted lower-case words with hyphens, by convention "
        "`category.name`, e.g. `tone.shouting`.",
    ),
]


_CONDITIONS = ["platform", "kind", "comment"]


class When(BaseModel):
    """Conditions under which a rule runs; all must hold.

    ``platform`` and ``kind`` test the draft; ``comment`` names comment rules,
    one of which must have flagged the comment a reply answers; any other key
    tests a context fact given to ``check_draft(context=...)``. A list means "any of these". A fact
    that was not given counts as ``null``, and ``false`` also matches a missing fact.
    """

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)
    __pydantic_extra__: dict[str, ContextValue | tuple[ContextValue, ...]] = Field(init=False)

    platform: Annotated[tuple[Platform, ...] | None, BeforeValidator(one_or_many)] = Field(
        default=None, description="Run only for these platforms."
    )
    kind: Annotated[tuple[AppliesTo, ...] | None, BeforeValidator(one_or_many)] = Field(
        default=None, description="Run only for these kinds of text."
    )
    comment: Annotated[tuple[RuleId, ...] | None, BeforeValidator(one_or_many)] = Field(
        default=None,
        description="Run only on a reply to a comment that one of these comment rules "
        "flagged (their ids).",
    )

    @model_validator(mode="after")
    def _no_misspelt_conditions(self) -> When:
        for fact in self.__pydantic_extra__ or {}:
            close = close_matches(fact.lower(), _CONDITIONS, n=1, cutoff=0.75)
            if close:
                raise ValueError(
                    f"'{fact}' looks like a misspelling of '{close[0]}'; as written it would "
                    "be read as a context fact and the rule would not run where you expect"
                )
        return self

    @property
    def facts(self) -> dict[str, tuple[ContextValue, ...]]:
        """The context-fact conditions, each as a tuple of accepted values."""
        extra = self.__pydantic_extra__ or {}
        return {k: v if isinstance(v, tuple) else (v,) for k, v in extra.items()}

    def holds(
        self, *, platform: str | None, kind: str, context: Mapping[str, ContextValue]
    ) -> bool:
        """True if every condition holds for this draft."""
        if self.platform is not None and platform not in self.platform:
            return False
        if self.kind is not None and kind not in self.kind:
            return False
        for fact, condition in (self.__pydantic_extra__ or {}).items():
            accepted = condition if isinstance(condition, tuple) else (condition,)
            value = context.get(fact)
            if value is None and any(a is False for a in accepted):
                continue
            if not any(value == a and type(value) is type(a) for a in accepted):
                return False
        return True


class ActionSpec(StrictModel):
    """What a rule asks a person to do when it fires."""

    kind: ActionKind = Field(description="The action.")
    to: StrictStr | None = Field(
        default=None,
        description="The team to involve, e.g. `media`, `legal`, or `{{ vars.name }}` for a "
        "team named in the ruleset's vars.",
    )
    within: StrictStr | None = Field(
        default=None,
        description="How soon, as an ISO 8601 duration such as `PT1H` or `P2D`, or "
        "`{{ vars.name }}` for a duration set in the ruleset's vars.",
    )
    reply: StrictStr | None = Field(
        default=None, description="A Jinja2 template for a suggested reply."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_word(cls, data: Any) -> Any:
        return {"kind": data} if isinstance(data, str) else data

    @field_validator("within")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and not is_duration(value) and var_reference(value) is None:
            raise ValueError(
                f"'{value}' is not an ISO 8601 duration; write e.g. PT1H (one hour) or P2D, "
                "or {{ vars.name }} for one set under vars"
            )
        return value


_VAR_REFERENCE = re.compile(r"\{\{\s*vars\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def var_reference(value: str) -> str | None:
    """The var named by a value written ``{{ vars.name }}``, or None."""
    match = _VAR_REFERENCE.fullmatch(value.strip())
    return match.group(1) if match else None


class Example(StrictModel):
    """A text a rule must fire on (``fail``) or stay silent on (``pass``).

    In a ``fail`` example, ``[[...]]`` marks the span the rule must report.
    """

    text: StrictStr = Field(description="The example text; `[[...]]` marks expected spans.")
    platform: Platform | None = Field(default=None, description="Platform to check it for.")
    kind: AppliesTo | None = Field(default=None, description="post, reply or comment.")
    media: tuple[Media, ...] = Field(default=(), description="Attached images and videos.")
    context: dict[str, ContextValue] = Field(default_factory=dict, description="Context facts.")
    in_reply_to: StrictStr | None = Field(
        default=None,
        description="For a reply: the comment it answers (its comment rules run first).",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data

    @field_validator("text")
    @classmethod
    def _markers(cls, value: str) -> str:
        parse_marked(value)  # raises ValueError with a clear message
        return value

    @property
    def plain(self) -> str:
        """The text without markers."""
        return parse_marked(self.text)[0]

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """The marked spans, as offsets into :attr:`plain`."""
        return parse_marked(self.text)[1]


class Examples(StrictModel):
    """Texts that document a rule and test it."""

    fail: Annotated[tuple[Example, ...], Field(min_length=1)] = Field(
        description="Texts the rule must fire on, with `[[...]]` around the expected span."
    )
    pass_: Annotated[tuple[Example, ...], Field(min_length=1)] = Field(
        alias="pass", description="Texts the rule must not fire on."
    )

    @field_validator("pass_")
    @classmethod
    def _no_markers(cls, value: tuple[Example, ...]) -> tuple[Example, ...]:
        for example in value:
            if example.spans:
                raise ValueError("a pass example cannot mark a span with [[...]]")
        return value


_MISSING = object()
_NO_POSITIONS: Mapping[int, int] = MappingProxyType({})
T = TypeVar("T")


class AnalysedText:
    """A text being checked, with per-text caches that rules share."""

    __slots__ = ("_hits", "_memo", "_positions", "_scanned", "comment", "media", "platform", "text")

    def __init__(
        self,
        text: str,
        platform: str | None = None,
        media: tuple[Media, ...] = (),
        comment: str | None = None,
    ) -> None:
        self.text = text
        self.platform = platform
        self.media = media
        #: For a reply: the incoming comment it answers (None otherwise).
        self.comment = comment
        self._hits: dict[int, list[Hit]] = {}
        self._memo: dict[str, Any] = {}
        # A merged scan: the hits of the set with id ``k`` are ``_scanned[_positions[k]]``.
        self._positions: Mapping[int, int] = _NO_POSITIONS
        self._scanned: Sequence[list[Hit]] = ()

    def hits(self, phrases: PhraseSet) -> list[Hit]:
        """Occurrences of a phrase set (filled in bulk by the engine, or found now)."""
        key = id(phrases)
        position = self._positions.get(key)
        if position is not None:
            return self._scanned[position]
        found = self._hits.get(key)
        if found is None:
            found = self._hits[key] = phrases.find(self.text)
        return found

    def memo(self, key: str, compute: Callable[[str], T]) -> T:
        """``compute(text)``, worked out once per text and shared between rules."""
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = self._memo[key] = compute(self.text)
        return found  # type: ignore[no-any-return]

    def remember_all(self, positions: Mapping[int, int], hits: Sequence[list[Hit]]) -> None:
        """Use the hits of a merged scan: ``hits[positions[id(s)]]`` for phrase set ``s``."""
        self._positions = positions
        self._scanned = hits


_NO_VALUES: Mapping[str, Any] = MappingProxyType({})


class Finding(NamedTuple):
    """A span a rule fired on, before it becomes a :class:`~sociopolicy.Violation`."""

    start: int
    end: int
    replacements: tuple[str, ...] = ()
    values: Mapping[str, Any] = _NO_VALUES  # extra template values


class RuleBase(StrictModel):
    """Fields every rule has. Each kind adds its own fields and a :meth:`find`."""

    KIND_SUMMARY: ClassVar[str] = ""
    #: Names this kind's findings add to the message template (besides the common ones).
    TEMPLATE_NAMES: ClassVar[frozenset[str]] = frozenset()

    id: RuleId
    category: Category = Field(description="One of the ten fixed categories.")
    kind: str = Field(description="The check primitive.")
    severity: Severity = Field(default="warning", description="error, warning or suggestion.")
    message: StrictStr = Field(
        min_length=1,
        description="Jinja2 template shown to the writer, e.g. \"Use '{{ replacement }}'.\"",
    )
    applies_to: Annotated[tuple[AppliesTo, ...], BeforeValidator(one_or_many)] = Field(
        default=("post", "reply"),
        min_length=1,
        description="What the rule reads: `post`, `reply` and/or `comment` (incoming).",
    )
    when: When | None = Field(default=None, description="Conditions for running the rule.")
    action: ActionSpec = Field(
        # Made without validating (it is known good), so defining the class
        # does not build ActionSpec's validator (see defer_build in _common).
        default=ActionSpec.model_construct(kind="revise"),
        description="What to do when it fires: a word (`revise`) or a mapping with `to`, "
        "`within` and `reply`.",
    )
    also: Annotated[tuple[ActionSpec, ...], BeforeValidator(one_or_many)] = Field(
        default=(),
        description="More actions besides `action`, e.g. `[hide_comment, do_not_engage]` "
        "for a threat that is escalated; each a word or a mapping with `to` and `within`.",
    )
    prevents: Annotated[tuple[ActionKind, ...], BeforeValidator(one_or_many)] = Field(
        default=(),
        description="Action kinds no other rule may ask for when this one fires, e.g. "
        "`[hide_comment]` so that a cry for help is never hidden.",
    )
    source: Annotated[tuple[StrictStr, ...], BeforeValidator(one_or_many)] = Field(
        min_length=1,
        description="Keys of the ruleset's `sources`, or URLs, that the rule is based on.",
    )
    rationale: StrictStr | None = Field(default=None, description="Why the rule exists.")
    examples: Examples = Field(description="Texts the rule fires on and stays silent on.")

    @field_validator("also")
    @classmethod
    def _no_reply_under_also(cls, value: tuple[ActionSpec, ...]) -> tuple[ActionSpec, ...]:
        if any(spec.reply is not None for spec in value):
            raise ValueError("a suggested reply goes on the rule's main 'action', not under 'also'")
        return value

    @property
    def actions(self) -> tuple[ActionSpec, ...]:
        """The main action, then those under ``also``."""
        return (self.action, *self.also)

    def matcher(self) -> Matcher:
        """Compile the rule's check into a :class:`Matcher`. Kinds override this."""
        raise NotImplementedError  # pragma: no cover


#: Cheap facts about a text, worked out once by the engine for all rules:
#: ``media`` (something is attached), ``non_ascii`` (a character outside ASCII,
#: as every emoji is) and ``hash`` (a ``#`` sign).
Feature = Literal["media", "non_ascii", "hash"]


def text_features(text: str, media: Sequence[Media]) -> frozenset[Feature]:
    """The :data:`Feature` names that hold for a text and its media."""
    return _FEATURE_SETS[bool(media), not text.isascii(), "#" in text]


# Every combination of features, built once: texts share these sets.
_FEATURE_SETS: dict[tuple[bool, bool, bool], frozenset[Feature]] = {
    (media, non_ascii, hash_sign): frozenset(
        name
        for name, holds in zip(get_args(Feature), (media, non_ascii, hash_sign), strict=True)
        if holds
    )
    for media in (False, True)
    for non_ascii in (False, True)
    for hash_sign in (False, True)
}


class CheckIncomplete(Exception):
    """Raised by a matcher that cannot finish on a text (for example, a time limit)."""


class Matcher(Protocol):
    """A rule's compiled check. Built once per ruleset; ``find`` runs per text.

    A matcher may also have ``bind(variables)``, called once with the ruleset's
    merged ``vars`` (the privacy kind reads the organisation's own contact
    details there). ``phrase_sets`` lists the phrase lists the matcher reads through
    :meth:`AnalysedText.hits`, so the engine can scan them all in one pass;
    ``required`` lets it skip matchers that cannot fire on a text.

    A matcher may also have ``needs``, a set of :data:`Feature` names: the
    engine then calls it only for texts that have at least one of them; and
    ``platforms``, a set of platform names: it is then used only for drafts
    for one of those platforms.
    """

    phrase_sets: tuple[PhraseSet, ...]
    #: A phrase set without whose hits ``find`` reports nothing; the engine
    #: then skips the matcher for a text (None: always run it).
    required: PhraseSet | None

    def find(self, text: AnalysedText) -> Iterable[Finding]:
        """The spans the rule fires on, in any order."""
        ...
