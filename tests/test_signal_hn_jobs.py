"""hn-jobs signal: "Who is hiring?" threads written by the mirror builder, read over HTTP."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fwcensus.demo.sites.hn_site import (
    HiringThread,
    JobPost,
    Story,
    posts,
    write_thread,
    write_thread_list,
    write_threads,
)
from fwcensus.mirror.server import MirrorServer
from fwcensus.mirror.urls import file_for_url, write_json_answer, write_mirror_file
from fwcensus.signals.base import Batch, month_of, months_between
from fwcensus.signals.hn_jobs import (
    NAMING,
    SERIES,
    SIGNAL,
    TOTAL,
    item_url,
    list_url,
    thread_month,
)
from fwcensus.signals.targets import load_targets

from conftest import MakeSignalContext, Serve

REAL = Path("/work/shared/fixtures-real/signals/hn-algolia")
HOST = "hn.algolia.com"
TODAY = date(2024, 3, 10)
FRAMEWORKS = tuple(t.framework for t in load_targets() if t["hn"])

# Each post with the frameworks a reader finds named in it.
JANUARY: tuple[tuple[JobPost, frozenset[str]], ...] = (
    (JobPost("Acme | Backend | Python&#x2F;Go, Postgres<p>No ML here."), frozenset()),
    (JobPost("Globex | ML Engineer<p>We train our models in PyTorch."), frozenset({"pytorch"})),
    (
        JobPost("Initech | Research | PyTorch&#x2F;JAX, some TensorFlow"),
        frozenset({"pytorch", "jax", "tensorflow"}),
    ),
    (JobPost("Hooli | Java | Spring, JAX-RS and JAX-WS services"), frozenset()),
    (JobPost("Vandelay | Torch7 and Lua, torch.compile fans welcome"), frozenset()),
    (
        JobPost('Stark | our <i>Keras</i> models, <a href="https:&#x2F;&#x2F;mxnet.io">x</a>'),
        frozenset({"keras"}),
    ),
    (
        JobPost("Umbrella | Tensor Flow or py torch</p><p>MLX on Macs"),
        frozenset({"tensorflow", "pytorch", "mlx"}),
    ),
    (JobPost("Cyberdyne | PyTorch<p>JAX"), frozenset({"pytorch", "jax"})),
    (JobPost("Wayne | Rails", replies=("Do you use PyTorch?", "TensorFlow?")), frozenset()),
    (JobPost(None), frozenset()),  # deleted: no post at all
    (JobPost("<p> </p>"), frozenset()),  # empty: no post at all
)
FEBRUARY: tuple[tuple[JobPost, frozenset[str]], ...] = (
    (JobPost("Northwind | Elixir &amp; Phoenix"), frozenset()),
    (JobPost("Globex | iOS, Swift"), frozenset()),
)
MARCH: tuple[tuple[JobPost, frozenset[str]], ...] = (
    (
        JobPost("Initech | MindSpore &amp; PaddlePaddle ports"),
        frozenset({"mindspore", "paddlepaddle"}),
    ),
    (JobPost("Hooli | PyTorch"), frozenset({"pytorch"})),
)
PLAN = {"2024-01": JANUARY, "2024-02": FEBRUARY, "2024-03": MARCH}
IDS = {"2023-12": 38490811, "2024-01": 38842977, "2024-02": 39217310, "2024-03": 39562986}
OTHERS = (
    Story(38900001, "Ask HN: Who is hiring right now?", datetime(2024, 1, 8, tzinfo=UTC), 40),
    Story(39000002, "Show HN: Who is hiring refugees?", datetime(2024, 1, 20, tzinfo=UTC), 3),
)


def counted(posts: Sequence[tuple[JobPost, frozenset[str]]]) -> list[frozenset[str]]:
    """The frameworks of every post that counts (one with text)."""
    return [names for post, names in posts if post.text and post.text.strip("<p> /")]


def expected(months: Sequence[str]) -> dict[tuple[str, str, str], float]:
    values = {}
    for month in months:
        posts = counted(PLAN[month])
        for framework in FRAMEWORKS:
            values[framework, NAMING, month] = sum(framework in names for names in posts)
            values[framework, TOTAL, month] = len(posts)
    return values


def write_plan(root: Path, per_page: int = 20) -> None:
    threads = [HiringThread(m, IDS[m], tuple(p for p, _ in PLAN[m])) for m in PLAN]
    december = HiringThread("2023-12", IDS["2023-12"], (JobPost("Old | PyTorch"),))
    write_threads(root, [december, *threads], OTHERS, per_page)


def collect(
    root: Path, serve: Serve, signal_context: MakeSignalContext, faults: str | None = None,
    **options: Any,
) -> tuple[MirrorServer, list[Batch]]:  # fmt: skip
    server = serve(root, faults)
    options = {"since": "2024-01", "today": TODAY, **options}
    return server, list(SIGNAL.collect(signal_context(server.url, **options)))


def values_of(batches: Sequence[Batch]) -> dict[tuple[str, str, str], float]:
    return {(v.framework, v.measure, v.period): v.value for b in batches for v in b.values}


def items_asked(server: MirrorServer) -> list[str]:
    prefix = f"{HOST}/api/v1/items/"
    return [r.removeprefix(prefix) for r in server.requests if r.startswith(prefix)]


def lists_asked(server: MirrorServer) -> list[int]:
    prefix = f"{HOST}/api/v1/search_by_date?page="
    return [int(r.removeprefix(prefix).partition("&")[0]) for r in server.requests
            if r.startswith(prefix)]  # fmt: skip


def test_round_trip_counts_posts_naming_each_framework(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_plan(tmp_path)
    server, batches = collect(tmp_path, serve, signal_context)

    assert [b.problem for b in batches if b.problem] == []
    assert values_of(batches) == expected(list(PLAN))
    # Only the monthly threads of the months wanted are read: not December, not the others.
    assert items_asked(server) == [str(IDS[m]) for m in PLAN]
    complete = {v.period: v.complete for b in batches for v in b.values}
    assert complete == {"2024-01": True, "2024-02": True, "2024-03": False}
    for batch in batches:
        if batch.values:
            (fetched,) = batch.requests
            month = {v.period for v in batch.values}.pop()
            assert fetched.url == item_url(IDS[month])
            assert thread_month(json.loads(fetched.body)["title"]) == month
            assert {v.series for v in batch.values} == {SERIES}


def test_real_recorded_list_page_and_thread(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    """The recorded answers themselves: the first list page (September back to July 2023) and
    the April 2011 thread, whose four top-level posts name no framework."""
    page0 = (REAL / "search_by_date_whoishiring_page0.json").read_bytes()
    write_mirror_file(tmp_path, list_url(0), page0)
    for hit in json.loads(page0)["hits"]:
        month = thread_month(hit["title"])
        assert month is not None
        write_thread(tmp_path, HiringThread(month, int(hit["objectID"]), posts("Acme | PyTorch")))
    server, batches = collect(
        tmp_path, serve, signal_context, since="2023-08", today=date(2023, 9, 25)
    )
    assert values_of(batches)["pytorch", NAMING, "2023-08"] == 1
    assert sorted({v.period for b in batches for v in b.values}) == ["2023-08", "2023-09"]
    assert lists_asked(server) == [0]  # July 2023 is on it: older pages are not asked for

    real = tmp_path / "real2011"
    april = (REAL / "items_2396027_trimmed.json").read_bytes()
    write_mirror_file(real, item_url(2396027), april)
    posted = datetime(2011, 4, 1, 13, 11, 26, tzinfo=UTC)
    write_thread_list(real, [Story(2396027, "Ask HN: Who is Hiring? (April 2011)", posted, 219)])
    _, batches = collect(real, serve, signal_context, since="2011-04", today=date(2011, 5, 2))
    top_level = len(json.loads(april)["children"])
    assert values_of(batches) == {
        key: value
        for framework in FRAMEWORKS
        for key, value in (((framework, NAMING, "2011-04"), 0),
                           ((framework, TOTAL, "2011-04"), top_level))
    }  # fmt: skip


def test_titles_of_the_real_thread_list() -> None:
    """Every monthly thread of 2011-2023 is dated by its title, which matches the month it was
    posted in; the account's other stories are no thread."""
    stories = json.loads((REAL / "whoishiring_threads_2011-2023_index.json").read_text())
    others = {s["title"] for s in stories if thread_month(s["title"]) is None}
    assert others == {
        "Ask HN: Should we agree that this account will submit all Who is Hiring posts?",
        "Ask HN: Who is hiring right now?",
        "Show HN: Who is hiring refugees? Or, hacking visas to help refugees",
    }
    for story in stories:
        if story["title"] not in others:
            posted = datetime.fromisoformat(story["created_at"].replace("Z", "+00:00"))
            assert thread_month(story["title"]) == month_of(posted)


