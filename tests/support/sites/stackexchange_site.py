"""Stack Exchange API answers only tests ask for, beside the demo's
(``fwcensus.demo.sites.stackexchange_site``): the API's errors, its throttle among them."""

from __future__ import annotations

from pathlib import Path

from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.stackoverflow import questions_url


def write_error(
    root: Path,
    tag: str,
    month: str,
    error_id: int,
    error_name: str,
    message: str,
    status: int = 400,
) -> Path:
    """An API error body (the wrapper's ``error_*`` fields) in place of ``tag``'s ``month``."""
    body = {"error_id": error_id, "error_message": message, "error_name": error_name}
    return write_json_answer(root, questions_url(tag, month), body, status=status)


def write_throttle(root: Path, tag: str, month: str, seconds: int) -> Path:
    """The answer to any call once the day's quota is spent."""
    message = f"too many requests from this IP, more requests available in {seconds} seconds"
    return write_error(root, tag, month, 502, "throttle_violation", message)
