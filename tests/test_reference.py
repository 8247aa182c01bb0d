"""The committed format reference is what the models say today."""

from __future__ import annotations

from pathlib import Path

from sociopolicy.kinds import KINDS, RuleBase
from sociopolicy.reference import format_reference

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference.md"


def test_the_committed_reference_is_fresh() -> None:
    assert REFERENCE.read_text("utf-8") == format_reference(), (
        "docs/reference.md is stale; run: python -m sociopolicy.reference > docs/reference.md"
    )


def test_every_kind_and_field_is_in_the_reference() -> None:
    text = format_reference()
    for name, model in KINDS.items():
        assert f"### `{name}`" in text
        for field_name, info in model.model_fields.items():
            if field_name not in RuleBase.model_fields:
                assert f"| `{info.alias or field_name}` |" in text, (name, field_name)


def test_a_field_without_a_description_is_caught() -> None:
    # Every field must explain itself: the reference is all an editor has.
    text = format_reference()
    for line in text.splitlines():
        if line.startswith("| `"):
            assert not line.rstrip().endswith("|  |"), line
