"""``media``: alt text for images and captions for video."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, StrictBool, StrictStr

from ..phrases import PhraseSet
from .base import AnalysedText, Feature, Finding, RuleBase

__all__ = ["MediaRule"]


class MediaRule(RuleBase):
    """Reports attachments that some people cannot see or hear.

    It reads the ``media`` given with the draft. Each check is used when its
    setting is given (at least one is needed):

    * ``require_alt_text: true``: an image or GIF without alt text (an empty
      string marks a decorative image and is accepted);
    * ``max_alt_length``: alt text longer than this many characters;
    * ``alt_text_openings``: alt text that starts with one of these phrases
      ("image of"), which screen readers announce anyway;
    * ``require_captions: true``: a video or audio clip without captions or a
      transcript.

    An attachment is not in the text, so the finding has an empty span at the
    start of the text. The message can use ``{{ what }}`` and ``{{ item }}``
    ("image 2").
    """

    KIND_SUMMARY = "Alt text for images (present, short, no 'image of') and captions for video."
    TEMPLATE_NAMES = frozenset({"what", "item"})

    kind: Literal["media"]
    require_alt_text: StrictBool = Field(default=False, description="Images need alt text.")
    max_alt_length: int | None = Field(default=None, ge=1, description="Longest alt text.")
    alt_text_openings: tuple[StrictStr, ...] = Field(
        default=(), description="Alt text must not start with these ('image of')."
    )
    require_captions: StrictBool = Field(
        default=False, description="Video and audio need captions or a transcript."
    )

    def matcher(self) -> _MediaMatcher:
        return _MediaMatcher(self)


class _MediaMatcher:
    __slots__ = ("needs", "openings", "phrase_sets", "required", "rule")

    def __init__(self, rule: MediaRule) -> None:
        self.rule = rule
        self.openings = tuple(o.lower() for o in rule.alt_text_openings)
        self.phrase_sets: tuple[PhraseSet, ...] = ()
        self.required: PhraseSet | None = None
        self.needs: frozenset[Feature] = frozenset({"media"})

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        rule = self.rule
        for number, item in enumerate(text.media, start=1):
            label = f"{item.type} {number}"
            if item.type in ("image", "gif"):
                alt = item.alt_text
                if alt is None or (alt != "" and not alt.strip()):
                    if rule.require_alt_text:
                        yield _found("no alt text", label)
                    continue
                if rule.max_alt_length is not None and len(alt) > rule.max_alt_length:
                    yield _found(f"alt text of {len(alt)} characters", label)
                if self.openings and alt.strip().lower().startswith(self.openings):
                    yield _found("alt text that starts by naming the image", label)
            elif rule.require_captions and not item.captions:
                yield _found("no captions", label)


def _found(what: str, item: str) -> Finding:
    return Finding(0, 0, values={"what": what, "item": item})
