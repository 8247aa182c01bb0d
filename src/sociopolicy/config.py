"""Project configuration for ``sociopolicy check``: ``.sociopolicy.yaml`` or ``pyproject.toml``.

For each content file, the configuration is found by walking up from the
file's folder: the first folder with a ``.sociopolicy.yaml``, or a
``pyproject.toml`` with a ``[tool.sociopolicy]`` table, wins. Paths in it (a
ruleset, globs) are relative to that folder. Keys::

    ruleset: rules/springfield-council.yaml
    fail-on: warning
    format: github
    exclude: ["drafts/archive/*"]
    csv: {message: Post copy, date: Publish at, link: Link URL}
    overrides:
      - files: ["replies/*.md"]
        platform: facebook
        disable: [readability.grade]
      - files: ["election/*"]
        ruleset: rules/caretaker-fork.yaml
    confine-extends: true    # rulesets may extend only files in their own folder
    encoding: cp1252         # content files without a byte-order mark (default UTF-8)

Globs are relative to the configuration's folder and work as in
``.gitignore`` (see :mod:`sociopolicy.globs`). ``include`` and ``exclude``
decide which files are content, even for files named on the command line
(as pre-commit does); ``--include`` on the command line replaces
``include``, and ``--exclude`` adds to ``exclude``. An override applies to
files matching any of its globs; later overrides win. Command-line flags
win over every key. The nearest configuration is the whole configuration:
one in a subfolder does not inherit its parent's keys.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictStr, ValidationError, field_validator

from ._common import StrictModel
from .diagnostics import describe_error, field_path, prune_errors
from .errors import Issue as _Issue
from .errors import RulesetValidationError, SourceLocation
from .globs import matches_any
from .merge import validation_issues
from .models import Platform
from .yamlsource import load_yaml

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


class CsvConfig(StrictModel):
    """Header names of a CSV export's columns (any capitals)."""

    message: StrictStr | None = Field(default=None, description="The post's text.")
    date: StrictStr | None = Field(default=None, description="When it is scheduled.")
    link: StrictStr | None = Field(default=None, description="A link published with it.")


