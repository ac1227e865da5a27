"""The Papers with Code archive: papers per month whose code repository runs on each framework,
and how often its framework label agrees with fwcensus's own reading of the same repository.

Papers with Code closed in July 2025; its last data dump, ``links-between-papers-and-code``
(one record per paper-repository link: ``paper_url``, ``paper_title``, ``paper_arxiv_id``,
``paper_url_abs``, ``paper_url_pdf``, ``repo_url``, ``is_official``, ``mentioned_in_paper``,
``mentioned_in_github``, ``framework``), is kept as Parquet by the ``pwc-archive`` organisation
on the Hugging Face Hub, the one copy still served: ``GET https://huggingface.co/datasets/
pwc-archive/links-between-paper-and-code/resolve/main/data/train-00000-of-00001.parquet``.

Papers are dated by their arXiv identifier (its YYMM: the month of the first version); links
without one are left out. ``framework`` is Papers with Code's own label (``pytorch``, ``tf``,
``jax``, ``mxnet``, ``paddle``, ``torch``, ``caffe2``, ``mindspore``, ``none``), mapped to
fwcensus's frameworks by targets.toml's ``pwc``. The archive is frozen: it is read once, its
months are final, and what is kept of it (the four columns read, rows with a framework label) is
read back from the store by later runs to check the labels again against the repositories
fwcensus has read since.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fwcensus.catalogue.code_hosts import HUGGING_FACE
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.signals.base import (
    Batch,
    Fetched,
    Measure,
    SignalContext,
    SignalError,
    Value,
    arxiv_id_month,
    extract,
    months_between,
)

ARCHIVE = (
    "https://huggingface.co/datasets/pwc-archive/links-between-paper-and-code/resolve/main/"
    "data/train-00000-of-00001.parquet"
)
COLUMNS = ("paper_arxiv_id", "repo_url", "is_official", "framework")
KEPT = f"{ARCHIVE}#columns:{','.join(COLUMNS)}"
SERIES = "links-between-papers-and-code"
OFFICIAL = "papers-official"
ANY = "papers-any"
AGREEING = "repos-agreeing"
COMPARED = "repos-compared"


@dataclass(frozen=True)
class Link:
    arxiv_id: str | None
    repo: str  # host/owner/name, lower case
    official: bool
    label: str  # Papers with Code's framework label


def repo_key(url: str) -> str:
    """``https://github.com/Owner/Name.git/`` -> ``github.com/owner/name``."""
    text = url.strip().lower().split("://", 1)[-1].rstrip("/").removesuffix(".git")
    return "/".join(text.split("/")[:3])


def read_links(url: str, data: IO[bytes], labels: set[str]) -> pa.Table:
    """The archive's four columns, rows with one of ``labels`` only."""
    try:
        table = pq.read_table(data, columns=list(COLUMNS))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise SignalError(url, f"not a readable archive ({exc})") from None
    framework = pc.cast(table.column("framework"), pa.string())
    return table.filter(pc.is_in(framework, pa.array(sorted(labels))))


def links(table: pa.Table) -> list[Link]:
    return [
        Link(row["paper_arxiv_id"] or None, repo_key(row["repo_url"] or ""),
             bool(row["is_official"]), row["framework"])
        for row in table.to_pylist()
    ]  # fmt: skip


def table_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


