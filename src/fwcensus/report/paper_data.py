"""The evidence browser's data: two JSON files per venue-year beside index.html, loaded on demand.

``data/<venue>-<year>.json`` holds that venue-year's papers as the counts and the list see
them: title, work, text and fetch state, each framework family's role per method, what its own
code uses (only what differs from the usual; the page fills in the rest).
``data/<venue>-<year>.detail.json`` holds, per paper id, what its detail shows: authors,
links, every verdict with its first sentences, its own repository's verdicts and the code-link
decisions; it is loaded when a paper of that venue-year is first opened. ``data/index.json``
lists the files with their venue, year, paper count, sizes and the years their works count in
over all venues. The page carries the same index, so it never lists a directory; it fetches a
file the first time a count, filter or search needs its papers.

A small store's files are also inlined in index.html as ``<script type="application/json">``
blocks (parsed only when needed), so the page works from ``file://``; a large store's page
stays small and is served over HTTP (``fwcensus report --serve`` or any static server).
Data files are JSON only: the page's script shows every string with ``textContent``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from fwcensus.aggregate import frameworks as fw
from fwcensus.catalogue.frameworks import Catalogue
from fwcensus.models import Record

DATA_DIR = "data"
INDEX_FILE = "index.json"
# Up to this many bytes of paper data (a few thousand papers) the page inlines them, so file://
# works; past it they are only in data/ and the page is served.
INLINE_LIMIT = 3_000_000
LINKABLE = re.compile(r"https?://", re.IGNORECASE)
EVIDENCE_PER_VERDICT = 8  # sentences kept per (paper, method, framework) in the browser
REPO_EVIDENCE_PER_VERDICT = 8  # repository files kept per (paper, framework) in the browser
CODE_LINKS_PER_PAPER = 12  # code links (taken and rejected) kept per paper in the browser


class Inline(StrEnum):
    AUTO = "auto"  # inline up to INLINE_LIMIT bytes
    ALWAYS = "inline"
    NEVER = "files"


@dataclass(frozen=True)
class DataFile:
    venue: str  # label: "ACL", "ACL findings", "arXiv cs.LG"
    year: int
    file: str  # name inside data/: the papers as the counts and the list see them
    detail: str  # name inside data/: per paper id, what its detail shows
    papers: int
    bytes: int  # of both files
    work_years: tuple[int, ...]  # years its papers' works count in over all venues


def safe_href(url: str | None, page: int | None = None) -> str | None:
    """A URL fit for an href, or None: only http(s) becomes a link (no javascript:, data:),
    as the page's script decides too."""
    if not url or not LINKABLE.match(url):
        return None
    return f"{url}#page={page}" if page else url


def problem(paper: Record) -> str | None:
    """Why a paper has no usable text, or None."""
    if paper["doc_status"] in ("failed", "skipped"):
        return f"fetch {paper['doc_status']}: {paper['doc_error']}"
    if paper["doc_status"] == "fetched" and paper["text_status"] in ("failed", "no-text"):
        return f"text {paper['text_status']}: {paper['text_error']}"
    return None


