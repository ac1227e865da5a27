"""huggingface signal: Hub listings written by the mirror builder, read over HTTP."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from fwcensus.demo.sites.hfhub_site import HubModel, models_by_month, write_listing
from fwcensus.mirror.server import MirrorServer
from fwcensus.mirror.urls import write_json_answer, write_mirror_file
from fwcensus.signals.base import Batch, months_between
from fwcensus.signals.huggingface import (
    FIRST_MONTH,
    NEW,
    PLACEHOLDER,
    SIGNAL,
    TOTAL,
    list_url,
    next_link,
)
from fwcensus.signals.targets import Target

from conftest import MakeSignalContext, Serve

REAL = Path("/work/shared/fixtures-real/signals/huggingface-hub/api_models_default_2025-11.json")
TODAY = date(2024, 6, 12)
TARGETS = (Target("pytorch", huggingface=("pytorch",)), Target("tensorflow", huggingface=("tf",)))
PYTORCH = {"2022-03": 2, "2022-05": 3, "2023-01": 5, "2023-12": 1, "2024-04": 2, "2024-05": 4,
           "2024-06": 1}  # fmt: skip
TF = {"2022-04": 1, "2024-06": 2}


def write(
    root: Path, tag: str, counts: Mapping[str, int], placeholders: int = 0,
    page_size: int = 1000, extra: Sequence[HubModel] = (),
) -> list[str]:  # fmt: skip
    models = models_by_month(tag, counts, placeholders, TODAY) + list(extra)
    return write_listing(root, tag, models, page_size)


def collect(
    root: Path, serve: Serve, signal_context: MakeSignalContext, faults: str | None = None,
    **options: Any,
) -> tuple[MirrorServer, list[Batch]]:  # fmt: skip
    server = serve(root, faults)
    options = {"since": "2015-01", "today": TODAY, "targets": TARGETS, **options}
    return server, list(SIGNAL.collect(signal_context(server.url, **options)))


def monthly(batches: Sequence[Batch], framework: str) -> dict[str, float]:
    return {v.period: v.value for b in batches for v in b.values
            if v.framework == framework and v.measure == NEW}  # fmt: skip


def totals(batches: Sequence[Batch]) -> dict[str, float]:
    return {v.framework: v.value for b in batches for v in b.values if v.measure == TOTAL}


def every_month(counts: Mapping[str, int], first: str = FIRST_MONTH) -> dict[str, int]:
    return {m: counts.get(m, 0) for m in months_between(first, "2024-06")}


def listing_requests(server: MirrorServer, tag: str) -> list[str]:
    return [r for r in server.requests if r.startswith(f"huggingface.co/api/models?filter={tag}&")]


def test_round_trip_months_and_total(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    (private,) = models_by_month("pytorch", {"2023-01": 1})
    hidden = dataclasses.replace(private, id="acme-ai/secret", private=True)
    write(tmp_path, "pytorch", PYTORCH, placeholders=4, extra=[hidden])
    write(tmp_path, "tf", TF)
    _, batches = collect(tmp_path, serve, signal_context)

    assert [b.problem for b in batches if b.problem] == []
    # Empty months are zeros; nothing before March 2022; the private model is not counted.
    assert monthly(batches, "pytorch") == every_month(PYTORCH)
    assert monthly(batches, "tensorflow") == every_month(TF)
    assert totals(batches) == {"pytorch": sum(PYTORCH.values()) + 4, "tensorflow": sum(TF.values())}
    incomplete = {v.period for b in batches for v in b.values if not v.complete}
    assert incomplete == {"2024-06"}
    snapshot = {v.period for b in batches for v in b.values if v.measure == TOTAL}
    assert snapshot == {TODAY.isoformat()}
    assert {v.series for b in batches for v in b.values if v.framework == "tensorflow"} == {"tf"}


def test_placeholder_date_is_not_march_2022(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write(tmp_path, "pytorch", {"2022-03": 3, "2022-04": 1}, placeholders=7)
    write(tmp_path, "tf", {})
    _, batches = collect(tmp_path, serve, signal_context)

    body = json.loads(batches[0].requests[-1].body)
    assert sum(m["createdAt"] == PLACEHOLDER for m in body) == 7
    got = monthly(batches, "pytorch")
    assert (got["2022-03"], got["2022-04"]) == (3, 1)
    assert min(got) == FIRST_MONTH
    assert totals(batches)["pytorch"] == 3 + 1 + 7


def test_link_pagination(tmp_path: Path, serve: Serve, signal_context: MakeSignalContext) -> None:
    urls = write(tmp_path, "pytorch", PYTORCH, placeholders=2, page_size=3)
    write(tmp_path, "tf", TF)
    server, batches = collect(tmp_path, serve, signal_context)

    models = sum(PYTORCH.values()) + 2
    assert len(urls) == -(-models // 3)
    asked = listing_requests(server, "pytorch")
    assert [f"https://{r}" for r in asked] == urls
    (pages,) = [b.requests for b in batches if b.values and b.values[0].framework == "pytorch"]
    assert [p.url for p in pages] == urls
    assert [next_link(p.headers) for p in pages] == [*urls[1:], None]
    assert monthly(batches, "pytorch") == every_month(PYTORCH)
    assert totals(batches)["pytorch"] == models


def test_incremental_run_stops_paging_at_its_first_month(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    urls = write(tmp_path, "pytorch", PYTORCH, placeholders=2, page_size=3)
    write(tmp_path, "tf", TF)
    server, batches = collect(
        tmp_path, serve, signal_context, last_complete=lambda f, s, m: "2024-03"
    )

    # Newest first, the first model older than April 2024 is the one after the run's months.
    newer = sum(n for m, n in PYTORCH.items() if m >= "2024-04")
    assert [f"https://{r}" for r in listing_requests(server, "pytorch")] == urls[: newer // 3 + 1]
    assert monthly(batches, "pytorch") == every_month(PYTORCH, "2024-04")
    assert totals(batches) == {}  # no run paged to the end


def test_error_body_with_status_200(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write(tmp_path, "tf", TF)
    write_json_answer(tmp_path, list_url("pytorch"), {"error": "Invalid filter: pytorch"})
    _, batches = collect(tmp_path, serve, signal_context)

    problems = [b.problem for b in batches if b.problem]
    assert problems == [f"pytorch: {list_url('pytorch')}: error answer: Invalid filter: pytorch"]
    assert monthly(batches, "pytorch") == {}
    assert monthly(batches, "tensorflow") == every_month(TF)


def test_hang_keeps_the_pages_read_as_incomplete_and_others_go_on(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    urls = write(tmp_path, "pytorch", PYTORCH, page_size=3)
    write(tmp_path, "tf", TF)
    hang = f"hang:30@{urls[2].removeprefix('https://')}"
    _, batches = collect(tmp_path, serve, signal_context, hang, read_timeout=0.5)

    kept, failed, *rest = batches
    assert [p.url for p in kept.requests] == urls[:2]
    # Two pages hold June, four of May and one of April: June and May are settled, and kept
    # as incomplete so that the next run reads them again with the months before.
    assert {(v.period, v.value, v.complete) for v in kept.values} == {
        ("2024-05", 4, False),
        ("2024-06", 1, False),
    }
    assert failed.problem is not None and "\n" not in failed.problem
    assert failed.problem.startswith(f"pytorch: {urls[2]}: timeout")
    assert [b.problem for b in rest] == [None]
    assert monthly(rest, "tensorflow") == every_month(TF)


def test_real_recorded_listing(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    """The recorded body (two models of October and November 2025), served as a listing."""
    body = REAL.read_bytes()
    write_mirror_file(tmp_path, list_url("transformers"), body)
    created = [m["createdAt"][:7] for m in json.loads(body)]
    _, batches = collect(
        tmp_path, serve, signal_context, since="2025-10", today=date(2025, 11, 8),
        targets=(Target("transformers", huggingface=("transformers",)),),
    )  # fmt: skip
    got = monthly(batches, "transformers")
    assert got == {m: created.count(m) for m in ("2025-10", "2025-11")}
