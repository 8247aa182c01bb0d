"""What the engine reads from an incoming comment besides rule matches.

Suggested replies may greet the commenter by first name
(``{{ commenter }}``), when the comment gives one: in a sign-off ("Thanks,
Jane", "Cheers Tom", "- Priya K") or an introduction ("My name is Sam").
Nothing is guessed from @handles or from the text's other capitals, and
titles and moods ("Thanks Mayor", "- Disgusted") are not names.
"""

from __future__ import annotations

import re

__all__ = ["commenter_name"]

# A name as people sign: a word in any alphabet, perhaps followed by a surname or
# an initial. That it is capitalised, and not a title or a mood, is checked in code.
_NAME = r"(?P<name>[^\W\d_][\w'\u2019-]{1,19})(?:\s+[^\W\d_][\w'\u2019-]*\.?)?"
_SIGN_OFF = re.compile(
    r"(?:^|[\s.!?,])"
    r"(?:"
    r"(?i:thanks|thank\s+you|many\s+thanks|cheers|regards|kind\s+regards|best\s+regards"
    r"|best\s+wishes|sincerely|yours\s+sincerely|ta|ng\u0101\s+mihi|nga\s+mihi)"
    r"[\s,.!]*(?:[-\u2013\u2014~]\s*)?"
    r"|[-\u2013\u2014~]\s*"
    r")" + _NAME + r"\s*[.!]?\s*\Z"
)
_INTRODUCTION = re.compile(r"\b(?i:my\s+name\s+is)\s+" + _NAME)
# Words that follow "thanks" or a dash but name no one: titles, moods, sign-off words.
_NOT_NAMES = frozenset(
    " ".join(
        (
            "again all anyway appreciated awesome council councillors everyone everybody",
            "folks guys heaps hey in lots mate mates much nothing not so team thanks very",
            "you your ok okay great good bye goodbye yes no please sorry hello hi cheers",
            "regards dr mr mrs ms miss sir madam mayor councillor cr minister officer",
            "anonymous resident residents ratepayer ratepayers local locals neighbour",
            "citizen concerned frustrated angry annoyed unhappy disappointed disgusted",
            "shocked appalled furious fuming livid outraged upset worried confused typical",
            "disgraceful pathetic ridiculous unbelievable seriously really honestly",
            "shameful shocking terrible useless hopeless sad",
        )
    ).split()
)


def commenter_name(comment: str) -> str | None:
    """The first name a comment's author signs with or introduces themselves by, if any."""
    tail = comment.rstrip()[-80:]
    for match in (_SIGN_OFF.search(tail), _INTRODUCTION.search(comment)):
        if match is None:
            continue
        name = match.group("name")
        # Written as a name: a capital, then small letters ("Jane", "Zoë", not "JOHN").
        rest = name[1:]
        if name[0].isupper() and rest == rest.lower() and name.lower() not in _NOT_NAMES:
            return name
    return None
