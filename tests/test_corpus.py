"""Precision and recall of the default ruleset on a labelled corpus.

The corpus (tests/corpus/drafts.yaml) was written for this project: realistic
council and agency posts, clean ones that mention easily confused words
(finger prick, labour market, green waste, secret garden, vote for a photo)
and ones that break the rules. Run ``pytest tests/test_corpus.py -s`` to see
the figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sociopolicy import check_draft, load_ruleset

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "drafts.yaml").read_text("utf-8"))


def _fired(text: str) -> set[str]:
    return {v.rule_id for v in check_draft(text).violations}


@pytest.mark.parametrize("item", CORPUS, ids=[f"draft-{i + 1}" for i in range(len(CORPUS))])
def test_corpus_item(item: dict[str, object]) -> None:
    assert _fired(str(item["text"])) == set(item["expect"])  # type: ignore[arg-type]


def test_report_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    ids = [rule.id for rule in load_ruleset().rules]
    counts = {rule_id: [0, 0, 0] for rule_id in ids}  # true pos, false pos, false neg
    for item in CORPUS:
        fired = _fired(item["text"])
        expected = set(item["expect"])
        for rule_id in ids:
            if rule_id in fired and rule_id in expected:
                counts[rule_id][0] += 1
            elif rule_id in fired:
                counts[rule_id][1] += 1
            elif rule_id in expected:
                counts[rule_id][2] += 1
    clean = [item for item in CORPUS if not item["expect"]]
    with capsys.disabled():
        print(f"\ncorpus: {len(CORPUS)} drafts, {len(clean)} clean")
        for rule_id, (tp, fp, fn) in counts.items():
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / (tp + fn) if tp + fn else 1.0
            print(
                f"  {rule_id:34s} tp={tp:2d} fp={fp:2d} fn={fn:2d} "
                f"precision={precision:.2f} recall={recall:.2f}"
            )
    # Every rule is exercised by the corpus.
    assert all(tp > 0 for tp, _, _ in counts.values())