def paper_records(
    papers: Sequence[Record],
    evidence: Sequence[sqlite3.Row],
    facts: Mapping[int, fw.PaperFacts],
    work_year: Mapping[int, int],
    repo_rows: Mapping[int, list[dict[str, Any]]],
    link_rows: Mapping[int, list[dict[str, Any]]],
    methods: Sequence[str],
    catalogue: Catalogue,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The browser's record of each paper, what every count's predicate reads
    (``browser.js`` ``MEASURES``), and per paper id what its detail shows. ``papers`` and
    ``evidence``: the store's ``papers.report_rows`` and ``verdicts.report_rows``."""
    records: dict[int, dict[str, Any]] = {}
    details: dict[int, dict[str, Any]] = {}
    for paper in papers:
        fact = facts[paper["paper_id"]]
        # Only what differs from the usual is written (the page fills in the rest: venue and
        # year from the file, work = the paper, work year = the year, false, none): a list
        # file of a big venue-year is read whole when one of its counts is clicked.
        paper_id, year = paper["paper_id"], paper["year"]
        record: dict[str, Any] = {"id": paper_id, "t": paper["title"]}
        if fact.work != paper_id:
            record["w"] = fact.work
            if work_year.get(fact.work, year) != year:
                record["wy"] = work_year[fact.work]
        if fact.source == "arxiv":
            record["arx"] = 1
        if fact.fetched:
            record["f"] = 1
        if fact.has_text:
            record["x"] = 1
        reason = problem(paper)
        if reason:
            record["p"] = reason
        detail: dict[str, Any] = {
            # The authors as the store keeps them, a JSON list: the page parses it when the
            # paper is shown (decoding and encoding a million lists here would cost seconds).
            "a": paper["authors"],
            "u": safe_href(paper["pdf_url"]),
            "pg": safe_href(paper["page_url"]),
            "m": {},
        }
        if fact.has_code:
            repo = _repo_record(repo_rows.get(paper["paper_id"], []))
            if repo is not None:
                detail["r"] = repo
            # What the source table counts, from the same facts: families used by code and
            # combined.
            record["c"] = {
                "code": sorted(fact.used(methods[0], fw.CODE)),
                "combined": {m: sorted(fact.used(m, fw.COMBINED)) for m in methods},
            }
        links = link_rows.get(paper["paper_id"])
        if links:
            detail["k"] = _link_records(links)
            detail["kn"] = len(links)
        records[paper["paper_id"]] = record
        details[paper["paper_id"]] = detail
    shown: list[Any] = []
    last = None
    # Unpacked in the store's column order: a million rows read by name cost seconds.
    for paper_id, verdict_id, method, framework, role, confidence, page, *hit in evidence:
        listed = records.get(paper_id)
        if listed is None or "x" not in listed:
            continue
        if verdict_id != last:
            last = verdict_id
            family = catalogue.family(framework)
            # The list needs each family's role; the detail names the framework too.
            listed.setdefault("m", {}).setdefault(method, []).append([family, role])
            shown = [framework, family, role, round(confidence, 3), 0, []]
            details[paper_id]["m"].setdefault(method, []).append(shown)
        if page is None:
            continue
        shown[4] += 1
        if len(shown[5]) < EVIDENCE_PER_VERDICT:
            shown[5].append([page, *hit])
    return list(records.values()), {str(k): v for k, v in details.items()}


def _repo_record(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The browser's view of a paper's own repository: its URL and commit, and per framework
    the repository verdict with the files that decided it (file, line, text)."""
    if not rows:
        return None
    first = rows[0]
    verdicts: dict[str, list[Any]] = {}
    for row in rows:
        verdict = verdicts.setdefault(
            row["framework"], [row["framework"], row["role"], round(row["score"], 3), 0, []]
        )
        if row["file"] is None:
            continue
        verdict[3] += 1
        if len(verdict[4]) < REPO_EVIDENCE_PER_VERDICT:
            verdict[4].append([row["file"], row["line"], row["text"], row["kind"]])
    url = f"https://{first['host']}/{first['owner']}/{first['name']}"
    return {"u": safe_href(url), "n": url, "c": first["commit_sha"], "v": list(verdicts.values())}


def _link_records(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The browser's view of the own-link decision: each code link the repos stage looked at,
    the taken one first, as ``[href, url, role, score, taken, why, reasons]``; the link goes to
    the repository the printed URL was parsed as."""
    return [
        [
            safe_href(f"https://{row['host']}/{row['owner']}/{row['name']}"),
            row["url"],
            row["role"],
            round(row["score"], 2),
            bool(row["chosen"]),
            row["decision"] or "",
            row["reasons"],
        ]
        for row in rows[:CODE_LINKS_PER_PAPER]
    ]


class DataWriter:
    """Writes the venue-year files as the report's pass produces them, then the index."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir / DATA_DIR
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*.json"):
            old.unlink()  # a venue-year no longer in the store must not linger
        self.files: list[DataFile] = []

    def write(
        self,
        venue: str,
        year: int,
        records: Sequence[Mapping[str, Any]],
        details: Mapping[str, Any],
    ) -> DataFile:
        stem = self._stem(venue, year)
        sizes = [
            self._dump(f"{stem}.json", list(records)),
            self._dump(f"{stem}.detail.json", details),
        ]
        entry = DataFile(
            venue=venue,
            year=year,
            file=f"{stem}.json",
            detail=f"{stem}.detail.json",
            papers=len(records),
            bytes=sum(sizes),
            work_years=tuple(sorted({r.get("wy", year) for r in records})),
        )
        self.files.append(entry)
        return entry

    def _dump(self, name: str, value: Any) -> int:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
        data = text.encode("utf-8")
        (self.dir / name).write_bytes(data)
        return len(data)

    def _stem(self, venue: str, year: int) -> str:
        stem = re.sub(r"[^a-z0-9]+", "-", venue.lower()).strip("-") or "venue"
        taken = {f.file for f in self.files}
        name, n = f"{stem}-{year}", 1
        while f"{name}.json" in taken:  # two labels that differ only in punctuation
            n += 1
            name = f"{stem}-{n}-{year}"
        return name

    def finish(self, inline: Inline) -> DataIndex:
        self.files.sort(key=lambda f: (f.venue, f.year))
        total = sum(f.bytes for f in self.files)
        inlined = inline == Inline.ALWAYS or (inline == Inline.AUTO and total <= INLINE_LIMIT)
        index = DataIndex(files=self.files, inline=inlined, bytes=total)
        (self.dir / INDEX_FILE).write_text(json.dumps(index.as_json(), indent=1), "utf-8")
        return index

    def text(self, name: str) -> str:
        return (self.dir / name).read_text("utf-8")


@dataclass(frozen=True)
class DataIndex:
    files: list[DataFile]
    inline: bool  # whether index.html carries the files too
    bytes: int

    def as_json(self) -> dict[str, Any]:
        return {
            "dir": DATA_DIR,
            "inline": self.inline,
            "bytes": self.bytes,
            "files": [asdict(f) for f in self.files],
        }
