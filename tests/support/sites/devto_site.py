"""dev.to answers only tests ask for, beside the demo's (``fwcensus.demo.sites.devto_site``):
the error object dev.to sends with HTTP 200."""

from __future__ import annotations

from pathlib import Path

from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.devto import PER_PAGE, page_url


def write_error_page(
    root: Path,
    tag: str,
    page: int,
    *,
    error: str = "Internal Server Error",
    status: int = 500,
    per_page: int = PER_PAGE,
) -> None:
    """The error object, sent with HTTP 200, in place of ``tag``'s ``page``."""
    write_json_answer(root, page_url(tag, page, per_page), {"error": error, "status": status})
