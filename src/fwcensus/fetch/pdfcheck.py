"""Is this body a whole PDF? Decided by its bytes, never by the Content-Type alone: servers answer
error pages, login walls and captchas as application/pdf with status 200, and a download that
ends early still starts like a PDF."""

from __future__ import annotations

from fwcensus.errors import FetchError, NotAPdf

# The PDF specification lets the header start anywhere in the first 1024 bytes.
PDF_MAGIC = b"%PDF-"
HEADER_WINDOW = 1024
# A complete file ends with the %%EOF marker, which writers may follow with whitespace and, in
# the wild, a few stray bytes: it is looked for in the last 1 KiB before trailing whitespace.
PDF_TRAILER = b"%%EOF"
TRAILER_WINDOW = 1024
PDF_WHITESPACE = b"\x00\t\n\x0c\r "


def truncation(size: int) -> str:
    """The reason a download that ended early fails with."""
    return f"truncated after {size} bytes"


class PdfSniffer:
    """Fed the body chunk by chunk; raises NotAPdf as soon as the first 1 KiB rules it out, and
    at the end checks the body has its header and its trailer."""

    def __init__(self, url: str, content_type: str) -> None:
        self.url = url
        self.content_type = content_type
        self.head = b""
        self.tail = b""  # the last TRAILER_WINDOW bytes before any trailing whitespace, with it
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.tail += chunk
        content = len(self.tail.rstrip(PDF_WHITESPACE))
        if content:  # (a tail of whitespace only is kept whole: the window ends before it)
            self.tail = self.tail[max(0, content - TRAILER_WINDOW) :]
        if len(self.head) >= HEADER_WINDOW:
            return
        self.head += chunk[: HEADER_WINDOW - len(self.head)]
        if len(self.head) == HEADER_WINDOW and PDF_MAGIC not in self.head:
            raise self._error()  # stop reading an HTML page early

    def finish(self) -> None:
        if PDF_MAGIC not in self.head:
            raise self._error()
        if PDF_TRAILER not in self.tail.rstrip(PDF_WHITESPACE)[-TRAILER_WINDOW:]:
            raise FetchError(self.url, truncation(self.size), 200)

    def _error(self) -> NotAPdf:
        if not self.head:
            return NotAPdf(self.url, "not a PDF: empty body", 200)
        start = " ".join(self.head[:40].decode("latin-1").split())
        kind = self.content_type or "no content type"
        return NotAPdf(self.url, f"not a PDF: {kind} starting {start!r}", 200)
