"""The benchmark corpus: realistic drafts and comments, built the same way every run.

Drafts are joined from the post sentences in ``sentences.txt`` and a few kinds
of fragment that make texts costlier to check: personal details, links,
emoji, hashtags and text in other scripts. Comments come from the project's
labelled comment corpora (``tests/corpus/comments-*.yaml``); replies pair a
draft with a comment. A fixed seed keeps the corpus the same between runs.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

HERE = Path(__file__).parent
CORPUS = HERE.parent / "tests" / "corpus"

#: Fragments that exercise the costlier checks; written for this benchmark.
FRAGMENTS = [
    "Call us on 1300 555 123 or email hello@springfield.example.",
    "Details: https://www.springfield.example/news/2026/road-works?ref=fb",
    "Short link: https://bit.ly/3xYz9Ab",
    "Thanks everyone 🎉🎉🙌",
    "#SpringfieldShow #CommunityGrants #roadworks",
    "新しい図書館は月曜日に開館します。",
    "المكتبة الجديدة تفتح يوم الاثنين.",
    "Thư viện mới mở cửa vào thứ Hai.",
    "Η νέα βιβλιοθήκη ανοίγει τη Δευτέρα.",  # noqa: RUF001 - Greek on purpose
    "My mobile is 0412 558 903 if you need it.",
    "WE ARE VERY EXCITED TO ANNOUNCE THIS!!!",
    "👉 Book now 👉 Don't miss out 👈",
]


def _sentences() -> list[str]:
    return (HERE / "sentences.txt").read_text(encoding="utf-8").splitlines()


def drafts(count: int, *, seed: int = 2026, low: int = 20, high: int = 1000) -> list[str]:
    """``count`` drafts of ``low`` to ``high`` characters; about a third with a fragment."""
    chooser = random.Random(seed)
    pool = _sentences()
    texts: list[str] = []
    while len(texts) < count:
        target = chooser.randint(low, high)
        text = chooser.choice(pool)
        while len(text) < target:
            piece = chooser.choice(FRAGMENTS) if chooser.random() < 0.3 else chooser.choice(pool)
            text += " " + piece
        if len(text) > high:
            text = text[:high].rsplit(" ", 1)[0]
        if len(text) >= low:
            texts.append(text)
    return texts


def comments(count: int, *, seed: int = 2026) -> list[str]:
    """``count`` comments from the labelled corpora (repeated in a shuffled order if needed)."""
    found = []
    for path in sorted(CORPUS.glob("comments-*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(item, dict) and isinstance(item.get("comment"), str):
                found.append(item["comment"])
    chooser = random.Random(seed)
    chooser.shuffle(found)
    return [found[n % len(found)] for n in range(count)]
