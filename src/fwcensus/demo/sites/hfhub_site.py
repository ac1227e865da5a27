"""Write Hugging Face Hub ``GET /api/models`` listings into a mirror folder.

The item shape is the recorded default listing in shared/fixtures-real/signals/huggingface-hub
(burncloud/burncloud @ 3e2f252, docs/TODO.md, 2025-11): ``_id``, ``id``, ``likes``,
``trendingScore``, ``private``, ``downloads``, ``tags``, ``pipeline_tag``, ``library_name``,
``createdAt``, ``modelId``; ``_id`` is a MongoDB ObjectId, whose first 8 hex digits are the
creation time (as in the recording). Pagination follows huggingface/hub-docs docs/hub/api.md
and huggingface_hub's ``paginate``: an absolute next-page URL in ``Link: <...>; rel="next"``,
none on the last page. The cursor's form (base64 of a JSON range query on the sort key, its
``=`` percent-encoded) is modelled on a next URL quoted in public code; its content here is
synthetic, as are all models and numbers. Models created before March 2022 carry the Hub's
placeholder date ``2022-03-02T23:29:04.000Z``.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.base import month_of, months_between
from fwcensus.signals.huggingface import FIRST_MONTH, PLACEHOLDER, list_url
from fwcensus.signals.targets import Target

PAGE_SIZE = 1000
# The first moment after the placeholder: real creation dates start here.
DATED_FROM = datetime(2022, 3, 2, 23, 29, 5, tzinfo=UTC)
_LIBRARY = {"pytorch": "transformers", "tf": "transformers", "jax": "transformers"}
_ORGS = ("acme-ai", "northwind", "globex-research", "initech", "hooli-labs", "umbrella-nlp")
_TASKS = ("text-generation", "text-classification", "image-classification", "fill-mask",
          "automatic-speech-recognition", "feature-extraction")  # fmt: skip


@dataclass(frozen=True)
class HubModel:
    id: str
    created_at: str  # ISO 8601 as the Hub writes it: 2024-05-01T08:25:31.000Z
    tags: tuple[str, ...]
    library_name: str | None = None
    pipeline_tag: str | None = None
    private: bool = False
    downloads: int = 0
    likes: int = 0


def model_entry(model: HubModel) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "_id": _object_id(model),
        "id": model.id,
        "likes": model.likes,
        "trendingScore": model.likes // 10,
        "private": model.private,
        "downloads": model.downloads,
        "tags": list(model.tags),
    }
    # The Hub leaves out what a model does not declare.
    if model.pipeline_tag is not None:
        entry["pipeline_tag"] = model.pipeline_tag
    if model.library_name is not None:
        entry["library_name"] = model.library_name
    entry["createdAt"] = model.created_at
    entry["modelId"] = model.id
    return entry


def _object_id(model: HubModel) -> str:
    created = datetime.strptime(model.created_at, "%Y-%m-%dT%H:%M:%S.%f%z")
    return f"{int(created.timestamp()):08x}" + hashlib.sha1(model.id.encode()).hexdigest()[:16]


def write_listing(
    root: Path, tag: str, models: Sequence[HubModel], page_size: int = PAGE_SIZE
) -> list[str]:
    """Write ``filter=tag``'s listing, newest first, ``page_size`` models a page, each page but
    the last linking to the next; return the page URLs."""
    ordered = sorted(models, key=lambda m: (m.created_at, _object_id(m)), reverse=True)
    chunks = [ordered[i : i + page_size] for i in range(0, len(ordered), page_size)] or [[]]
    urls = [list_url(tag)]
    for chunk in chunks[:-1]:
        urls.append(f"{list_url(tag)}&cursor={_cursor(chunk[-1])}")
    for number, (url, chunk) in enumerate(zip(urls, chunks, strict=True)):
        headers = {"Link": f'<{urls[number + 1]}>; rel="next"'} if number + 1 < len(urls) else {}
        write_json_answer(root, url, [model_entry(m) for m in chunk], headers=headers)
    return urls


def _cursor(last: HubModel) -> str:
    """Where the next page starts: after the last model shown, in createdAt order."""
    query = {
        "$or": [
            {"createdAt": last.created_at, "_id": {"$lt": _object_id(last)}},
            {"createdAt": {"$lt": last.created_at}},
        ]
    }
    raw = json.dumps(query, separators=(",", ":")).encode()
    return quote(base64.b64encode(raw).decode(), safe="")


def models_by_month(
    tag: str, counts: Mapping[str, int], placeholders: int = 0, until: date | None = None
) -> list[HubModel]:
    """``counts[month]`` models of ``tag`` created in each month (spread over its days, March
    2022 from the end of the placeholder on, the month of ``until`` up to that day), and
    ``placeholders`` models bearing the placeholder date."""
    made = [_model(tag, f"old{i}", PLACEHOLDER) for i in range(placeholders)]
    for month, count in counts.items():
        begin, end = _span(month, until)
        for i in range(count):
            when = begin + (end - begin) * (i + 0.5) / count
            made.append(_model(tag, f"{month}-{i}", when.strftime("%Y-%m-%dT%H:%M:%S.000Z")))
    return made


def _span(month: str, until: date | None) -> tuple[datetime, datetime]:
    year, mon = int(month[:4]), int(month[5:])
    begin = datetime(year, mon, 1, tzinfo=UTC)
    end = begin + timedelta(days=calendar.monthrange(year, mon)[1])
    if month == FIRST_MONTH:
        begin = DATED_FROM
    if until is not None and month == month_of(until):
        end = datetime(until.year, until.month, until.day, tzinfo=UTC)
    return begin, max(begin, end)


def _model(tag: str, name: str, created_at: str) -> HubModel:
    digest = int(hashlib.sha1(f"{tag}/{name}".encode()).hexdigest(), 16)
    task = _TASKS[digest % len(_TASKS)]
    return HubModel(
        id=f"{_ORGS[digest % len(_ORGS)]}/{tag}-model-{name}",
        created_at=created_at,
        tags=(tag, "safetensors", task, "license:apache-2.0", "region:us"),
        library_name=_LIBRARY.get(tag, tag),
        pipeline_tag=task,
        downloads=digest % 5000,
        likes=digest % 90,
    )


# --- the demo's full history --------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    first: str  # the first month with models
    base: float  # models in that month
    growth: float  # monthly factor
    placeholders: int  # models from before March 2022


# Demo scale (the real Hub has many more): PyTorch grows fastest, TensorFlow shrinks, MLX
# arrives in December 2023 and grows quickly.
SHAPES: dict[str, _Shape] = {
    "pytorch": _Shape(FIRST_MONTH, 60, 1.03, 400),
    "tensorflow": _Shape(FIRST_MONTH, 40, 0.98, 200),
    "keras": _Shape(FIRST_MONTH, 8, 1.01, 40),
    "jax": _Shape(FIRST_MONTH, 12, 0.99, 60),
    "mxnet": _Shape(FIRST_MONTH, 2, 0.97, 10),
    "paddlepaddle": _Shape(FIRST_MONTH, 3, 1.0, 5),
    "mindspore": _Shape(FIRST_MONTH, 1.5, 1.01, 2),
    "mlx": _Shape("2023-12", 8, 1.07, 0),
}
OTHER = _Shape(FIRST_MONTH, 2, 1.0, 5)


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Every tag's listing from March 2022 to ``today``, its monthly counts following
    ``SHAPES`` with some noise, the current month only up to ``today``."""
    rng = random.Random(seed)
    for target in targets:
        shape = SHAPES.get(target.framework, OTHER)
        for tag in target["huggingface"]:
            counts = _sample_counts(rng, shape, today)
            write_listing(root, tag, models_by_month(tag, counts, shape.placeholders, today))


def _sample_counts(rng: random.Random, shape: _Shape, today: date) -> dict[str, int]:
    counts = {}
    for age, month in enumerate(months_between(shape.first, month_of(today))):
        expected = shape.base * shape.growth**age * rng.uniform(0.85, 1.15)
        if month == month_of(today):
            expected *= (today.day - 1) / calendar.monthrange(today.year, today.month)[1]
        counts[month] = round(expected)
    return counts
