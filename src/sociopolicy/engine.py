"""Run a compiled ruleset over texts and assemble the report.

A ruleset is compiled once (by the loader): each rule's patterns and phrase
lists are built, its templates compiled, and every phrase list merged into one
:class:`~sociopolicy.phrases.PhraseIndex`. Checking a text then only matches.

How the report is assembled (also in ``docs/api.md``):

* violations are sorted by (target, start, rule id, end);
* each warning or error contributes its rule's action; actions with the same
  kind and team are merged (rule ids collected, the shortest ``within`` kept),
  and listed most serious first: escalate, take_offline, hide_comment,
  do_not_engage, revise, respond, review;
* ``decision`` is the most serious of ok < review < revise < take_offline <
  escalate implied by those actions: ``hide_comment``, ``do_not_engage`` and
  ``respond`` need a person to act, so they imply ``review``. Suggestions never
  add actions or change the decision.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from ._common import duration_seconds, trusted
from .comments import commenter_name
from .kinds import (
    ActionSpec,
    AnalysedText,
    CheckIncomplete,
    Feature,
    Finding,
    Matcher,
    RuleBase,
    When,
    text_features,
)
from .models import (
    DECISIONS,
    Action,
    ActionKind,
    ContextValue,
    Decision,
    Media,
    Report,
    Target,
    Violation,
)
from .normalise import cleaned
from .periods import periods_in, with_periods
from .phrases import Hit, PhraseIndex, PhraseSet
from .templates import Template
from .text import LineIndex

if TYPE_CHECKING:
    from .ruleset import Ruleset

__all__ = ["ACTION_ORDER", "DECISION_OF", "CompiledRule", "CompiledRuleset", "decide"]

logger = logging.getLogger(__name__)

#: Action kinds, most serious first.
ACTION_ORDER: tuple[ActionKind, ...] = (
    "escalate",
    "take_offline",
    "hide_comment",
    "do_not_engage",
    "revise",
    "respond",
    "review",
)
#: The decision each action kind implies.
DECISION_OF: dict[ActionKind, Decision] = {
    "escalate": "escalate",
    "take_offline": "take_offline",
    "hide_comment": "review",
    "do_not_engage": "review",
    "revise": "revise",
    "respond": "review",
    "review": "review",
}
_DECISION_RANK = {decision: rank for rank, decision in enumerate(DECISIONS)}


def decide(actions: Iterable[Action]) -> Decision:
    """The most serious decision the actions imply (``ok`` for none)."""
    decision: Decision = "ok"
    for action in actions:
        implied = DECISION_OF[action.kind]
        if _DECISION_RANK[implied] > _DECISION_RANK[decision]:
            decision = implied
    return decision


_ACTION_RANK = {kind: rank for rank, kind in enumerate(ACTION_ORDER)}
_NO_FEATURES: frozenset[Feature] = frozenset()
_MESSAGE_CACHE_SIZE = 4096
_LONGEST_CACHED_EXCERPT = 256
_PLAN_CACHE_SIZE = 256
_CHOSEN_CACHE_SIZE = 1024


def _values_key(values: Mapping[str, Any]) -> Hashable:
    """A finding's extra template values as a cache key."""
    key = tuple(values.items())
    try:
        hash(key)
    except TypeError:  # a list among the values
        nested: Hashable = _hashable(dict(values))
        return nested
    return key


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


