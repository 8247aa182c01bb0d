"""What the engine reads from an incoming comment besides rule matches.

Suggested replies may greet the commenter by first name
(``{{ commenter }}``), when the comment gives one: in a sign-off ("Thanks,
Jane", "Cheers Tom", "- Priya K") or an introduction ("My name is Sam").
Nothing is guessed from @handles or from the text's other capitals.
"""

from __future__ import annotations

import re

__all__ = ["commenter_name"]

# A name as people sign: a capitalised word, perhaps followed by a surname or an initial.
_NAME = r"(?P<name>[A-Z][a-z'\u2019-]{1,19})(?:\s+[A-Z][A-Za-z'\u2019-]*\.?)?"
_SIGN_OFF = re.compile(
    r"(?:^|[\s.!?,])"
    r"(?:"
    r"(?i:thanks|thank\s+you|many\s+thanks|cheers|regards|kind\s+regards|best\s+regards"
    r"|best\s+wishes|sincerely|yours\s+sincerely|ta)"
    r"[\s,.!]*(?:[-\u2013\u2014~]\s*)?"
    r"|[-\u2013\u2014~]\s*"
    r")" + _NAME + r"\s*[.!]?\s*\Z"
)
_INTRODUCTION = re.compile(r"\b(?i:my\s+name\s+is)\s+" + _NAME)
# Words that follow "thanks" or a dash but name no one.
_NOT_NAMES = frozenset(
    [
        "again",
        "all",
        "anyway",
        "appreciated",
        "awesome",
        "council",
        "councillors",
        "everyone",
        "everybody",
        "folks",
        "guys",
        "heaps",
        "hey",
        "in",
        "lots",
        "mate",
        "mates",
        "much",
        "nothing",
        "not",
        "so",
        "team",
        "thanks",
        "very",
        "you",
        "your",
        "ok",
        "okay",
        "great",
        "good",
        "bye",
        "yes",
        "no",
        "please",
        "sorry",
        "hello",
        "hi",
    ]
)


def commenter_name(comment: str) -> str | None:
    """The first name a comment's author signs with or introduces themselves by, if any."""
    tail = comment.rstrip()[-80:]
    for match in (_SIGN_OFF.search(tail), _INTRODUCTION.search(comment)):
        if match is None:
            continue
        name = match.group("name")
        if name.lower() not in _NOT_NAMES:
            return name
    return None
