"""The ruleset file format (one file) and the resolved ruleset (after ``extends``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StrictStr

from ._common import StrictModel, one_or_many
from .kinds import Rule, RuleBase
from .kinds.base import RuleId
from .planning import Planning

__all__ = ["RULESET_NAME_PATTERN", "Ruleset", "RulesetHeader", "Source", "cite"]

RULESET_NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


class Source(StrictModel):
    """A document that rules cite."""

    title: StrictStr = Field(min_length=1, description="Title of the document or page.")
    url: StrictStr | None = Field(
        default=None, pattern=r"^https?://", description="Where to read it."
    )
    publisher: StrictStr | None = Field(default=None, description="Who published it.")
    note: StrictStr | None = Field(default=None, description="Which part, or a caveat.")

    def citation(self) -> str:
        """One line: ``title, publisher (url)``."""
        text = self.title
        if self.publisher:
            text += f", {self.publisher}"
        if self.url:
            text += f" ({self.url})"
        return text


class RulesetHeader(StrictModel):
    """The top level of one ruleset file. ``rules`` are validated one by one."""

    name: StrictStr = Field(
        pattern=RULESET_NAME_PATTERN,
        description="Short name in lower case, e.g. `springfield-council`.",
    )
    version: StrictStr = Field(
        min_length=1, description='Version of this ruleset, in quotes, e.g. "1.0.0".'
    )
    title: StrictStr | None = Field(default=None, description="Human-readable title.")
    description: StrictStr | None = Field(default=None, description="What the ruleset is for.")
    locale: StrictStr = Field(
        default="en", pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$", description="e.g. en-AU."
    )
    extends: Annotated[tuple[StrictStr, ...], BeforeValidator(one_or_many)] = Field(
        default=(), description="Bundled ruleset names or relative paths to build on."
    )
    vars: dict[StrictStr, Any] = Field(
        default_factory=dict, description="Values usable in templates as `{{ vars.name }}`."
    )
    sources: dict[StrictStr, Source] = Field(
        default_factory=dict, description="Documents cited by rules' `source`, by key."
    )
    planning: dict[StrictStr, Any] = Field(
        default_factory=dict,
        description="What a content calendar should look like (see docs/calendar.md); "
        "forks change it key by key.",
    )
    disable: Annotated[tuple[RuleId, ...], BeforeValidator(one_or_many)] = Field(
        default=(), description="Ids of inherited rules to switch off."
    )
    overrides: dict[RuleId, dict[StrictStr, Any]] = Field(
        default_factory=dict,
        description="Inherited rule id -> fields to replace (each field replaced whole).",
    )
    rules: list[Any] = Field(default_factory=list, description="This file's own rules.")


class Ruleset(BaseModel):
    """A ruleset ready to use: inheritance resolved, rules validated and compiled.

    Get one from :func:`sociopolicy.load_ruleset`; it is immutable and can be
    shared between threads.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    version: str
    title: str | None = None
    description: str | None = None
    locale: str = "en"
    vars: dict[str, Any] = Field(default_factory=dict)
    sources: dict[str, Source] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    planning: Planning = Field(default_factory=Planning)
    files: tuple[str, ...] = Field(
        default=(), description="The files read, the ruleset itself first."
    )

    _compiled: Any = PrivateAttr(default=None)
    #: The merged, unvalidated content with where each part was written (for
    #: locating examples, vars and rules in their files; see loader.locate_in).
    _layer: Any = PrivateAttr(default=None)
    #: (path, confine) of a ruleset restored from the disk cache, whose layer is
    #: read again only if something asks for it (see loader.layer_of).
    _origin: Any = PrivateAttr(default=None)

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle the validated content only; the compiled form is rebuilt on
        unpickling (in a worker process, say), from these rules."""
        state = super().__getstate__()
        state["__pydantic_private__"] = {"_compiled": None, "_layer": None, "_origin": None}
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        from .rulesetcache import is_restoring

        if is_restoring():
            return  # the disk cache restores the compiled form itself
        from .loader import compile_loaded  # the loader imports this module

        compile_loaded(self)

    @property
    def compiled(self) -> Any:
        """The executable form made by :func:`~sociopolicy.load_ruleset` (internal)."""
        return self.__pydantic_private__["_compiled"]  # type: ignore[index]

    @property
    def ref(self) -> str:
        """``name@version``, as reported in each :class:`~sociopolicy.Report`."""
        return f"{self.name}@{self.version}"

    def rule(self, rule_id: str) -> RuleBase:
        """The rule with this id.

        Raises:
            KeyError: no such rule in this ruleset.
        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def citation(self, rule: RuleBase) -> str:
        """The rule's sources as one line of text, ``; ``-separated."""
        return cite(rule.source, self.sources)


def cite(keys: tuple[str, ...], sources: Mapping[str, Source]) -> str:
    """Turn source keys (or URLs) into citation text."""
    return "; ".join(sources[k].citation() if k in sources else k for k in keys)
