"""The content of a policy document, built from a ruleset for the templates.

:func:`build_doc` turns a :class:`~sociopolicy.Ruleset` into a
:class:`PolicyDoc`: rules grouped by category in words staff read (what each
rule asks, what happens and how soon, examples, sources) and the escalation
table. :mod:`sociopolicy.policydoc` renders it with Jinja2 templates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ._common import duration_seconds
from .kinds.base import ActionSpec, Example, RuleBase, When
from .models import CATEGORIES
from .periods import periods_in
from .ruleset import Ruleset

__all__ = [
    "EscalationRow",
    "ExampleDoc",
    "PolicyDoc",
    "RuleDoc",
    "Segment",
    "build_doc",
    "duration_words",
]

_CATEGORY_TEXT: dict[str, tuple[str, str]] = {
    "tone": ("Tone", "Sound courteous, calm and professional: never sarcastic or defensive."),
    "language": ("Language", "Use plain words: no jargon, slang or swearing."),
    "inclusive": ("Inclusive language", "Use respectful words for people and communities."),
    "privacy": ("Privacy", "Keep personal information out of public posts and replies."),
    "neutrality": (
        "Political neutrality",
        "Stay impartial: no party politics or partisan content.",
    ),
    "conduct": (
        "Conduct",
        "No confidential or embargoed information, and no admissions of liability.",
    ),
    "accessibility": (
        "Accessibility",
        "Make content everyone can use: alt text, captions, clear links, emoji used with care.",
    ),
    "platform": ("Platform limits", "Keep within each platform's limits."),
    "readability": ("Readability", "Keep sentences short and the reading level easy."),
    "escalation": (
        "Comments and escalation",
        "Comments people leave that need action: what to do, who handles them and how soon.",
    ),
}
_SEVERITY_TEXT = {
    "error": "must be dealt with",
    "warning": "deal with it unless there is a good reason not to",
    "suggestion": "worth considering; optional",
}
_READS = {"post": "posts", "reply": "replies", "comment": "incoming comments"}
_PLATFORMS = {"x": "X", "linkedin": "LinkedIn", "youtube": "YouTube"}
_SHORT = {
    "revise": "revise",
    "review": "review",
    "take_offline": "take offline",
    "escalate": "escalate",
    "hide_comment": "hide the comment",
    "do_not_engage": "do not engage",
    "respond": "respond",
}
_PREVENTED = {
    "revise": "ask for changes",
    "review": "send it for review",
    "take_offline": "take it offline",
    "escalate": "escalate it",
    "hide_comment": "hide the comment",
    "do_not_engage": "stay silent",
    "respond": "reply in public",
}
_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)


@dataclass(frozen=True)
class Segment:
    """Part of an example: plain text, or a span the rule reports (``marked``)."""

    text: str
    marked: bool


@dataclass(frozen=True)
class ExampleDoc:
    """An example text in parts, with notes on how it is checked ("on Instagram")."""

    text: str
    segments: tuple[Segment, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class SourceDoc:
    """A cited document, and the rules that cite it."""

    key: str
    anchor: str
    title: str
    publisher: str | None
    url: str | None
    note: str | None
    cited_by: tuple[str, ...]


@dataclass(frozen=True)
class RuleDoc:
    """One rule, in words for staff."""

    id: str
    anchor: str
    category: str
    severity: str
    severity_text: str
    reads: str
    comments_only: bool
    conditions: tuple[str, ...]
    why: tuple[str, ...]
    outcome: tuple[str, ...]
    reply: str | None
    fail_examples: tuple[ExampleDoc, ...]
    pass_examples: tuple[ExampleDoc, ...]
    sources: tuple[SourceDoc, ...]


@dataclass(frozen=True)
class CategoryDoc:
    """A category heading and its rules, by id."""

    name: str
    title: str
    summary: str
    anchor: str
    rules: tuple[RuleDoc, ...]


@dataclass(frozen=True)
class EscalationRow:
    """A row of the escalation table: who handles what a rule finds, and how soon."""

    rule_id: str
    anchor: str
    reads: str
    action: str
    team: str
    response: str


@dataclass(frozen=True)
class PolicyDoc:
    """Everything the templates show, in the order they show it."""

    name: str
    version: str
    ref: str
    title: str
    description: tuple[str, ...]
    locale: str
    rule_count: int
    severities: tuple[tuple[str, str], ...]
    categories: tuple[CategoryDoc, ...]
    escalation: tuple[EscalationRow, ...]
    sources: tuple[SourceDoc, ...]


def build_doc(ruleset: Ruleset) -> PolicyDoc:
    """The data the templates show for ``ruleset``."""
    sources = _sources(ruleset)
    by_key = {source.key: source for source in sources}
    rules = sorted(ruleset.rules, key=lambda rule: rule.id)
    categories = tuple(
        CategoryDoc(
            name=category,
            title=_CATEGORY_TEXT[category][0],
            summary=_CATEGORY_TEXT[category][1],
            anchor=f"category-{category}",
            rules=tuple(_rule_doc(rule, ruleset, by_key) for rule in members),
        )
        for category in CATEGORIES
        if (members := [rule for rule in rules if rule.category == category])
    )
    return PolicyDoc(
        name=ruleset.name,
        version=ruleset.version,
        ref=ruleset.ref,
        title=ruleset.title or ruleset.name,
        description=_paragraphs(ruleset.description or ""),
        locale=ruleset.locale,
        rule_count=len(rules),
        severities=tuple(_SEVERITY_TEXT.items()),
        categories=categories,
        escalation=_escalation(rules),
        sources=sources,
    )


def duration_words(value: str) -> str:
    """An ISO 8601 duration in words: ``PT4H`` -> ``within 4 hours``."""
    match = _DURATION.match(value)
    if match is None:
        return value
    parts = [
        f"{int(n)} {unit}{'' if int(n) == 1 else 's'}"
        for n, unit in zip(match.groups(), _UNITS, strict=True)
        if n and int(n)
    ]
    return f"within {_join(parts)}" if parts else "immediately"


def _join(items: Sequence[str], last: str = "and") -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _paragraphs(text: str) -> tuple[str, ...]:
    chunks = (" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", text))
    return tuple(chunk for chunk in chunks if chunk)


def _team(name: str) -> str:
    return name.replace("_", " ")


def _action_sentence(spec: ActionSpec, comments_only: bool) -> str:
    team = None
    if spec.to:
        team = _team(spec.to)
        team = team if team.lower().endswith("team") else f"the {team} team"
    sentences = {
        "revise": "Revise the text" + (f" with {team}" if team else ""),
        "review": (f"Ask {team} to review it" if team else "Have it reviewed")
        + (" before you respond" if comments_only else " before it is published"),
        "take_offline": "Take the conversation offline: ask the person to contact you privately"
        + (f", and pass it to {team}" if team else ""),
        "escalate": "Escalate it" + (f" to {team}" if team else ""),
        "hide_comment": "Hide the comment",
        "do_not_engage": "Do not reply in public",
        "respond": "Reply in public" + (f", with {team}" if team else ""),
    }
    sentence = sentences[spec.kind]
    if spec.within:  # the deadline first, so that it reads as the deadline for the action
        sentence = (
            f"{duration_words(spec.within).capitalize()}, {sentence[0].lower()}{sentence[1:]}"
        )
    return sentence + "."


def _outcome(rule: RuleBase) -> tuple[str, ...]:
    if rule.severity == "suggestion":
        return ("Nothing is required: a suggestion never leads to an action.",)
    comments_only = rule.applies_to == ("comment",)
    lines = [_action_sentence(spec, comments_only) for spec in rule.actions]
    lines += [f"Even if other rules say to, do not {_PREVENTED[k]}." for k in rule.prevents]
    return tuple(lines)


def _reads(applies_to: Iterable[str]) -> str:
    return _join([_READS[kind] for kind in applies_to])


def _value_words(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false (or not set)"
    return f"“{value}”" if isinstance(value, str) else str(value)


def _conditions(when: When | None, variables: dict[str, Any] | None = None) -> tuple[str, ...]:
    if when is None:
        return ()
    periods = periods_in(variables or {})
    found = []
    if when.platform:
        found.append("only on " + _join([_platform(p) for p in when.platform], "or"))
    if when.kind:
        found.append("only for " + _join([_READS[k] for k in when.kind], "or"))
    if when.comment:
        found.append("only when replying to a comment flagged by " + _join(when.comment, "or"))
    for fact, accepted in sorted(when.facts.items()):
        words = fact.replace("_", " ")
        period = periods.get(fact)
        if period is not None and accepted == (True,):
            dates = f"{_date_words(period.start)} to {_date_words(period.end)}"
            found.append(f"only in the {words} ({dates}, or when a check says so)")
        elif accepted == (True,):
            found.append(
                f"only in the {words}" if words.endswith("period") else f"only when {words}"
            )
        else:
            found.append(
                f"only when {words} is " + _join([_value_words(v) for v in accepted], "or")
            )
    return tuple(found)


_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _date_words(day: dt.date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _platform(name: str) -> str:
    return _PLATFORMS.get(name, name.capitalize())


_PLACEHOLDER = "…"


class _Placeholder(jinja2.ChainableUndefined):
    """A name a document cannot know (the comment, the match): shown as an ellipsis."""

    def __str__(self) -> str:
        return _PLACEHOLDER


_RULE_TEMPLATES = SandboxedEnvironment(
    undefined=_Placeholder,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=lambda value: "" if value is None else value,
)


def _fill(source: str, ruleset: Ruleset, rule: RuleBase) -> str:
    """A rule template with the ruleset's vars in, and ``…`` for what only a check knows."""
    if "{{" not in source and "{%" not in source:
        return source
    values = {
        "vars": ruleset.vars,
        "rule": {"id": rule.id, "category": rule.category, "severity": rule.severity},
    }
    try:
        return _RULE_TEMPLATES.from_string(source).render(values).strip()
    except Exception:  # a rationale is plain text that may merely look like a template
        return source


