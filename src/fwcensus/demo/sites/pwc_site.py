"""Write the Papers with Code archive's links-between-papers-and-code into a mirror folder.

One Parquet file at the ``pwc-archive`` signal's URL (the Hub dataset's ``data/train-00000-of-
00001.parquet``), with the ten string and boolean columns of the dump in their order:
``paper_url``, ``paper_title``, ``paper_arxiv_id``, ``paper_url_abs``, ``paper_url_pdf``,
``repo_url``, ``is_official``, ``mentioned_in_paper``, ``mentioned_in_github``, ``framework``.
Papers, titles, repositories and labels are synthetic; the URLs follow the dump's patterns
(``https://paperswithcode.com/paper/{slug}``, ``http://arxiv.org/abs/{id}v1``).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fwcensus.mirror.urls import write_mirror_file
from fwcensus.signals.base import months_between
from fwcensus.signals.pwc_archive import ARCHIVE
from fwcensus.signals.targets import Target

# Typed so that mypy takes every column's type as the DataType it is.
_FIELDS: list[tuple[str, pa.DataType]] = [
    ("paper_url", pa.string()),
    ("paper_title", pa.string()),
    ("paper_arxiv_id", pa.string()),
    ("paper_url_abs", pa.string()),
    ("paper_url_pdf", pa.string()),
    ("repo_url", pa.string()),
    ("is_official", pa.bool_()),
    ("mentioned_in_paper", pa.bool_()),
    ("mentioned_in_github", pa.bool_()),
    ("framework", pa.string()),
]
SCHEMA = pa.schema(_FIELDS)
FROZEN = "2025-07"  # the last month of the final dump


@dataclass(frozen=True)
class PaperLink:
    arxiv_id: str | None  # None: a paper without an arXiv identifier
    repo: str  # owner/name on GitHub
    framework: str  # Papers with Code's label: pytorch, tf, jax, ..., none
    official: bool = True


def row(link: PaperLink, number: int) -> dict[str, object]:
    slug = f"a-study-of-things-{number}"
    abs_url = f"http://arxiv.org/abs/{link.arxiv_id}v1" if link.arxiv_id else None
    return {
        "paper_url": f"https://paperswithcode.com/paper/{slug}",
        "paper_title": f"A Study of Things {number}",
        "paper_arxiv_id": link.arxiv_id,
        "paper_url_abs": abs_url or f"https://openreview.net/forum?id=x{number}",
        "paper_url_pdf": f"http://arxiv.org/pdf/{link.arxiv_id}v1.pdf" if link.arxiv_id else None,
        "repo_url": f"https://github.com/{link.repo}",
        "is_official": link.official,
        "mentioned_in_paper": link.official,
        "mentioned_in_github": True,
        "framework": link.framework,
    }


def write_archive(root: Path, links: list[PaperLink]) -> bytes:
    table = pa.Table.from_pylist([row(link, n) for n, link in enumerate(links)], schema=SCHEMA)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="snappy")
    data = sink.getvalue()
    write_mirror_file(root, ARCHIVE, data)
    return data


def arxiv_id(month: str, number: int) -> str:
    """A new-style arXiv identifier of ``month`` (five digits from 2015 on, four before)."""
    digits = 5 if month >= "2015-01" else 4
    return f"{month[2:4]}{month[5:7]}.{number:0{digits}d}"


# Demo shape: shares of labelled papers per month; PyTorch overtakes TensorFlow in 2019.
def _shares(month: str) -> dict[str, float]:
    age = len(months_between("2015-01", month)) / 12
    pytorch = min(0.8, 0.03 + 0.14 * max(0.0, age - 1.5))
    jax = min(0.06, 0.01 * max(0.0, age - 4))
    return {"pytorch": pytorch, "tf": max(0.1, 0.85 - pytorch - jax), "jax": jax, "none": 0.05}


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Links from 2015-01 to the archive's last month (or ``today``, if earlier), 40 a month,
    some papers without an arXiv id and some community (not official) implementations."""
    rng = random.Random(f"pwc-sample:{seed}")
    last = min(FROZEN, f"{today.year:04d}-{today.month:02d}")
    links = []
    for month in months_between("2015-01", last):
        shares = _shares(month)
        for number in range(1, 41):
            label = rng.choices(list(shares), weights=list(shares.values()))[0]
            paper = None if number % 13 == 0 else arxiv_id(month, number)
            repo = f"lab{number % 7}/{month.replace('-', '')}-{number}"
            links.append(PaperLink(paper, repo, label, official=number % 5 != 0))
    write_archive(root, links)
