"""Comment triage on labelled comments: each type's rules, precision and recall.

Sets in ``tests/corpus/``, each measured before any rule was changed for
it (the first figures are in the files' headers):

* ``comments-a.yaml`` and ``comments-b.yaml``: 320 comments of the kind people
  leave on council and agency pages, half needing action, written by two
  testers who saw only the type descriptions, never the rules;
* ``comments-c.yaml``: 110 comments from a reviewer who read the rules and
  looked for their weak spots (everyday comments they flagged, dangerous ones
  they missed);
* ``comments-d.yaml``: 200 comments, 150 of them everyday, written blind to
  measure false alarms;
* ``comments-e.yaml``: 372 comments from a second review (everyday idioms
  that sound alarming, and fresh dangerous phrasings);
* ``comments-f.yaml`` to ``comments-i.yaml``: 150, then 200 each, written
  blind, one after another, each measured once as a held-out set before the
  rules were changed for it; the signals rules were built on f to i;
* ``comments-j.yaml``: 200 written blind after all that, measured once and
  not used to change the rules (each miss is marked).
* ``comments-k.yaml``: 205 probes from a reviewer who had read the signals
  rules (everyday comments that use their words, and padded dangerous ones).

Each is labelled with the types a careful moderator would give. The rules
were widened or narrowed by class of wording after each measurement. An item
``known_miss: <why>`` is a case the rules get wrong today: an expected
failure that fails loudly once it starts passing.

Criticism, venting and ordinary comments are labelled with no type: the rules
must leave them alone, and must never hide them.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from sociopolicy import Report, triage

from .conftest import COMMENTS_REPORT, labelled_params

FOLDER = Path(__file__).parent / "corpus"

#: The rules that recognise each comment type.
TYPE_RULES: dict[str, frozenset[str]] = {
    "self_harm": frozenset({"escalation.self-harm", "escalation.self-harm-signs"}),
    "threat": frozenset({"escalation.threat", "escalation.threat-signs"}),
    "abuse": frozenset({"escalation.abuse", "escalation.abuse-directed"}),
    "personal_info": frozenset({"escalation.personal-information", "escalation.personal-details"}),
    "complaint": frozenset({"escalation.complaint", "escalation.complaint-signs"}),
    "service_request": frozenset(
        {"escalation.service-request", "escalation.service-request-signs"}
    ),
    "media": frozenset({"escalation.media-enquiry"}),
    "legal": frozenset({"escalation.legal"}),
    "misinformation": frozenset(
        {
            "escalation.misinformation",
            "escalation.misinformation-election",
            "escalation.misinformation-signs",
            "escalation.misinformation-signs-election",
        }
    ),
    "political": frozenset({"escalation.political"}),
    "spam": frozenset({"escalation.spam"}),
}
_TYPE_OF = {rule_id: kind for kind, rules in TYPE_RULES.items() for rule_id in rules}
# Handled as one type, "case-specific complaints and service requests": both go
# offline with a ready reply. The testers told them apart, and people's
# comments often mix the two, so the targets apply to them together.
MERGED = frozenset({"complaint", "service_request"})
MERGED_NAME = "complaint or service request"
# What each type's handling must include.
EXPECTED_ACTIONS: dict[str, tuple[str, str | None]] = {
    "self_harm": ("escalate", "crisis_support"),
    "threat": ("escalate", "security"),
    "abuse": ("hide_comment", None),
    "personal_info": ("take_offline", None),
    "complaint": ("take_offline", "complaints"),
    "service_request": ("take_offline", None),
    "media": ("escalate", "media"),
    "legal": ("escalate", "legal"),
    "misinformation": ("respond", None),
    "political": ("do_not_engage", None),
    "spam": ("hide_comment", None),
}
# Targets from the issue, per type: precision and recall.
TARGET_PRECISION, TARGET_RECALL = 0.9, 0.8


class Comment(NamedTuple):
    corpus: str
    number: int
    text: str
    types: frozenset[str]
    labels: frozenset[str]
    known_miss: str | None


def _load() -> list[Comment]:
    items = []
    for path in sorted(FOLDER.glob("comments-*.yaml")):
        for number, raw in enumerate(yaml.safe_load(path.read_text("utf-8")), start=1):
            labels = frozenset(raw["types"])
            items.append(
                Comment(
                    path.stem,
                    number,
                    raw["comment"],
                    labels & TYPE_RULES.keys(),
                    labels,
                    raw.get("known_miss"),
                )
            )
    return items


COMMENTS = _load()
_REPORTS: dict[str, Report] = {}


def _report(item: Comment) -> Report:
    if item.text not in _REPORTS:
        _REPORTS[item.text] = triage(item.text)
    return _REPORTS[item.text]


def _types(report: Report) -> frozenset[str]:
    return frozenset(_TYPE_OF[v.rule_id] for v in report.violations if v.rule_id in _TYPE_OF)


def test_the_corpora_are_large_and_half_need_action() -> None:
    # The two blind sets: at least 300 comments, about half needing action.
    blind = [c for c in COMMENTS if c.corpus in ("comments-a", "comments-b")]
    assert len(blind) >= 300
    assert 0.4 <= sum(1 for c in blind if c.types) / len(blind) <= 0.6
    # All sets together hold many more everyday comments than that.
    assert sum(1 for c in COMMENTS if not c.types) >= 350
    assert all(c.labels <= TYPE_RULES.keys() | {"criticism", "venting"} for c in COMMENTS)


@pytest.mark.parametrize("item", labelled_params(COMMENTS))
def test_comment_types(item: Comment) -> None:
    assert _types(_report(item)) == item.types


def test_criticism_and_venting_are_never_hidden() -> None:
    for item in COMMENTS:
        if item.types or item.known_miss:
            continue  # a known miss is listed with its reason
        kinds = {a.kind for a in _report(item).actions}
        assert "hide_comment" not in kinds, item.text


@pytest.mark.parametrize("kind", sorted(EXPECTED_ACTIONS))
def test_each_type_gets_its_action_and_team(kind: str) -> None:
    action, team = EXPECTED_ACTIONS[kind]
    caught = [c for c in COMMENTS if kind in c.types and kind in _types(_report(c))]
    assert caught, f"no comment of type {kind} is caught"
    for item in caught:
        actions = {(a.kind, a.to) for a in _report(item).actions}
        assert (action, team) in actions, (item.text, actions)


def test_report_precision_and_recall(request: pytest.FixtureRequest) -> None:
    groups = {kind: frozenset({kind}) for kind in TYPE_RULES}
    groups[MERGED_NAME] = MERGED
    lines = [
        f"{len(COMMENTS)} comments, {sum(1 for c in COMMENTS if c.types)} needing action; "
        "each comment counted once per type"
    ]
    below = []
    for name, members in groups.items():
        tp = fp = fn = 0
        for item in COMMENTS:
            wanted = bool(item.types & members)
            got = bool(_types(_report(item)) & members)
            tp, fp, fn = tp + (wanted and got), fp + (got and not wanted), fn + (wanted and not got)
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        lines.append(
            f"  {name:30s} tp={tp:3d} fp={fp:3d} fn={fn:3d} "
            f"precision={precision:.2f} recall={recall:.2f}"
        )
        if name not in MERGED and (precision < TARGET_PRECISION or recall < TARGET_RECALL):
            below.append(name)
    request.config.stash[COMMENTS_REPORT] = lines  # printed in pytest's closing summary
    assert below == [], f"below the targets (precision {TARGET_PRECISION}, recall {TARGET_RECALL})"