def _example_doc(example: Example, rule: RuleBase) -> ExampleDoc:
    plain, spans = example.plain, example.spans
    segments: list[Segment] = []
    at = 0
    for start, end in spans:
        if start > at:
            segments.append(Segment(plain[at:start], False))
        segments.append(Segment(plain[start:end], True))
        at = end
    if at < len(plain) or not segments:
        segments.append(Segment(plain[at:], False))
    notes = []
    if example.platform:
        notes.append(f"on {_platform(example.platform)}")
    if example.kind:
        notes.append(f"as a {example.kind}")
    if example.in_reply_to is not None:
        notes.append(f"in reply to “{' '.join(example.in_reply_to.split())}”")
    notes += [_media_words(item.type, item.alt_text, item.captions) for item in example.media]
    implied = rule.when.facts if rule.when else {}
    for fact, value in sorted(example.context.items()):
        if implied.get(fact) != (value,):
            notes.append(f"when {fact} is {_value_words(value)}")
    return ExampleDoc(plain, tuple(segments), tuple(notes))


def _media_words(kind: str, alt_text: str | None, captions: bool | None) -> str:
    article = "an" if kind in ("image", "audio") else "a"
    if kind in ("video", "audio"):
        what = "audio clip" if kind == "audio" else kind
        return f"with {article} {what} {'with' if captions else 'without'} captions"
    if alt_text is None:
        return f"with {article} {kind} without alt text"
    if not alt_text:
        return f"with a decorative {kind}, with empty alt text"
    return f"with {article} {kind} with the alt text “{alt_text}”"


