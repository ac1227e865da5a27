"""robots.txt, fetched once per host and obeyed, as RFC 9309 says.

A robots.txt that is missing (4xx) allows everything; one that cannot be read (5xx, no
connection) disallows everything until a later run reads it. Crawl-delay slows the host down
below our own rate, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

# The product token robots.txt groups match against (RFC 9309 section 2.2.1).
AGENT = "fwcensus"


@dataclass(frozen=True)
class RobotsRules:
    parser: Protego | None  # None: no rules apply
    allow_all: bool
    reason: str  # how the rules were obtained, for messages

    @property
    def unavailable(self) -> bool:
        """No rules could be read: everything is disallowed until a later run reads them."""
        return self.parser is None and not self.allow_all

    def allowed(self, url: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, AGENT))

    @property
    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(AGENT)
        return float(delay) if delay is not None else None


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def rules_from(status: int | None, body: bytes) -> RobotsRules:
    """Rules from the answer to GET /robots.txt; ``status`` None: no answer at all."""
    if status is not None and 200 <= status < 300:
        text = body.decode("utf-8", errors="replace")
        return RobotsRules(Protego.parse(text), allow_all=True, reason="robots.txt")
    if status is not None and 400 <= status < 500:
        return RobotsRules(None, allow_all=True, reason=f"robots.txt answered {status}")
    why = f"robots.txt answered {status}" if status else "robots.txt unreachable"
    return RobotsRules(None, allow_all=False, reason=why)
