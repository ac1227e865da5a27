"""Build the demo sample: a mirror of CVF listings and PDFs whose framework content is known.

Everything is generated from one seed, so a sample is identical wherever it is built, and
``truth.json`` records what each paper says, so a run over the mirror can be checked paper by
paper. A few papers are broken on purpose, one of each way real downloads go wrong.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fwcensus.demo.papertext import (
    Usage,
    frameworks_named,
    make_authors,
    make_paper,
    make_title,
    make_topic,
    paper_text,
)
from fwcensus.demo.pdfgen import PaperDoc, render_paper_pdf, render_scanned_pdf
from fwcensus.demo.sites.cvf_site import CvfEntry, make_slug, write_cvf_year
from fwcensus.demo.sites.github_site import write_repo
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.sources.cvf_years import BASE_URL, listing_urls

VENUES = ("CVPR", "ICCV")
YEARS = (2019, 2021, 2023)  # one year of the day-page layout, two of the ?day=all layout
PAPERS_PER_VENUE_YEAR = (15, 25)
BROKEN_KINDS = ("truncated", "html", "missing", "scanned", "empty")
# These fail at download: the server answers 404, or 200 with a body that is no whole PDF.
FAILS_AT_FETCH = frozenset({"truncated", "html", "missing", "empty"})
# The first paper of these venue-years gets a title with "&" and "<", one per markup era.
MARKUP_TITLE_AT = frozenset({("CVPR", 2019), ("ICCV", 2023)})
ARXIV_SHARE = 0.6  # of 2021+ entries; pre-2021 listings have no arXiv links
SUPP_SHARE = 0.6
MENTION_SHARE = 0.2  # papers naming a framework they do not use in the related work
CITE_ONLY_SHARE = 0.25  # papers citing a framework they neither use nor name

# Share of a venue-year's papers stating each set of used frameworks. PyTorch rises and
# TensorFlow falls from 2019 to 2023, as the 2019 study and later counts found.
USED_MIX: dict[int, tuple[tuple[tuple[str, ...], float], ...]] = {
    2019: (
        ((), 0.36),
        (("pytorch",), 0.24),
        (("tensorflow",), 0.18),
        (("pytorch", "tensorflow"), 0.05),
        (("caffe",), 0.06),
        (("torch7",), 0.04),
        (("mxnet",), 0.03),
        (("keras",), 0.04),
    ),
    2021: (
        ((), 0.36),
        (("pytorch",), 0.40),
        (("tensorflow",), 0.12),
        (("tensorflow", "pytorch"), 0.04),
        (("jax",), 0.04),
        (("mxnet",), 0.02),
        (("keras",), 0.02),
    ),
    2023: (
        ((), 0.34),
        (("pytorch",), 0.52),
        (("tensorflow",), 0.04),
        (("pytorch", "tensorflow"), 0.03),
        (("jax",), 0.05),
        (("keras",), 0.02),
    ),
}
# How likely each framework is to be named or cited without being used, by era.
OTHER_WEIGHTS: dict[int, dict[str, int]] = {
    2019: {"pytorch": 3, "tensorflow": 4, "caffe": 2, "torch7": 1, "mxnet": 1, "keras": 1},
    2021: {"pytorch": 4, "tensorflow": 3, "jax": 1, "mxnet": 1, "keras": 1, "caffe": 1},
    2023: {"pytorch": 4, "tensorflow": 2, "jax": 2, "keras": 1},
}
ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n"
    b"<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your "
    b"request due to maintenance downtime or capacity problems. Please try again later.</p>"
    b"</body></html>\n"
)


@dataclass(frozen=True)
class TruthPaper:
    """What one sample paper says and how a run over the mirror should see it."""

    venue: str
    year: int
    title: str
    authors: tuple[str, ...]
    pdf_url: str
    broken: str | None  # one of BROKEN_KINDS
    expect_fetch: str  # "fetched" | "failed"
    expect_text: str | None  # "ok" | "no-text"; None when the fetch fails
    # Whether the substring occurs, case-insensitively, in the text a reader can get out of
    # the PDF (always False for a broken one): what the 2019 method should find.
    names_pytorch: bool
    names_tensorflow: bool
    used: tuple[str, ...]
    mentioned: tuple[str, ...]
    cited: tuple[str, ...]
    # What the repository the paper links (its own, or an earlier paper's it shares) uses.
    code_uses: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TruthPaper:
        keys = ("authors", "used", "mentioned", "cited", "code_uses")
        tuples = {key: tuple(data.get(key, ())) for key in keys}
        return cls(**{**data, **tuples})


@dataclass(frozen=True)
class Sample:
    out_dir: Path
    mirror_dir: Path
    truth_path: Path
    papers: tuple[TruthPaper, ...]


@dataclass(frozen=True)
class _Planned:
    venue: str
    year: int
    entry: CvfEntry
    doc: PaperDoc
    usage: Usage


def load_truth(truth_path: Path) -> tuple[TruthPaper, ...]:
    data = json.loads(truth_path.read_text(encoding="utf-8"))
    return tuple(TruthPaper.from_json(paper) for paper in data["papers"])


def build_sample(out_dir: Path, seed: int = 2019) -> Sample:
    """Write ``out_dir/mirror/`` and ``out_dir/truth.json``; the same seed gives the same bytes.

    An existing ``out_dir/mirror`` is replaced, so no file of an earlier build (say, a PDF
    that is meant to be missing now) survives.
    """
    rng = random.Random(seed)
    mirror_dir = out_dir / "mirror"
    if mirror_dir.exists():
        shutil.rmtree(mirror_dir)
    mirror_dir.mkdir(parents=True)

    planned = _plan_papers(rng)
    broken_at = dict(
        zip(rng.sample(range(len(planned)), len(BROKEN_KINDS)), BROKEN_KINDS, strict=True)
    )
    pdf_urls = _write_listings(mirror_dir, planned)
    released: dict[str, tuple[str, ...]] = {}
    papers = tuple(
        _write_paper(mirror_dir, plan, url, broken_at.get(number), released)
        for number, (plan, url) in enumerate(zip(planned, pdf_urls, strict=True))
    )
    truth_path = out_dir / "truth.json"
    truth = {
        "seed": seed,
        "venues": [_venue_json(venue, year, papers) for venue in VENUES for year in YEARS],
        "papers": [asdict(paper) for paper in papers],
    }
    truth_path.write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return Sample(out_dir, mirror_dir, truth_path, load_truth(truth_path))


def _plan_papers(rng: random.Random) -> list[_Planned]:
    planned: list[_Planned] = []
    titles: set[str] = set()
    for venue in VENUES:
        for year in YEARS:
            count = rng.randint(*PAPERS_PER_VENUE_YEAR)
            for number, usage in enumerate(_usage_plan(rng, year, count)):
                markup = number == 0 and (venue, year) in MARKUP_TITLE_AT
                planned.append(_plan_paper(rng, venue, year, usage, titles, markup))
    return planned


def _plan_paper(
    rng: random.Random, venue: str, year: int, usage: Usage, titles: set[str], markup: bool
) -> _Planned:
    topic = make_topic(rng, year)
    title = make_title(rng, topic, markup_chars=markup)
    while title in titles:  # two papers with one title would share a slug
        topic = make_topic(rng, year)
        title = make_title(rng, topic, markup_chars=markup)
    titles.add(title)
    authors = make_authors(rng)
    watermark = (
        f"This {venue} {year} paper is the Open Access version, provided by the Computer Vision "
        "Foundation.\nExcept for this watermark, it is identical to the accepted version;\n"
        "the final published version of the proceedings is available on IEEE Xplore."
    )
    doc = make_paper(rng, usage, year, topic, title, authors, watermark)
    entry = CvfEntry(
        title=title,
        authors=tuple(authors),
        slug=make_slug(venue, year, authors[0].split()[-1], title),
        arxiv_id=_arxiv_id(rng, year) if year >= 2021 and rng.random() < ARXIV_SHARE else None,
        has_supp=rng.random() < SUPP_SHARE,
    )
    return _Planned(venue, year, entry, doc, usage)


def _arxiv_id(rng: random.Random, year: int) -> str:
    # Posted in the autumn before the conference, as most CVPR/ICCV preprints are.
    return f"{(year - 1) % 100:02d}{rng.randint(9, 12):02d}.{rng.randint(1, 19999):05d}"


def _usage_plan(rng: random.Random, year: int, count: int) -> list[Usage]:
    """Usages for ``count`` papers: the used mix by exact quota, other roles drawn at random."""
    used_sets = [used for used, n in _quotas(USED_MIX[year], count) for _ in range(n)]
    rng.shuffle(used_sets)
    return [_usage(rng, year, used) for used in used_sets]


def _quotas(
    mix: Sequence[tuple[tuple[str, ...], float]], count: int
) -> list[tuple[tuple[str, ...], int]]:
    # Largest remainder: a quota keeps the trend exact even for 15 papers.
    exact = [share * count for _, share in mix]
    counts = [int(value) for value in exact]
    by_remainder = sorted(range(len(mix)), key=lambda i: exact[i] - counts[i], reverse=True)
    for index in by_remainder[: count - sum(counts)]:
        counts[index] += 1
    return [(used, n) for (used, _), n in zip(mix, counts, strict=True)]


def _usage(rng: random.Random, year: int, used: tuple[str, ...]) -> Usage:
    taken = set(used)
    mentioned = _draw_others(rng, year, taken, 1) if rng.random() < MENTION_SHARE else ()
    taken.update(mentioned)
    cited = (
        _draw_others(rng, year, taken, rng.randint(1, 2)) if rng.random() < CITE_ONLY_SHARE else ()
    )
    return Usage(used=used, mentioned=mentioned, cited=cited)


def _draw_others(rng: random.Random, year: int, taken: set[str], count: int) -> tuple[str, ...]:
    weights = {fw: w for fw, w in OTHER_WEIGHTS[year].items() if fw not in taken}
    drawn: list[str] = []
    while weights and len(drawn) < count:
        framework = rng.choices(list(weights), weights=list(weights.values()))[0]
        drawn.append(framework)
        del weights[framework]
    return tuple(drawn)


def _write_listings(mirror_dir: Path, planned: Sequence[_Planned]) -> list[str]:
    urls: list[str] = []
    for venue in VENUES:
        for year in YEARS:
            entries = [p.entry for p in planned if (p.venue, p.year) == (venue, year)]
            urls += write_cvf_year(mirror_dir, venue, year, entries)
    return urls


def _write_paper(
    mirror_dir: Path,
    plan: _Planned,
    pdf_url: str,
    broken: str | None,
    released: dict[str, tuple[str, ...]],
) -> TruthPaper:
    if broken != "missing":
        write_mirror_file(mirror_dir, pdf_url, _pdf_bytes(plan.doc, broken))
    code_uses = _write_code(mirror_dir, plan, released)
    named = frameworks_named(paper_text(plan.doc)) if broken is None else set()
    if broken in FAILS_AT_FETCH:
        fetch, text = "failed", None
    else:
        fetch, text = "fetched", {None: "ok", "scanned": "no-text"}[broken]
    return TruthPaper(
        venue=plan.venue,
        year=plan.year,
        title=plan.entry.title,
        authors=plan.entry.authors,
        pdf_url=pdf_url,
        broken=broken,
        expect_fetch=fetch,
        expect_text=text,
        names_pytorch="pytorch" in named,
        names_tensorflow="tensorflow" in named,
        used=plan.usage.used,
        mentioned=plan.usage.mentioned,
        cited=plan.usage.cited,
        code_uses=code_uses,
    )


# What a released repository of each framework says about it: a manifest line and an import.
REPO_FILES: dict[str, dict[str, str]] = {
    "pytorch": {"requirements.txt": "numpy\ntorch==1.8.0\n", "train.py": "import torch\n"},
    "tensorflow": {"requirements.txt": "tensorflow==2.4.0\n", "train.py": "import tensorflow\n"},
    "keras": {"requirements.txt": "keras==2.3.1\n", "train.py": "import keras\n"},
    "jax": {"requirements.txt": "jax==0.2.9\nflax\n", "train.py": "import jax\n"},
    "mxnet": {"requirements.txt": "mxnet==1.6.0\n", "train.py": "import mxnet\n"},
}
CODE_LINK = re.compile(r"https://github\.com/([\w-]+)/([\w-]+)")


def _write_code(
    mirror_dir: Path, plan: _Planned, released: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The repository a paper's footnote links, as GitHub's API serves it, so the demo reads
    real code; a repository some earlier paper already released is left as it is. Returns the
    frameworks that repository uses (``released`` remembers them per repository)."""
    for note in plan.doc.footnotes:
        link = CODE_LINK.search(note)
        if link is None:
            continue
        owner, name = link.groups()
        key = f"{owner}/{name}"
        if key not in released:
            used = plan.usage.used[0] if plan.usage.used else None
            files = {"README.md": f"# {plan.entry.title}\n", **REPO_FILES.get(used or "", {})}
            write_repo(mirror_dir, owner, name, files)
            released[key] = (used,) if used in REPO_FILES else ()
        return released[key]
    return ()


def _pdf_bytes(doc: PaperDoc, broken: str | None) -> bytes:
    if broken == "html":
        return ERROR_PAGE
    if broken == "empty":
        return b""
    if broken == "scanned":
        return render_scanned_pdf(doc)
    data = render_paper_pdf(doc)
    # Half a PDF still starts with %PDF- but has lost its cross-reference table and trailer.
    return data[: len(data) // 2] if broken == "truncated" else data


def _venue_json(venue: str, year: int, papers: Sequence[TruthPaper]) -> dict[str, Any]:
    return {
        "venue": venue,
        "year": year,
        "landing_url": f"{BASE_URL}/{venue}{year}",
        "listing_urls": listing_urls(venue, year),
        "papers": sum(1 for p in papers if (p.venue, p.year) == (venue, year)),
    }
