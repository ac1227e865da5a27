"""Is this body a PDF? Decided by its bytes, never by the Content-Type alone: servers answer
error pages, login walls and captchas as application/pdf with status 200."""

from __future__ import annotations

from fwcensus.fetch.policy import FetchError

# The PDF specification lets the header start anywhere in the first 1024 bytes.
PDF_MAGIC = b"%PDF-"
HEADER_WINDOW = 1024


class NotAPdf(FetchError):
    pass


class PdfSniffer:
    """Fed the body chunk by chunk; raises NotAPdf as soon as the first 1 KiB rules it out."""

    def __init__(self, url: str, content_type: str) -> None:
        self.url = url
        self.content_type = content_type
        self.head = b""

    def feed(self, chunk: bytes) -> None:
        if len(self.head) >= HEADER_WINDOW:
            return
        self.head += chunk[: HEADER_WINDOW - len(self.head)]
        if len(self.head) == HEADER_WINDOW and PDF_MAGIC not in self.head:
            raise self._error()  # stop reading an HTML page early

    def finish(self) -> None:
        if PDF_MAGIC not in self.head:
            raise self._error()

    def _error(self) -> NotAPdf:
        if not self.head:
            return NotAPdf(self.url, "not a PDF: empty body", 200)
        start = " ".join(self.head[:40].decode("latin-1").split())
        kind = self.content_type or "no content type"
        return NotAPdf(self.url, f"not a PDF: {kind} starting {start!r}", 200)
