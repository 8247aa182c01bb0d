"""Write the policy documents of the bundled rulesets to docs/policies/.

Usage: ``python scripts/render_policies.py`` writes ``<ruleset>.md`` and
``<ruleset>.html`` for every bundled ruleset and removes those of rulesets
that are gone; ``--check`` changes nothing and exits 1 if any is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sociopolicy import bundled_rulesets, load_ruleset
from sociopolicy.policydoc import TEMPLATE_NAMES, render_policy

OUT = Path(__file__).resolve().parents[1] / "docs" / "policies"


def expected() -> dict[Path, str]:
    """Each document's path and the text it should have."""
    documents = {}
    for name in bundled_rulesets():
        ruleset = load_ruleset(name)
        for fmt in TEMPLATE_NAMES:
            documents[OUT / f"{name}.{fmt}"] = render_policy(ruleset, fmt)
    return documents


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) the documents; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale documents")
    args = parser.parse_args(argv)
    documents = expected()
    present = {p for fmt in TEMPLATE_NAMES for p in OUT.glob(f"*.{fmt}")}
    stale = sorted(p for p in present - documents.keys())
    changed = [
        path
        for path, text in sorted(documents.items())
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in [*changed, *stale]:
            print(f"{path.relative_to(OUT.parents[1])} is out of date", file=sys.stderr)
        return 1 if changed or stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path in changed:
        path.write_text(documents[path], encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(OUT.parents[1])}")
    for path in stale:
        path.unlink()
        print(f"removed {path.relative_to(OUT.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
