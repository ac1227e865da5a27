"""Hugging Face Hub models per framework tag: how many were created each month, and in all.

API facts relied on (huggingface/hub-docs docs/hub/api.md, huggingface_hub's ``list_models``
and its ``paginate``; a real listing body in shared/fixtures-real/signals/huggingface-hub):

- ``GET https://huggingface.co/api/models?filter={tag}&sort=createdAt&direction=-1&limit=1000``
  lists the models carrying a tag, newest first, as a JSON array of objects with ``id``,
  ``private``, ``tags``, ``library_name``, ``createdAt`` (ISO 8601, UTC), ...; at most 1000 a
  page. The next page is the absolute URL in the ``Link`` header's ``rel="next"`` (a cursor in
  its query); the last page has no such link.
- ``createdAt`` is ``2022-03-02T23:29:04.000Z`` for every repository created before the Hub
  stored creation dates, so no month before 2022-03 can be counted, and 2022-03 only from that
  moment on. Those models are counted in the total only.
- No count of all matching models comes with the listing (neither the docs nor either official
  client name one), so the total is what a full paging listed.
- An error is a JSON object ``{"error": "..."}`` where the array should be.
- ``downloads`` in the listing covers the last 30 days: not used.

A tag's pages are one batch: months come newest first, and storing a recent month before the
older ones are counted would make the next run start after them. Should the paging fail, the
pages read are kept with the months they settled, marked incomplete so the next run asks again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import quote

from fwcensus.catalogue.code_hosts import HUGGING_FACE
from fwcensus.signals.base import (
    Batch,
    Fetched,
    Measure,
    SignalContext,
    SignalError,
    Value,
    months_between,
    next_link,
    next_month,
    parse_json,
)

API = "https://huggingface.co/api/models"
PLACEHOLDER = "2022-03-02T23:29:04.000Z"
FIRST_MONTH = "2022-03"
NEW = "models-new"
TOTAL = "models-total"

_DATED = re.compile(r"\d{4}-\d{2}-\d{2}T")


LIST = f"{API}?filter={{tag}}&sort=createdAt&direction=-1&limit=1000"


def list_url(tag: str) -> str:
    return LIST.format(tag=quote(tag, safe=""))


@dataclass
class _Tally:
    """What the pages read so far say about one tag."""

    start: str  # the first month wanted
    counts: Counter[str] = field(default_factory=Counter)
    listed: int = 0  # public models listed, placeholder-dated ones included
    open_month: str | None = None  # the oldest month seen: more of it may follow
    settled: bool = False  # a model older than ``start`` was seen: every month is counted

    def add(self, model: dict[str, Any], url: str) -> None:
        created = model.get("createdAt")
        if not isinstance(created, str) or not _DATED.match(created):
            raise SignalError(url, f"model {model.get('id')!r} without a createdAt date")
        if model.get("private") is True:
            return  # listed to its owner's token only: not part of the public count
        self.listed += 1
        month = created[:7]
        if created == PLACEHOLDER or month < self.start:
            self.settled = True
            return
        self.counts[month] += 1
        self.open_month = month

    def settled_from(self) -> str | None:
        """The first month whose count is final; None while no month is."""
        if self.settled:
            return self.start
        return next_month(self.open_month) if self.open_month else None


class HuggingFaceSignal:
    name = "huggingface"
    title = "Hugging Face Hub models"
    hosts = (HUGGING_FACE,)
    target_fields = ("huggingface",)
    measures = (
        Measure(
            NEW,
            unit="models",
            kind="monthly",
            query=f"GET {LIST}, then each Link rel=next; models per month of createdAt",
            description="Models created in the month that carry the framework's tag and are"
            " still on the Hub.",
        ),
        Measure(
            TOTAL,
            unit="models",
            kind="snapshot",
            query=f"GET {LIST}, then each Link rel=next to the last page; public models listed",
            description="All models carrying the framework's tag on the day of the run.",
        ),
    )
    caveats = (
        "Models created before March 2022 all carry the creation date 2022-03-02T23:29:04Z,"
        " so there are no monthly values before 2022-03, March 2022 counts only models created"
        " from 2022-03-02 23:29 UTC on, and the older models are in the total only.",
        "A model counts for a framework when it carries the framework's tag (pytorch, tf, jax,"
        " ...), which the Hub sets from the weight files and the model card; a model with"
        " weights for several frameworks counts for each.",
        "A month's count is of the models still on the Hub when the month was read: models"
        " deleted or made private later are not taken off, and those deleted earlier are"
        " missing.",
        "The total is given only by a run that pages through the whole listing (one that starts"
        " at 2022-03, such as the first); later runs stop paging at their first month.",
        "Private models (listed to their owner's token) are not counted.",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        for target in ctx.targets:
            for tag in target["huggingface"]:
                yield from ctx.guarded(tag, partial(_read, ctx, target.framework, tag))


SIGNAL = HuggingFaceSignal()


def _read(ctx: SignalContext, framework: str, tag: str) -> Iterator[Batch]:
    start = max(ctx.start(framework, tag, NEW), FIRST_MONTH)
    # A run that needs the first dated month pages to the end anyway, which gives the total.
    whole = start == FIRST_MONTH
    tally = _Tally(start)
    pages: list[Fetched] = []
    url: str | None = list_url(tag)
    try:
        while url is not None and (whole or not tally.settled):
            fetched = ctx.fetch(url)
            models = _models(fetched)
            pages.append(fetched)
            for model in models:
                tally.add(model, fetched.url)
            url = next_link(fetched.headers)
    except Exception:
        settled = tally.settled_from()
        if pages and settled is not None:
            values = _monthly(ctx, framework, tag, tally, settled, provisional=True)
            yield Batch(tuple(pages), tuple(values))
        raise
    values = _monthly(ctx, framework, tag, tally, start, provisional=False)
    if whole:
        values.append(Value(framework, tag, TOTAL, ctx.today.isoformat(), tally.listed))
    yield Batch(tuple(pages), tuple(values))


def _monthly(
    ctx: SignalContext, framework: str, tag: str, tally: _Tally, first: str, provisional: bool
) -> list[Value]:
    return [
        Value(
            framework,
            tag,
            NEW,
            month,
            tally.counts[month],
            complete=ctx.complete(month) and not provisional,
        )
        for month in months_between(first, ctx.this_month)
    ]


def _models(fetched: Fetched) -> list[dict[str, Any]]:
    payload = parse_json(fetched)
    if isinstance(payload, dict) and payload.get("error"):
        raise SignalError(fetched.url, f"error answer: {payload['error']}")
    if not isinstance(payload, list) or not all(isinstance(m, dict) for m in payload):
        raise SignalError(fetched.url, "unexpected answer (not a list of models)")
    return payload
