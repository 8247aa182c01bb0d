"""``sociopolicy init``: a folder with a new ruleset that builds on a bundled one.

The folder holds the ruleset (with one example rule of the organisation's own),
its tests file, the JSON Schema for editor completion, a README for the people
who will edit it, and a CI job. It passes ``sociopolicy validate`` and
``sociopolicy test`` as made, so every later failure is the editor's change.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TextIO

from .bundled import bundled_rulesets
from .errors import UsageError
from .merge import suggest
from .rulecommands import schema_text
from .ruleset import RULESET_NAME_PATTERN

__all__ = ["init"]

_RULESET = """\
# yaml-language-server: $schema=./ruleset.schema.json
# {name}: our social media rules, built on the bundled '{extends}' ruleset.
# Change what we need and nothing else; see README.md in this folder.
name: {name}
version: "0.1.0"
title: {title} social media rules
description: >-
  Rules for {title}'s social media accounts and the staff who answer comments.
extends: {extends}

# Our details, used in messages and suggested replies as {{{{ vars.name }}}}.
vars:
  organisation: {title}
  contact_channel: a private message to this page
  complaints_channel: our complaints page

# The documents our own rules cite.
sources:
  OUR-STYLE:
    title: {title} writing style guide
    note: Replace with the title and address of your own policy document.

# Inherited rules we do not use (ids from 'sociopolicy rules --ruleset {extends}').
disable: []

# Inherited rules we change: the fields given replace the inherited ones.
# overrides:
#   readability.grade:
#     severity: warning

rules:
  - id: local.program-name
    category: language
    kind: substitution
    severity: warning
    swap:
      "the old program name": "the new program name"
    message: "Write '{{{{ replacement }}}}', the name we use now, not '{{{{ match }}}}'."
    rationale: >-
      Our programs changed names; using the current name avoids confusing people.
    source: [OUR-STYLE]
    examples:
      fail:
        - "Sign up for [[the old program name]] today."
        - "[[The old program name]] starts in March."
      pass:
        - "Sign up for the new program name today."
        - "The program starts in March."
"""

_TESTS = """\
# Cases checked with the whole ruleset by 'sociopolicy test {name}.yaml'.
# List only what matters: rules that must (or must not) fire, the decision, actions.
cases:
  - name: the old program name is corrected
    text: "Sign up for the old program name today."
    expect:
      rules: [local.program-name]

  - name: an ordinary post is clean
    text: "The library is open until 8pm on Thursdays."
    expect:
      clean: true
"""

_README = """\
# {title} social media rules

`{name}.yaml` holds our rules. It builds on the bundled `{extends}` ruleset
and changes only what we need. You do not need to know Python to edit it.

## Edit

Open `{name}.yaml` in an editor. With Visual Studio Code and the YAML
extension (Red Hat), the first line points the editor at `ruleset.schema.json`,
so you get completion and errors as you type.

- To switch off an inherited rule, add its id to `disable`.
- To change an inherited rule, add it under `overrides` with the fields to replace.
- To add a rule, copy `local.program-name` and give it a new id starting `local.`.

Every rule needs a `source` (the policy it comes from) and `examples`: texts it
must catch (`fail`, with the words it flags in `[[double brackets]]`) and texts
it must leave alone (`pass`).

## Check your work

```sh
sociopolicy validate {name}.yaml      # every mistake, with its line and column
sociopolicy test {name}.yaml          # every rule's examples and {name}.tests.yaml
sociopolicy rules --ruleset {name}.yaml
sociopolicy explain local.program-name --ruleset {name}.yaml
```

## Hand it on

```sh
sociopolicy docs {name}.yaml --format html -o {name}-policy.html
```

writes the rules as a policy document for staff, with examples, the escalation
table and sources.

## In CI

`ci-github.yml` is a GitHub Actions workflow that runs `validate` and `test` on
every change to this folder; copy it to `.github/workflows/`.
"""

_CI = """\
# Copy to .github/workflows/{name}-ruleset.yml to check the ruleset on every change.
name: {name} ruleset
on:
  pull_request:
    paths: ["{folder}/**"]
  push:
    paths: ["{folder}/**"]
jobs:
  ruleset:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      # Install sociopolicy from where your organisation gets it, e.g.
      # pip install "sociopolicy @ git+https://github.com/<owner>/sociopolicy@<tag>"
      - run: pip install sociopolicy
      - run: sociopolicy validate --strict {folder}/{name}.yaml
      - run: sociopolicy test {folder}/{name}.yaml
"""


def _title(name: str) -> str:
    return " ".join(word.capitalize() for word in re.split(r"[-_.]+", name) if word)


def init(name: str, extends: str, into: str | None, out: TextIO) -> int:
    """Make the folder ``into`` (default: ``name``) with a new ruleset ``name``.

    Raises:
        UsageError: a bad name, an unknown bundled ruleset, or a folder that is
            not empty (nothing is ever overwritten).
    """
    if not re.match(RULESET_NAME_PATTERN, name):
        raise UsageError(
            f"'{name}' cannot be a ruleset name: use lower-case letters, digits, '-', '_' "
            "and '.', starting with a letter or digit (e.g. springfield-council)"
        )
    bundled = bundled_rulesets()
    if extends not in bundled:
        raise UsageError(
            f"--extends names no bundled ruleset '{extends}'{suggest(extends, list(bundled))} "
            f"(bundled: {', '.join(bundled)})"
        )
    folder = Path(into or name)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder}: already exists and is not empty; choose another folder")
    values = {
        "name": name,
        "extends": extends,
        "title": _title(name),
        "folder": folder.as_posix(),
    }
    files = {
        f"{name}.yaml": _RULESET.format(**values),
        f"{name}.tests.yaml": _TESTS.format(**values),
        "README.md": _README.format(**values),
        "ci-github.yml": _CI.format(**values),
        "ruleset.schema.json": schema_text(),
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, text in files.items():
            (folder / file_name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{folder}: cannot write the files: {exc.strerror}") from None
    out.write(f"Made {folder}/ with {', '.join(files)}.\n")
    out.write(
        f"Next: sociopolicy validate {folder.as_posix()}/{name}.yaml && "
        f"sociopolicy test {folder.as_posix()}/{name}.yaml\n"
    )
    return 0
