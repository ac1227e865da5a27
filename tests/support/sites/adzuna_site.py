"""Adzuna answers only tests ask for, beside the demo's (``fwcensus.demo.sites.adzuna_site``):
the API's error objects."""

from __future__ import annotations

from pathlib import Path

from fwcensus.demo.sites.adzuna_site import DEMO_APP_ID, DEMO_APP_KEY, RESPONSE
from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.jobs import search_url


def write_error(
    root: Path, country: str, phrase: str, status: int, exception: str, display: str, *,
    exclude: tuple[str, ...] = (), app_id: str = DEMO_APP_ID, key: str = DEMO_APP_KEY,
    headers: dict[str, str] | None = None,
) -> None:  # fmt: skip
    url = search_url(country, phrase, exclude, app_id, key)
    body = {"__CLASS__": RESPONSE + "Exception", "exception": exception, "display": display,
            "doc": "https://developer.adzuna.com/docs/search"}  # fmt: skip
    write_json_answer(root, url, body, status=status, headers=headers)