@dataclass(frozen=True)
class CompiledRule:
    """A validated rule with its compiled templates and citation text."""

    rule: RuleBase
    matcher: Matcher
    message: Template
    reply: Template | None
    citation: str
    #: Rendered messages by the values that vary; the same words recur often.
    messages: dict[Hashable, str] = field(default_factory=dict, compare=False)

    def render_message(self, finding: Finding, excerpt: str, shared: Mapping[str, Any]) -> str:
        """The rule's message for one finding, rendered once per distinct input."""
        key = (
            shared["platform"],
            shared["kind"],
            excerpt,
            finding.replacements,
            _values_key(finding.values),
        )
        message = self.messages.get(key)
        if message is None:
            values = self.template_values(finding, excerpt, shared)
            message = _render(self.message, values, self.rule.id)
            if len(excerpt) <= _LONGEST_CACHED_EXCERPT:  # long ones rarely recur
                if len(self.messages) >= _MESSAGE_CACHE_SIZE:
                    self.messages.clear()
                self.messages[key] = message
        return message

    def template_values(
        self, finding: Finding, excerpt: str, shared: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The names the rule's templates can use for one finding."""
        rule = self.rule
        return {
            **shared,
            "match": excerpt,
            "term": None,
            "replacement": finding.replacements[0] if finding.replacements else None,
            "replacements": list(finding.replacements),
            "groups": {},
            "rule": {"id": rule.id, "category": rule.category, "severity": rule.severity},
            **finding.values,
        }

    @property
    def when(self) -> When | None:
        """The rule's conditions."""
        return self.rule.when


def _runs_on(matcher: Matcher, platform: str | None) -> bool:
    """False if the matcher says it has nothing to check on this platform."""
    platforms: frozenset[str] | None = getattr(matcher, "platforms", None)
    return platforms is None or platform in platforms


class _Step(NamedTuple):
    """A rule to run, with what lets the engine skip it on a text."""

    item: CompiledRule
    needs: frozenset[Feature] | None
    required: PhraseSet | None
    #: Where the merged scan puts the hits of ``required`` (None: not in it).
    required_at: int | None
    find: Callable[[AnalysedText], Iterable[Finding]]
    #: The rule runs only on a reply to a comment one of these rules flagged.
    comment_rules: frozenset[str] | None


class _Plan:
    """The rules to run for one kind of text, platform and context."""

    __slots__ = ("_chosen", "steps", "tied", "untied")

    def __init__(self, steps: tuple[_Step, ...]) -> None:
        self.steps = steps
        untied: list[int] = []
        tied: dict[int, list[int]] = {}
        for number, step in enumerate(steps):
            if step.required_at is None:
                untied.append(number)
            else:
                tied.setdefault(step.required_at, []).append(number)
        #: Numbers of the steps that are not tied to a phrase set of the merged scan.
        self.untied = tuple(untied)
        #: For each merged-scan position, the numbers of the steps that need its hits:
        #: only they are looked at when it has some (most texts hit few sets).
        self.tied = tuple((at, tuple(numbers)) for at, numbers in tied.items())
        #: The steps worth trying, by the text's features and which scan positions
        #: have hits: texts fall into few such classes, so each is worked out once.
        self._chosen: dict[Hashable, tuple[_Step, ...]] = {}

    @classmethod
    def of(cls, steps: tuple[_Step, ...]) -> _Plan:
        return cls(steps)

    def for_hits(self, scanned: Sequence[Sequence[Hit]]) -> Sequence[_Step]:
        """The steps worth trying on a text with these scan hits, in plan order."""
        if not self.tied:
            return self.steps
        numbers = list(self.untied)
        for at, tied in self.tied:
            if scanned[at]:
                numbers += tied
        numbers.sort()
        steps = self.steps
        return [steps[number] for number in numbers]

    def chosen(
        self, features: frozenset[Feature], scanned: Sequence[Sequence[Hit]] | None
    ) -> tuple[_Step, ...]:
        """:meth:`for_hits`, less the steps that need a feature the text lacks."""
        key = (features, tuple(map(bool, scanned)) if scanned is not None else None)
        found = self._chosen.get(key)
        if found is None:
            candidates = self.for_hits(scanned) if scanned is not None else self.steps
            found = tuple(
                step
                for step in candidates
                if step.needs is None or not step.needs.isdisjoint(features)
            )
            if len(self._chosen) >= _CHOSEN_CACHE_SIZE:
                self._chosen.clear()
            self._chosen[key] = found
        return found


#: The kind of text whose own rules are pickled apart (see CompiledRuleset.__getstate__).
_PACKED_KIND = "comment"
#: Held while packed rules are unpickled, so a thread never sees half of them.
_UNPACKING = threading.Lock()


def _new_unpacking_lock() -> None:
    """A forked child gets a free lock, whatever thread of its parent held it."""
    global _UNPACKING
    _UNPACKING = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_new_unpacking_lock)


class _Packed(NamedTuple):
    """Rules pickled apart: the bytes, where each goes in the ruleset's order, and
    the objects they share with the rest (referred to by number in the bytes)."""

    data: bytes
    at: tuple[int, ...]
    shared: list[object]