class PwcArchiveSignal:
    name = "pwc-archive"
    title = "Papers with Code archive"
    hosts = (HUGGING_FACE,)
    target_fields = ("pwc",)
    measures = (
        Measure(
            OFFICIAL,
            unit="papers",
            kind="monthly",
            query=f"GET {ARCHIVE}: papers (by arXiv id) with an is_official repository whose"
            " framework label is the framework's (targets.toml pwc), by the month of the id",
            description="Papers of the month whose official code, per Papers with Code, runs on"
            " the framework.",
        ),
        Measure(
            ANY,
            unit="papers",
            kind="monthly",
            query=f"as {OFFICIAL}, any linked repository (official or not)",
            description="Papers of the month with any linked implementation on the framework.",
        ),
        Measure(
            AGREEING,
            unit="repositories",
            kind="snapshot",
            query=f"repositories of {ARCHIVE} that fwcensus also read (repos stage), labelled"
            " with the framework there and judged to use it here",
            description="Repositories Papers with Code labels with the framework that fwcensus's"
            " own reading also finds using it; the share is the agreement rate.",
            share_of=COMPARED,
        ),
        Measure(
            COMPARED,
            unit="repositories",
            kind="snapshot",
            query=f"repositories of {ARCHIVE} labelled with the framework that fwcensus read",
            description="Repositories labelled with the framework that both judged.",
        ),
    )
    caveats = (
        "Papers with Code closed in July 2025: a historical series that ends with the archive's"
        " last month, a partial month at that.",
        "Papers are dated by their arXiv identifier (the first version's month); papers without"
        " one are left out.",
        "Papers with Code labels a repository with one framework, found by its own scan of the"
        " code; fwcensus's repos stage reads the same repositories its own way. The agreement"
        " rate is over the repositories both judged, as of the run.",
        "Which papers got linked code depends on authors and volunteers adding links, and on"
        " Papers with Code's own automatic matching; its coverage grew over the years.",
        "Only frameworks Papers with Code labels count: Keras and MLX code counts as TensorFlow"
        " (or not at all).",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        labels = {label: t.framework for t in ctx.targets for label in t["pwc"]}
        if not labels:
            return
        frameworks = set(labels.values())
        if all(ctx.last_complete(f, SERIES, OFFICIAL) for f in frameworks):
            # Frozen and stored: only the check against fwcensus's repositories is new.
            kept = ctx.local.stored_answer(self.name, KEPT)
            if kept is not None:
                table = pq.read_table(io.BytesIO(kept.body))
                yield self._agreement(ctx, kept, links(table), labels)
            return
        yield from ctx.guarded(SERIES, lambda: self._read(ctx, labels))

    def _read(self, ctx: SignalContext, labels: Mapping[str, str]) -> Iterator[Batch]:
        fetched, data = ctx.download(ARCHIVE)
        with data:
            table = read_links(fetched.url, data, set(labels))
        kept = extract(fetched, f"columns:{','.join(COLUMNS)}", table_bytes(table))
        found = links(table)
        yield Batch((kept,), tuple(self._monthly(ctx, found, labels)))
        yield self._agreement(ctx, kept, found, labels)

    @staticmethod
    def _monthly(
        ctx: SignalContext, found: list[Link], labels: Mapping[str, str]
    ) -> Iterator[Value]:
        papers: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for link in found:
            month = arxiv_id_month(link.arxiv_id or "")
            if month is None or month < ctx.since:
                continue
            framework = labels[link.label]
            papers[(framework, ANY, month)].add(link.arxiv_id or "")
            if link.official:
                papers[(framework, OFFICIAL, month)].add(link.arxiv_id or "")
        months = [m for _, _, m in papers]
        if not months:
            return
        for framework in sorted(set(labels.values())):
            for measure in (OFFICIAL, ANY):
                for month in months_between(min(months), max(months)):
                    count = len(papers.get((framework, measure, month), ()))
                    yield Value(framework, SERIES, measure, month, count)

    @staticmethod
    def _agreement(
        ctx: SignalContext, kept: Fetched, found: list[Link], labels: Mapping[str, str]
    ) -> Batch:
        catalogue = load_catalogue()
        read = ctx.local.repo_frameworks()
        label_of: dict[str, set[str]] = defaultdict(set)
        for link in found:
            if link.repo in read:
                label_of[link.repo].add(labels[link.label])
        compared: dict[str, int] = defaultdict(int)
        agreeing: dict[str, int] = defaultdict(int)
        for repo, frameworks in label_of.items():
            ours = {catalogue.family(f) for f in read[repo]}
            for framework in frameworks:
                compared[framework] += 1
                agreeing[framework] += catalogue.family(framework) in ours
        day = ctx.today.isoformat()
        values = [
            Value(framework, SERIES, measure, day, float(count))
            for framework in sorted(compared)
            for measure, count in ((COMPARED, compared[framework]), (AGREEING, agreeing[framework]))
        ]
        return Batch((kept,), tuple(values))


SIGNAL = PwcArchiveSignal()