def test_thread_list_paging(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    months = months_between("2020-01", "2023-09")
    threads = [HiringThread(m, 20_000_000 + i, (JobPost("PyTorch"),) * (i % 3))
               for i, m in enumerate(months)]  # fmt: skip
    write_threads(tmp_path, threads, per_page=20)
    today = date(2023, 9, 20)
    server, batches = collect(tmp_path, serve, signal_context, since="2015-01", today=today)

    pages = -(-len(months) // 20)
    assert lists_asked(server) == list(range(pages))  # the page after the last is not needed
    got = values_of(batches)
    assert {m: got["pytorch", NAMING, m] for m in months} == {
        t.month: len(t.posts) for t in threads
    }

    # Algolia's nbPages is an estimate (exhaustiveNbHits false): an empty page ends the list.
    for page in range(pages + 1):
        file = file_for_url(tmp_path, list_url(page))
        file.write_text(json.dumps({**json.loads(file.read_text()), "nbPages": pages + 5}))
    server, _ = collect(tmp_path, serve, signal_context, since="2015-01", today=today)
    assert lists_asked(server) == list(range(pages + 1))

    # A page reaching stories older than the first month wanted is the last one asked for.
    server, batches = collect(tmp_path, serve, signal_context, since="2023-01", today=today)
    assert lists_asked(server) == [0]
    assert items_asked(server) == [str(t.object_id) for t in threads if t.month >= "2023-01"]


def test_incremental_run_reads_only_threads_from_the_start_month(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_plan(tmp_path)

    def last_complete(framework: str, series: str, measure: str) -> str | None:
        return None if framework == "pytorch" else "2024-01"

    server, batches = collect(tmp_path, serve, signal_context, last_complete=last_complete)
    assert items_asked(server) == [str(IDS[m]) for m in PLAN]  # pytorch still needs January
    everything = expected(list(PLAN))
    wanted = {k: v for k, v in everything.items() if k[2] > "2024-01" or k[0] == "pytorch"}
    assert values_of(batches) == wanted

    server, batches = collect(
        tmp_path, serve, signal_context, last_complete=lambda f, s, m: "2024-01"
    )
    assert items_asked(server) == [str(IDS["2024-02"]), str(IDS["2024-03"])]
    assert {v.period for b in batches for v in b.values} == {"2024-02", "2024-03"}


def test_error_body_with_status_200(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_plan(tmp_path)
    february = item_url(IDS["2024-02"])
    write_json_answer(tmp_path, february, {"message": "Index unavailable", "status": 503})
    server, batches = collect(tmp_path, serve, signal_context)

    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1
    assert "\n" not in problems[0]
    assert february in problems[0] and "Index unavailable" in problems[0]
    assert problems[0].startswith(f"{SERIES} 2024-02: ")
    # January is kept; March is not stored past the failed month (the next run asks again).
    assert values_of(batches) == expected(["2024-01"])
    assert items_asked(server) == [str(IDS["2024-01"]), str(IDS["2024-02"])]

    write_json_answer(tmp_path, list_url(0), {"message": "invalid tags", "status": 400})
    server, batches = collect(tmp_path, serve, signal_context)
    assert [b.problem for b in batches] == [f"{SERIES}: {list_url(0)}: error answer: invalid tags"]
    assert items_asked(server) == []


def test_hanging_thread_fails_in_one_line_and_the_next_run_resumes(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_plan(tmp_path)
    hang = f"hang:30@{HOST}/api/v1/items/{IDS['2024-02']}"
    server, batches = collect(tmp_path, serve, signal_context, hang, read_timeout=0.5)

    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1
    assert problems[0].startswith(f"{SERIES} 2024-02: {item_url(IDS['2024-02'])}: timeout")
    assert "\n" not in problems[0]
    assert values_of(batches) == expected(["2024-01"])

    stored = max(v.period for b in batches for v in b.values if v.complete)
    server, batches = collect(tmp_path, serve, signal_context, last_complete=lambda f, s, m: stored)
    assert items_asked(server) == [str(IDS["2024-02"]), str(IDS["2024-03"])]
    assert values_of(batches) == expected(["2024-02", "2024-03"])
