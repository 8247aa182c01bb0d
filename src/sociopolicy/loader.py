"""Load ruleset files: read them, resolve ``extends``, validate and compile the rules.

The merge rules for forks are in :mod:`sociopolicy.merge`. Loaded rulesets are
cached: a file is reloaded when any file in its chain changes, and a bundled
ruleset named by name is read once per process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ._common import is_duration
from .bundled import DEFAULT_RULESET, bundled_rulesets, is_bundled
from .diagnostics import describe_error, field_path, prune_errors
from .engine import CompiledRule, CompiledRuleset
from .errors import (
    Issue,
    RulesetError,
    RulesetResolutionError,
    RulesetValidationError,
    SourceLocation,
)
from .kinds import (
    KINDS,
    RULE_ADAPTER,
    ActionSpec,
    Example,
    Examples,
    PatternRule,
    RuleBase,
    When,
    var_reference,
)
from .merge import (
    PER_PLATFORM,
    Layer,
    Origin,
    RawRule,
    apply_own,
    is_list,
    issue,
    merge_parent,
    suggest,
    validation_issues,
)
from .patterncache import staged_entries
from .planning import Planning
from .redos import backtracking_risk
from .ruleset import Ruleset, RulesetHeader, Source, cite
from .rulesetcache import Stamp, restore, stamp_of, store, unchanged
from .templates import COMMON_NAMES, REPLY_NAMES, TemplateProblem, compile_template
from .yamlsource import YamlDocument, YamlPath, load_yaml

__all__ = [
    "clear_cache",
    "compile_loaded",
    "layer_of",
    "load_ruleset",
    "locate_in",
    "resolve_reference",
]

_MODELS: tuple[type[BaseModel], ...] = (
    *KINDS.values(),
    ActionSpec,
    Example,
    Examples,
    When,
    RulesetHeader,
    Source,
)
_KNOWN_FIELDS = sorted(
    {info.alias or name for model in _MODELS for name, info in model.model_fields.items()}
)


def resolve_reference(reference: str | PathLike[str], base: Path | None = None) -> Path:
    """Turn a bundled ruleset name or a path into the file to read.

    A plain name without a folder or ``.yaml`` ending names a bundled ruleset;
    anything else is a path, relative to ``base`` (the extending file's folder)
    or to the working directory.

    Raises:
        RulesetResolutionError: no bundled ruleset has that name.
    """
    text = str(reference)
    looks_like_path = (
        isinstance(reference, PathLike)
        or any(sep in text for sep in ("/", "\\"))
        or text.endswith((".yaml", ".yml"))
    )
    if not looks_like_path:
        bundled = bundled_rulesets()
        if text in bundled:
            return bundled[text]
        names = ", ".join(bundled) or "none"
        raise RulesetResolutionError.at(
            text,
            f"there is no bundled ruleset named '{text}'{suggest(text, list(bundled))} "
            f"(bundled: {names}); to use a file, give its path ending in .yaml",
        )
    path = Path(text).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    return path


class _Resolver:
    """Resolves one ruleset file and its ``extends`` chain into a :class:`Layer`."""

    def __init__(self, confine_to: Path | None = None) -> None:
        #: Each file read, with its modification time and size taken *before*
        #: reading, so an edit made while loading is noticed on the next use.
        self.stamps: list[Stamp] = []
        #: (absolute path, SHA-256 of the bytes parsed) of each file read.
        self.digests: list[tuple[str, str]] = []
        self.top: RulesetHeader | None = None
        #: With a folder, every file ``extends`` names must be in it (or bundled).
        self.confine_to = confine_to

    def resolve(self, path: Path, stack: tuple[Path, ...] = ()) -> Layer:
        stamp = stamp_of(str(Path(path).absolute()))
        doc = load_yaml(path)
        if stamp is not None:
            self.stamps.append(stamp)
        if doc.digest is not None:
            # The path as the file was opened: ".." after a link is the link's
            # target's parent, which os.path.abspath would not say.
            self.digests.append((str(Path(path).absolute()), doc.digest))
        header = _read_header(doc)
        if not stack:
            self.top = header
        layer = Layer(files=[doc.path])
        for number, reference in enumerate(header.extends):
            where = ("extends", number) if len(header.extends) > 1 or is_list(doc) else ("extends",)
            parent_path = self._parent_path(doc, where, reference, path)
            resolved = parent_path.resolve()
            if self.confine_to is not None and not (
                resolved.is_relative_to(self.confine_to) or is_bundled(resolved)
            ):
                raise RulesetResolutionError(
                    issue(
                        doc,
                        where,
                        f"'extends' names {reference}, which is outside the ruleset's folder "
                        f"({self.confine_to}); this project allows only files in that folder "
                        "and bundled rulesets (confine-extends)",
                        field="extends",
                    )
                )
            if resolved in stack or resolved == path.resolve():
                chain = " -> ".join(p.name for p in (*stack, path.resolve(), resolved))
                raise RulesetResolutionError(
                    issue(doc, where, f"'extends' makes a cycle: {chain}", field="extends")
                )
            if not parent_path.is_file():
                raise RulesetResolutionError(
                    issue(
                        doc,
                        where,
                        f"the ruleset '{reference}' named in 'extends' does not exist "
                        f"(looked for {parent_path})",
                        field="extends",
                    )
                )
            parent = self.resolve(parent_path, (*stack, path.resolve()))
            merge_parent(layer, parent, doc, where)
        apply_own(layer, header, doc)
        return layer

    @staticmethod
    def _parent_path(doc: YamlDocument, where: YamlPath, reference: str, path: Path) -> Path:
        try:
            return resolve_reference(reference, path.parent)
        except RulesetResolutionError as exc:
            raise RulesetResolutionError(
                issue(doc, where, exc.issues[0].message, field="extends")
            ) from None


def _read_header(doc: YamlDocument) -> RulesetHeader:
    if doc.data is None:
        raise RulesetValidationError(
            issue(doc, (), "the file is empty; a ruleset needs name and version")
        )
    if not isinstance(doc.data, dict):
        raise RulesetValidationError(
            issue(doc, (), "a ruleset file must be a mapping of fields (name, version, rules...)")
        )
    try:
        return RulesetHeader.model_validate(doc.data)
    except ValidationError as exc:
        raise RulesetValidationError(validation_issues(doc, exc, _KNOWN_FIELDS)) from None


def _kinds_with_field(loc: list[str | int]) -> list[str]:
    """Kinds that have the top-level rule field ``loc[0]`` (for a misplaced field)."""
    if len(loc) != 1:
        return []
    return [name for name, model in KINDS.items() if loc[0] in model.model_fields]


def _validate_rule(raw: RawRule, layer: Layer, issues: list[Issue]) -> RuleBase | None:
    try:
        rule: RuleBase = RULE_ADAPTER.validate_python(raw.data)
    except ValidationError as exc:
        kind = raw.data.get("kind")
        for error in prune_errors(exc.errors()):
            loc = list(error["loc"])
            if loc and loc[0] == kind and kind in KINDS:
                loc = loc[1:]  # drop the union tag Pydantic puts first
            if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
                loc = ["kind"]
            fixed = {**error, "loc": tuple(loc)}
            message = describe_error(fixed, known_fields=_KNOWN_FIELDS)  # type: ignore[arg-type]
            owners = _kinds_with_field(loc)
            if error["type"] == "extra_forbidden" and owners and kind in KINDS:
                message = (
                    f"'{loc[0]}' is not a field of a '{kind}' rule; "
                    f"it belongs to kind {' and '.join(owners)}"
                )
            issues.append(
                Issue(
                    raw.locate(loc, key=error["type"] == "extra_forbidden"),
                    message,
                    rule_id=raw.rule_id,
                    field=field_path(loc) or None,
                )
            )
        return None
    if isinstance(rule, PatternRule):
        _check_backtracking(rule, raw, issues)
    for number, key in enumerate(rule.source):
        if key not in layer.sources and not key.startswith(("https://", "http://")):
            where: list[str | int] = (
                ["source", number] if isinstance(raw.data.get("source"), list) else ["source"]
            )
            close = suggest(key, list(layer.sources))
            known = ", ".join(sorted(layer.sources)) or "none"
            listed = "" if close or len(layer.sources) > 12 else f" (listed: {known})"
            issues.append(
                Issue(
                    raw.locate(where),
                    f"the source '{key}' is not listed under 'sources'{close}{listed}; "
                    "add it there or give a URL",
                    rule_id=raw.rule_id,
                    field="source",
                )
            )
    return rule


def _check_backtracking(rule: PatternRule, raw: RawRule, issues: list[Issue]) -> None:
    """Refuse a pattern that can backtrack catastrophically (see redos.py).

    Bundled patterns are checked by the test suite instead: reading a long
    pattern to analyse it costs milliseconds, and every load would pay it.
    """
    where = raw.locate(["pattern"])
    if is_bundled(where.path):
        return
    try:
        risk = backtracking_risk(rule.pattern, rule.ignore_case)
    except (RecursionError, OverflowError):  # pragma: no cover - refused when compiled
        risk = "it is nested too deeply to analyse"
    if risk is not None:
        issues.append(
            Issue(
                where,
                f"the pattern can take very long on some texts: {risk}",
                rule_id=rule.id,
                field="pattern",
            )
        )


def _compile_rule(
    rule: RuleBase, raw: RawRule, layer: Layer, issues: list[Issue]
) -> CompiledRule | None:
    templates = {}
    names = COMMON_NAMES | type(rule).TEMPLATE_NAMES
    groups = rule.group_names if isinstance(rule, PatternRule) else None
    for name, source, allowed, loc in (
        ("message", rule.message, names, ["message"]),
        ("reply", rule.action.reply, names | REPLY_NAMES, ["action", "reply"]),
    ):
        if source is None:
            continue
        try:
            templates[name] = compile_template(
                source, allowed=allowed, variables=layer.vars, groups=groups
            )
        except TemplateProblem as exc:
            issues.append(Issue(raw.locate(loc), str(exc), rule_id=rule.id, field=field_path(loc)))
    if len(templates) != (1 if rule.action.reply is None else 2):
        return None
    rule = _with_durations(rule, raw, layer, issues)
    try:
        matcher = rule.matcher()
    except (ValueError, RecursionError) as exc:  # a phrase too long to compile, say
        reason = str(exc) if isinstance(exc, ValueError) else "the rule is nested too deeply"
        issues.append(Issue(raw.locate([]), reason, rule_id=rule.id))
        return None
    bind = getattr(matcher, "bind", None)
    if bind is not None:
        bind(layer.vars)  # kinds that also read the ruleset's vars
    return CompiledRule(
        rule=rule,
        matcher=matcher,
        message=templates["message"],
        reply=templates.get("reply"),
        citation=cite(rule.source, layer.sources),
    )


def _check_raw_templates(raw: RawRule, layer: Layer, issues: list[Issue]) -> None:
    """The templates of a rule that did not validate, so that their mistakes are
    reported in the same run as the rule's other problems."""
    model = KINDS.get(str(raw.data.get("kind")))
    names = COMMON_NAMES | (
        model.TEMPLATE_NAMES
        if model is not None
        else frozenset().union(*(kind.TEMPLATE_NAMES for kind in KINDS.values()))
    )
    action = raw.data.get("action")
    reply = action.get("reply") if isinstance(action, dict) else None
    for loc, source, allowed in (
        (["message"], raw.data.get("message"), names),
        (["action", "reply"], reply, names | REPLY_NAMES),
    ):
        if not isinstance(source, str):
            continue
        try:
            compile_template(source, allowed=allowed, variables=layer.vars, groups=None)
        except TemplateProblem as exc:
            issues.append(
                Issue(raw.locate(loc), str(exc), rule_id=raw.rule_id, field=field_path(loc))
            )


def _with_durations(rule: RuleBase, raw: RawRule, layer: Layer, issues: list[Issue]) -> RuleBase:
    """The rule with each ``within: {{ vars.name }}`` replaced by that var's duration,
    and each ``to: {{ vars.name }}`` by that var's team."""
    specs = []
    for loc, spec in [(["action"], rule.action)] + [
        (["also", number], spec) for number, spec in enumerate(rule.also)
    ]:
        for field_name, fits, wanted in (
            ("within", is_duration, "an ISO 8601 duration such as PT1H or P2D"),
            ("to", lambda value: bool(value.strip()), "the name of a team"),
        ):
            written = getattr(spec, field_name)
            name = var_reference(written) if written is not None else None
            if name is None:
                continue
            value = layer.vars.get(name)
            if isinstance(value, str) and fits(value):
                spec = spec.model_copy(update={field_name: value.strip()})
                continue
            problem = (
                f"'{field_name}' uses vars.{name}, which is not defined; add it under 'vars'"
                if name not in layer.vars
                else f"'{field_name}' uses vars.{name}, which {_var_file(layer, name)} sets to "
                f"{value!r}, not {wanted}"
            )
            where = [*loc, field_name]
            _add_var_issue(issues, layer, name, raw.locate(where), problem, rule.id, where)
        specs.append(spec)
    if specs == list(rule.actions):
        return rule
    return rule.model_copy(update={"action": specs[0], "also": tuple(specs[1:])})


def _add_var_issue(
    issues: list[Issue],
    layer: Layer,
    name: str,
    use: SourceLocation,
    problem: str,
    rule_id: str,
    where: Sequence[str | int],
) -> None:
    """A var that a rule cannot use: reported once, where the var is set (the line to
    change), or else where the rule uses it."""
    origin = layer.var_origins.get(name)
    if origin is None:
        issues.append(Issue(use, problem, rule_id=rule_id, field=field_path(where)))
        return
    line, column = _var_position(origin[0], name)
    issue_at = Issue(SourceLocation(origin[0], line, column), problem, field=f"vars.{name}")
    if issue_at not in issues:
        issues.append(issue_at)


def _var_position(path: str, name: str) -> tuple[int, int]:
    try:
        return load_yaml(path).locate(("vars", name))
    except RulesetError:  # pragma: no cover - the file was read a moment ago
        return (1, 1)


def _var_file(layer: Layer, name: str) -> str:
    """The file that gave a var its value, for messages."""
    origin = layer.var_origins.get(name)
    return origin[0] if origin else "the ruleset"


def _check_comment_conditions(
    compiled: Sequence[CompiledRule], layer: Layer, issues: list[Issue]
) -> None:
    """``when: {comment: [...]}`` must name rules that run on incoming comments."""
    for_comments = {item.rule.id for item in compiled if "comment" in item.rule.applies_to}
    for item in compiled:
        when = item.rule.when
        if when is None or when.comment is None:
            continue
        raw = layer.rules[item.rule.id]
        for number, rule_id in enumerate(when.comment):
            if rule_id in for_comments or rule_id in layer.disabled:
                continue  # a disabled rule simply never flags a comment
            known = rule_id in layer.rules
            problem = (
                f"'when: comment' names '{rule_id}', which does not run on incoming comments "
                "(its applies_to has no 'comment')"
                if known
                else f"'when: comment' names '{rule_id}', which is not a rule of this ruleset"
                f"{suggest(rule_id, sorted(for_comments))}"
            )
            where = ("when", "comment", number)
            issues.append(
                Issue(raw.locate(where), problem, rule_id=item.rule.id, field="when.comment")
            )


def _build(path: Path, confine: bool = False) -> tuple[Ruleset, _Resolver]:
    resolver = _Resolver(path.resolve().parent if confine else None)
    layer = resolver.resolve(path)
    header = resolver.top
    assert header is not None
    issues: list[Issue] = []
    compiled: list[CompiledRule] = []
    for raw in layer.rules.values():
        rule = _validate_rule(raw, layer, issues)
        if rule is not None:
            item = _compile_rule(rule, raw, layer, issues)
            if item is not None:
                compiled.append(item)
        else:
            _check_raw_templates(raw, layer, issues)
    _check_comment_conditions(compiled, layer, issues)
    planning = _planning(layer, issues)
    if layer.problems:
        raise RulesetResolutionError(layer.problems + issues)
    if issues:
        raise RulesetValidationError(issues)
    ruleset = Ruleset(
        name=header.name,
        version=header.version,
        title=header.title,
        description=header.description,
        locale=header.locale,
        vars=layer.vars,
        sources=layer.sources,
        rules=tuple(item.rule for item in compiled),
        planning=planning,
        files=tuple(layer.files),
    )
    ruleset._compiled = CompiledRuleset(ruleset, compiled, layer.vars)
    ruleset._layer = layer
    return ruleset, resolver


def _planning(layer: Layer, issues: list[Issue]) -> Planning:
    """The merged planning settings, validated; problems are located in the file
    that set the key at fault."""
    defaults = Planning()
    data = dict(layer.planning)
    for key in PER_PLATFORM:  # a platform's own limit keeps the default for 'all'
        if isinstance(data.get(key), dict):
            data[key] = {**getattr(defaults, key), **data[key]}
    try:
        return Planning.model_validate(data)
    except ValidationError as exc:
        for error in prune_errors(exc.errors()):
            key = str(error["loc"][0]) if error["loc"] else ""
            doc = layer.planning_docs.get(key)
            if doc is None:  # pragma: no cover - every key came from a file
                continue
            loc = ("planning", *error["loc"])
            issues.append(
                issue(
                    doc,
                    loc,
                    describe_error(error, known_fields=list(Planning.model_fields)),
                    field=field_path(loc),
                    key=error["type"] == "extra_forbidden",
                )
            )
        return Planning()


def compile_loaded(ruleset: Ruleset) -> None:
    """Compile a ruleset whose rules are already validated (one that was pickled).

    Its rules are the loaded ones, with durations filled in, so nothing can
    fail here that did not fail when it was first loaded.
    """
    compiled = compile_rules(ruleset, ruleset.rules)
    ruleset._compiled = CompiledRuleset(ruleset, compiled, ruleset.vars)


def compile_rules(ruleset: Ruleset, rules: Sequence[RuleBase]) -> list[CompiledRule]:
    """Compile some of the already validated rules of ``ruleset``, in order."""
    layer = Layer(vars=dict(ruleset.vars), sources=dict(ruleset.sources))
    issues: list[Issue] = []
    compiled = []
    for rule in rules:
        doc = YamlDocument(path=ruleset.files[0] if ruleset.files else ruleset.name, data=None)
        raw = RawRule(rule.id, {}, [Origin(doc, ())])
        item = _compile_rule(rule, raw, layer, issues)
        if item is not None:
            compiled.append(item)
    if issues:  # pragma: no cover - the rules compiled when the ruleset was loaded
        raise RulesetValidationError(issues)
    return compiled


def locate_in(ruleset: Ruleset, rule_id: str, loc: Sequence[str | int] = ()) -> SourceLocation:
    """Where field ``loc`` of rule ``rule_id`` is written (the file of an override that
    replaced it, if one did); the ruleset's file when it is not known."""
    layer = layer_of(ruleset)
    raw = layer.rules.get(rule_id) if layer is not None else None
    if raw is None:
        return SourceLocation(ruleset.files[0] if ruleset.files else ruleset.name)
    return raw.locate(loc)


def layer_of(ruleset: Ruleset) -> Layer | None:
    """The merged content a loaded ruleset was built from (None if built otherwise).

    A ruleset restored from the disk cache reads its files again for it, once.
    """
    private = ruleset.__pydantic_private__
    assert private is not None
    layer: Layer | None = private.get("_layer")
    origin = private.get("_origin")
    if layer is None and origin is not None:
        path, confine, digests = origin
        if not unchanged(digests):
            return None  # edited since: its places would not be the rules' places
        resolver = _Resolver(path.resolve().parent if confine else None)
        try:
            layer = resolver.resolve(path)
        except RulesetError:
            return None
        if resolver.digests != digests:  # edited while being read again
            return None
        ruleset._layer = layer
    return layer


class _Cache:
    """Loaded rulesets by file, reloaded when any file in the chain changes.

    A file counts as changed when its modification time or size differs (as for
    ``make``); the check costs one ``stat`` per file in the chain.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, bool], tuple[tuple[Stamp, ...], Ruleset]] = {}
        #: Bundled rulesets by name: they ship with the package and do not change.
        self.bundled: dict[str, Ruleset] = {}

    def get(self, path: Path, confine: bool = False) -> Ruleset:
        key = (os.path.abspath(path), confine)
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and all(stamp_of(s[0]) == s for s in entry[0]):
            return entry[1]
        restored = restore(path, confine)
        if restored is not None:
            ruleset, stamps = restored
        else:
            with staged_entries():  # a refused ruleset leaves nothing in the pattern cache
                ruleset, resolver = _build(path, confine)
            stamps = resolver.stamps
            store(path, confine, ruleset, resolver.digests)
        with self._lock:
            self._entries[key] = (tuple(stamps), ruleset)
        return ruleset

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bundled.clear()


_CACHE = _Cache()


def clear_cache() -> None:
    """Forget every loaded ruleset (they are reloaded on next use)."""
    _CACHE.clear()


def load_ruleset(
    name_or_path: str | PathLike[str] | Ruleset | None = None, *, confine: bool = False
) -> Ruleset:
    """Load a ruleset by bundled name or path, validated, resolved and compiled.

    Results are cached: a file is reloaded when any file in its ``extends``
    chain changes; a bundled ruleset named by name is read once per process
    (:func:`clear_cache` forgets it). ``None`` loads the bundled default
    (``public-sector``). With ``confine``, every file its ``extends`` chain
    names must be in the ruleset file's folder (after following links), or be
    a bundled ruleset: a project that pulls rulesets from others can refuse
    one that reaches elsewhere on the machine.

    Raises:
        RulesetError: the ruleset cannot be read, validated or resolved; the
            message names ``file:line:column``, the rule id and the field.
    """
    if isinstance(name_or_path, Ruleset):
        return name_or_path
    reference = DEFAULT_RULESET if name_or_path is None else name_or_path
    if isinstance(reference, str):
        loaded = _CACHE.bundled.get(reference)
        if loaded is not None:
            return loaded
    path = resolve_reference(reference)
    if not path.is_file():
        kind = "folder, not a ruleset file" if path.is_dir() else "file that does not exist"
        raise RulesetResolutionError.at(str(path), f"cannot load the ruleset: {path} is a {kind}")
    try:
        ruleset = _CACHE.get(path, confine)
    except RecursionError:
        raise RulesetError.at(str(path), "the 'extends' chain is too deep") from None
    if isinstance(reference, str) and bundled_rulesets().get(reference) == path:
        _CACHE.bundled[reference] = ruleset
    return ruleset