def _dumps_referring(value: object, shared: Sequence[object]) -> bytes:
    """``value`` pickled, with each object of ``shared`` written as its number."""
    numbers = {id(item): number for number, item in enumerate(shared)}

    class _Pickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> int | None:
            return numbers.get(id(obj))

    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def _loads_referring(data: bytes, shared: Sequence[object]) -> Any:
    """What :func:`_dumps_referring` pickled, with the same ``shared`` objects."""

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> object:
            return shared[pid]

    return _Unpickler(io.BytesIO(data)).load()  # made by this process's pickling: see above


class _Fired(NamedTuple):
    violation: Violation
    compiled: CompiledRule
    #: The template values of the finding, worked out only if a reply is rendered.
    values: Callable[[], Mapping[str, Any]]


class CompiledRuleset:
    """The executable form of a :class:`~sociopolicy.Ruleset`."""

    def __init__(
        self, owner: Ruleset, rules: Sequence[CompiledRule], variables: Mapping[str, Any]
    ) -> None:
        self.ref = owner.ref
        #: The Ruleset this was compiled for; a copy of it is not accepted.
        self.owner = weakref.ref(owner)
        self._rules = tuple(rules)
        #: The rules for comments only, pickled apart (see __getstate__), until unpacked.
        self._packed: _Packed | None = None
        #: Every rule id, for telling a known id from a mistyped one.
        self.rule_ids = frozenset(item.rule.id for item in self._rules)
        self.vars = dict(variables)
        self._by_target = {
            target: tuple(item for item in self._rules if target in item.rule.applies_to)
            for target in ("post", "reply", "comment")
        }
        self._scans: dict[str, tuple[PhraseIndex, dict[int, int]]] = {}  # see _scan_for
        self._plans: dict[Hashable, _Plan] = {}
        #: The context facts some rule's ``when`` reads: only they pick a plan.
        self._facts = frozenset(
            fact for item in self._rules if item.when is not None for fact in item.when.facts
        )
        #: Date windows in vars that decide a fact some rule reads (see periods.py).
        # A period without a time zone of its own counts days in the planning one,
        # when the ruleset sets it, so a calendar and its checks agree on a post's day.
        planning_zone = getattr(getattr(owner, "planning", None), "timezone", None)
        self._periods = {
            name: period
            if period.zone is not None or planning_zone is None
            else period._replace(zone=ZoneInfo(planning_zone))
            for name, period in periods_in(self.vars).items()
            if name in self._facts
        }
        #: Vars set to true or false that give a fact some rule reads its default.
        self._defaults = {
            name: value
            for name, value in self.vars.items()
            if isinstance(value, bool) and name in self._facts
        }
        self._uses_features = any(getattr(item.matcher, "needs", None) for item in self._rules)
        self._prevents = any(item.rule.prevents for item in self._rules)
        # Reports are immutable, so every text with nothing to report shares one.
        self._clean = Report(violations=(), actions=(), decision="ok", ruleset=self.ref)

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        """Every rule, in the ruleset's order."""
        if self._packed is not None:
            self._unpack()
        return self._rules

    def __getstate__(self) -> dict[str, Any]:
        """For the on-disk cache (see rulesetcache.py); the owner is set on restoring.

        The rules for comments only, with the merged scan for comments, are
        pickled apart, as bytes, and unpickled when a comment is first checked:
        most processes that restore a ruleset check posts, and these rules are
        half of it (their word lists are long).
        """
        with _UNPACKING:  # not while another thread unpacks
            state = dict(self.__dict__)
            state.pop("owner", None)
            state["_plans"] = {}  # they hold bound methods; rebuilt on first use
            state["_by_target"] = dict(self._by_target)  # a copy never changes the original
            # Where each set's hits go is keyed by the sets' ids, which unpickled
            # sets do not keep: only the scans are saved, and the keys made again.
            scans = {kind: index for kind, (index, _) in self._scans.items()}
            if self._packed is None:
                self._pack_into(state, scans)
            state["_scans"] = scans
            return state

    def _pack_into(self, state: dict[str, Any], scans: dict[str, PhraseIndex]) -> None:
        """Replace the rules for comments only in ``state`` by their packed bytes."""
        at = tuple(
            number
            for number, item in enumerate(self._rules)
            if set(item.rule.applies_to) == {_PACKED_KIND}
        )
        if not at:
            return
        packed_items = [self._rules[number] for number in at]
        kept = tuple(item for number, item in enumerate(self._rules) if number not in at)
        # Objects the packed rules share with the rest are pickled with the rest
        # and referred to: the rules themselves (first, in order), and the
        # phrase lists (the scans find them by identity) with their entries.
        shared: list[object] = [item.rule for item in packed_items]
        for item in kept:
            for phrase_set in item.matcher.phrase_sets:
                shared.append(phrase_set)
                shared.extend(e for entries in phrase_set.keys.values() for e, _ in entries)
        data = _dumps_referring((packed_items, scans.pop(_PACKED_KIND, None)), shared)
        state["_rules"] = kept
        state["_packed"] = _Packed(data, at, shared)
        del state["_by_target"][_PACKED_KIND]

    def __setstate__(self, state: dict[str, Any]) -> None:
        scans: dict[str, PhraseIndex] = state.pop("_scans")
        self.__dict__.update(state)
        self._scans = {
            kind: (index, {id(s): number for number, s in enumerate(index.sets)})
            for kind, index in scans.items()
        }

    def _unpack(self) -> None:
        """Unpickle the rules for comments only (see __getstate__), once."""
        with _UNPACKING:
            packed = self._packed
            if packed is None:
                return  # another thread did it meanwhile
            try:
                items, index = _loads_referring(packed.data, packed.shared)
            except Exception:  # a bug must not stop every comment check: compile them
                logger.exception("the rules for comments could not be restored")
                items, index = self._compiled_again(packed.shared[: len(packed.at)]), None
            rules = list(self._rules)
            for number, item in zip(packed.at, items, strict=True):
                rules.insert(number, item)
            by_target = {
                **self._by_target,
                _PACKED_KIND: tuple(item for item in rules if _PACKED_KIND in item.rule.applies_to),
            }
            scans = dict(self._scans)
            if index is not None:
                positions = {id(s): number for number, s in enumerate(index.sets)}
                scans[_PACKED_KIND] = (index, positions)
            # All at once (one call, which no other thread or fork can split):
            # nothing sees the rules unpacked while they still look packed.
            self.__dict__.update(
                _rules=tuple(rules), _by_target=by_target, _scans=scans, _packed=None
            )

    def _compiled_again(self, rules: Sequence[object]) -> list[CompiledRule]:
        """These rules of the owner compiled anew from their validated models."""
        from .loader import compile_rules  # the loader imports this module

        owner = self.owner() if isinstance(getattr(self, "owner", None), weakref.ref) else None
        if owner is None:
            raise RuntimeError("the ruleset's rules for comments are lost: load it again")
        return compile_rules(owner, rules)  # type: ignore[arg-type]

    def prepare(self) -> None:
        """Work out now what is otherwise worked out at the first text: the merged
        phrase scan of every kind of text (see _scan_for), compiled, and what each
        matcher with a ``prepare()`` leaves until then (a pattern's gate). Called
        before the ruleset is saved (see rulesetcache), so a process that restores
        it does none of this."""
        for target_kind in ("post", "reply", "comment"):
            self._scan_for(target_kind)[0].prepare()
        for item in self.rules:
            prepare: Callable[[], None] | None = getattr(item.matcher, "prepare", None)
            if prepare is not None:
                prepare()

    def _scan_for(self, target_kind: str) -> tuple[PhraseIndex, dict[int, int]]:
        """The merged phrase scan for one kind of text, and where each set's hits go.

        Each kind gets its own, over the phrase lists of its rules only (built
        the first time that kind is checked): comment rules' word lists cost
        posts nothing.
        """
        if target_kind == _PACKED_KIND and self._packed is not None:
            self._unpack()
        scan = self._scans.get(target_kind)
        if scan is None:
            items = self._by_target.get(target_kind, ())
            sets = {id(s): s for item in items for s in item.matcher.phrase_sets}
            index = PhraseIndex(list(sets.values()))
            positions = {id(s): number for number, s in enumerate(index.sets)}
            scan = self._scans[target_kind] = (index, positions)
        return scan

    def _plan(
        self, target_kind: str, platform: str | None, context: Mapping[str, ContextValue]
    ) -> _Plan:
        """The rules whose conditions hold for this kind, platform and context (cached).

        A plan holds each matcher's bound ``find``: a compiled ruleset keeps
        the matchers it was built with (load the ruleset again to change them).
        """
        facts = self._facts
        key = (
            target_kind,
            platform,
            tuple((k, type(v), v) for k, v in sorted(context.items()) if k in facts)
            if context
            else (),
        )
        plan = self._plans.get(key)
        if plan is None:
            if target_kind == _PACKED_KIND and self._packed is not None:
                self._unpack()
            if len(self._plans) >= _PLAN_CACHE_SIZE:
                self._plans.clear()
            plan = self._plans[key] = _Plan.of(
                tuple(
                    _Step(
                        item,
                        getattr(item.matcher, "needs", None) or None,
                        item.matcher.required,
                        self._scan_for(target_kind)[1].get(id(item.matcher.required)),
                        item.matcher.find,
                        frozenset(item.when.comment)
                        if item.when is not None and item.when.comment is not None
                        else None,
                    )
                    for item in self._by_target.get(target_kind, ())
                    if _runs_on(item.matcher, platform)
                    and (
                        item.when is None
                        or item.when.holds(platform=platform, kind=target_kind, context=context)
                    )
                )
            )
        return plan

    def run(
        self,
        text: str,
        *,
        target_kind: str,
        target: Target,
        platform: str | None,
        context: Mapping[str, ContextValue],
        media: tuple[Media, ...] = (),
        only: str | None = None,
        comment: str | None = None,
        comment_rules: frozenset[str] = frozenset(),
    ) -> list[_Fired]:
        """Check one text with every rule that applies to it (or just rule ``only``).

        For a reply, ``comment`` is the comment it answers and ``comment_rules``
        the ids of the comment rules that fired on it.
        """
        fired: list[_Fired] = []
        if self._periods or self._defaults:
            context = with_periods(context, self._periods, self._defaults)
        plan = self._plan(target_kind, platform, context)
        steps: Iterable[_Step] = plan.steps
        if only is not None:
            steps = tuple(step for step in plan.steps if step.item.rule.id == only)
        if not steps:
            return fired
        analysed = AnalysedText(text, platform, media, comment)
        scanned: list[list[Hit]] | None = None
        index, positions = self._scan_for(target_kind)
        features = text_features(text, media) if self._uses_features else _NO_FEATURES
        if only is None:
            if positions:
                # The normalised copy (see normalise.py) is worked out once, for
                # the scan and for the pattern rules.
                normal = analysed.memo("cleaned", cleaned)
                scanned = index.scan_with(text, normal)
                analysed.remember_all(positions, scanned)
            # Only steps that can fire: tied to a phrase set with hits (or to
            # none) and needing no feature the text lacks.
            steps = plan.chosen(features, scanned)
        # Worked out at the first finding: most texts have none.
        lines: LineIndex | None = None
        shared: dict[str, Any] = {}
        for item, needs, required, required_at, find, after in steps:
            if only is not None and needs is not None and needs.isdisjoint(features):
                continue  # cannot fire on a text without any of them
            if (
                required is not None
                and (scanned is None or required_at is None)
                and not analysed.hits(required)
            ):
                continue  # cannot fire without those words (not known from the scan)
            if after is not None and (comment is None or after.isdisjoint(comment_rules)):
                continue  # not a reply to a comment of that type
            try:
                findings = list(find(analysed))
            except CheckIncomplete as exc:
                fired.append(self._incomplete(item, str(exc), text, target))
                continue
            except Exception:  # a bug in one rule must not stop the others
                logger.exception(
                    "rule %s failed on a text of %d characters", item.rule.id, len(text)
                )
                fired.append(self._incomplete(item, "the check failed", text, target))
                continue
            for finding in findings:
                if lines is None:
                    lines = LineIndex(text)
                    shared = {"vars": self.vars, "platform": platform, "kind": target_kind}
                fired.append(self._violation(item, finding, text, target, lines, shared))
        return fired

    @staticmethod
    def _incomplete(item: CompiledRule, reason: str, text: str, target: Target) -> _Fired:
        """A rule that could not finish is reported, never silently dropped.

        It becomes a violation at the start of the text asking for a review by
        hand, so the report cannot say ``ok`` for a text that was not checked.
        """
        rule = item.rule
        message = (
            f"Rule {rule.id} could not be completed on this text ({reason}); "
            "review the text by hand for what this rule looks for."
        )
        violation = Violation(
            rule_id=rule.id,
            category=rule.category,
            severity="warning" if rule.severity == "suggestion" else rule.severity,
            message=message,
            target=target,
            start=0,
            end=min(1, len(text)),
            line=1,
            column=1,
            excerpt=text[:1],
            source=item.citation,
            action="review",
        )
        spec = ActionSpec(kind="review")
        reviewed = rule.model_copy(update={"action": spec, "also": ()})
        # No suggested reply: its template's values come from a check that did not finish.
        return _Fired(violation, replace(item, rule=reviewed, reply=None), dict)

    @staticmethod
    def _violation(
        item: CompiledRule,
        finding: Finding,
        text: str,
        target: Target,
        lines: LineIndex,
        shared: Mapping[str, Any],
    ) -> _Fired:
        rule = item.rule
        excerpt = text[finding.start : finding.end]
        line, column = lines.position(finding.start)
        # Every value comes from the validated rule or is an offset into the
        # text, so the model is built without validating again (it is
        # property-tested against the validated one).
        violation = trusted(
            Violation,
            {
                "rule_id": rule.id,
                "category": rule.category,
                "severity": rule.severity,
                "message": item.render_message(finding, excerpt, shared),
                "target": target,
                "start": finding.start,
                "end": finding.end,
                "line": line,
                "column": column,
                "excerpt": excerpt,
                "replacements": tuple(finding.replacements),
                "source": item.citation,
                "action": rule.action.kind,
            },
        )
        return _Fired(violation, item, lambda: item.template_values(finding, excerpt, shared))

    def report(self, fired: Sequence[_Fired], *, comment: str | None) -> Report:
        """Sort violations, merge actions and decide."""
        if not fired:
            return self._clean
        ordered = sorted(
            fired,
            key=lambda f: (
                f.violation.target,
                f.violation.start,
                f.violation.rule_id,
                f.violation.end,
            ),
        )
        groups: dict[tuple[str, str | None], list[tuple[_Fired, ActionSpec]]] = {}
        serious = [item for item in ordered if item.violation.severity != "suggestion"]
        # A rule may rule out actions whatever other rules ask ("never hide a cry for help").
        prevented = (
            {kind for item in serious for kind in item.compiled.rule.prevents}
            if self._prevents
            else set()
        )
        for item in serious:
            for spec in item.compiled.rule.actions:
                if spec.kind not in prevented:
                    groups.setdefault((spec.kind, spec.to), []).append((item, spec))
        actions = [self._action(members, comment) for members in groups.values()]
        actions.sort(key=lambda a: (_ACTION_RANK[a.kind], a.to or "", a.rule_ids))
        decision = decide(actions)
        return trusted(
            Report,
            {
                "violations": tuple(f.violation for f in ordered),
                "actions": tuple(actions),
                "decision": decision,
                "ok": decision == "ok",
                "ruleset": self.ref,
            },
        )

    @staticmethod
    def _action(members: Sequence[tuple[_Fired, ActionSpec]], comment: str | None) -> Action:
        first, spec = members[0]
        rule_ids = tuple(dict.fromkeys(m.violation.rule_id for m, _ in members))
        durations = [s.within for _, s in members if s.within]
        within = min(durations, key=duration_seconds) if durations else None
        reply = None
        for member, member_spec in members:
            template = member.compiled.reply
            # A rule's reply template belongs to its main action.
            if template is not None and member_spec is member.compiled.rule.action:
                values = {
                    **member.values(),
                    "comment": comment or "",
                    "commenter": commenter_name(comment) if comment else None,
                }
                reply = _render(template, values, member.violation.rule_id)
                break
        return trusted(
            Action,
            {
                "kind": spec.kind,
                "reason": first.violation.message,
                "rule_ids": rule_ids,
                "to": spec.to,
                "within": within,
                "suggested_reply": reply,
            },
        )


def _render(template: Template, values: Mapping[str, Any], rule_id: str) -> str:
    try:
        return template.render(values)
    except Exception as exc:  # a template that fails on odd input must not stop the check
        logger.warning("rule %s: template failed to render: %s", rule_id, exc)
        return f"Rule {rule_id} fired, but its message could not be shown ({type(exc).__name__})."
