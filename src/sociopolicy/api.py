"""The public functions: :func:`check_draft`, :func:`check_many` and :func:`triage`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from os import PathLike
from typing import Any, TypeAlias

from pydantic import ValidationError

from .diagnostics import describe_error, field_path, prune_errors
from .engine import CompiledRuleset
from .errors import UsageError
from .limits import DRAFT_VARIABLE, max_draft_chars
from .loader import load_ruleset
from .models import PLATFORMS, ContextValue, Draft, Media, Report
from .ruleset import Ruleset

__all__ = ["RulesetRef", "check_draft", "check_many", "triage"]

RulesetRef: TypeAlias = "str | PathLike[str] | Ruleset | None"

_KEYWORD_DEFAULTS: dict[str, Any] = {
    "platform": None,
    "kind": "post",
    "in_reply_to": None,
    "media": (),
    "context": None,
}


def _compiled(ruleset: RulesetRef) -> CompiledRuleset:
    if type(ruleset) is Ruleset:  # the common case first: PathLike is a slow check
        compiled = ruleset.compiled
        if type(compiled) is CompiledRuleset and compiled.owner() is ruleset:
            return compiled
    if not (ruleset is None or isinstance(ruleset, str | PathLike | Ruleset)):
        raise UsageError(
            f"ruleset must be a bundled name, a path or a Ruleset, not {type(ruleset).__name__}"
        )
    loaded = ruleset if isinstance(ruleset, Ruleset) else load_ruleset(ruleset)
    compiled = loaded.compiled
    if not isinstance(compiled, CompiledRuleset) or compiled.owner() is not loaded:
        raise UsageError(
            "this Ruleset was not made by load_ruleset(); load it with load_ruleset(path)"
        )
    return compiled


def _usage_error(exc: ValidationError) -> UsageError:
    error = prune_errors(exc.errors())[0]
    loc = error["loc"]
    if loc and loc[0] == "context" and len(loc) > 1 and "[key]" in loc:
        return UsageError(f"invalid context: fact names must be text, not {loc[1]!r}")
    if loc and loc[0] == "context" and len(loc) > 1:
        return UsageError(
            f"invalid context fact '{loc[1]}': a value must be true or false, a number, "
            f"text or None, not {type(error.get('input')).__name__}"
        )
    where = field_path(loc) or "draft"
    return UsageError(f"invalid {where}: {describe_error(error, for_yaml=False)}")


_PLATFORM_NAMES = frozenset(PLATFORMS)
_SIMPLE_CONTEXT_TYPES = (bool, int, float, str, type(None))


def _is_plain(platform: Any, kind: Any, in_reply_to: Any, media: Any, context: Any) -> bool:
    """True if the keyword fields need no validation beyond these cheap checks."""
    return (
        (platform is None or (isinstance(platform, str) and platform in _PLATFORM_NAMES))
        and isinstance(kind, str)
        and kind in ("post", "reply")
        and (in_reply_to is None or isinstance(in_reply_to, str))
        and not media
        and (
            context is None
            or (
                isinstance(context, dict)
                and all(
                    isinstance(k, str) and isinstance(v, _SIMPLE_CONTEXT_TYPES)
                    for k, v in context.items()
                )
            )
        )
    )


def _as_draft(draft: str | Draft, fields: Mapping[str, Any]) -> Draft:
    if isinstance(draft, Draft):
        given = [
            k
            for k, v in fields.items()
            if v != _KEYWORD_DEFAULTS[k] and not (k in ("media", "context") and not v)
        ]
        if given:
            raise UsageError(
                f"pass {', '.join(given)} either in the Draft or as keyword arguments, not both"
            )
        return draft
    if not isinstance(draft, str):
        raise UsageError(f"the draft must be a str or a Draft, not {type(draft).__name__}")
    data = {k: v for k, v in fields.items() if v is not None}
    try:
        return Draft(text=draft, **data)
    except ValidationError as exc:
        raise _usage_error(exc) from None


def _within_limit(text: str, what: str) -> None:
    """Refuse a text longer than the draft size limit (see sociopolicy.limits)."""
    limit = max_draft_chars()
    if len(text) > limit:
        raise UsageError(
            f"the {what} is {len(text):,} characters long; the most checked is {limit:,} "
            f"(set {DRAFT_VARIABLE} to change it)"
        )


def _evaluate(
    compiled: CompiledRuleset,
    text: str,
    *,
    kind: str,
    platform: str | None,
    in_reply_to: str | None,
    context: Mapping[str, ContextValue],
    media: tuple[Media, ...] = (),
) -> Report:
    _within_limit(text, "draft")
    if in_reply_to is None:
        fired = compiled.run(
            text, target_kind=kind, target="draft", platform=platform, context=context, media=media
        )
        return compiled.report(fired, comment=None)
    _within_limit(in_reply_to, "comment it replies to")
    # The comment first: rules for replies may depend on what it was flagged for.
    on_comment = compiled.run(
        in_reply_to, target_kind="comment", target="comment", platform=platform, context=context
    )
    fired = compiled.run(
        text,
        target_kind=kind,
        target="draft",
        platform=platform,
        context=context,
        media=media,
        comment=in_reply_to,
        comment_rules=frozenset(f.violation.rule_id for f in on_comment),
    )
    return compiled.report(on_comment + fired, comment=in_reply_to)


def _evaluate_draft(compiled: CompiledRuleset, draft: Draft) -> Report:
    return _evaluate(
        compiled,
        draft.text,
        kind=draft.kind,
        platform=draft.platform,
        in_reply_to=draft.in_reply_to,
        context=draft.context,
        media=draft.media,
    )


def check_draft(
    draft: str | Draft,
    *,
    ruleset: RulesetRef = None,
    platform: str | None = None,
    kind: str = "post",
    in_reply_to: str | None = None,
    media: Sequence[Media | Mapping[str, Any]] = (),
    context: Mapping[str, ContextValue] | None = None,
) -> Report:
    """Check a draft post or reply and return a :class:`Report`.

    Args:
        draft: the text, or a :class:`Draft` carrying every field below.
        ruleset: a bundled name (``"public-sector"``), a path, a loaded
            :class:`Ruleset`, or None for the bundled default.
        platform: where it will be published (``"x"``, ``"facebook"``, ...);
            None skips platform-specific rules.
        kind: ``"post"`` or ``"reply"``.
        in_reply_to: the incoming comment a reply answers; rules for comments
            run on it and report with ``target="comment"``.
        media: attached images and videos.
        context: facts for rules' ``when:`` conditions.

    Raises:
        UsageError: an argument is invalid (unknown platform, a Draft together
            with keyword fields).
        RulesetError: the ruleset cannot be loaded.

    The text itself never causes an exception: any string gives a Report.
    """
    compiled = _compiled(ruleset)
    if isinstance(draft, str) and _is_plain(platform, kind, in_reply_to, media, context):
        return _evaluate(
            compiled,
            draft,
            kind=kind,
            platform=platform,
            in_reply_to=in_reply_to,
            context=context or {},
        )
    fields = {
        "platform": platform,
        "kind": kind,
        "in_reply_to": in_reply_to,
        "media": tuple(media),
        "context": dict(context) if context is not None else None,
    }
    return _evaluate_draft(compiled, _as_draft(draft, fields))


def check_many(
    drafts: Iterable[str | Draft],
    *,
    ruleset: RulesetRef = None,
    platform: str | None = None,
    kind: str = "post",
    context: Mapping[str, ContextValue] | None = None,
    jobs: int = 1,
) -> Iterator[Report]:
    """Check many drafts with one ruleset, loading it once; yields a Report each.

    Keyword fields apply to drafts given as plain strings; a :class:`Draft`
    carries its own fields. The ruleset and the keyword fields are checked
    when this is called; each draft as it is reached.

    With ``jobs`` above 1, drafts are checked in that many worker processes,
    in batches, and the reports come back in the order of the drafts, the same
    as with one process. A loaded :class:`Ruleset` pickles, so this (and
    frameworks such as Dask or Spark) can send it to workers.
    """
    if isinstance(drafts, str | Draft):
        raise UsageError("check_many takes a list (or other iterable) of drafts, not one draft")
    compiled = _compiled(ruleset)
    fields = {
        "platform": platform,
        "kind": kind,
        "in_reply_to": None,
        "media": (),
        "context": dict(context) if context is not None else None,
    }
    _as_draft("", fields)  # raises UsageError now for a bad keyword
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise UsageError(f"jobs must be a whole number of processes, 1 or more, not {jobs!r}")
    if jobs > 1:
        from .parallel import check_in_processes

        owner = compiled.owner()
        assert owner is not None
        items = (d if isinstance(d, Draft) else _as_draft(d, fields) for d in drafts)
        return check_in_processes(owner, items, jobs)
    return _check_each(compiled, drafts, fields)


def _check_each(
    compiled: CompiledRuleset, drafts: Iterable[str | Draft], fields: Mapping[str, Any]
) -> Iterator[Report]:
    for draft in drafts:
        item = draft if isinstance(draft, Draft) else _as_draft(draft, fields)
        yield _evaluate_draft(compiled, item)


def triage(
    comment: str,
    *,
    ruleset: RulesetRef = None,
    platform: str | None = None,
    context: Mapping[str, ContextValue] | None = None,
) -> Report:
    """Check an incoming comment on its own (for a moderation inbox).

    Rules with ``applies_to: [comment]`` run on it; violations have
    ``target="comment"`` and actions say how to handle the comment.
    """
    compiled = _compiled(ruleset)
    if not isinstance(comment, str):
        raise UsageError(f"the comment must be a str, not {type(comment).__name__}")
    draft = _as_draft("", {**_KEYWORD_DEFAULTS, "platform": platform, "context": context})
    _within_limit(comment, "comment")
    fired = compiled.run(
        comment,
        target_kind="comment",
        target="comment",
        platform=draft.platform,
        context=draft.context,
    )
    return compiled.report(fired, comment=comment)