def known_encoding(name: str) -> str:
    """``name`` if Python knows the text encoding, else a ValueError saying so."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"'{name}' is not a text encoding Python knows") from None
    if not info._is_text_encoding:
        raise ValueError(f"'{name}' is not a text encoding")
    return name


class Config(StrictModel):
    """The ``sociopolicy`` configuration of one folder."""

    model_config = StrictModel.model_config | {"populate_by_name": True}

    ruleset: StrictStr | None = None
    fail_on: FailOn | None = Field(default=None, alias="fail-on")
    format: Literal["text", "json", "github", "sarif", "junit"] | None = None
    include: tuple[StrictStr, ...] = ()
    exclude: tuple[StrictStr, ...] = ()
    # Built without validating: validating builds the model's validator, which a
    # run without any configuration never needs.
    csv: CsvConfig = CsvConfig.model_construct()
    overrides: tuple[Override, ...] = ()
    confine_extends: StrictBool = Field(default=False, alias="confine-extends")
    encoding: StrictStr | None = Field(
        default=None, description="Encoding of content files without a byte-order mark."
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            known_encoding(value)
        return value


class FileSettings(StrictModel):
    """What the configuration says for one file."""

    ruleset: StrictStr | None = None
    disable: tuple[StrictStr, ...] = ()
    platform: Platform | None = None
    #: The configuration file these settings come from.
    source: StrictStr | None = None
    #: The file matches the configuration's ``exclude``.
    excluded: bool = False
    #: The file matches the configuration's ``include`` (or there is none).
    included: bool = True
    # Built without validating: validating builds the model's validator, which a
    # run without any configuration never needs.
    csv: CsvConfig = CsvConfig.model_construct()
    #: Where each name in ``disable`` is written, as ``file:line[:column]``.
    disable_at: tuple[StrictStr, ...] = ()


def config_for(folder: str | Path) -> tuple[Config, Path] | None:
    """The configuration that governs ``folder`` and the folder it is in, if any."""
    return _find_from(os.path.abspath(folder))


@functools.lru_cache(maxsize=256)
def _find_from(folder: str) -> tuple[Config, Path] | None:
    return _find(Path(folder).resolve())


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
        return _read_pyproject(toml_file)
    return None


def _read_pyproject(toml_file: Path) -> Config | None:
    """``[tool.sociopolicy]`` of a ``pyproject.toml``, with errors at their line."""
    # Imported here: most runs read no pyproject.toml.
    if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        text = toml_file.read_bytes().decode("utf-8")
        table: Any = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        # TOML's own messages end "(at line L, column C)".
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise RulesetValidationError(
            _Issue(SourceLocation(str(toml_file), line, column), f"cannot read the file: {message}")
        ) from None
    section = table.get("tool", {}).get("sociopolicy")
    if section is None:
        return None
    try:
        return Config.model_validate(section)
    except ValidationError as exc:
        issues = [
            _Issue(
                SourceLocation(str(toml_file), _toml_line(text, error["loc"])),
                describe_error(error, known_fields=_FIELDS),
                field=field_path(error["loc"]),
            )
            for error in prune_errors(exc.errors())
        ]
        raise RulesetValidationError(issues) from None


def _toml_line(text: str, loc: tuple[str | int, ...]) -> int | None:
    """The line of ``[tool.sociopolicy]`` where the key at ``loc`` is written (best effort:
    TOML readers keep no positions). Overrides count ``[[tool.sociopolicy.overrides]]``."""
    lines = text.splitlines()
    header = "[tool.sociopolicy]"
    key = loc[0] if loc else None
    if key == "overrides" and len(loc) > 1 and isinstance(loc[1], int):
        tables = [
            i for i, line in enumerate(lines) if line.strip() == "[[tool.sociopolicy.overrides]]"
        ]
        if loc[1] < len(tables):
            return _key_line(lines, tables[loc[1]], loc[2] if len(loc) > 2 else None)
    found = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    return None if found is None else _key_line(lines, found, key)


def _key_line(lines: list[str], start: int, key: str | int | None) -> int:
    """1-based line of ``key = ...`` in the table whose header is on line ``start`` (0-based)."""
    if isinstance(key, str):
        written = re.compile(rf"\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(start + 1, len(lines)):
            if lines[number].lstrip().startswith("["):
                break
            if written.match(lines[number]):
                return number + 1
    return start + 1


_FIELDS = sorted(
    {*Config.model_fields, "fail-on", *Override.model_fields, *CsvConfig.model_fields} - {"fail_on"}
)


#: The settings of a file no configuration governs (models are frozen, so one serves all).
_NO_SETTINGS = FileSettings.model_construct()


def settings_for(file: Path) -> FileSettings:
    """The ruleset, disabled rules and platform the configuration gives ``file``."""
    # The folder without making a Path (dirname "" is the working folder).
    found = config_for(os.path.dirname(file))
    if found is None:
        return _NO_SETTINGS
    config, folder = found
    relative = _relative(file, folder)
    ruleset = _path(config.ruleset, folder)
    disable: tuple[str, ...] = ()
    disable_at: tuple[str, ...] = ()
    platform = None
    for number, override in enumerate(config.overrides):
        if matches_any(relative, override.files):
            ruleset = _path(override.ruleset, folder) or ruleset
            disable += override.disable
            disable_at += tuple(
                _where(folder, ("overrides", number, "disable", n))
                for n in range(len(override.disable))
            )
            platform = override.platform or platform
    return FileSettings(
        ruleset=ruleset,
        disable=disable,
        disable_at=disable_at,
        platform=platform,
        source=str(_file_of(folder)),
        excluded=matches_any(relative, config.exclude),
        csv=config.csv,
        included=not config.include or matches_any(relative, config.include),
    )


@functools.lru_cache(maxsize=256)
def _where(folder: Path, loc: tuple[str | int, ...]) -> str:
    """``file:line[:column]`` of a value in the configuration of ``folder``."""
    config_file = _file_of(folder)
    if config_file.suffix == ".toml":
        line = _toml_line(config_file.read_text("utf-8", "replace"), loc)
        return f"{config_file}:{line}" if line else str(config_file)
    line, column = load_yaml(config_file).locate(loc)
    return f"{config_file}:{line}:{column}"


def _file_of(folder: Path) -> Path:
    """The configuration file in ``folder``."""
    yaml_file = folder / ".sociopolicy.yaml"
    return yaml_file if yaml_file.is_file() else folder / "pyproject.toml"


def default_ruleset(found: tuple[Config, Path] | None) -> str | None:
    """The ruleset a configuration names, resolved against its folder."""
    return _path(found[0].ruleset, found[1]) if found is not None else None


def _relative(file: Path, folder: Path) -> str:
    for candidate in (Path(os.path.abspath(file)), file.resolve()):
        try:
            return candidate.relative_to(folder).as_posix()
        except ValueError:  # pragma: no cover - the config was found above the file
            continue
    return file.as_posix()  # pragma: no cover


def _path(reference: str | None, folder: Path) -> str | None:
    """A ruleset named in a config: a bundled name stays a name; a path is made absolute."""
    if reference is None:
        return None
    if "/" in reference or reference.endswith((".yaml", ".yml")):
        return str((folder / reference).resolve())
    return reference