def _rule_doc(rule: RuleBase, ruleset: Ruleset, sources: dict[str, SourceDoc]) -> RuleDoc:
    reply = _fill(rule.action.reply, ruleset, rule) if rule.action.reply else None
    return RuleDoc(
        id=rule.id,
        anchor=f"rule-{rule.id}",
        category=rule.category,
        severity=rule.severity,
        severity_text=_SEVERITY_TEXT[rule.severity],
        reads=_reads(rule.applies_to),
        comments_only=rule.applies_to == ("comment",),
        conditions=_conditions(rule.when, ruleset.vars),
        why=_paragraphs(_fill(rule.rationale or "", ruleset, rule)),
        outcome=_outcome(rule),
        reply=" ".join(reply.split()) if reply and rule.severity != "suggestion" else None,
        fail_examples=tuple(_example_doc(e, rule) for e in rule.examples.fail),
        pass_examples=tuple(_example_doc(e, rule) for e in rule.examples.pass_),
        sources=tuple(sources[key] for key in rule.source),
    )


def _sources(ruleset: Ruleset) -> tuple[SourceDoc, ...]:
    cited: dict[str, list[str]] = {}
    for rule in sorted(ruleset.rules, key=lambda rule: rule.id):
        for key in rule.source:
            cited.setdefault(key, []).append(rule.id)
    keys = set(ruleset.sources) | set(cited)

    def order(key: str) -> tuple[str, str]:
        source = ruleset.sources.get(key)
        return ((source.title if source else key).casefold(), key)

    found, anchors = [], set()
    for key in sorted(keys, key=order):
        anchor = base = "source-" + (re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "x")
        number = 1
        while anchor in anchors:
            number += 1
            anchor = f"{base}-{number}"
        anchors.add(anchor)
        source = ruleset.sources.get(key)
        found.append(
            SourceDoc(
                key=key,
                anchor=anchor,
                title=source.title if source else key,
                publisher=source.publisher if source else None,
                url=source.url if source else key,
                note=source.note if source else None,
                cited_by=tuple(cited.get(key, ())),
            )
        )
    return tuple(found)


def _escalation(rules: Sequence[RuleBase]) -> tuple[EscalationRow, ...]:
    """Rows for rules that read comments or name a team or a deadline.

    Suggestions are left out: they never lead to an action.
    """
    chosen = [
        rule
        for rule in rules
        if rule.severity != "suggestion"
        and ("comment" in rule.applies_to or any(s.to or s.within for s in rule.actions))
    ]

    def urgency(rule: RuleBase) -> tuple[int, float, str]:
        seconds = [duration_seconds(s.within) for s in rule.actions if s.within]
        return ("comment" not in rule.applies_to, min(seconds, default=float("inf")), rule.id)

    rows = []
    for rule in sorted(chosen, key=urgency):
        teams = list(dict.fromkeys(_team(s.to) for s in rule.actions if s.to))
        timed = [s for s in rule.actions if s.within]
        if len({s.within for s in timed}) > 1:
            response = "; ".join(
                f"{_SHORT[s.kind]} {duration_words(s.within or '')}" for s in timed
            )
        else:
            response = duration_words(timed[0].within or "") if timed else "not set"
        action = "; ".join(_SHORT[s.kind] for s in rule.actions)
        rows.append(
            EscalationRow(
                rule_id=rule.id,
                anchor=f"rule-{rule.id}",
                reads=_reads(rule.applies_to),
                action=action[:1].upper() + action[1:],
                team=", ".join(teams) or "none",
                response=response,
            )
        )
    return tuple(rows)


# Markdown ------------------------------------------------------------------
