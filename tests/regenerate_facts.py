"""Regenerate the fixture facts that the tests take from the team's shared material.

    python tests/regenerate_facts.py            # write them into tests/fixtures/
    python tests/regenerate_facts.py --check    # exit 1 and name the files that differ

Reads ``$FWCENSUS_SHARED`` (default: ``shared`` beside the repository) and writes facts only,
never third-party text: the structure signature of each recorded payload the mirror builders
imitate (``tests/skeleton.py``: tags, attribute names, keys; no text) and, from the 2019
study's reference data, its published per-venue numbers and per list the number of papers, how
many the study found naming PyTorch and TensorFlow, and the Anthology numbering and preface
positions that full-size listings reproduce with generated titles. The committed output is what
``pytest`` reads; ``pytest -m recorded`` checks it is current.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from skeleton import signature

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
STUDY = "reference/study2019"

# The recorded payloads whose structure the mirror builders reproduce: fixtures folder ->
# (path in the shared folder, kind).
RECORDED: dict[str, list[tuple[str, str]]] = {
    "cvf": [("fixtures-real/cvf/CVPR2024_day-all.first6.html", "html")],
    "acl-anthology": [
        ("fixtures-real/acl-anthology/data/xml/N19.trimmed.xml", "xml"),
        ("fixtures-real/acl-anthology/data/xml/2024.acl.trimmed.xml", "xml"),
    ],
    "arxiv": [
        (f"fixtures-real/arxiv/{name}", "xml")
        for name in (
            "oaipmh_ListRecords_arXivRaw_set-cs-cs-AI_2025-05-01_lastpage.xml",
            "oaipmh_ListRecords_arXiv_set-physics-astro-ph_2013-04-03_onerecord.xml",
            "export_api_query_id_list_1707.08567.atom.xml",
            "export_api_query_id_list_astro-ph_0601001.atom.xml",
            "export_api_query_id_list_0000.0000_empty.atom.xml",
            "export_api_query_id_list_abc_http400_error.atom.xml",
            "export_api_query_search_testing_start0_max10.atom.xml",
            "export_api_query_search_testing_start10_max10.atom.xml",
        )
    ],
    "openreview": [
        *(
            (f"fixtures-real/openreview/v1_ICLR{year}_blind_submission_and_decision_note.json",
             "json")
            for year in range(2018, 2023)
        ),
        ("fixtures-real/openreview/v1_ICLR2020_blind_submission_details-directReplies.json",
         "json"),
    ],
}  # fmt: skip

# An Anthology id at the end of the study's PDF links: N19-1001 or 2020.acl-main.1.
ANTHOLOGY_ID = re.compile(
    r"[A-Z]\d\d-(?P<volume>\d)(?P<number>\d{3})"
    r"|\d{4}\.[a-z]+-(?P<new_volume>[a-z]+)\.(?P<new_number>\d+)"
)


def shared_root() -> Path:
    """The team's shared folder: $FWCENSUS_SHARED, else ``shared`` beside the repository."""
    configured = os.environ.get("FWCENSUS_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


def structure_file(source: str, recorded: str) -> Path:
    return FIXTURES / source / "structure" / f"{Path(recorded).name}.json"


def facts(shared: Path) -> dict[Path, str]:
    """Every facts file, by where it goes, with its content."""
    out = {}
    for source, payloads in RECORDED.items():
        for recorded, kind in payloads:
            sig = signature((shared / recorded).read_bytes(), kind)
            out[structure_file(source, recorded)] = _json({"recorded": recorded, **sig})
    out[FIXTURES / "study2019" / "published.csv"] = _published(shared / STUDY / "data.csv")
    lists = sorted((shared / STUDY / "per_paper").glob("*.json"))
    per_list = {path.stem: _list_facts(json.loads(path.read_text("utf-8"))) for path in lists}
    out[FIXTURES / "study2019" / "per_paper.json"] = _json(per_list)
    return out


def _published(data_csv: Path) -> str:
    """data.csv (conference, MM/YY, PyTorch-only, TensorFlow-only, total) with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["venue", "month", "pytorch_only", "tensorflow_only", "papers"])
    for row in csv.reader(data_csv.read_text("utf-8").splitlines()):
        writer.writerow(row)
    return out.getvalue()


def _list_facts(papers: list[dict[str, Any]]) -> dict[str, Any]:
    named = Counter(
        tuple(word for word in ("pytorch", "tensorflow") if word in p["metadata"]["words"])
        for p in papers
    )
    out: dict[str, Any] = {
        "papers": len(papers),
        "pytorch_only": named[("pytorch",)],
        "tensorflow_only": named[("tensorflow",)],
        "both": named[("pytorch", "tensorflow")],
        "neither": named[()],
        "with_code": sum(bool(p["metadata"].get("code")) for p in papers),
        "prefaces": [i for i, p in enumerate(papers) if p["name"].lower().startswith("preface")],
    }
    volumes = _anthology_volumes(papers)
    if volumes:
        out["anthology_volumes"] = volumes
    return out


def _anthology_volumes(papers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per Anthology volume of the list: its highest paper number and the numbers missing."""
    numbers: dict[str, set[int]] = {}
    for paper in papers:
        link = unquote(paper["pdf_link"]).rsplit("/", 1)[1].removesuffix(".pdf")
        match = ANTHOLOGY_ID.fullmatch(link)
        if match is None:
            return {}
        volume = match["volume"] or match["new_volume"]
        numbers.setdefault(volume, set()).add(int(match["number"] or match["new_number"]))
    return {
        volume: {"last": max(found), "missing": sorted(set(range(1, max(found))) - found)}
        for volume, found in sorted(numbers.items())
    }


def _json(value: Any) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    shared = shared_root()
    if not (shared / "fixtures-real").is_dir():
        print(f"no shared material at {shared}: set FWCENSUS_SHARED", file=sys.stderr)
        return 2
    stale = []
    for path, content in facts(shared).items():
        if path.exists() and path.read_text("utf-8") == content:
            continue
        stale.append(path)
        if "--check" not in argv:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    verb = "differ" if "--check" in argv else "written"
    for path in stale:
        print(f"{verb}: {path.relative_to(REPO)}")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
