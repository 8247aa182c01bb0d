"""Project configuration for ``sociopolicy check``: ``.sociopolicy.yaml`` or ``pyproject.toml``.

For each content file, the configuration is found by walking up from the
file's folder: the first folder with a ``.sociopolicy.yaml``, or a
``pyproject.toml`` with a ``[tool.sociopolicy]`` table, wins. Paths in it (a
ruleset, globs) are relative to that folder. Keys::

    ruleset: rules/springfield-council.yaml
    fail-on: warning
    format: github
    exclude: ["drafts/archive/*"]
    overrides:
      - files: ["replies/*.md"]
        platform: facebook
        disable: [readability.grade]
      - files: ["election/*"]
        ruleset: rules/caretaker-fork.yaml

An override applies to files matching any of its globs (relative to the
configuration's folder); later overrides win. Command-line flags win over
every key.
"""

from __future__ import annotations

import functools
import sys
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, StrictStr, ValidationError

from ._common import StrictModel
from .errors import Issue as _Issue
from .errors import RulesetValidationError, SourceLocation
from .merge import validation_issues
from .models import Platform
from .yamlsource import load_yaml

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "CONFIG_NAMES",
    "Config",
    "FileSettings",
    "config_for",
    "default_ruleset",
    "settings_for",
]

CONFIG_NAMES = (".sociopolicy.yaml", "pyproject.toml")
FailOn = Literal["error", "warning", "suggestion", "never"]


class Override(StrictModel):
    """Settings for the files matching ``files``."""

    files: tuple[StrictStr, ...] = Field(min_length=1, description="Globs, relative to the config.")
    ruleset: StrictStr | None = Field(default=None, description="Ruleset for these files.")
    disable: tuple[StrictStr, ...] = Field(default=(), description="Rules to leave out.")
    platform: Platform | None = Field(default=None, description="Platform when a file gives none.")


class Config(StrictModel):
    """The ``sociopolicy`` configuration of one folder."""

    model_config = StrictModel.model_config | {"populate_by_name": True}

    ruleset: StrictStr | None = None
    fail_on: FailOn | None = Field(default=None, alias="fail-on")
    format: Literal["text", "json", "github", "sarif", "junit"] | None = None
    include: tuple[StrictStr, ...] = ()
    exclude: tuple[StrictStr, ...] = ()
    overrides: tuple[Override, ...] = ()


class FileSettings(StrictModel):
    """What the configuration says for one file."""

    ruleset: StrictStr | None = None
    disable: tuple[StrictStr, ...] = ()
    platform: Platform | None = None


def config_for(folder: Path) -> tuple[Config, Path] | None:
    """The configuration that governs ``folder`` and the folder it is in, if any."""
    return _find(folder.resolve())


@functools.lru_cache(maxsize=256)
def _find(folder: Path) -> tuple[Config, Path] | None:
    for place in (folder, *folder.parents):
        found = _read(place)
        if found is not None:
            return found, place
    return None


def _read(folder: Path) -> Config | None:
    yaml_file = folder / ".sociopolicy.yaml"
    if yaml_file.is_file():
        doc = load_yaml(yaml_file)
        try:
            return Config.model_validate(doc.data or {})
        except ValidationError as exc:
            raise RulesetValidationError(validation_issues(doc, exc, _FIELDS)) from None
    toml_file = folder / "pyproject.toml"
    if toml_file.is_file():
        try:
            with toml_file.open("rb") as handle:
                table: Any = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise RulesetValidationError(
                _Issue(SourceLocation(str(toml_file)), f"cannot read the file: {exc}")
            ) from None
        section = table.get("tool", {}).get("sociopolicy")
        if section is None:
            return None
        try:
            return Config.model_validate(section)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise RulesetValidationError(
                _Issue(
                    SourceLocation(str(toml_file)),
                    f"[tool.sociopolicy] {where}: {first['msg']}",
                )
            ) from None
    return None


_FIELDS = sorted({*Config.model_fields, "fail-on", *Override.model_fields} - {"fail_on"})


def settings_for(file: Path) -> FileSettings:
    """The ruleset, disabled rules and platform the configuration gives ``file``."""
    found = config_for(file.parent)
    if found is None:
        return FileSettings()
    config, folder = found
    relative = _relative(file, folder)
    ruleset = _path(config.ruleset, folder)
    disable: tuple[str, ...] = ()
    platform = None
    for override in config.overrides:
        if any(fnmatch(relative, glob) for glob in override.files):
            ruleset = _path(override.ruleset, folder) or ruleset
            disable += override.disable
            platform = override.platform or platform
    return FileSettings(ruleset=ruleset, disable=disable, platform=platform)


def default_ruleset(found: tuple[Config, Path] | None) -> str | None:
    """The ruleset a configuration names, resolved against its folder."""
    return _path(found[0].ruleset, found[1]) if found is not None else None


def _relative(file: Path, folder: Path) -> str:
    try:
        return file.resolve().relative_to(folder).as_posix()
    except ValueError:  # pragma: no cover - the config was found above the file
        return file.as_posix()


def _path(reference: str | None, folder: Path) -> str | None:
    """A ruleset named in a config: a bundled name stays a name; a path is made absolute."""
    if reference is None:
        return None
    if "/" in reference or reference.endswith((".yaml", ".yml")):
        return str((folder / reference).resolve())
    return reference
