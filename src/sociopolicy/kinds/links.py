"""``links``: link text and link targets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, StrictBool, StrictStr, field_validator

from ..phrases import PhraseSet, longest_first
from ..text import Spans
from ._phrasing import compile_phrases
from .base import AnalysedText, Finding, RuleBase

__all__ = ["URL_PATTERN", "LinksRule"]

#: A web address in running text: with a scheme, or starting with "www.".
URL_PATTERN = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"'\u201c\u201d]+[^\s<>\"'\u201c\u201d.,;:!?)\]}]",
    re.IGNORECASE,
)
# "here" pointing at a link: "here: https://...", "here -> www..."
_BARE_HERE = re.compile(r"\bhere\s*(?:[:\-\u2013\u2014>]+\s*)?(?=https?://|www\.)", re.IGNORECASE)


def _host(url: str) -> str:
    target = url if "://" in url else "http://" + url
    try:
        host = urlsplit(target).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def _on_domain(host: str, domains: frozenset[str]) -> bool:
    """True if ``host`` is one of ``domains`` or a subdomain of one."""
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts)))


class LinksRule(RuleBase):
    """Reports unhelpful link text and doubtful link targets.

    Each check is off unless the rule sets it, so one rule can be a warning
    and another a suggestion:

    * ``generic_text`` lists phrases that say nothing about where a link goes
      ("click here", "read more"); ``here`` right before an address is always
      reported when this list is set;
    * ``shorteners`` lists link-shortening domains, which hide the destination;
    * ``require_https: true`` reports ``http://`` links (the replacement is the
      ``https://`` address);
    * ``allowed_domains`` reports links to any other domain;
    * ``denied_domains`` reports links to those domains.

    A domain also covers its subdomains. The message can use ``{{ match }}``,
    ``{{ what }}`` (``link text``, ``shortener``, ``http``, ``domain``) and
    ``{{ host }}`` (the link's host, for the link checks).
    """

    KIND_SUMMARY = "Generic link text, shorteners, http links and domain lists."
    TEMPLATE_NAMES = frozenset({"what", "host", "replacement", "replacements"})

    kind: Literal["links"]
    generic_text: tuple[StrictStr, ...] = Field(
        default=(), description="Link text that says nothing ('click here')."
    )
    shorteners: tuple[StrictStr, ...] = Field(
        default=(), description="Link-shortening domains to report ('bit.ly')."
    )
    require_https: StrictBool = Field(default=False, description="Report http:// links.")
    allowed_domains: tuple[StrictStr, ...] = Field(
        default=(), description="If set, links to any other domain are reported."
    )
    denied_domains: tuple[StrictStr, ...] = Field(
        default=(), description="Links to these domains are reported."
    )

    @field_validator("shorteners", "allowed_domains", "denied_domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for domain in value:
            if "/" in domain or " " in domain or "." not in domain:
                raise ValueError(f"'{domain}' is not a domain name such as 'bit.ly'")
        return tuple(d.lower().removeprefix("www.") for d in value)

    def matcher(self) -> _LinksMatcher:
        return _LinksMatcher(self)


class _LinksMatcher:
    __slots__ = (
        "allowed",
        "denied",
        "generic",
        "phrase_sets",
        "require_https",
        "required",
        "shorteners",
    )

    def __init__(self, rule: LinksRule) -> None:
        self.generic: PhraseSet | None = compile_phrases(
            rule.generic_text, ignore_case=True, inflect=False
        )
        self.phrase_sets: tuple[PhraseSet, ...] = (self.generic,) if self.generic else ()
        self.required: PhraseSet | None = None
        self.shorteners = frozenset(rule.shorteners)
        self.allowed = frozenset(rule.allowed_domains)
        self.denied = frozenset(rule.denied_domains)
        self.require_https = rule.require_https

    def find(self, text: AnalysedText) -> Iterator[Finding]:
        body = text.text
        lowered = text.memo("lower", str.lower)
        # Every address starts with "http" or "www." (see URL_PATTERN).
        has_address = "http" in lowered or "www." in lowered
        if self.generic is not None:
            hits = text.hits(self.generic)
            if hits:
                for hit in longest_first(hits):  # "this link here": once, not twice
                    yield Finding(hit.start, hit.end, values={"what": "link text", "host": ""})
            if has_address and "here" in lowered:
                covered = Spans((h.start, h.end) for h in hits)
                for m in _BARE_HERE.finditer(body):
                    start, end = m.start(), m.start() + 4
                    if not covered.contain(start, end):
                        yield Finding(start, end, values={"what": "link text", "host": ""})
        if not has_address or not (
            self.shorteners or self.allowed or self.denied or self.require_https
        ):
            return
        for m in URL_PATTERN.finditer(body):
            url = m.group()
            host = _host(url)
            values = {"host": host}
            if self.require_https and url.lower().startswith("http://"):
                secure = "https://" + url[len("http://") :]
                yield Finding(m.start(), m.end(), (secure,), {**values, "what": "http"})
            if host and self.shorteners and _on_domain(host, self.shorteners):
                yield Finding(m.start(), m.end(), values={**values, "what": "shortener"})
            elif host and (
                (self.allowed and not _on_domain(host, self.allowed))
                or (self.denied and _on_domain(host, self.denied))
            ):
                yield Finding(m.start(), m.end(), values={**values, "what": "domain"})
